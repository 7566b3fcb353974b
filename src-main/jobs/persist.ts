// Pending jobs on disk: the client rewrites one small JSON file whenever its queue changes, so
// a queue cut short by a crash or a quit can be offered again at the next start. The file is
// replaced atomically (write a temporary file, rename), synchronously because it is a few
// hundred bytes and the order of saves must be the order of changes.

import { readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { JobId, WorkerJobRequest } from './protocol.js';

export interface PersistedJob {
  readonly jobId: JobId;
  readonly request: WorkerJobRequest;
  /** Set for the job that was running: its temporary output, which a crash may have left. */
  readonly tempPath?: string;
  /** The job that was running when the session ended. */
  readonly running?: boolean;
  /** Sessions that ended while this job ran (a job that brings the whole app down is not run again forever). */
  readonly crashes?: number;
  /** When the job last started to run (ms since 1970), if it did: a resumed extract knows its own files by it. */
  readonly startedAt?: number;
}

interface FileShape {
  readonly version: 1;
  readonly jobs: readonly PersistedJob[];
}

export class PendingJobStore {
  constructor(readonly filePath: string) {}

  /**
   * The jobs saved last time; [] when there is no file. A file that cannot be read or is not
   * ours to read (damaged, or written by a newer version) is moved aside to `FILE.unreadable`,
   * so the next save does not destroy it, and `warn` says so.
   */
  load(warn: (message: string) => void = () => undefined): PersistedJob[] {
    let text: string;
    try {
      text = readFileSync(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read the pending jobs in ${this.filePath}: ${(error as Error).message}`);
      return [];
    }
    let why: string;
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed.version === 1 && Array.isArray(parsed.jobs)) {
        return parsed.jobs.filter((job: unknown) => {
          const problem = jobProblem(job);
          if (problem !== undefined) warn(`a pending job in ${this.filePath} is not resumed: ${problem}`);
          return problem === undefined;
        });
      }
      why = `not a version 1 list of jobs`;
    } catch (error) {
      why = (error as Error).message;
    }
    const aside = `${this.filePath}.unreadable`;
    try {
      renameSync(this.filePath, aside);
      warn(`the pending jobs in ${this.filePath} cannot be read (${why}); they are not resumed, and the file is kept as ${aside}`);
    } catch (error) {
      warn(`the pending jobs in ${this.filePath} cannot be read (${why}), nor moved aside: ${(error as Error).message}`);
    }
    return [];
  }

  save(jobs: readonly PersistedJob[]): void {
    if (jobs.length === 0) {
      rmSync(this.filePath, { force: true });
      return;
    }
    mkdirSync(path.dirname(this.filePath), { recursive: true });
    const temp = `${this.filePath}.${process.pid}.tmp`;
    const body: FileShape = { version: 1, jobs };
    try {
      writeFileSync(temp, JSON.stringify(body, null, 1));
      renameSync(temp, this.filePath);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // nothing to remove
      }
      throw error;
    }
  }
}

/**
 * What is wrong with a job read back from the file (hand-edited, or written by another version),
 * or undefined: a job the worker would run as it was queued. Its paths are absolute, as the
 * client queues them.
 */
export function jobProblem(job: unknown): string | undefined {
  if (!isRecord(job) || typeof job['jobId'] !== 'string' || job['jobId'] === '') return 'no job id';
  const problem = requestProblem(job['request']);
  if (problem !== undefined) return `job ${job['jobId']}: ${problem}`;
  if (!optional(job['tempPath'], isAbsolutePath) || !optional(job['running'], isBoolean) || !optional(job['crashes'], isCount) || !optional(job['startedAt'], isCount)) return `job ${job['jobId']}: its state is not what this version writes`;
  return undefined;
}

function requestProblem(request: unknown): string | undefined {
  if (!isRecord(request)) return 'no request';
  const has = (key: string, check: (value: unknown) => boolean): boolean => check(request[key]);
  const may = (key: string, check: (value: unknown) => boolean): boolean => optional(request[key], check);
  switch (request['kind']) {
    case 'create':
      if (!has('outputPath', isAbsolutePath)) return 'a create without an absolute outputPath';
      if (!has('sources', (v) => Array.isArray(v) && v.length > 0 && v.every(isAbsolutePath))) return 'a create without its sources (absolute paths)';
      if (!may('level', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 9)) return 'a create whose level is not 0 to 9';
      if (!may('excludes', isStrings) || !may('followSymlinks', isBoolean) || !may('comment', isString) || !may('deterministic', isBoolean)) return 'a create whose options are not what this version writes';
      if (!may('onExists', (v) => v === 'replace' || v === 'fail' || v === 'unique')) return 'a create whose onExists is not replace, fail or unique';
      if (!may('otherOutputs', (v) => Array.isArray(v) && v.every(isAbsolutePath))) return 'a create whose other outputs are not absolute paths';
      if (!may('numbered', (v) => isRecord(v) && isAbsolutePath(v['base']) && isCount(v['from']))) return 'a create whose numbering is not what this version writes';
      return undefined;
    case 'extract':
      if (!has('archivePath', isAbsolutePath) || !has('outputDir', isAbsolutePath)) return 'an extract without an absolute archivePath and outputDir';
      if (!may('entries', isStrings) || !may('entryRanges', isRanges) || !may('overwrite', (v) => v === 'skip' || v === 'replace' || v === 'rename' || isBoolean(v)) || !may('archiveIdentity', isIdentity) || !may('resumedFrom', isCount)) return 'an extract whose options are not what this version writes';
      return undefined;
    case 'test':
      if (!has('archivePath', isAbsolutePath)) return 'a test without an absolute archivePath';
      if (!may('archiveIdentity', isIdentity)) return 'a test whose archive identity is not what this version writes';
      return undefined;
    default:
      return `a job of unknown kind ${JSON.stringify(request['kind'])}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every(isString);
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isCount(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isAbsolutePath(value: unknown): boolean {
  return typeof value === 'string' && value !== '' && !value.includes('\0') && path.isAbsolute(value);
}

/** Pairs of first and end, ascending and apart (indexRanges). */
function isRanges(value: unknown): boolean {
  return Array.isArray(value) && value.length % 2 === 0 && value.every((n, i) => isCount(n) && (i === 0 || (n as number) > (value[i - 1] as number)));
}

function isIdentity(value: unknown): boolean {
  return isRecord(value) && ['dev', 'ino', 'size', 'mtimeMs'].every((key) => typeof value[key] === 'number');
}

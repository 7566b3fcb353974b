// Pending jobs on disk, so a queue cut short by a crash or a quit can be offered again at the
// next start. Two files, each changed by the main thread alone, so the order of saves is the
// order of changes:
// - the queue (FILE): every pending job, as JSON, replaced atomically (write a temporary file,
//   rename); rewritten whole, so the client saves it at most a few times a second (a batch of
//   3,000 folders rewrote it 12,000 times, 4 GB, 70 s of the main thread), and while jobs run,
//   writes it off the main thread (stage, then commit: 10,000 queued folders are 2.5 MB, some
//   4–6 ms of writing that a job's events would wait for);
// - the running record (FILE.running): the job being run, with its temporary output, and the
//   jobs that ended since the queue was last saved; saved before the job is sent to the worker,
//   when its temporary output is known and as soon as it ends, so a crash at any moment knows
//   what ran and what is done. load() reads the queue through it. Its first line is the whole
//   record, replaced atomically as the queue file is; each change after it is a line appended
//   (RunningChange): replacing it at each of a job's three moments cost some 100 µs each on
//   ext4, whose rename over a file flushes that file's data first, and up to 400 µs while the
//   worker wrote, 9.5 s of the main thread in a batch of 10,000 folders; an append is 3–5 µs.
//   It is written whole again once the queue file has taken in what ended.

import { appendFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JobId, WorkerJobRequest } from './protocol.js';
import { writeAtomically } from '../settings-file.js';

export interface PersistedJob {
  readonly jobId: JobId;
  readonly request: WorkerJobRequest;
  /** Set for the job that was running: its temporary output, which a crash may have left. */
  readonly tempPath?: string;
  /**
   * With tempPath: that file's identity (temp-file.ts fileIdentity), which it keeps when it is put
   * in place: a job that ran to the end of its work before a crash is known by it.
   */
  readonly tempIdentity?: string;
  /** The job that was running when the session ended. */
  readonly running?: boolean;
  /** The running job was being cancelled by the user when the session ended: its leftovers are removed, it is not run again. */
  readonly cancelled?: boolean;
  /** Sessions that ended while this job ran (a job that brings the whole app down is not run again forever). */
  readonly crashes?: number;
  /** When the job last started to run (ms since 1970), if it did: a resumed extract knows its own files by it. */
  readonly startedAt?: number;
}

/** What the running record holds (FILE.running). */
export interface RunningRecord {
  /** The job being run (`running` set), with its request: it may not be in the queue file yet. */
  readonly running?: PersistedJob;
  /** Jobs that ended since the queue file was saved: no longer pending, whatever it says. */
  readonly ended: readonly JobId[];
}

/** A queue file written under a temporary name (PendingJobStore.stage), not yet in place. */
export interface StagedSave {
  /** Puts it in place (a synchronous rename: commits land in the order they are made). */
  commit(): void;
  /** Removes it: a later save has been made. */
  discard(): void;
}

interface FileShape {
  readonly version: 1;
  readonly jobs: readonly PersistedJob[];
}

interface RunningShape extends RunningRecord {
  readonly version: 1;
}

/** A line appended to the running record: jobs that ended since, and the running job if it changed (null: none runs). */
interface RunningChange {
  ended?: JobId[];
  running?: PersistedJob | null;
}

/** The running record as this store last wrote it, whole or with changes appended. */
interface WrittenRecord {
  readonly ended: readonly JobId[];
  /** The running job as JSON. */
  readonly running: string | undefined;
  readonly bytes: number;
}

/** A running record longer than this is written whole again at its next change, not appended to. */
const MAX_RUNNING_RECORD_BYTES = 64 * 1024;

export class PendingJobStore {
  readonly runningPath: string;
  /** Staged saves made, for their temporary names. */
  private staged = 0;
  /** What the running record's file holds, if this store wrote it. */
  private written: WrittenRecord | undefined;

  constructor(readonly filePath: string) {
    this.runningPath = `${filePath}.running`;
  }

  /**
   * The jobs saved last time, as the running record leaves them: those ended since the queue was
   * saved left out, the running one marked so (first, when the queue file does not have it yet);
   * [] when there is no file. A queue file that cannot be read or is not ours to read (damaged,
   * or written by a newer version) is moved aside to `FILE.unreadable`, so the next save does not
   * destroy it, and `warn` says so; a running record that cannot be read is ignored, with a warning.
   */
  load(warn: (message: string) => void = () => undefined): PersistedJob[] {
    const queued = this.loadQueue(warn);
    const record = this.loadRunning(warn);
    if (record === undefined) return queued;
    const ended = new Set(record.ended);
    const jobs = queued.filter((job) => !ended.has(job.jobId));
    const running = record.running;
    if (running === undefined || ended.has(running.jobId)) return jobs;
    const at = jobs.findIndex((job) => job.jobId === running.jobId);
    if (at === -1) return [running, ...jobs];
    jobs[at] = running;
    return jobs;
  }

  /**
   * Saves the running record; `undefined` removes it (nothing runs, the queue file says the rest).
   * What changed since this store last wrote it is appended to it, while the jobs it listed as
   * ended still head its list (no queue file has taken them in since).
   */
  saveRunning(record: RunningRecord | undefined): void {
    if (record === undefined) {
      this.written = undefined;
      rmSync(this.runningPath, { force: true });
      return;
    }
    const running = record.running === undefined ? undefined : JSON.stringify(record.running);
    const last = this.written;
    if (last !== undefined && last.bytes < MAX_RUNNING_RECORD_BYTES && startsWith(record.ended, last.ended)) {
      const change: RunningChange = {};
      if (record.ended.length > last.ended.length) change.ended = record.ended.slice(last.ended.length);
      if (running !== last.running) change.running = record.running ?? null;
      if (change.ended === undefined && change.running === undefined) return;
      const line = `${JSON.stringify(change)}\n`;
      // Written in the moment the change is (and would be written so were it the whole record):
      // if this fails, what the file held before is known to be in it.
      this.written = undefined;
      appendFileSync(this.runningPath, line);
      this.written = { ended: [...record.ended], running, bytes: last.bytes + Buffer.byteLength(line) };
      return;
    }
    const body: RunningShape = { version: 1, ...record };
    const text = `${JSON.stringify(body)}\n`;
    this.written = undefined;
    writeAtomically(this.runningPath, text);
    this.written = { ended: [...record.ended], running, bytes: Buffer.byteLength(text) };
  }

  /**
   * Removes what saves of a process that has ended left when it fell as it wrote: the temporary
   * files of writeAtomically (`FILE.PID.tmp`, `FILE.running.PID.tmp`) and of stage (`FILE.PID.N.tmp`),
   * megabytes each for a batch of thousands of folders, which nothing else removes.
   */
  removeLeftTemps(ended: (pid: number) => boolean): void {
    const folder = path.dirname(this.filePath);
    const base = path.basename(this.filePath);
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (!name.startsWith(`${base}.`) || !name.endsWith('.tmp')) continue;
      const middle = name.slice(base.length + 1, -'.tmp'.length).replace(/^running\./, '');
      if (!/^\d+(\.\d+)?$/.test(middle) || !ended(Number.parseInt(middle, 10))) continue;
      rmSync(path.join(folder, name), { force: true });
    }
  }

  /** Whether there is a running record (a session that ended without closing the client). */
  hasRunningRecord(): boolean {
    return existsSync(this.runningPath);
  }

  private loadRunning(warn: (message: string) => void): RunningRecord | undefined {
    let text: string;
    try {
      text = readFileSync(this.runningPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read the running job in ${this.runningPath}: ${(error as Error).message}`);
      return undefined;
    }
    const lines = text.split('\n');
    let parsed: RunningShape;
    try {
      parsed = JSON.parse(lines[0]!) as RunningShape;
    } catch (error) {
      warn(`the running job in ${this.runningPath} cannot be read (${(error as Error).message}); it is ignored`);
      return undefined;
    }
    if (!isRecord(parsed) || parsed.version !== 1 || !isStrings(parsed.ended)) {
      warn(`the running job in ${this.runningPath} cannot be read (not a version 1 record); it is ignored`);
      return undefined;
    }
    const ended = [...parsed.ended];
    let running: unknown = parsed.running;
    for (let i = 1; i < lines.length; i++) {
      if (lines[i] === '') continue;
      let change: unknown;
      try {
        change = JSON.parse(lines[i]!);
      } catch (error) {
        // The last line, cut short as it was written (each line ends in a newline when whole):
        // the record is what the lines before it say.
        if (i === lines.length - 1) break;
        warn(`the running job in ${this.runningPath} cannot be read (line ${i + 1}: ${(error as Error).message}); it is ignored`);
        return undefined;
      }
      if (!isRecord(change) || !optional(change['ended'], isStrings) || !optional(change['running'], (v) => v === null || isRecord(v))) {
        warn(`the running job in ${this.runningPath} cannot be read (line ${i + 1} is not a change this version writes); it is ignored`);
        return undefined;
      }
      const { ended: more, running: now } = change as RunningChange;
      for (const id of more ?? []) ended.push(id);
      if (now !== undefined) running = now ?? undefined;
    }
    const problem = running === undefined ? undefined : jobProblem(running);
    if (problem !== undefined) warn(`the running job in ${this.runningPath} is not resumed: ${problem}`);
    return { ended, ...(running !== undefined && problem === undefined && { running: { ...(running as PersistedJob), running: true } }) };
  }

  private loadQueue(warn: (message: string) => void): PersistedJob[] {
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
      if (isRecord(parsed) && parsed.version === 1 && Array.isArray(parsed.jobs)) {
        const ids = new Set<JobId>();
        return parsed.jobs.filter((job: unknown) => {
          const problem = jobProblem(job);
          if (problem !== undefined) warn(`a pending job in ${this.filePath} is not resumed: ${problem}`);
          else if (ids.has((job as PersistedJob).jobId)) warn(`a pending job in ${this.filePath} is not resumed: job ${(job as PersistedJob).jobId} is listed before`);
          else {
            ids.add((job as PersistedJob).jobId);
            return true;
          }
          return false;
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
    writeAtomically(this.filePath, queueText(jobs));
  }

  /**
   * What save(jobs) writes, written now under a temporary name of its own off the main thread;
   * the caller commits it, or discards it when a later save was made meanwhile. Made into text
   * at once: the jobs are as they are now.
   */
  async stage(jobs: readonly PersistedJob[]): Promise<StagedSave> {
    if (jobs.length === 0) return { commit: () => rmSync(this.filePath, { force: true }), discard: () => undefined };
    const text = queueText(jobs);
    const temp = `${this.filePath}.${process.pid}.${++this.staged}.tmp`;
    try {
      await mkdir(path.dirname(this.filePath), { recursive: true });
      await writeFile(temp, text);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    const discard = (): void => rmSync(temp, { force: true });
    return {
      commit: () => {
        try {
          renameSync(temp, this.filePath);
        } catch (error) {
          discard();
          throw error;
        }
      },
      discard,
    };
  }
}

/** The queue file: compact JSON (indented, 10,000 queued folders took a third more to write). */
function queueText(jobs: readonly PersistedJob[]): string {
  const body: FileShape = { version: 1, jobs };
  return JSON.stringify(body);
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
  if (!optional(job['tempPath'], isAbsolutePath) || !optional(job['tempIdentity'], isIdentityText) || !optional(job['running'], isBoolean) || !optional(job['cancelled'], isBoolean) || !optional(job['crashes'], isCount) || !optional(job['startedAt'], isCount)) return `job ${job['jobId']}: its state is not what this version writes`;
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
      if (!may('madeFolder', isAbsolutePath)) return 'a create whose made folder is not an absolute path';
      if (!may('numbered', (v) => isRecord(v) && isAbsolutePath(v['base']) && isCount(v['from']))) return 'a create whose numbering is not what this version writes';
      return undefined;
    case 'extract':
      if (!has('archivePath', isAbsolutePath) || !has('outputDir', isAbsolutePath)) return 'an extract without an absolute archivePath and outputDir';
      if (!may('entries', isStrings) || !may('entryRanges', isRanges) || !may('overwrite', (v) => v === 'skip' || v === 'replace' || v === 'rename' || isBoolean(v)) || !may('archiveIdentity', isIdentity) || !may('resumedFrom', isCount)) return 'an extract whose options are not what this version writes';
      if (!may('nameEncoding', isString)) return 'an extract whose name encoding is not a string';
      return undefined;
    case 'test':
      if (!has('archivePath', isAbsolutePath)) return 'a test without an absolute archivePath';
      if (!may('archiveIdentity', isIdentity)) return 'a test whose archive identity is not what this version writes';
      if (!may('nameEncoding', isString)) return 'a test whose name encoding is not a string';
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

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

/** Whether `list` begins with every item of `head`, in order. */
function startsWith<T>(list: readonly T[], head: readonly T[]): boolean {
  if (head.length > list.length) return false;
  for (let i = 0; i < head.length; i++) if (list[i] !== head[i]) return false;
  return true;
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

/** `DEV:INO` (temp-file.ts fileIdentity). */
function isIdentityText(value: unknown): boolean {
  return typeof value === 'string' && /^\d+:\d+$/.test(value);
}

function isIdentity(value: unknown): boolean {
  return isRecord(value) && ['dev', 'ino', 'size', 'mtimeMs'].every((key) => typeof value[key] === 'number');
}

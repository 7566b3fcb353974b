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
      if (parsed.version === 1 && Array.isArray(parsed.jobs)) return parsed.jobs.filter((job) => typeof job?.jobId === 'string' && typeof job.request?.kind === 'string');
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

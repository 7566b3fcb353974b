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

  /** The jobs saved last time; [] when there is no file or it cannot be read. */
  load(): PersistedJob[] {
    let text: string;
    try {
      text = readFileSync(this.filePath, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed.version !== 1 || !Array.isArray(parsed.jobs)) return [];
      return parsed.jobs.filter((job) => typeof job?.jobId === 'string' && typeof job.request?.kind === 'string');
    } catch {
      return [];
    }
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

// The messages of background jobs, as discriminated unions tagged with a job id.
// Three conversations use them: callers → queue (JobRequest), main → worker (ToWorker), and
// worker → main (FromWorker), which the client turns into JobEvents for everyone who listens
// (the IPC layer forwards them to the renderer, the CLI draws a progress bar). Types and
// constants only, so the renderer's contract can import them.

import type { ArchiveNote } from '../zip/model.js';
import type { Worded } from '../zip/errors.js';

export type JobId = string;

/** A file as it was when the user opened it: a job refuses it once it is replaced or changed (archive/file-source.ts). */
export interface ArchiveIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Create an archive from files and folders (archive/create.ts). */
export interface CreateJobRequest {
  readonly kind: 'create';
  readonly outputPath: string;
  readonly sources: readonly string[];
  /** 0–9, default 6. */
  readonly level?: number;
  readonly excludes?: readonly string[];
  readonly followSymlinks?: boolean;
  readonly comment?: string;
  readonly deterministic?: boolean;
  /** If the target exists when the job finishes: 'replace' (default), 'fail', or 'unique' (` (2)`, ` (3)`, …). */
  readonly onExists?: 'replace' | 'fail' | 'unique';
  /** For 'unique': outputPath is `base` numbered `from` by the batch's plan (archive/temp-file.ts). */
  readonly numbered?: { readonly base: string; readonly from: number };
  /** Other archives of the same batch inside the sources: left out, as the output itself is (jobs/batch.ts). */
  readonly otherOutputs?: readonly string[];
  /**
   * A folder the command made for the batch's archives inside the sources (`batch p -o p/out`):
   * left out with all in it, since it was not there when the user asked (jobs/batch.ts).
   */
  readonly madeFolder?: string;
}

/** N folders → N create jobs, each `FOLDER.zip` beside its folder or in `outputDir` (jobs/batch.ts). */
export interface BatchJobRequest {
  readonly kind: 'batch';
  readonly folders: readonly string[];
  readonly outputDir?: string;
  /** The first folder the command made to have outputDir (mkdir -p), if it made any. */
  readonly madeOutputDir?: string;
  readonly level?: number;
  readonly excludes?: readonly string[];
}

/** Extract an archive into a folder (archive/extract.ts, from the extract engineer). */
export interface ExtractJobRequest {
  readonly kind: 'extract';
  readonly archivePath: string;
  readonly outputDir: string;
  /** Only these entry names (the command line); all when absent. */
  readonly entries?: readonly string[];
  /**
   * Only the entries of these indexes (the window, whose rows are entries: two may share a name),
   * as pairs of first and end (exclusive), ascending; all when absent.
   */
  readonly entryRanges?: readonly number[];
  /** For a name already taken: 'skip' (default), 'replace', or 'rename'. (`true`, from queues kept by older versions, is 'replace'.) */
  readonly overwrite?: 'skip' | 'replace' | 'rename' | boolean;
  /** The archive as the app opened it, listed and checked: a file changed since is refused. */
  readonly archiveIdentity?: ArchiveIdentity;
  /** The code page names not flagged UTF-8 are read in, as the window reads them (zip/names.ts codePageOf); the usual reading when absent. */
  readonly nameEncoding?: string;
  /**
   * Set on a 'rename' extract resumed after a quit or crash: when its first run started (ms since
   * 1970). A name taken by a file changed since then is what that run wrote, and is skipped rather
   * than written again beside itself as `name (1)` (archive/extract.ts ExtractOptions.resumedFrom).
   */
  readonly resumedFrom?: number;
}

/** Test every entry's data and CRC (archive/test-archive.ts, from the extract engineer). */
export interface TestJobRequest {
  readonly kind: 'test';
  readonly archivePath: string;
  /** As for extract. */
  readonly archiveIdentity?: ArchiveIdentity;
  /** As for extract. */
  readonly nameEncoding?: string;
}

export type JobRequest = CreateJobRequest | BatchJobRequest | ExtractJobRequest | TestJobRequest;
/** What the worker runs: a batch has become its create jobs before it gets there. */
export type WorkerJobRequest = CreateJobRequest | ExtractJobRequest | TestJobRequest;
export type JobKind = JobRequest['kind'];

export interface JobProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly entriesDone: number;
  readonly entriesTotal: number;
  readonly currentEntry: string;
  /** Over the job so far. */
  readonly bytesPerSecond: number;
  /** Undefined until there is a rate to go by, and while counting. */
  readonly etaSeconds: number | undefined;
  /**
   * The totals are still being counted: a create's walk goes on, and what it has found so far is
   * in bytesTotal and entriesTotal (they grow; done stays at or below them).
   */
  readonly counting?: boolean;
}

export interface JobResult {
  readonly outputPath: string;
  readonly sizes: { readonly input: number; readonly output: number };
  /** output / input (0 when the input is empty). */
  readonly ratio: number;
  readonly entries: number;
  readonly durationMs: number;
  /** What a user should know of a job that succeeded: entries skipped or renamed, names that matched nothing (at most MAX_NOTES, then a count). */
  readonly problems?: readonly JobNote[];
  /**
   * What a test or an extract read around in the archive as a whole (zip/archive-notes.ts: data
   * before or after it, bytes in its directory…), with their codes and numbers, so that the window
   * words them in its language as its safety report does. None when there are none.
   */
  readonly notes?: readonly ArchiveNote[];
}

/** A line about an entry or the job, in English, with what the window words it by: its code, and the kind and values of its message (ZipError's). */
export interface JobNote extends Worded {
  readonly entry?: string;
  readonly message: string;
  readonly code?: string;
}

/** Notes a job result carries, at most; the last then says how many more there were. */
export const MAX_NOTES = 50;

/** Stable codes of failed jobs: a ZipError's code, or one of the job layer's own. */
export type JobErrorCode = string;
export const WORKER_CRASHED = 'WORKER_CRASHED';
export const NOT_AVAILABLE = 'NOT_AVAILABLE';
export const INTERNAL = 'INTERNAL';

export interface JobError {
  readonly code: JobErrorCode;
  /** One line a user can read: `ARCHIVE: ENTRY: what is wrong`. */
  readonly message: string;
  /**
   * What `message` is made of, for a wording in another language: the archive, and the error
   * (its entry, its own message, code, kind and values); for bad entries, the first, and how many
   * of how many. No archive (null) for a job whose worker stopped, which names none. Absent for
   * another error that is not a ZipError.
   */
  readonly parts?: { readonly target: string | null; readonly problem: JobNote; readonly badEntries?: { readonly count: number; readonly total: number } };
  /**
   * A test or extract failed by bad entries: each of them (the first the message names; at most
   * MAX_NOTES, the last then counting the rest), as a result's problems are.
   */
  readonly problems?: JobResult['problems'];
  /** And what it read around in the archive as a whole, as a result's notes are. */
  readonly notes?: JobResult['notes'];
  /**
   * What an extract that met bad entries did all the same, as a done job's result says it: the
   * files it wrote (they stay), and the entries it skipped or renamed as its `problems`.
   */
  readonly result?: JobResult;
}

/** What the client reports about each job, in this order: queued, started, progress…, then one end. */
export type JobEvent =
  | { readonly type: 'queued'; readonly jobId: JobId; readonly request: WorkerJobRequest; readonly batchId?: string }
  | { readonly type: 'started'; readonly jobId: JobId }
  | { readonly type: 'progress'; readonly jobId: JobId; readonly progress: JobProgress }
  | { readonly type: 'done'; readonly jobId: JobId; readonly result: JobResult }
  | { readonly type: 'failed'; readonly jobId: JobId; readonly error: JobError }
  | { readonly type: 'cancelled'; readonly jobId: JobId };

export type JobEndEvent = Extract<JobEvent, { type: 'done' | 'failed' | 'cancelled' }>;

export function isEndEvent(event: JobEvent): event is JobEndEvent {
  return event.type === 'done' || event.type === 'failed' || event.type === 'cancelled';
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Main → worker. */
export type ToWorker =
  /**
   * `cancel` is a 32-bit flag the client sets to 1 as it cancels the job: seen at once by the
   * worker busy with synchronous work (writing a batch of small files), which hears the 'cancel'
   * message only once it is free. `tempSaved` is a 32-bit flag the client sets to 1 once the job's
   * temporary file (FromWorker 'temp') is saved with the running job, or at once when it keeps no
   * jobs on disk: a create puts its archive in place only after (worker.ts whenTempSaved).
   */
  | { readonly type: 'run'; readonly jobId: JobId; readonly request: WorkerJobRequest; readonly cancel: SharedArrayBuffer; readonly tempSaved: SharedArrayBuffer }
  | { readonly type: 'cancel'; readonly jobId: JobId }
  /** No job runs and none will: the worker ends its helper threads, then itself (exit code 0). */
  | { readonly type: 'end' }
  /**
   * Test-only: the worker exits at once, as if it crashed (process.exit inside the thread); with
   * `beforeReporting`, when the running job (or the next) is about to report that it is done, its
   * output in place.
   */
  | { readonly type: 'crash'; readonly exitCode: number; readonly beforeReporting?: boolean };

/** Worker → main. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'started'; readonly jobId: JobId }
  /** The temporary output of the job, so the client can remove it if the worker dies. */
  | { readonly type: 'temp'; readonly jobId: JobId; readonly tempPath: string; readonly tempIdentity: string }
  | { readonly type: 'progress'; readonly jobId: JobId; readonly progress: JobProgress }
  | { readonly type: 'done'; readonly jobId: JobId; readonly result: JobResult }
  | { readonly type: 'failed'; readonly jobId: JobId; readonly error: JobError }
  | { readonly type: 'cancelled'; readonly jobId: JobId }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string; readonly meta: Record<string, unknown> };

/** Progress messages per second at most (the last one, at 100%, is always sent). */
export const PROGRESS_PER_SECOND = 10;

// The background worker's entry: one long-lived thread that runs one job at a time for the
// client (jobs/client.ts). It does the job's file I/O itself — reads the sources, writes the
// archive — so only small messages cross between threads: progress at most ten times a
// second, the result, and log records for the main process's logger. Imports no electron.

import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { statSync } from 'node:fs';
import type { EntryProblem } from '../archive/entry-check.js';
import type { SkipReason } from '../archive/extract.js';
import type { FirstByIndex } from '../archive/extract-problems.js';
import type { JobProgress as ExtractProgress } from '../archive/progress.js';
import type { Log } from '../log/types.js';
import type { ArchiveNote } from '../zip/model.js';
import { ZipError, isZipError, wordedAs } from '../zip/errors.js';
import { codePageOf, type CodePage } from '../zip/names.js';
import { fullCollection } from '../archive/full-collection.js';
import { type EngineProgress, ProgressReporter } from './progress-reporter.js';
import {
  type FromWorker,
  INTERNAL,
  type JobError,
  type JobId,
  type JobNote,
  type JobResult,
  type LogLevel,
  MAX_NOTES,
  type ToWorker,
  type WorkerJobRequest,
} from './protocol.js';

if (!parentPort) throw new Error('jobs/worker.js runs as a worker thread (see jobs/client.ts)');
const port = parentPort;

function post(message: FromWorker): void {
  port.postMessage(message);
}

function workerLog(meta: Record<string, unknown>): Log {
  const send = (level: LogLevel) => (message: string, more?: Record<string, unknown>) => post({ type: 'log', level, message, meta: { ...meta, ...more } });
  return { error: send('error'), warn: send('warn'), info: send('info'), debug: send('debug'), child: (more) => workerLog({ ...meta, ...more }) };
}

/** What every job engine gets from the worker. */
export interface JobContext {
  readonly signal: AbortSignal;
  /** The client's flag of this job's cancel (ToWorker 'run'), for engines that read it between files. */
  readonly cancelFlag: SharedArrayBuffer;
  readonly onProgress: (progress: EngineProgress) => void;
  readonly onTempPath: (tempPath: string, identity: string) => void;
  /** Resolves once the client has saved what onTempPath told it (whenTempSaved). */
  readonly tempRecorded: () => Promise<void>;
  readonly log: Log;
}

type Outcome = Omit<JobResult, 'durationMs' | 'ratio'>;

/** The create helpers' pools, once a create has loaded them (ended before the worker ends). */
let parallel: typeof import('../archive/parallel.js') | undefined;

// Each engine's code is loaded by the first job that needs it: the worker starts on the one its
// first job needs (a create does not load extract's and test's). A create's helper threads
// start first and boot while the rest of its code loads (archive/parallel.ts warmPool).
async function runCreate(request: Extract<WorkerJobRequest, { kind: 'create' }>, context: JobContext): Promise<Outcome> {
  parallel ??= await import('../archive/parallel.js');
  // (Cancelled while that code loaded: no helpers for it.)
  context.signal.throwIfAborted();
  parallel.warmPool();
  const { createArchive } = await import('../archive/create.js');
  const result = await createArchive({ ...request, ...context });
  // Paths the walk left out on its own (a socket, a link in a loop) are told with the result.
  const notes = result.skipped.map(({ name, reason, kind }) => skippedNote(name, { reason, kind: `SOURCE_${kind}`, params: {} }));
  return { outputPath: result.outputPath, sizes: { input: result.inputBytes, output: result.outputBytes }, entries: result.entries, ...notesOf(notes, result.skippedCount) };
}

/**
 * An entry left out or skipped, and why: in English, and by its kind and the paths it names
 * (archive/extract.ts SkipReason; a create's archive/sources.ts SkippedSource, `SOURCE_KIND`),
 * which the window words.
 */
function skippedNote(entry: string, skip: { readonly reason: string; readonly kind?: string; readonly params?: SkipReason['params'] }): JobNote {
  const { reason, kind, params } = skip;
  return { entry, message: `skipped: ${reason}`, code: 'SKIPPED', ...(kind !== undefined && { kind }), params: { ...params, reason } };
}

/** The result's notes: `noted` of them in all, of which `notes` are the first; at most MAX_NOTES, the last then counting the rest. */
function notesOf(notes: readonly JobNote[], noted: number): Pick<JobResult, 'problems'> {
  if (noted === 0) return {};
  const more = noted - MAX_NOTES + 1;
  return { problems: noted <= MAX_NOTES ? notes : [...notes.slice(0, MAX_NOTES - 1), { message: `and ${more} more`, code: 'MORE', params: { count: more } }] };
}

/** An entry's problem as a note: its message, code, kind and values. */
function problemNote(problem: EntryProblem): JobNote {
  return { entry: problem.entry, message: problem.message, code: problem.code, ...(problem.kind !== undefined && { kind: problem.kind }), ...(problem.params !== undefined && { params: problem.params }) };
}

// ---------------------------------------------------------------------------------------------
// Extract and test (archive/extract.ts, archive/test-archive.ts). Entries that could not be
// extracted, or that tested bad, fail the job with the first one named and the count; what did
// extract stays in place.
function engineProgress(context: JobContext): (progress: ExtractProgress) => void {
  return (progress) => context.onProgress({ ...progress, currentEntry: progress.currentEntry ?? '' });
}

/** What the failure of a job that met bad entries carries besides its message: the first of them, and how many of how many. */
interface BadEntries {
  readonly badEntries: { readonly first: JobNote; readonly count: number; readonly total: number };
}

/**
 * The failure of a job that met bad entries: the first (in entry order) named, the rest counted,
 * and each of them, up to MAX_NOTES, for the Jobs panel to list (`problems`, see describeFailure);
 * with what is off about the archive as a whole (`notes`), which the job read around to get there.
 */
function entriesFailed(what: string, bad: FirstByIndex<EntryProblem>, count: number, total: number, archiveNotes: readonly ArchiveNote[], result?: JobResult): ZipError {
  const kept = bad.first();
  const first = kept[0]!;
  const more = count > 1 ? ` (and ${count - 1} more of ${total} entries)` : '';
  const notes = kept.map(problemNote);
  const counted: BadEntries = { badEntries: { first: problemNote(first), count, total } };
  return Object.assign(new ZipError(first.code, `${what}: ${first.message}${more}`, { entry: first.entry }), notesOf(notes, count), archiveNotesOf(archiveNotes), counted, result && { result });
}

async function runExtract(request: Extract<WorkerJobRequest, { kind: 'extract' }>, context: JobContext, startedAt: number): Promise<Outcome> {
  const overwrite = request.overwrite === true ? 'replace' : request.overwrite === false || request.overwrite === undefined ? 'skip' : request.overwrite;
  // The job names the first entry (in entry order) that could not be extracted and counts the rest; the first MAX_NOTES are kept.
  const { FirstByIndex } = await import('../archive/extract-problems.js');
  const bad = new FirstByIndex<EntryProblem>(MAX_NOTES);
  const { extractArchive } = await import('../archive/extract.js');
  const result = await extractArchive(request.archivePath, request.outputDir, {
    signal: context.signal,
    cancelFlag: context.cancelFlag,
    log: context.log,
    onProgress: engineProgress(context),
    onProblem: (problem) => bad.add(problem),
    overwrite,
    ...(request.entries === undefined ? {} : { entries: request.entries }),
    ...(request.entryRanges === undefined ? {} : { entryRanges: request.entryRanges }),
    ...(request.archiveIdentity === undefined ? {} : { expectedIdentity: request.archiveIdentity }),
    ...(request.resumedFrom === undefined ? {} : { resumedFrom: request.resumedFrom }),
    ...codePageOfRequest(request),
  });
  // What went as asked but not as the name says: told with the result, not silently.
  // (The result lists the first skipped and renamed entries and counts them all.)
  const notes: JobNote[] = [
    ...result.unmatched.map((name) => ({ entry: name, message: 'no entry by this name', code: 'NO_SUCH_ENTRY', params: {} })),
    ...result.skipped.map(({ entry, ...skip }) => skippedNote(entry, skip)),
    ...result.renamed.map(({ entry, path }) => ({ entry, message: `written as ${path}`, code: 'RENAMED', params: { path } })),
  ];
  const noted = result.unmatched.length + result.skippedCount + result.renamedCount;
  const outcome: Outcome = {
    outputPath: request.outputDir,
    sizes: { input: statSize(request.archivePath), output: result.bytesWritten },
    entries: result.filesWritten + result.directoriesCreated + result.symlinksCreated,
    ...notesOf(notes, noted),
    ...archiveNotesOf(result.notes),
  };
  // What did extract stays, and the failure says what it is (the window showed only the bad
  // entries, as if nothing had been written).
  if (!result.ok) throw entriesFailed('could not extract', bad, result.problemCount, result.entriesTotal, result.notes, withTimes(outcome, startedAt));
  return outcome;
}

/** A job's result: its outcome, with its ratio and how long it took. */
function withTimes(outcome: Outcome, startedAt: number): JobResult {
  const durationMs = Math.round(performance.now() - startedAt);
  const ratio = outcome.sizes.input > 0 ? outcome.sizes.output / outcome.sizes.input : 0;
  return { ...outcome, ratio, durationMs };
}

/**
 * The code page an extract or test reads names in, as the window read them. One a queue kept from
 * another version names and this Node does not read fails the job: its names would not be those
 * the user chose.
 */
function codePageOfRequest(request: { readonly nameEncoding?: string }): { codePage?: CodePage } {
  if (request.nameEncoding === undefined) return {};
  const codePage = codePageOf(request.nameEncoding);
  if (codePage === undefined) throw new ZipError('BAD_NAME', `the names' code page ${request.nameEncoding} is not one this system reads`, { kind: 'NAME_ENCODING', params: { encoding: request.nameEncoding } });
  return { codePage };
}

/**
 * What is off about the archive as a whole, read around, told with the result (or with the
 * failure by bad entries) as `test` and `extract` tell it on the command line: the window lists them.
 */
function archiveNotesOf(notes: readonly ArchiveNote[]): Pick<JobResult, 'notes'> {
  return notes.length === 0 ? {} : { notes };
}

/** The job by its kind; a kind this version does not know (a request from elsewhere) fails. */
function runJob(request: WorkerJobRequest, context: JobContext, startedAt: number): Promise<Outcome> {
  switch (request.kind) {
    case 'create':
      return runCreate(request, context);
    case 'extract':
      return runExtract(request, context, startedAt);
    case 'test':
      return runTest(request, context);
    default:
      throw new Error(`unknown kind of job ${JSON.stringify((request as { kind: unknown }).kind)}`);
  }
}

async function runTest(request: Extract<WorkerJobRequest, { kind: 'test' }>, context: JobContext): Promise<Outcome> {
  // The job names the first bad entry and counts the rest; the first MAX_NOTES are kept.
  const { FirstByIndex } = await import('../archive/extract-problems.js');
  const bad = new FirstByIndex<EntryProblem>(MAX_NOTES);
  const { testArchive } = await import('../archive/test-archive.js');
  const result = await testArchive(request.archivePath, {
    signal: context.signal,
    cancelFlag: context.cancelFlag,
    log: context.log,
    onProgress: engineProgress(context),
    onProblem: (problem) => bad.add(problem),
    ...(request.archiveIdentity === undefined ? {} : { expectedIdentity: request.archiveIdentity }),
    ...codePageOfRequest(request),
  });
  if (!result.ok) throw entriesFailed('bad entry', bad, result.problemCount, result.entriesTotal, result.notes);
  return { outputPath: request.archivePath, sizes: { input: statSize(request.archivePath), output: result.bytesTested }, entries: result.entriesTested, ...archiveNotesOf(result.notes) };
}

function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
// ---------------------------------------------------------------------------------------------

function targetOf(request: WorkerJobRequest): string {
  return request.kind === 'create' ? request.outputPath : request.archivePath;
}

/** One line: `ARCHIVE: ENTRY: what is wrong`. */
export function describeFailure(request: WorkerJobRequest, error: unknown): JobError {
  if (isZipError(error)) {
    const { problems, notes, result, badEntries: bad } = error as Pick<JobError, 'problems' | 'notes' | 'result'> & Partial<BadEntries>;
    const target = targetOf(request);
    // The parts the message is made of: for bad entries, the first of them (with the count); else the error itself.
    const parts: JobError['parts'] =
      bad === undefined
        ? { target, problem: { ...(error.entry !== undefined && { entry: error.entry }), message: error.message, code: error.code, ...wordedAs(error) } }
        : { target, problem: bad.first, badEntries: { count: bad.count, total: bad.total } };
    return { code: error.code, message: [target, error.entry, error.message].filter((part) => part !== undefined).join(': '), parts, ...(problems && { problems }), ...(notes && { notes }), ...(result && { result }) };
  }
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return { code: typeof code === 'string' ? code : INTERNAL, message: message.startsWith(targetOf(request)) ? message : `${targetOf(request)}: ${message}` };
}

let current: { jobId: JobId; controller: AbortController } | undefined;

/**
 * A job that ran at least this long is followed by a full collection (archive/full-collection.ts),
 * which takes some 10 ms: a batch of thousands of small folders is as many short jobs, each
 * followed by none.
 */
const COLLECT_AFTER_MS = 1000;
/** Made before the first job, so before any helper thread starts. */
const collect = fullCollection();

/**
 * Resolves once the client has saved the job's temporary file (ToWorker 'run' `tempSaved`); rejects
 * when the job is cancelled meanwhile. A create waits for it before it puts its archive in place:
 * put there first, and the app ended before the client saved that file's identity, the next start
 * would not know the archive for the job's, and would run the job again (a batch's making
 * `NAME (2).zip` beside it). The client has saved it long before, unless its thread was busy as a
 * small job ended.
 */
async function whenTempSaved(saved: Int32Array, signal: AbortSignal): Promise<void> {
  while (Atomics.load(saved, 0) === 0) {
    signal.throwIfAborted();
    // (A cancel reaches this thread as a message, which the wait lets through: it is seen within 50 ms.)
    const wait = Atomics.waitAsync(saved, 0, 0, 50);
    if (wait.async) await wait.value;
  }
}

async function run(jobId: JobId, request: WorkerJobRequest, cancelFlag: SharedArrayBuffer, tempSaved: SharedArrayBuffer): Promise<void> {
  const controller = new AbortController();
  const flag = new Int32Array(cancelFlag);
  current = { jobId, controller };
  const startedAt = performance.now();
  const log = workerLog({ jobId, kind: request.kind });
  const reporter = new ProgressReporter(startedAt, (progress) => post({ type: 'progress', jobId, progress }));
  const context: JobContext = {
    signal: controller.signal,
    cancelFlag,
    onProgress: (progress) => reporter.update(progress),
    onTempPath: (tempPath, tempIdentity) => post({ type: 'temp', jobId, tempPath, tempIdentity }),
    tempRecorded: () => whenTempSaved(new Int32Array(tempSaved), controller.signal),
    log,
  };
  // A job cancelled before this thread took it up (the client sets the flag at once; a thread
  // that is still starting hears of it here) ends without starting: it loaded its engine and
  // started a create's helper threads first, some 100-400 ms on a busy machine before the cancel
  // was seen, and as long again to end those helpers.
  if (Atomics.load(flag, 0) !== 0) {
    current = undefined;
    post({ type: 'cancelled', jobId });
    return;
  }
  post({ type: 'started', jobId });
  try {
    const outcome = await runJob(request, context, startedAt);
    reporter.finish();
    if (crashBeforeReporting !== undefined) process.exit(crashBeforeReporting);
    post({ type: 'done', jobId, result: withTimes(outcome, startedAt) });
  } catch (error) {
    // (An engine that read the flag may stop before the 'cancel' message is heard.)
    if (controller.signal.aborted || Atomics.load(flag, 0) !== 0) post({ type: 'cancelled', jobId });
    else post({ type: 'failed', jobId, error: describeFailure(request, error) });
  } finally {
    current = undefined;
    // After the job's end is posted: the client hears of it at once.
    if (performance.now() - startedAt >= COLLECT_AFTER_MS) collect?.();
  }
}

/** Test-only (ToWorker 'crash'): the exit code this thread ends with as a job is about to report that it is done. */
let crashBeforeReporting: number | undefined;

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'run':
      void run(message.jobId, message.request, message.cancel, message.tempSaved);
      return;
    case 'cancel':
      if (current?.jobId === message.jobId) current.controller.abort();
      return;
    case 'end':
      // The helpers first, between two of their tasks: ended with this thread, one that was
      // making a zlib stream would abort the whole process (archive/helper-script.ts endHelper).
      void (parallel?.endPools() ?? Promise.resolve()).finally(() => process.exit(0));
      return;
    case 'crash':
      if (message.beforeReporting === true) crashBeforeReporting = message.exitCode;
      else process.exit(message.exitCode);
  }
});

post({ type: 'ready' });

// The one door to background work. The client owns the single long-lived worker thread and the
// FIFO queue in front of it: callers enqueue requests and get job ids, listen to job events,
// and cancel; nothing else talks to the worker. One job runs at a time. If the worker dies, the
// job in flight fails with WORKER_CRASHED (its temporary output is removed), and the next job
// starts a fresh worker; the queue is kept. With `persistPath`, pending jobs survive a crash
// or quit and are offered again by `interruptedJobs()` at the next start.

import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type Log, silentLog } from '../log/types.js';
import { removePartials } from '../archive/extract-files.js';
import { processAlive } from '../process-alive.js';
import { END_GRACE_MS, endHelper } from '../archive/helper-script.js';
import { isTempNameFor, placedFile } from '../archive/temp-file.js';
import { distinctFolders, planBatch } from './batch.js';
import { type PersistedJob, PendingJobStore } from './persist.js';
import {
  type FromWorker,
  type JobError,
  type JobEvent,
  type JobId,
  type JobRequest,
  type ToWorker,
  WORKER_CRASHED,
  type WorkerJobRequest,
} from './protocol.js';
import { JobQueue } from './queue.js';

/** A running job that does not answer a cancel within this time is stopped by ending the worker. */
const CANCEL_GRACE_MS = 2000;

/**
 * The worker's old generation at most, in MB. A job's old generation is mostly garbage (a
 * create's walk entries, promoted while they wait for the writer and dead once written; what an
 * extract's planning leaves behind), and V8 lets a heap whose limit is small grow by a smaller
 * factor before collecting it again: about 1.6× under this limit, where Node's default (a quarter
 * of the machine's memory, up to 4 GB) allows 4×. Creating corpus A peaked at 116–119 MB with it,
 * 123–127 MB without. It is a hard limit too: a job whose heap outgrew it would fail as its
 * worker stopped ("reaching memory limit"), and the next one would run; nothing a job reads or
 * writes is kept whole on the heap. Asked of this thread alone, not as a V8 flag for the whole
 * process (it was `--heap-growing-percent=50`, until 2026-12-06): a flag that differs from its
 * default makes V8 refuse the compiled copies of Node's own modules that Node ships, and every
 * thread started after it compiled them again (a worker took 72–102 ms to start instead of 38–46).
 */
const WORKER_OLD_GENERATION_MB = 1024;

/**
 * The compiled worker: beside this file when running from build/, else the package's
 * build/src-main/jobs/worker.js (tests run the TypeScript sources; `npm run build:node` makes it).
 */
export function defaultWorkerPath(): URL {
  const here = new URL('.', import.meta.url);
  if (here.pathname.endsWith('/build/src-main/jobs/')) return new URL('./worker.js', import.meta.url);
  return new URL('../../build/src-main/jobs/worker.js', import.meta.url);
}

export interface JobClientOptions {
  /** The worker entry (a .js file); the Electron bundle passes its own. */
  readonly workerPath?: string | URL;
  readonly log?: Log;
  /** JSON file for pending jobs (see persist.ts); no persistence when absent. */
  readonly persistPath?: string;
  /** How long a cancelled job may take to stop before its worker is ended; default CANCEL_GRACE_MS. */
  readonly cancelGraceMs?: number;
}

export type JobListener = (event: JobEvent) => void;

interface InFlight {
  readonly jobId: JobId;
  readonly request: WorkerJobRequest;
  readonly resolve: () => void;
  /** The worker the job was sent to: only its end fails the job. */
  worker?: Worker;
  /** When it was sent to the worker (ms since 1970): before it wrote anything. */
  readonly startedAt: number;
  tempPath?: string;
  tempIdentity?: string;
  cancelTimer?: NodeJS.Timeout;
  cancelled?: boolean;
  /** Cancelled by a caller, not by a close: saved so, and not run again after a crash. */
  userCancelled?: boolean;
  /** Shared with the worker (ToWorker 'run'): set when the job is cancelled. */
  readonly cancelFlag: Int32Array;
  /** Shared with the worker (ToWorker 'run'): set once its temporary file is saved with the running job. */
  readonly tempSaved: Int32Array;
}

/** Sessions in a row that may end while one job runs before it is no longer resumed. */
const MAX_CRASHES = 2;

/**
 * The queue file is saved at most this often (persist.ts): it holds every pending job and is
 * rewritten whole. What a crash must find is in the running record, saved at once.
 */
const SAVE_EVERY_MS = 250;

export class JobClient {
  private readonly queue = new JobQueue<void>();
  private readonly listeners = new Set<JobListener>();
  private readonly requests = new Map<JobId, WorkerJobRequest>();
  /** Of resumed jobs: how many sessions ended while they ran. */
  private readonly crashes = new Map<JobId, number>();
  /** The walks of removeLeftovers under way. */
  private cleanups: Promise<void> = Promise.resolve();
  private readonly log: Log;
  private readonly workerPath: string | URL;
  private readonly cancelGraceMs: number;
  private readonly store: PendingJobStore | undefined;
  private interrupted: PersistedJob[];
  /** While close() waits for the queue: how each job ended (what it saves depends on it). */
  private endsWhileClosing: Map<JobId, JobEvent['type']> | undefined;
  private worker: Worker | undefined;
  /** Settles when `worker` has ended. */
  private workerExited: Promise<unknown> = Promise.resolve();
  private inFlight: InFlight | undefined;
  private closed = false;
  /** The queue changed since its file was saved; the save is due at `saveTimer`. */
  private saveTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private lastSaved = Number.NEGATIVE_INFINITY;
  /** The save being written off the main thread (saveQueueInBackground), and whether another is due after it. */
  private saving: Promise<void> | undefined;
  private saveAgain = false;
  /** Counts the saves begun: a save written in the background lands only if none began after it. */
  private saves = 0;
  /** Jobs that ran and ended since the queue file was saved (the running record lists them). */
  private endedSinceSave: JobId[] = [];
  /** Jobs queued, and how many of them the queue file holds: all saved before the next job starts, at the latest. */
  private added = 0;
  private addedSaved = 0;

  constructor(options: JobClientOptions = {}) {
    this.log = (options.log ?? silentLog).child({ module: 'jobs' });
    this.workerPath = options.workerPath ?? defaultWorkerPath();
    this.cancelGraceMs = options.cancelGraceMs ?? CANCEL_GRACE_MS;
    this.store = options.persistPath === undefined ? undefined : new PendingJobStore(options.persistPath);
    this.store?.removeLeftTemps((pid) => !processAlive(pid));
    const loaded = (this.store?.load((message) => this.log.warn(message)) ?? []).filter((job) => !this.finishedBeforeTheEnd(job));
    // A job the user had cancelled as the last session ended, before it stopped, is not offered again.
    this.interrupted = loaded.filter((job) => {
      if (job.cancelled === true) this.log.info('a job the user cancelled as the app ended is not offered again', { jobId: job.jobId, kind: job.request.kind });
      return job.cancelled !== true;
    });
    // The last session ended without closing: what its running record says goes into the queue
    // file now, before this session's first job replaces the record.
    if (this.store?.hasRunningRecord()) this.saveQueue();
    // The job that was running when the last session ended may have left its temporary output:
    // a create its archive's, an extract the files it was writing (the dead process's). Jobs that
    // were waiting left nothing: their folders are not walked.
    for (const job of loaded) {
      if (job.running === true || job.tempPath !== undefined) this.removeLeftovers(job.request, job.tempPath, (pid) => !processAlive(pid));
    }
  }

  /**
   * Whether a create that was running when the last session ended had put its archive in place
   * all the same: the end came after the rename and before the client heard 'done'. Run again, a
   * batch's job would have made `NAME (2).zip` beside it. Its archive is known by the identity of
   * its temporary file, which the rename (or the link of a numbered name) keeps; the temporary
   * name, if a link left it too, is removed as any leftover is.
   */
  private finishedBeforeTheEnd(job: PersistedJob): boolean {
    if (job.running !== true || job.request.kind !== 'create' || job.tempIdentity === undefined) return false;
    const { outputPath, onExists, numbered } = job.request;
    const placed = placedFile(outputPath, onExists ?? 'replace', numbered, job.tempIdentity);
    if (placed === undefined) return false;
    this.log.info('a job that was running when the app ended had finished: its archive is in place', { jobId: job.jobId, path: placed });
    this.removeLeftovers(job.request, job.tempPath, () => false);
    return true;
  }

  /** Listens to every job's events; returns the unsubscribe function. */
  onEvent(listener: JobListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a request; a batch becomes one create job per folder. Returns the job ids. */
  enqueue(request: JobRequest): JobId[] {
    if (this.closed) throw new Error('the job client is closed');
    if (request.kind === 'batch') {
      const batchId = randomUUID();
      const { repeated } = distinctFolders(request.folders);
      if (repeated.length > 0) this.log.info('folders given more than once are zipped once', { batchId, repeated });
      // Saved once for the whole batch: once a job, a batch of 3,000 folders took seconds.
      const ids = planBatch(request).map((job) => this.add(job, batchId, false));
      this.persist();
      return ids;
    }
    return [this.add(request)];
  }

  /** Cancels a waiting job (removed at once) or the running one (stops, removes its output). */
  cancel(jobId: JobId): boolean {
    if (this.queue.cancel(jobId)) return true;
    const running = this.inFlight;
    if (running?.jobId !== jobId || running.cancelled) return false;
    running.cancelled = true;
    Atomics.store(running.cancelFlag, 0, 1);
    this.post({ type: 'cancel', jobId });
    // On disk at once, as cancelled: it takes up to 200 ms to stop (2 s before its worker is
    // ended), and a crash meanwhile brought it back at the next start as a job to run. (A
    // close's cancel is not saved so: a quit keeps the job it cuts short.)
    if (!this.closed) {
      running.userCancelled = true;
      this.saveRunning();
    }
    running.cancelTimer = setTimeout(() => {
      this.log.warn('worker did not stop a cancelled job in time; ending the worker', { jobId });
      // Retired at once: its answer may still come before it ends ('cancelled', a moment too
      // late), and the next job must not be sent to a thread that is being ended (it failed
      // with WORKER_CRASHED without having started). Its end settles this job alone.
      const worker = running.worker;
      if (worker === undefined) return;
      if (this.worker === worker) this.worker = undefined;
      void worker.terminate();
    }, this.cancelGraceMs);
    return true;
  }

  /** Jobs not finished: the running one first, then the waiting ones in order. */
  pendingJobs(): { jobId: JobId; request: WorkerJobRequest; running: boolean }[] {
    const ids = [...(this.queue.runningId ? [this.queue.runningId] : []), ...this.queue.waitingIds()];
    return ids.flatMap((jobId) => {
      const request = this.requests.get(jobId);
      return request ? [{ jobId, request, running: jobId === this.queue.runningId }] : [];
    });
  }

  /** Jobs that were pending when the previous session ended (persistPath only). */
  interruptedJobs(): readonly PersistedJob[] {
    return this.interrupted;
  }

  /**
   * Queues the interrupted jobs again (new ids). A job that was running when the app ended
   * MAX_CRASHES times in a row (it may be what ends it: memory, a crash in the system) is
   * dropped with a warning instead, so the app does not fall at every start.
   */
  resumeInterrupted(): JobId[] {
    const jobs = this.interrupted;
    this.interrupted = [];
    const ids: JobId[] = [];
    for (const job of jobs) {
      const crashes = (job.crashes ?? 0) + (job.running === true ? 1 : 0);
      if (crashes >= MAX_CRASHES) {
        this.log.warn('not resuming a job that was running each time the app ended', { kind: job.request.kind, crashes, request: job.request });
        continue;
      }
      const jobId = this.add(resumedRequest(job), undefined, false);
      if (crashes > 0) this.crashes.set(jobId, crashes);
      ids.push(jobId);
    }
    // At once: the interrupted jobs are in the queue file as the previous session left them.
    this.saveQueue();
    return ids;
  }

  discardInterrupted(): void {
    this.interrupted = [];
    this.saveQueue();
  }

  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }

  get size(): number {
    return this.queue.size;
  }

  get pending(): number {
    return this.queue.pending;
  }

  /** The worker thread's id, while one exists (tests check that jobs share one worker). */
  get workerThreadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Test hook: ends the worker thread as a crash would (mid-job if one runs). */
  async terminateWorkerForTest(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Test hook: the worker calls process.exit inside its thread, at once or as the running job is about to report its end. */
  crashWorkerForTest(exitCode = 70, options: { beforeReporting?: boolean } = {}): void {
    this.post({ type: 'crash', exitCode, ...(options.beforeReporting === true && { beforeReporting: true }) });
  }

  /**
   * Cancels what waits and runs, ends the worker. Pending jobs stay in the persist file only
   * when `keepPending` (a quit that should offer them again next time).
   */
  async close(options: { keepPending?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    const keep = options.keepPending === true;
    // A quit is not a crash: the job that ran is saved as one to run again, not as one that ran
    // when the app fell. Not one the user cancelled already.
    const userCancelled = this.inFlight?.cancelled === true ? this.inFlight.jobId : undefined;
    const candidates = keep ? this.snapshot().flatMap(({ running: _quit, ...job }) => (job.jobId === userCancelled ? [] : [job])) : [];
    this.closed = true;
    const ends = new Map<JobId, JobEvent['type']>();
    this.endsWhileClosing = ends;
    for (const id of this.queue.waitingIds()) this.queue.cancel(id);
    if (this.inFlight) this.cancel(this.inFlight.jobId);
    await this.queue.onIdle();
    this.endsWhileClosing = undefined;
    // Saved once the queue is idle: only what the close cut short. A job that was finishing may
    // have ended done or failed all the same; saved, it ran again at the next start (NAME (2).zip).
    const saved = candidates.filter((job) => ends.get(job.jobId) === 'cancelled');
    await this.endWorker();
    await this.cleanups;
    // The save below is the last: one due is not made, one being written is not put in place.
    this.cancelDueSave();
    this.saves++;
    await this.saving;
    try {
      this.store?.save(keep ? [...this.interrupted, ...saved] : this.interrupted);
      this.store?.saveRunning(undefined);
    } catch (error) {
      // Quitting goes on (the logs are still to be flushed); the jobs are offered again next time.
      this.log.warn('could not save pending jobs', { path: this.store?.filePath, message: (error as Error).message });
    }
  }

  /**
   * Removes what a job cut short left behind, never failing for it: its temporary archive, and
   * for an extract the half-written files of the processes `owned` accepts (this one's, after its
   * worker died; dead ones', at the next start). The extract's folder is walked in the background
   * (close waits for every walk).
   */
  private removeLeftovers(request: WorkerJobRequest, tempPath: string | undefined, owned: (pid: number) => boolean): void {
    if (request.kind === 'create') {
      for (const leftover of createLeftovers(request.outputPath, tempPath)) {
        try {
          rmSync(leftover, { force: true });
        } catch (error) {
          this.log.warn('could not remove the output of a job cut short', { path: leftover, message: (error as Error).message });
        }
      }
    }
    if (request.kind !== 'extract') return;
    const walk = removePartials(request.outputDir, owned).then(
      ({ failed }) => {
        if (failed > 0) this.log.warn('could not remove half-written files of an extract cut short', { folder: request.outputDir, failed });
      },
      (error: unknown) => this.log.warn('could not look for half-written files of an extract cut short', { folder: request.outputDir, message: (error as Error).message }),
    );
    this.cleanups = Promise.all([this.cleanups, walk]).then(() => undefined);
  }


  // -------------------------------------------------------------------------------------------

  private add(request: WorkerJobRequest, batchId?: string, save = true): JobId {
    const jobId = randomUUID();
    this.requests.set(jobId, request);
    void this.queue.add({
      id: jobId,
      run: () => this.runOnWorker(jobId, request),
      onCancel: () => this.finish({ type: 'cancelled', jobId }),
    });
    this.emit(batchId === undefined ? { type: 'queued', jobId, request } : { type: 'queued', jobId, request, batchId });
    this.log.info('job queued', { jobId, kind: request.kind });
    this.added++;
    if (save) this.persist();
    return jobId;
  }

  private runOnWorker(jobId: JobId, request: WorkerJobRequest): Promise<void> {
    return new Promise<void>((resolve) => {
      const running: InFlight = { jobId, request, resolve, startedAt: Date.now(), cancelFlag: new Int32Array(new SharedArrayBuffer(4)), tempSaved: new Int32Array(new SharedArrayBuffer(4)) };
      // Nothing to wait for where no job is kept on disk.
      if (!this.store) running.tempSaved[0] = 1;
      this.inFlight = running;
      try {
        running.worker = this.ensureWorker();
        running.worker.ref();
      } catch (error) {
        this.finish({ type: 'failed', jobId, error: workerNotStarted(error as Error) });
        return;
      }
      // On disk before the worker writes a byte: if the app falls now, the next start knows which
      // job ran (its leftovers are looked for, and a job that keeps felling the app is not run again),
      // and which were queued behind it (those queued since the last save are saved now: once
      // for a batch, not at every start).
      if (this.added !== this.addedSaved) this.saveQueue();
      this.saveRunning();
      this.post({ type: 'run', jobId, request, cancel: running.cancelFlag.buffer as SharedArrayBuffer, tempSaved: running.tempSaved.buffer as SharedArrayBuffer });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // A young generation of 8 MB rather than V8's default: the worker's garbage is mostly small
    // and short-lived, and collecting it sooner also frees the buffers it points to (create's
    // peak memory fell by about 30 MB; issue 3 asks for 150 MB at most); and an old generation of
    // at most WORKER_OLD_GENERATION_MB, which V8 collects sooner (see there).
    const worker = new Worker(this.workerPath, { resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB } });
    this.worker = worker;
    this.workerExited = new Promise((resolve) => worker.once('exit', resolve));
    let lastError: Error | undefined;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => {
      lastError = error;
      this.log.error('worker error', { message: error.message });
    });
    worker.on('exit', (exitCode) => {
      if (this.worker === worker) this.worker = undefined;
      // Only the job sent to this worker: a worker retired by a cancel may end while the next
      // job already runs on a fresh one.
      const running = this.inFlight;
      if (running?.worker !== worker) return;
      this.removeLeftovers(running.request, running.tempPath, (pid) => pid === process.pid);
      if (running.cancelled) {
        this.finish({ type: 'cancelled', jobId: running.jobId });
        return;
      }
      this.log.error('worker died during a job', { jobId: running.jobId, exitCode });
      // A create that had put its archive in place before it could say so: the archive is whole
      // (it is put in place only then), and known by its temporary file's identity, as at the
      // next start after a crash (finishedBeforeTheEnd).
      const { request, tempIdentity } = running;
      const placed = request.kind === 'create' && tempIdentity !== undefined ? placedFile(request.outputPath, request.onExists ?? 'replace', request.numbered, tempIdentity) : undefined;
      const left = request.kind === 'extract' ? 'FILES_STAY' : placed !== undefined ? { placed } : 'NO_OUTPUT';
      this.finish({ type: 'failed', jobId: running.jobId, error: workerStopped(lastError, exitCode, left) });
    });
    return worker;
  }

  /**
   * Ends the idle worker as it ends its helpers: told to, it ends them between two of their tasks
   * and then itself; terminated only if it has not within the helpers' own grace time and a bit.
   * (Terminated at once, a helper making a zlib stream, say of a job just cancelled, could
   * abort the whole process: archive/helper-script.ts endHelper.)
   */
  private async endWorker(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    worker.ref(); // the process waits for it
    const end: ToWorker = { type: 'end' };
    if (await endHelper(worker, this.workerExited, () => undefined, END_GRACE_MS + 1000, end)) this.log.debug('worker ended', { exitCode: await this.workerExited });
    else this.log.warn('worker did not end in time; terminated');
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'log': {
        const { level, message: text, meta } = message;
        // Under "worker" (what modules.worker sets), unless an engine named its own (archives).
        this.log[level](text, { module: 'worker', ...meta, from: 'worker' });
        return;
      }
      case 'temp':
        if (this.inFlight?.jobId === message.jobId) {
          this.inFlight.tempPath = message.tempPath;
          this.inFlight.tempIdentity = message.tempIdentity;
          this.saveRunning();
          // (Also when the save failed, which is logged: the job is not held up for it.)
          Atomics.store(this.inFlight.tempSaved, 0, 1);
          Atomics.notify(this.inFlight.tempSaved, 0);
        }
        return;
      case 'started':
        this.log.info('job started', { jobId: message.jobId });
        this.emit(message);
        return;
      case 'progress':
        this.emit(message);
        return;
      case 'done':
      case 'failed':
      case 'cancelled':
        this.finish(message);
    }
  }

  /** Reports a job's end, once; releases the worker for the next job. */
  private finish(event: Extract<JobEvent, { type: 'done' | 'failed' | 'cancelled' }>): void {
    const running = this.inFlight?.jobId === event.jobId ? this.inFlight : undefined;
    if (running) {
      clearTimeout(running.cancelTimer);
      this.inFlight = undefined;
      running.worker?.unref();
      // Ended, on disk at once: a crash in the next moments does not run it again.
      this.endedSinceSave.push(event.jobId);
      this.saveRunning();
    } else if (this.store !== undefined && event.type === 'cancelled' && !this.closed) {
      // A waiting job the user cancelled, on disk at once too: the queue file is saved up to
      // SAVE_EVERY_MS later, and a crash before then brought it back at the next start, where it
      // ran as if never cancelled (an extract that replaces files, say). (A close cancels what
      // waits itself and saves once, at its end.)
      this.endedSinceSave.push(event.jobId);
      this.saveRunning();
    }
    this.requests.delete(event.jobId);
    this.crashes.delete(event.jobId);
    this.endsWhileClosing?.set(event.jobId, event.type);
    const meta = event.type === 'done' ? { durationMs: event.result.durationMs } : event.type === 'failed' ? { code: event.error.code, message: event.error.message } : {};
    this.log.info(`job ${event.type}`, { jobId: event.jobId, ...meta });
    this.emit(event);
    running?.resolve();
    this.persist();
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log.error('job listener threw', { message: (error as Error).message, event: event.type });
      }
    }
  }

  private snapshot(): PersistedJob[] {
    return this.pendingJobs().map(({ jobId, request, running }) => (running && this.inFlight?.jobId === jobId ? this.runningJob()! : this.persisted(jobId, request)));
  }

  /** The job sent to the worker, as saved. */
  private runningJob(): PersistedJob | undefined {
    const running = this.inFlight;
    if (running === undefined) return undefined;
    const { jobId, request, tempPath, tempIdentity, startedAt, userCancelled } = running;
    return { ...this.persisted(jobId, request), ...(tempPath !== undefined && { tempPath }), ...(tempIdentity !== undefined && { tempIdentity }), running: true, startedAt, ...(userCancelled === true && { cancelled: true }) };
  }

  private persisted(jobId: JobId, request: WorkerJobRequest): PersistedJob {
    const crashes = this.crashes.get(jobId);
    return { jobId, request, ...(crashes !== undefined && { crashes }) };
  }

  /**
   * The queue changed: its file is saved at the end of this turn, or SAVE_EVERY_MS after the
   * last save if that is later (one save for a burst of changes, a few a second at most), in the
   * background; a change while that save is written is saved after it.
   */
  private persist(): void {
    if (!this.store || this.closed || this.saveTimer !== undefined) return;
    if (this.saving !== undefined) {
      this.saveAgain = true;
      return;
    }
    const wait = this.lastSaved + SAVE_EVERY_MS - performance.now();
    const save = (): void => {
      this.saveTimer = undefined;
      if (!this.closed) this.saving = this.saveQueueInBackground();
    };
    this.saveTimer = wait > 0 ? setTimeout(save, wait).unref() : setImmediate(save).unref();
  }

  /** Saves the queue now, superseding a save written in the background. */
  private saveQueue(): void {
    if (!this.store) return;
    const { jobs, saved } = this.beginSave();
    try {
      this.store.save(jobs);
      saved();
    } catch (error) {
      this.log.warn('could not save pending jobs', { path: this.store.filePath, message: (error as Error).message });
    }
  }

  /**
   * Saves the queue as it is now, written off the main thread and put in place when written,
   * unless a save begun since has been (saveQueue, a close). Until then the running record goes
   * on listing what ended before it, as the file in place still holds those jobs.
   */
  private async saveQueueInBackground(): Promise<void> {
    const store = this.store!;
    const { jobs, saved } = this.beginSave();
    const save = this.saves;
    try {
      const staged = await store.stage(jobs);
      if (save !== this.saves) staged.discard();
      else {
        staged.commit();
        saved();
      }
    } catch (error) {
      if (save === this.saves) this.log.warn('could not save pending jobs', { path: store.filePath, message: (error as Error).message });
    } finally {
      this.saving = undefined;
      if (this.saveAgain) {
        this.saveAgain = false;
        this.persist();
      }
    }
  }

  /** The jobs a save begun now writes, and what to note once they are on disk. */
  private beginSave(): { jobs: PersistedJob[]; saved: () => void } {
    // Everything is in this save: one that was due is not.
    this.cancelDueSave();
    this.saves++;
    this.lastSaved = performance.now();
    const ended = this.endedSinceSave.length;
    const added = this.added;
    return {
      jobs: [...this.interrupted, ...this.snapshot()],
      saved: () => {
        // What ended before is not in the file any more: the running record need not list it.
        this.endedSinceSave.splice(0, ended);
        this.addedSaved = added;
      },
    };
  }

  private cancelDueSave(): void {
    if (this.saveTimer === undefined) return;
    clearTimeout(this.saveTimer as NodeJS.Timeout);
    clearImmediate(this.saveTimer as NodeJS.Immediate);
    this.saveTimer = undefined;
  }

  /** The running record (persist.ts): the running job, if any, and what ended since the queue was saved. */
  private saveRunning(): void {
    if (!this.store) return;
    const running = this.runningJob();
    try {
      this.store.saveRunning({ ended: this.endedSinceSave, ...(running !== undefined && { running }) });
    } catch (error) {
      this.log.warn('could not save the running job', { path: this.store.runningPath, message: (error as Error).message });
    }
  }
}

/** What a job whose worker stopped left behind, as its failure says it. */
const LEFT_BEHIND = {
  FILES_STAY: 'the files it extracted before stay, none half-written',
  NO_OUTPUT: 'it left no output',
} as const;

/**
 * The failure of a job whose worker stopped: by the worker's error or its exit code, and what the
 * job left (LEFT_BEHIND), or the archive it had put in place before it could report its end. The
 * window words it by its kind (`EXIT.NO_OUTPUT`: how it stopped, then what was left) and values;
 * it names no archive of its own.
 */
function workerStopped(error: Error | undefined, exitCode: number, left: keyof typeof LEFT_BEHIND | { readonly placed: string }): JobError {
  const [how, why, params] = error ? ['ERROR', `: ${error.message}`, { error: error.message }] : ['EXIT', ` (exit code ${exitCode})`, { exitCode }];
  if (typeof left === 'string') {
    const message = `the background worker stopped unexpectedly${why}; the job was not finished (${LEFT_BEHIND[left]})`;
    return { code: WORKER_CRASHED, message, parts: { target: null, problem: { message, code: WORKER_CRASHED, kind: `${how}.${left}`, params } } };
  }
  const message = `the background worker stopped unexpectedly${why}, as the job ended; its archive is in place and whole (${left.placed}), but what the job had to report of it was lost`;
  return { code: WORKER_CRASHED, message, parts: { target: null, problem: { message, code: WORKER_CRASHED, kind: `${how}.PLACED`, params: { ...params, path: left.placed } } } };
}

/** A job whose worker could not be made (new Worker threw): Node's words after ours, which the window words by its kind. */
function workerNotStarted(error: Error): JobError {
  const message = `the background worker could not start: ${error.message}`;
  return { code: WORKER_CRASHED, message, parts: { target: null, problem: { message, code: WORKER_CRASHED, kind: 'NOT_STARTED', params: { error: error.message } } } };
}

/**
 * A job read back, as it runs again. A 'rename' extract ("keep both") that had started would
 * otherwise write every file its first run wrote once more, beside itself (`f (1).bin`): it is
 * told when that run began (resumedFrom; the first run's, if it was resumed before), and takes
 * the files changed since for its own. 'skip' and 'replace' run as they were: skipping or
 * replacing a file again is what they would have done.
 */
function resumedRequest(job: PersistedJob): WorkerJobRequest {
  const { request } = job;
  if (request.kind !== 'extract' || request.overwrite !== 'rename' || job.startedAt === undefined) return request;
  return { ...request, resumedFrom: Math.min(request.resumedFrom ?? job.startedAt, job.startedAt) };
}

/**
 * The temporary archives a create cut short may have left beside its output: the one it said it
 * made, or, when it was cut short before it could say (the file is made before the message
 * arrives), any file there with a temporary name of that output. Only such names: a path read
 * back from the pending file is never removed for being named there.
 */
function createLeftovers(outputPath: string, tempPath: string | undefined): string[] {
  const folder = path.dirname(outputPath);
  const finalName = path.basename(outputPath);
  if (tempPath !== undefined) return path.dirname(tempPath) === folder && isTempNameFor(finalName, path.basename(tempPath)) ? [tempPath] : [];
  try {
    return readdirSync(folder)
      .filter((name) => isTempNameFor(finalName, name))
      .map((name) => path.join(folder, name));
  } catch {
    return []; // the folder is gone, or not ours to read
  }
}

// The job queue as the window sees it (issue 5): requests from the contract go to the one
// JobClient (jobs/client.ts); its events come back folded into JobViews and contract JobEvents.
// Keeps every job of the session, so a reloaded window can ask for the list again.

import path from 'node:path';
import type { JobEvent, JobFailure, JobOutcome, JobProblem, JobProgress, JobView, OverwritePolicy, Unsubscribe } from '../../src-preload/contract.js';
import type { JobClient } from '../jobs/client.js';
import type { ArchiveIdentity, JobEvent as ClientJobEvent, JobError, JobNote, JobProgress as ClientProgress, JobResult, WorkerJobRequest } from '../jobs/protocol.js';
import type { JobService } from './services.js';

export function titleOf(request: WorkerJobRequest): string {
  switch (request.kind) {
    case 'create':
      return `${request.sources.map((s) => path.basename(s)).join(', ')} → ${path.basename(request.outputPath)}`;
    case 'extract':
      return `${path.basename(request.archivePath)} → ${request.outputDir}`;
    case 'test':
      return path.basename(request.archivePath);
  }
}

export function toProgress(progress: ClientProgress): JobProgress {
  return {
    bytesDone: progress.bytesDone,
    bytesTotal: progress.bytesTotal,
    entriesDone: progress.entriesDone,
    entriesTotal: progress.entriesTotal,
    currentEntry: progress.currentEntry === '' ? null : progress.currentEntry,
    bytesPerSecond: progress.bytesPerSecond,
    etaSeconds: progress.etaSeconds ?? null,
    counting: progress.counting === true,
  };
}

/** A result's or a failure's notes, a line each: its entry and what is wrong, with what the window words it by. */
function linesOf(problems: JobResult['problems']): JobProblem[] {
  return (problems ?? []).map(toProblem);
}

function toProblem(note: JobNote): JobProblem {
  const { entry, message, code, kind, params } = note;
  return { entry: entry === undefined || entry === '' ? null : entry, message, ...(code !== undefined && { code }), ...(kind !== undefined && { kind }), ...(params !== undefined && { params }) };
}

/** Why a job failed, in the parts its message is made of; null for one said in English alone. */
function toFailure(error: JobError): JobFailure | null {
  if (error.parts === undefined) return null;
  return { target: error.parts.target, problem: toProblem(error.parts.problem), badEntries: error.parts.badEntries ?? null };
}

export function toOutcome(request: WorkerJobRequest | undefined, result: JobResult): JobOutcome {
  return {
    output: request?.kind === 'test' ? null : result.outputPath,
    bytesIn: result.sizes.input,
    bytesOut: result.sizes.output,
    entries: result.entries,
    durationMs: result.durationMs,
    problems: linesOf(result.problems),
    notes: result.notes ?? [],
  };
}

/**
 * The jobs at work now: how many are queued or running, the running one, and of those queued
 * since the queue was last empty (a batch, and what joined it), how many there are and how many
 * have ended.
 */
export interface JobActivity {
  readonly active: number;
  readonly running: JobView | undefined;
  readonly total: number;
  readonly ended: number;
}

export class WindowJobs implements JobService {
  private readonly views = new Map<string, JobView>();
  private readonly requests = new Map<string, WorkerJobRequest>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private readonly stop: Unsubscribe;
  /** Jobs queued or running, the running one, and those since the queue was last empty: kept as events come, for what is asked at each (the taskbar's progress). */
  private active = 0;
  private runningId: string | undefined;
  private total = 0;
  private ended = 0;

  constructor(
    private readonly client: JobClient,
    private readonly now: () => number = Date.now,
  ) {
    this.stop = client.onEvent((event) => this.onClientEvent(event));
  }

  async batch(folders: readonly string[], outputDir: string | null, level: number): Promise<string[]> {
    return this.client.enqueue({ kind: 'batch', folders, level, ...(outputDir === null ? {} : { outputDir }) });
  }

  async extract(archivePath: string, entryRanges: readonly number[] | null, outputDir: string, overwrite: OverwritePolicy, archiveIdentity?: ArchiveIdentity, nameEncoding?: string): Promise<string> {
    const [jobId] = this.client.enqueue({
      kind: 'extract',
      archivePath,
      outputDir,
      overwrite,
      ...(entryRanges === null ? {} : { entryRanges }),
      ...(archiveIdentity === undefined ? {} : { archiveIdentity }),
      ...(nameEncoding === undefined ? {} : { nameEncoding }),
    });
    return jobId!;
  }

  async test(archivePath: string, archiveIdentity?: ArchiveIdentity, nameEncoding?: string): Promise<string> {
    const [jobId] = this.client.enqueue({ kind: 'test', archivePath, ...(archiveIdentity === undefined ? {} : { archiveIdentity }), ...(nameEncoding === undefined ? {} : { nameEncoding }) });
    return jobId!;
  }

  async cancel(jobId: string): Promise<boolean> {
    return this.client.cancel(jobId);
  }

  list(): JobView[] {
    return [...this.views.values()];
  }

  get(jobId: string): JobView | undefined {
    return this.views.get(jobId);
  }

  /** The jobs at work now. Asked at every job event, so counted as they come: a copy of the list each time took 10 s of main's time over a batch of 10,000 folders. */
  activity(): JobActivity {
    return { active: this.active, running: this.runningId === undefined ? undefined : this.views.get(this.runningId), total: this.total, ended: this.ended };
  }

  onEvent(listener: (event: JobEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
  }

  private onClientEvent(event: ClientJobEvent): void {
    let out: JobEvent;
    if (event.type === 'queued') {
      this.requests.set(event.jobId, event.request);
      const kind = event.batchId !== undefined ? 'batch' : event.request.kind;
      const job: JobView = { jobId: event.jobId, kind, title: titleOf(event.request), state: 'queued', progress: null, outcome: null, error: null, failure: null, errorLines: [], errorNotes: [], queuedAt: this.now(), ...(event.batchId !== undefined && { batchId: event.batchId }) };
      this.views.set(event.jobId, job);
      if (this.active === 0) this.total = this.ended = 0;
      this.active++;
      this.total++;
      out = { type: 'queued', job };
    } else {
      const job = this.views.get(event.jobId);
      if (!job) return;
      if (event.type === 'started' || event.type === 'progress') this.runningId = event.jobId;
      else if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') {
        if (job.state === 'queued' || job.state === 'running') {
          this.active--;
          this.ended++;
        }
        if (this.runningId === event.jobId) this.runningId = undefined;
      }
      switch (event.type) {
        case 'started':
          out = { type: 'started', jobId: event.jobId, at: this.now() };
          this.views.set(event.jobId, { ...job, state: 'running' });
          break;
        case 'progress': {
          const progress = toProgress(event.progress);
          out = { type: 'progress', jobId: event.jobId, progress };
          this.views.set(event.jobId, { ...job, state: 'running', progress });
          break;
        }
        case 'done': {
          const outcome = toOutcome(this.requests.get(event.jobId), event.result);
          out = { type: 'done', jobId: event.jobId, outcome };
          this.views.set(event.jobId, { ...job, state: 'done', outcome });
          break;
        }
        case 'failed': {
          const lines = linesOf(event.error.problems);
          const notes = event.error.notes ?? [];
          const outcome = event.error.result === undefined ? null : toOutcome(this.requests.get(event.jobId), event.error.result);
          const failure = toFailure(event.error);
          out = { type: 'failed', jobId: event.jobId, error: { code: event.error.code, message: event.error.message }, failure, lines, notes, outcome };
          this.views.set(event.jobId, { ...job, state: 'failed', outcome, error: event.error.message, failure, errorLines: lines, errorNotes: notes });
          break;
        }
        case 'cancelled':
          out = { type: 'cancelled', jobId: event.jobId };
          this.views.set(event.jobId, { ...job, state: 'cancelled' });
          break;
      }
      // An ended job's request is not needed again (its view keeps what the panel shows).
      if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') this.requests.delete(event.jobId);
    }
    for (const listener of this.listeners) listener(out);
  }
}

// The jobs the window knows, folded from the bridge's job events (a pure function, unit-tested
// without a browser; jobs.svelte.ts holds the result).

import type { JobEvent, JobView } from '../../src-preload/contract.js';

export interface Folded {
  readonly jobs: JobView[];
  /** The jobs these events ended, done, failed or cancelled, in the order they ended. */
  readonly ended: JobView[];
}

/**
 * The jobs after these events, in one pass: a batch of 1,000 folders sends some 5,000 events in
 * a few seconds, and copying the list at each one, then sorting and laying out the panel for
 * each, kept the window 30 s behind the jobs (jobs.svelte.ts applies what came in a frame at once).
 * A job queued twice (the window's first listing and its queued event) is kept once.
 */
export function foldEvents(jobs: readonly JobView[], events: readonly JobEvent[]): Folded {
  const next = [...jobs];
  const at = new Map(next.map((job, i) => [job.jobId, i]));
  const ended: JobView[] = [];
  for (const event of events) {
    if (event.type === 'queued') {
      if (!at.has(event.job.jobId)) at.set(event.job.jobId, next.push(event.job) - 1);
      continue;
    }
    const i = at.get(event.jobId);
    if (i === undefined) continue;
    next[i] = fold(next[i]!, event);
    if (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') ended.push(next[i]!);
  }
  return { jobs: next, ended };
}

/** What the Jobs panel says when a job ends: the job, or the batch it was one of, done or not. */
export type EndLine = { readonly job: JobView } | { readonly batch: { readonly kind: JobView['kind']; readonly total: number; readonly done: number } };

/**
 * What is said of `ended`, among `jobs`: the job itself, done, failed or cancelled; for a job of
 * a batch of several folders, nothing while others of the batch wait or run, then the batch once,
 * by its count and how many of them were done, also when the last to end failed. A batch of 50
 * folders said 50 lines. A failed job was left to its card's alert, which a folded panel does not
 * show: the failure was never said.
 */
export function endLine(jobs: readonly JobView[], ended: JobView): EndLine | null {
  const batch = ended.batchId === undefined ? [] : jobs.filter((job) => job.batchId === ended.batchId);
  if (batch.length <= 1) return { job: ended };
  if (batch.some((job) => job.state === 'running' || job.state === 'queued')) return null;
  return { batch: { kind: ended.kind, total: batch.length, done: batch.filter((job) => job.state === 'done').length } };
}

export function fold(job: JobView, event: JobEvent): JobView {
  switch (event.type) {
    case 'queued':
      return event.job;
    case 'started':
      return { ...job, state: 'running' };
    case 'progress':
      return { ...job, state: 'running', progress: event.progress };
    case 'done':
      return { ...job, state: 'done', outcome: event.outcome };
    case 'failed':
      return { ...job, state: 'failed', outcome: event.outcome, error: event.error.message, failure: event.failure, errorLines: event.lines, errorNotes: event.notes };
    case 'cancelled':
      return { ...job, state: 'cancelled' };
  }
}

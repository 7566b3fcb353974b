// Every job the window knows, folded from the bridge's job events (issue 5: jobs panel).

import type { JobEvent, JobView } from '../../src-preload/contract.js';

export class JobsState {
  jobs = $state.raw<JobView[]>([]);
  /** The job that ended last, done or cancelled, for a screen reader to hear (a failed one is an alert of its own). */
  lastEnded = $state.raw<JobView | null>(null);

  get running(): number {
    return this.jobs.filter((j) => j.state === 'running' || j.state === 'queued').length;
  }

  replaceAll(jobs: readonly JobView[]): void {
    this.jobs = [...jobs];
  }

  apply(event: JobEvent): void {
    if (event.type === 'queued') {
      if (!this.jobs.some((j) => j.jobId === event.job.jobId)) this.jobs = [...this.jobs, event.job];
      return;
    }
    this.jobs = this.jobs.map((job) => (job.jobId === event.jobId ? fold(job, event) : job));
    if (event.type === 'done' || event.type === 'cancelled') this.lastEnded = this.jobs.find((j) => j.jobId === event.jobId) ?? null;
  }

  clearFinished(): void {
    this.jobs = this.jobs.filter((j) => j.state === 'queued' || j.state === 'running');
  }
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

export const jobs = new JobsState();

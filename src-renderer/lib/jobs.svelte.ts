// Every job the window knows, folded from the bridge's job events (issue 5: jobs panel).

import type { JobEvent, JobView } from '../../src-preload/contract.js';
import { jobFailureText, t } from './i18n.js';
import { endLine, foldEvents } from './job-fold.js';
import { formatCount } from './format.js';

/** Longest that events wait for a frame: a window out of sight gets none, and its timers run once a second. */
const FRAME_WAIT_MS = 250;

export class JobsState {
  jobs = $state.raw<JobView[]>([]);
  /**
   * The Jobs panel's line for a screen reader: what the user started last, or the job that ended
   * last, or the batch whose last job did (job-fold.ts endLine). A job that failed is an alert,
   * with its reason, as the window's other errors are. A new id each time, so that two lines alike
   * are both said.
   */
  said = $state.raw<{ readonly id: number; readonly text: string; readonly alert: boolean } | null>(null);
  #lines = 0;
  private pending: JobEvent[] = [];
  private frame: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** The jobs running or queued. */
  active(): JobView[] {
    return this.jobs.filter((j) => j.state === 'running' || j.state === 'queued');
  }

  replaceAll(jobs: readonly JobView[]): void {
    this.jobs = [...jobs];
  }

  /**
   * An event as the bridge delivers it, each in a task of its own: kept until the next frame
   * and applied with the others that came meanwhile, so that the panel is sorted and laid out
   * once a frame, not once an event.
   */
  receive(event: JobEvent): void {
    this.pending.push(event);
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => this.flush());
    this.timer = setTimeout(() => this.flush(), FRAME_WAIT_MS);
  }

  /** Applies what waits for a frame now. */
  flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = undefined;
    this.timer = undefined;
    const events = this.pending;
    this.pending = [];
    if (events.length > 0) this.applyAll(events);
  }

  say(text: string, { alert = false } = {}): void {
    this.said = { id: ++this.#lines, text, alert };
  }

  /** Whether the window knows each of these jobs, and each has ended. */
  ended(jobIds: readonly string[]): boolean {
    const states = new Map(this.jobs.map((job) => [job.jobId, job.state]));
    return jobIds.every((id) => {
      const state = states.get(id);
      return state !== undefined && state !== 'running' && state !== 'queued';
    });
  }

  clearFinished(): void {
    this.flush();
    this.jobs = this.jobs.filter((j) => j.state === 'queued' || j.state === 'running');
  }

  private applyAll(events: readonly JobEvent[]): void {
    const { jobs, ended } = foldEvents(this.jobs, events);
    this.jobs = jobs;
    // The last line of those that ended in this frame.
    const line = ended.map((job) => endLine(jobs, job)).findLast((each) => each !== null);
    if (line === undefined || line === null) return;
    if ('job' in line && line.job.state === 'failed') {
      const { kind, title, state } = line.job;
      this.say(t('jobs.endedWhy', { kind: t(`jobs.kind.${kind}`), title, state: t(`jobs.${state}`), reason: jobFailureText(line.job) }), { alert: true });
      return;
    }
    if ('job' in line) {
      this.say(t('jobs.ended', { kind: t(`jobs.kind.${line.job.kind}`), title: line.job.title, state: t(`jobs.${line.job.state}`) }));
      return;
    }
    const { kind, total, done } = line.batch;
    const folders = t('jobs.folders', { count: formatCount(total) });
    this.say(done === total ? t('jobs.ended', { kind: t(`jobs.kind.${kind}`), title: folders, state: t('jobs.done') }) : t('jobs.batchEnded', { kind: t(`jobs.kind.${kind}`), folders, done: formatCount(done), total: formatCount(total) }));
  }
}

export const jobs = new JobsState();

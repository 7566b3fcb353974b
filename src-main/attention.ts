// When the app asks for attention outside its window (issue 5): the taskbar/dock progress
// while jobs run, and a notification when a long job ends. Pure decisions over JobViews;
// main.ts applies them with BrowserWindow.setProgressBar and Notification.

import type { JobView } from '../src-preload/contract.js';
import type { JobActivity } from './ipc/jobs.js';
import { nativeLabels, type NativeLabels } from './native-labels.js';

/** A job that ran at least this long earns a notification when it ends. */
export const LONG_JOB_MS = 10_000;

/**
 * Fraction for setProgressBar: -1 removes the bar (no job at work), 2 is indeterminate. One job:
 * its bytes done (indeterminate until it knows its total). Several, as a batch: the share of
 * them ended, the running one's bytes counted in, so that the bar goes once across for the
 * whole batch (each of its jobs from empty to full, it flickered).
 */
export function taskbarProgress({ active, running, total, ended }: JobActivity): number {
  if (active === 0) return -1;
  const progress = running?.progress;
  const fraction = !progress || progress.counting || progress.bytesTotal <= 0 ? undefined : Math.min(1, progress.bytesDone / progress.bytesTotal);
  if (total <= 1) return fraction ?? 2;
  return Math.min(1, (ended + (fraction ?? 0)) / total);
}

export interface EndNotice {
  readonly title: string;
  readonly body: string;
}

/** A notification for a job that ended after running long, or null; in the system's language (`t`). */
export function endNotice(job: JobView, ranForMs: number, t: NativeLabels = nativeLabels()): EndNotice | null {
  if (ranForMs < LONG_JOB_MS) return null;
  switch (job.state) {
    case 'done':
      // A job that succeeded lists no problems, only notes (files skipped or renamed as asked).
      return { title: t.doneTitle, body: job.outcome?.problems.length ? `${job.title} — ${t.notes}` : job.title };
    case 'failed':
      return { title: t.failedTitle, body: `${job.title}: ${job.error ?? ''}` };
    default:
      return null;
  }
}

/**
 * The taskbar's bar as shown: `set` (setProgressBar) is called when what it shows changes, a
 * fraction by a whole percent, and at most every `gapMs` (the last value then set once that time
 * has passed), not at each job event: a batch of 10,000 folders sends some 50,000, and each job's
 * bar goes from nothing to full, each a call into the OS's shell. The bar goes away at once.
 */
export class TaskbarBar {
  private shown: number | undefined;
  private setAt = Number.NEGATIVE_INFINITY;
  private pending: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly set: (value: number) => void,
    private readonly gapMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  show(value: number): void {
    if (this.shown !== undefined && step(this.shown) === step(value)) {
      this.pending = undefined;
      return;
    }
    const wait = this.setAt + this.gapMs - this.now();
    if (wait <= 0 || value === -1) {
      this.apply(value);
      return;
    }
    this.pending = value;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.pending !== undefined) this.apply(this.pending);
    }, wait);
  }

  /** A new window shows no bar yet: the next value is set whatever it is. */
  forget(): void {
    this.shown = undefined;
  }

  private apply(value: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.shown = value;
    this.setAt = this.now();
    this.set(value);
  }
}

/** What the bar shows of a value: none, indeterminate, or a whole percent. */
function step(value: number): number {
  return value < 0 || value > 1 ? value : Math.floor(value * 100);
}

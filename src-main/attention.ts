// When the app asks for attention outside its window (issue 5): the taskbar/dock progress
// while jobs run, and a notification when a long job ends. Pure decisions over JobViews;
// main.ts applies them with BrowserWindow.setProgressBar and Notification.

import type { JobView } from '../src-preload/contract.js';
import { nativeLabels, type NativeLabels } from './native-labels.js';

/** A job that ran at least this long earns a notification when it ends. */
export const LONG_JOB_MS = 10_000;

/** Fraction for setProgressBar: -1 removes the bar, 2 is indeterminate, else 0..1 by bytes. */
export function taskbarProgress(jobs: readonly JobView[]): number {
  const active = jobs.filter((j) => j.state === 'running' || j.state === 'queued');
  if (active.length === 0) return -1;
  const running = active.find((j) => j.state === 'running');
  const progress = running?.progress;
  if (!progress || progress.counting || progress.bytesTotal <= 0) return 2;
  return Math.min(1, progress.bytesDone / progress.bytesTotal);
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

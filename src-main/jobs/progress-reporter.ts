// What the worker tells of a running job's progress: the engine's counts, with the rate and the
// ETA added, at most PROGRESS_PER_SECOND messages a second.

import { performance } from 'node:perf_hooks';
import type { CreateProgress } from '../archive/create.js';
import { type JobProgress, PROGRESS_PER_SECOND } from './protocol.js';

/**
 * What a job's engine reports: a create's progress as archive/create.ts gives it (a test's and an
 * extract's as the worker's engineProgress adapts theirs).
 */
export type EngineProgress = CreateProgress;

/**
 * No ETA before a job has run this long: its first moments say little of its speed (the engine
 * and its helper threads still starting, the first file a tiny one), and the bar said "ETA
 * 234883m23s" at 3 B/s.
 */
export const ETA_AFTER_SECONDS = 1;

/** At most PROGRESS_PER_SECOND messages; values never go backwards; `finish` sends 100%. */
export class ProgressReporter {
  private last: EngineProgress = { bytesDone: 0, bytesTotal: 0, entriesDone: 0, entriesTotal: 0, currentEntry: '' };
  private lastSent = 0;

  /** `startedAt` and `clock` in milliseconds (performance.now's). */
  constructor(
    private readonly startedAt: number,
    private readonly send: (progress: JobProgress) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  update(progress: EngineProgress): void {
    this.last = {
      ...progress,
      bytesDone: Math.max(this.last.bytesDone, progress.bytesDone),
      entriesDone: Math.max(this.last.entriesDone, progress.entriesDone),
    };
    const now = this.clock();
    if (now - this.lastSent >= 1000 / PROGRESS_PER_SECOND) {
      this.lastSent = now;
      this.tell(now);
    }
  }

  finish(): void {
    const { counting: _, ...last } = this.last;
    this.last = { ...last, bytesDone: last.bytesTotal, entriesDone: last.entriesTotal };
    this.tell(this.clock());
  }

  private tell(now: number): void {
    const seconds = (now - this.startedAt) / 1000;
    const bytesPerSecond = seconds > 0 ? this.last.bytesDone / seconds : 0;
    const remaining = this.last.bytesTotal - this.last.bytesDone;
    const etaSeconds = this.last.counting ? undefined : remaining === 0 ? 0 : seconds >= ETA_AFTER_SECONDS && bytesPerSecond > 0 ? remaining / bytesPerSecond : undefined;
    this.send({ ...this.last, bytesPerSecond, etaSeconds });
  }
}

// The worker's progress messages (jobs/progress-reporter.ts): counts that never go back, the
// rate, and an ETA only once a job has run long enough for its rate to mean something. The
// reporter is driven through its clock, in milliseconds, as the worker drives it through
// performance.now().

import { describe, expect, it } from 'vitest';
import { ETA_AFTER_SECONDS, ProgressReporter } from '../../src-main/jobs/progress-reporter.js';
import { type JobProgress, PROGRESS_PER_SECOND } from '../../src-main/jobs/protocol.js';

function reporter(): { at: (ms: number) => void; sent: JobProgress[]; reporter: ProgressReporter } {
  let now = 0;
  const sent: JobProgress[] = [];
  return { at: (ms) => void (now = ms), sent, reporter: new ProgressReporter(0, (progress) => sent.push(progress), () => now) };
}

describe('ProgressReporter', () => {
  it('gives no ETA before the job has run ETA_AFTER_SECONDS (the bar said "ETA 234883m23s" at 3 B/s), then the remaining bytes at the rate so far', () => {
    const { at, sent, reporter: r } = reporter();
    const entry = { bytesTotal: 100_000_000, entriesDone: 0, entriesTotal: 2, currentEntry: 'a' };
    at(200);
    r.update({ ...entry, bytesDone: 1 });
    at(ETA_AFTER_SECONDS * 1000 - 1);
    r.update({ ...entry, bytesDone: 1_000_000 });
    at(2000);
    r.update({ ...entry, bytesDone: 20_000_000 });
    expect(sent.map((p) => [p.bytesDone, p.bytesPerSecond, p.etaSeconds])).toEqual([
      [1, 5, undefined],
      [1_000_000, 1_000_000 / ((ETA_AFTER_SECONDS * 1000 - 1) / 1000), undefined],
      [20_000_000, 10_000_000, 8],
    ]);
    // Done: nothing remains, whenever it ends.
    r.finish();
    expect(sent.at(-1)).toMatchObject({ bytesDone: 100_000_000, entriesDone: 2, etaSeconds: 0 });
  });

  it('a job done within its first second says ETA 0 at its end, and none while it counts its files', () => {
    const { at, sent, reporter: r } = reporter();
    at(150);
    r.update({ bytesDone: 0, bytesTotal: 10, entriesDone: 0, entriesTotal: 1, currentEntry: '', counting: true });
    at(300);
    r.finish();
    expect(sent.map((p) => [p.counting, p.etaSeconds])).toEqual([
      [true, undefined],
      [undefined, 0],
    ]);
  });

  it(`sends at most ${PROGRESS_PER_SECOND} messages a second, and its counts never go back`, () => {
    const { at, sent, reporter: r } = reporter();
    const base = { bytesTotal: 1000, entriesTotal: 10, currentEntry: 'x' };
    for (let ms = 1000; ms < 2000; ms += 10) {
      at(ms);
      r.update({ ...base, bytesDone: ms % 300, entriesDone: ms % 7 });
    }
    expect(sent).toHaveLength(PROGRESS_PER_SECOND);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]!.bytesDone).toBeGreaterThanOrEqual(sent[i - 1]!.bytesDone);
      expect(sent[i]!.entriesDone).toBeGreaterThanOrEqual(sent[i - 1]!.entriesDone);
    }
  });
});

// Testing a large archive on two threads, a run of central records at a time (issue 2, test of
// the 100,000 tiny entries of corpus C). Pass 1 (entry-check.ts scanSpans) cuts the directory
// into ranges; then each thread walks the records of the ranges it takes with its own reader and
// checks their entries in span batches (extract-files.ts), so that no entry crosses between the
// threads: only a range's place goes to the helper, and only its tally comes back. Before this,
// the job's thread read every record and sent each entry to the helper, which cost it more than
// the checking it handed over.
//
// The job's thread takes ranges from the front and the helper from the back, a few in hand, so
// neither waits for the other. A range the helper could not finish (it died, or its reader
// failed) is checked again here: a test has no effect to undo, and the helper's tally of a range
// only counts once it is whole.

import type { EntryProblem } from './entry-check.js';
import { SpanBatcher, runSpanBatch, type SpanBatch, type SpanReader, type SpanRunner } from './extract-files.js';
import type { DirectoryRange, ZipReader } from '../zip/reader.js';
import type { ZipErrorCode } from '../zip/errors.js';

/** A range cut by pass 1: at most this many entries… */
export const RANGE_ENTRIES = 1024;
/** …or about this many bytes of entry data, so that a few large entries are shared too. */
export const RANGE_BYTES = 8 * 1024 * 1024;
/** Ranges the helper holds at once: one to check, one to go on with while its tally travels. */
const HELPER_RANGES = 2;

/** An entry of the range that must not be read (it overlaps another), and why. */
export interface Refusal {
  readonly index: number;
  readonly code: ZipErrorCode;
  readonly message: string;
}

export interface RangeJob {
  readonly id: number;
  readonly range: DirectoryRange;
  readonly refused: readonly Refusal[];
}

/** What checking (part of) a range found: entries and their bytes done, and the bad ones. */
export interface RangeTally {
  entries: number;
  bytes: number;
  readonly problems: EntryProblem[];
}

export function emptyTally(): RangeTally {
  return { entries: 0, bytes: 0, problems: [] };
}

/**
 * Checks every entry of the range, with the reader's checks over `local`. `tally` hears each span
 * batch as it ends (its bytes less those `onBytes` already heard while a large entry went on).
 * Stops between entries once `cancelled`; the entries not checked are not counted.
 */
export async function checkRange(
  reader: ZipReader,
  local: SpanReader,
  job: RangeJob,
  cancelled: () => boolean,
  tally: (part: RangeTally, lastEntry: string | undefined) => void,
  onBytes: (bytes: number, entry: string) => void,
): Promise<void> {
  const refused = new Map(job.refused.map((refusal) => [refusal.index, refusal]));
  for await (const entries of reader.entryBatches(job.range)) {
    if (cancelled()) return;
    // Read in the order the data lies in the file.
    const order = entries.length > 1 ? [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset) : entries;
    const batches: SpanBatch[] = [];
    const batcher = new SpanBatcher(local.size, (batch) => batches.push(batch));
    const refusedPart = emptyTally();
    for (const entry of order) {
      const refusal = refused.get(entry.index);
      if (refusal === undefined) {
        batcher.add({ entry });
        continue;
      }
      refusedPart.entries++;
      refusedPart.bytes += entry.uncompressedSize;
      refusedPart.problems.push({ entry: entry.name, index: entry.index, code: refusal.code, message: refusal.message });
    }
    batcher.flush();
    if (refusedPart.entries > 0) tally(refusedPart, undefined);
    for (const batch of batches) {
      const name = batch.tasks[0]!.entry.name;
      let heard = 0;
      const outcomes = await runSpanBatch(local, batch, cancelled, (bytes) => {
        heard += bytes;
        onBytes(bytes, name);
      });
      const part = emptyTally();
      batch.tasks.forEach(({ entry }, i) => {
        const outcome = outcomes[i];
        if (outcome?.code === 'CANCELLED') return;
        part.entries++;
        part.bytes += entry.uncompressedSize;
        if (outcome) part.problems.push({ entry: entry.name, index: entry.index, code: outcome.code, message: outcome.message });
      });
      part.bytes -= heard;
      tally(part, batch.tasks[batch.tasks.length - 1]!.entry.name);
    }
  }
}

/**
 * Checks all `jobs`: from the front on this thread, from the back on the runner's helper thread
 * when it has one. `tally` hears every part as it is done (a helper's range once it is whole),
 * `onBytes` the bytes of large entries while they go on.
 */
export async function checkRanges(
  reader: ZipReader,
  runner: SpanRunner,
  jobs: readonly RangeJob[],
  tally: (part: RangeTally, lastEntry: string | undefined) => void,
  onBytes: (bytes: number, entry: string | undefined) => void,
): Promise<void> {
  const cancelled = (): boolean => runner.cancelled();
  let front = 0;
  let back = jobs.length;
  /** Ranges the helper gave back unfinished, to check here. */
  const again: RangeJob[] = [];
  let inHand = 0;
  let wake: (() => void) | undefined;
  /** Set when this returns: a range still on the helper then (once cancelled) reports nothing. */
  let over = false;
  const feed = (): void => {
    while (inHand < HELPER_RANGES && front < back && !cancelled() && runner.hasHelper) {
      const job = jobs[--back]!;
      inHand++;
      // Bytes the helper reported of a range it then could not finish are taken back.
      let heard = 0;
      runner
        .sendRange(job, (bytes) => {
          if (over) return;
          heard += bytes;
          onBytes(bytes, undefined);
        })
        .then(
          (whole) => {
            if (!over) tally(whole, undefined);
          },
          () => {
            if (over) return;
            onBytes(-heard, undefined);
            again.push(job);
          },
        )
        .finally(() => {
          inHand--;
          feed();
          wake?.();
        });
    }
  };
  feed();
  try {
    for (;;) {
      if (cancelled()) return;
      const job = again.pop() ?? (front < back ? jobs[front++] : undefined);
      if (job !== undefined) {
        await checkRange(reader, runner.local, job, cancelled, tally, onBytes);
        feed();
        continue;
      }
      if (inHand === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    over = true;
  }
}

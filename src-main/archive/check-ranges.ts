// Testing a large archive on two threads, a run of central records at a time (issue 2, test of
// the 100,000 tiny entries of corpus C). Pass 1 (entry-check.ts scanSpans) cuts the directory
// into ranges; then each thread walks the records of the ranges it takes with its own reader and
// checks their entries in span batches (extract-files.ts), so that no entry crosses between the
// threads: only a range's place goes to the helper, and only its tally comes back. Before this,
// the job's thread read every record and sent each entry to the helper, which cost it more than
// the checking it handed over.
//
// Both threads take ranges in order, the helper a few at a time, so neither waits for the other.
// The helper starts while pass 1 is still cutting them: as long as the directory lists entries in
// the order of their data, an entry can only be refused for overlapping the ones before it, so a
// range's refusals are known once it is cut. Should a later record break that order, what the
// helper found so far is dropped and every range checked again with the final refusals (a test
// has no effect to undo). A range the helper could not finish (it died, or its reader failed) is
// checked again here; the helper's tally of a range only counts once it is whole.

import type { EntryProblem } from './entry-check.js';
import { SpanBatcher, runSpanBatch, type SpanBatch, type SpanReader, type SpanRunner } from './extract-files.js';
import type { DirectoryRange, ZipReader } from '../zip/reader.js';

/** A range cut by pass 1: at most this many entries… */
export const RANGE_ENTRIES = 1024;
/** …or about this many bytes of entry data, so that a few large entries are shared too. */
export const RANGE_BYTES = 8 * 1024 * 1024;
/** Ranges the helper holds at once: one to check, one to go on with while its tally travels. */
const HELPER_RANGES = 2;
/**
 * Problems found in ranges done ahead of an earlier one, held until it is done, at most (some
 * 2 MB): past it the helper is given no more ranges, and this thread waits for the helper's.
 */
export const MAX_HELD_PROBLEMS = 8192;

export interface RangeJob {
  readonly id: number;
  readonly range: DirectoryRange;
  /** The indexes of the range's entries that must not be read (entry-check.ts Overlaps says why). */
  readonly refused: readonly number[];
  /** Where each of the range's entries' data must end, in the order of their indexes (entry-check.ts EntrySpans.dataEnds). */
  readonly dataEnds: Float64Array;
}

/** An entry that was not read because it is refused: its name, for the job's thread to report with the reason it knows. */
export interface RefusedEntry {
  readonly index: number;
  readonly entry: string;
}

/** What checking (part of) a range found: entries and their bytes done, the bad ones, and the refused ones. */
export interface RangeTally {
  entries: number;
  bytes: number;
  readonly problems: EntryProblem[];
  readonly refused: RefusedEntry[];
}

export function emptyTally(): RangeTally {
  return { entries: 0, bytes: 0, problems: [], refused: [] };
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
  const refused = new Set(job.refused);
  for await (const entries of reader.fieldBatches(job.range)) {
    if (cancelled()) return;
    // Read in the order the data lies in the file.
    const order = entries.length > 1 ? [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset) : entries;
    const batches: SpanBatch[] = [];
    const batcher = new SpanBatcher(local.size, (batch) => batches.push(batch));
    const refusedPart = emptyTally();
    for (const entry of order) {
      if (!refused.has(entry.index)) {
        batcher.add({ entry, dataEnd: job.dataEnds[entry.index - job.range.index]! });
        continue;
      }
      // (Never read: none of its bytes are counted, as test-archive.ts counts them.)
      refusedPart.entries++;
      refusedPart.refused.push({ index: entry.index, entry: entry.name });
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
        // A bad entry adds nothing more than what onBytes heard while it was read (test-archive.ts
        // done); a good one the rest of its size (only a large entry, alone in its batch, is heard).
        if (outcome) part.problems.push({ ...outcome, entry: entry.name, index: entry.index });
        else part.bytes += entry.uncompressedSize - (i === 0 ? heard : 0);
      });
      tally(part, batch.tasks[batch.tasks.length - 1]!.entry.name);
    }
  }
}

/** What checking ranges tells its caller: each part as it is done, and bytes of large entries as they go. */
export interface RangeListener {
  /** A part of a range (a helper's range once it is whole, with `lastEntry` undefined). */
  tally(part: RangeTally, lastEntry: string | undefined): void;
  onBytes(bytes: number, entry: string | undefined): void;
  /** Every entry of the range is checked and tallied (its ranges before may not be). */
  rangeDone(job: RangeJob): void;
  /** Whether what was heard is not yet taken in (a stream full of problem lines): no range is begun then… */
  behind?(): boolean;
  /** …until this resolves. */
  caughtUp?(): Promise<void>;
  /** Whether MAX_HELD_PROBLEMS problems wait for an earlier range to be done. */
  holdingTooMuch?(): boolean;
}

/**
 * The ranges of one test, checked on this thread and the runner's helper thread. The helper may
 * start on ranges while pass 1 still cuts the rest (`add` before `settle`): what it reports is
 * held back until `settle` says whether the refusals those ranges went with were final (then it
 * counts) or not (then they are checked again with the final ones). Both threads take ranges in
 * order; the helper a few at a time.
 */
export class RangeChecks {
  /** Ranges to check, in order; each let go once taken (its data ends are 8 bytes an entry). */
  private readonly queue: (RangeJob | undefined)[] = [];
  private head = 0;
  /** Ranges the helper gave back unfinished, to check here. */
  private readonly again: RangeJob[] = [];
  private inHand = 0;
  private wake: (() => void) | undefined;
  /** Until `settle`: what the helper reported, held back. */
  private held: { tally: { whole: RangeTally; job: RangeJob }[]; bytes: number; problems: number } | undefined = { tally: [], bytes: 0, problems: 0 };
  /** Ranges whose results no longer count (sent before `settle` said their refusals were not final). */
  private readonly stale = new Set<number>();
  private readonly sentEarly: number[] = [];
  /** Set once `run` returns: a range still on the helper then (once cancelled) reports nothing. */
  private over = false;

  constructor(
    private readonly reader: ZipReader,
    private readonly runner: SpanRunner,
    private readonly listener: RangeListener,
  ) {}

  private get cancelled(): boolean {
    return this.runner.cancelled();
  }

  add(job: RangeJob): void {
    this.queue.push(job);
    this.feed();
  }

  /**
   * Pass 1 is over. `final`: the refusals of the ranges added so far were the final ones (add the
   * rest first); otherwise `redo` are all the ranges, with the final refusals and new ids.
   */
  settle(final: boolean, redo: readonly RangeJob[] = []): void {
    const held = this.held!;
    this.held = undefined;
    if (final) {
      if (held.bytes !== 0) this.listener.onBytes(held.bytes, undefined);
      for (const { whole, job } of held.tally) {
        this.listener.tally(whole, undefined);
        this.listener.rangeDone(job);
      }
      return;
    }
    // Everything added so far goes again (with other ids: the helper may still hold some).
    for (const id of this.sentEarly) this.stale.add(id);
    this.again.length = 0;
    this.queue.length = 0;
    this.head = 0;
    for (const job of redo) this.queue.push(job);
    this.feed();
  }

  /** Checks what is queued on this thread too, until every range is done (or the test is cancelled). */
  async run(): Promise<void> {
    this.feed();
    try {
      for (;;) {
        if (this.cancelled) return;
        if (this.listener.behind?.() === true) {
          await this.listener.caughtUp?.();
          this.feed();
          continue;
        }
        // The earliest range not done is the helper's: wait for it rather than hold more.
        if (this.listener.holdingTooMuch?.() === true && this.again.length === 0 && this.inHand > 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        const job = this.again.pop() ?? this.next();
        if (job !== undefined) {
          await checkRange(this.reader, this.runner.local, job, () => this.runner.cancelled(), this.listener.tally.bind(this.listener), this.listener.onBytes.bind(this.listener));
          // (A cancelled check returns early, its range unfinished.)
          if (!this.cancelled) this.listener.rangeDone(job);
          this.feed();
          continue;
        }
        if (this.inHand === 0) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      this.over = true;
    }
  }

  /** Whether the helper must wait: its output's reader is behind, or too many problems are held (until settle, here). */
  private holdingTooMuch(): boolean {
    if (this.listener.behind?.() === true) return true;
    return this.held !== undefined ? this.held.problems >= MAX_HELD_PROBLEMS : this.listener.holdingTooMuch?.() === true;
  }

  private next(): RangeJob | undefined {
    if (this.head === this.queue.length) return undefined;
    const job = this.queue[this.head];
    this.queue[this.head++] = undefined;
    return job;
  }

  private feed(): void {
    while (this.inHand < HELPER_RANGES && !this.cancelled && this.runner.hasHelper && !this.holdingTooMuch()) {
      const job = this.next();
      if (job === undefined) return;
      this.inHand++;
      if (this.held !== undefined) this.sentEarly.push(job.id);
      const counts = (): boolean => !this.over && !this.stale.has(job.id);
      // Bytes the helper reported of a range it then could not finish are taken back.
      let heard = 0;
      const hear = (bytes: number): void => {
        if (!counts()) return;
        heard += bytes;
        if (this.held !== undefined) this.held.bytes += bytes;
        else this.listener.onBytes(bytes, undefined);
      };
      this.runner
        .sendRange(job, hear)
        .then(
          (whole) => {
            if (!counts()) return;
            if (this.held !== undefined) {
              this.held.tally.push({ whole, job });
              this.held.problems += whole.problems.length + whole.refused.length;
            } else {
              this.listener.tally(whole, undefined);
              this.listener.rangeDone(job);
            }
          },
          () => {
            if (!counts()) return;
            hear(-heard);
            this.again.push(job);
          },
        )
        .finally(() => {
          this.inHand--;
          this.feed();
          this.wake?.();
        });
    }
  }
}

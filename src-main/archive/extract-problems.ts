// The problems of one extraction, in entry order: kept for the result, or, with a listener,
// handed on as soon as the part of the central directory they lie in is done (its entries
// planned and each of its files written or failed, on either thread), so that an archive with a
// problem per entry (an overlap bomb) never has them all in memory. A problem that may still
// change (an entry another one of its path may yet replace, archive/extract.ts step 3b) and those
// found after the directory's last part are kept to the end, and handed on then, in entry order;
// should the run fail, all those not yet handed on are handed on before the failure is.

import type { EntryProblem, ProblemFlow } from './entry-check.js';
import { grown } from '../zip/columns.js';

export class ExtractProblems {
  /** Problems so far, handed on or kept. */
  count = 0;
  /** Without a listener, every problem; with one, those kept to the end. In entry order once `finish` returns. */
  readonly kept: EntryProblem[] = [];
  /** With a listener: each part not yet handed on, with its problems and the pieces of its work still open. */
  private readonly parts = new Map<number, { readonly problems: EntryProblem[]; open: number }>();
  /** The first part not yet handed on. */
  private next = 0;
  /** Problems in the parts not yet handed on (waiting for an earlier part, or for their own to be done). */
  held = 0;

  constructor(private readonly listener: ((problem: EntryProblem) => void) | undefined) {}

  /** Opens the next part (parts are numbered from 0), with its planning as the first open piece. */
  begin(part: number): void {
    if (this.listener !== undefined) this.parts.set(part, { problems: [], open: 1 });
  }

  /** One more open piece of the part's work (a span batch of its files). */
  hold(part: number): void {
    const open = this.parts.get(part);
    if (open !== undefined) open.open++;
  }

  /** A piece of the part's work is done: the parts done, from the first not yet handed on, are handed on. */
  release(part: number): void {
    const open = this.parts.get(part);
    if (open === undefined) return;
    open.open--;
    for (let done = this.parts.get(this.next); done !== undefined && done.open === 0; done = this.parts.get(this.next)) {
      this.parts.delete(this.next++);
      this.held -= done.problems.length;
      for (const problem of done.problems.sort(byIndex)) this.listener!(problem);
    }
  }

  /** A problem of an entry in `part` (undefined: found after the last part); `mayChange`: it is kept to the end. */
  add(problem: EntryProblem, part: number | undefined, mayChange = false): void {
    this.count++;
    const open = part === undefined || mayChange ? undefined : this.parts.get(part);
    if (open === undefined) return void this.kept.push(problem);
    open.problems.push(problem);
    this.held++;
  }

  /** Adds `note` to the message of the kept problem of entry `index` (one kept to the end, see add). */
  amendKept(index: number, note: string): void {
    const at = this.kept.findIndex((p) => p.index === index);
    if (at !== -1) this.kept[at] = { ...this.kept[at]!, message: `${this.kept[at]!.message} ${note}` };
  }

  /**
   * Once the work is over, or has failed: the problems not yet handed on, in entry order, handed on
   * (then none are returned; while `flow` says that whoever hears them is behind, it waits) or returned.
   */
  async finish(flow?: ProblemFlow): Promise<EntryProblem[]> {
    if (this.listener === undefined) return this.kept.sort(byIndex);
    // (After a whole run every part is done and only the kept ones are left; after a failure, the
    // parts not yet done go with them.)
    const rest = this.kept.splice(0);
    for (const { problems } of this.parts.values()) rest.push(...problems);
    this.parts.clear();
    this.held = 0;
    for (const problem of rest.sort(byIndex)) {
      this.listener(problem);
      if (flow?.behind() === true) await flow.caughtUp();
    }
    return [];
  }
}

function byIndex(a: EntryProblem, b: EntryProblem): number {
  return a.index - b.index;
}

/**
 * What extraction tells of entries skipped or renamed: the first `limit` of them by entry index
 * as items, and how many there were. Extracting a million entries into a folder that already
 * holds them skips them all; kept as items, they were some 150 MB. Those beyond the first
 * `limit` are kept as their indexes only (4 bytes each), so that one taken back is still counted
 * right (after that, fewer than `limit` may be listed while more are counted).
 */
export class FirstByIndex<T extends { readonly index: number }> {
  private items: T[] = [];
  /** The indexes of the items let go. */
  private dropped = new Uint32Array(0);
  private droppedCount = 0;
  /** How many there are. */
  count = 0;

  constructor(private readonly limit: number) {}

  add(item: T): void {
    this.count++;
    this.items.push(item);
    if (this.items.length >= 2 * this.limit) this.trim();
  }

  /** Takes back the item of entry `index`, if there is one. */
  remove(index: number): void {
    const at = this.items.findIndex((item) => item.index === index);
    if (at !== -1) {
      this.items.splice(at, 1);
      this.count--;
      return;
    }
    const dropped = this.dropped.subarray(0, this.droppedCount).indexOf(index);
    if (dropped === -1) return;
    this.dropped.copyWithin(dropped, dropped + 1, this.droppedCount--);
    this.count--;
  }

  /** The first `limit` items, by index. */
  first(): T[] {
    this.trim();
    return this.items;
  }

  private trim(): void {
    this.items.sort((a, b) => a.index - b.index);
    const letGo = this.items.splice(this.limit);
    if (this.droppedCount + letGo.length > this.dropped.length) this.dropped = grown(this.dropped, this.droppedCount + letGo.length);
    for (const item of letGo) this.dropped[this.droppedCount++] = item.index;
  }
}

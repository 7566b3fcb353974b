// Which paths an archive names more than once, exactly or by case, for the safety report
// (zip/safety.ts), in memory that does not grow with the number of such paths. A map of every
// repeated path to its entries' names held them all as strings: an archive naming 500,000 paths
// twice each took the report to 475 MB.
//
// The report's first pass keeps the key of each entry's path folded by case (zip/paths.ts, 53
// bits); KeyColumn sorts them and tells which come more than once. One path always folds one
// way, so the entries with such a key, the candidates, hold every path named more than once,
// exactly or by case. Each candidate is kept here as numbers: its index, the keys of its path
// and of its folded path, and a second, seeded 32-bit hash of each, so that paths sharing a
// 53-bit key by chance, or made to, are not taken for one path (85 bits, and the seed is drawn
// per report). Sorted, runs of equal keys are the groups; only the first LISTED groups (by the
// entry that comes first) get their names, at most NAMED_PER_GROUP each, in one more pass over
// the directory. Past MAX_CANDIDATES, the candidates are taken in parts, by their folded path's
// key, a pass over the directory each: a group is always in one part (its paths fold alike).

import { grown, insertionSort, sortedIndexes } from './columns.js';

/** Names given per group; `count` has them all. */
export const NAMED_PER_GROUP = 100;
/** Candidates kept at once (25 bytes each): more are taken in parts. */
export const MAX_CANDIDATES = 1 << 19;
/** Runs of one folded key up to this long are ordered in place by insertion. */
const SHORT_RUN = 16;

/** Path keys (zip/paths.ts), 8 bytes each, and which of them come more than once. */
export class KeyColumn {
  private keys: Float64Array<ArrayBuffer>;
  private length = 0;

  /** `expected`: the entries the archive declares (room for at most a million is made at once). */
  constructor(expected: number) {
    this.keys = new Float64Array(Math.max(16, Math.min(expected, 1 << 20)));
  }

  add(key: number): void {
    if (this.length === this.keys.length) this.keys = grown(this.keys);
    this.keys[this.length++] = key;
  }

  /** The keys that come more than once, sorted; the column is let go (add no more). */
  repeated(): RepeatedKeys {
    const keys = this.keys.subarray(0, this.length).sort();
    this.keys = new Float64Array(0);
    this.length = 0;
    // Written over the sorted keys' front, which is read by then; how many of each, beside.
    let count = 0;
    const counts = new Uint32Array(keys.length >>> 1);
    for (let i = 1; i < keys.length; i++) {
      if (keys[i] !== keys[i - 1]) continue;
      if (count === 0 || keys[count - 1] !== keys[i]) {
        counts[count] = 2;
        keys[count++] = keys[i]!;
      } else counts[count - 1]!++;
    }
    return new RepeatedKeys(keys.slice(0, count), counts.slice(0, count));
  }
}

export class RepeatedKeys {
  /** `counts`: how many keys of the column were each of these. */
  constructor(
    private readonly keys: Float64Array,
    private readonly counts: Uint32Array,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /**
   * The entries with these keys in parts of about `most` (MAX_CANDIDATES): a key at place p goes
   * to part p % parts.length; how many entries each part has.
   */
  parts(most = MAX_CANDIDATES): number[] {
    const entries = this.counts.reduce((sum, count) => sum + count, 0);
    const sizes = new Array<number>(Math.max(1, Math.ceil(entries / Math.max(1, most)))).fill(0);
    this.counts.forEach((count, place) => (sizes[place % sizes.length]! += count));
    return sizes;
  }

  /** The place of `key` among these keys, or -1. */
  placeOf(key: number): number {
    const at = sortedPlace(this.keys, key);
    return this.keys[at] === key ? at : -1;
  }
}

/** Whether `sorted` (ascending) holds `key`: a binary search. */
export function sortedHas(sorted: Float64Array, key: number): boolean {
  return sorted[sortedPlace(sorted, key)] === key;
}

/** Where `key` is or would go in `sorted` (ascending): the first place not below it. */
export function sortedPlace(sorted: Float64Array, key: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A group as the report lists it: the entry indexes to name, with the group's size. */
export interface ListedGroup {
  /** How many entries (or, by case, how many distinct paths) the group has. */
  readonly count: number;
  /** The first NAMED_PER_GROUP of them, by index: each entry (or each path's first entry); the first is the group's first entry. */
  readonly named: readonly number[];
}

/** The groups that count, and the first of them (PathGroups.groups). */
export interface Groups {
  readonly count: number;
  readonly listed: readonly ListedGroup[];
}

/** The groups of parts of the candidates as one: every group counted, the first `listed` of all. */
export function mergedGroups(parts: readonly Groups[], listed: number): Groups {
  if (parts.length === 1) return parts[0]!;
  const all = parts.flatMap((part) => part.listed).sort((a, b) => a.named[0]! - b.named[0]!);
  return { count: parts.reduce((sum, part) => sum + part.count, 0), listed: all.slice(0, listed) };
}

/**
 * The candidates: the entries whose folded path's key repeats (which every entry whose path's
 * key repeats is among), 25 bytes each, in columns made for `capacity` of them.
 */
export class PathGroups {
  private readonly indexes: Uint32Array;
  private readonly pathKeys: Float64Array;
  private readonly pathHashes: Uint32Array;
  /** The place of the folded path's key among the keys that repeat (RepeatedKeys.placeOf): 4 bytes instead of the key's 8. */
  private readonly foldKeys: Uint32Array;
  private readonly foldHashes: Uint32Array;
  private readonly folders: Uint8Array;
  private length = 0;
  private readonly seed = (Math.random() * 2 ** 32) >>> 0;

  constructor(capacity: number) {
    this.indexes = new Uint32Array(capacity);
    this.pathKeys = new Float64Array(capacity);
    this.pathHashes = new Uint32Array(capacity);
    this.foldKeys = new Uint32Array(capacity);
    this.foldHashes = new Uint32Array(capacity);
    this.folders = new Uint8Array(capacity);
  }

  /** The entry at `index`, its path `path` (of key `pathKey`) and that path folded, `folded` (whose key has the place `foldKey` among those that repeat); more than `capacity` are ignored. */
  add(index: number, pathKey: number, path: string, foldKey: number, folded: string, folder: boolean): void {
    const i = this.length;
    if (i === this.indexes.length) return;
    this.length++;
    const pathHash = this.hash(path);
    this.indexes[i] = index;
    this.pathKeys[i] = pathKey;
    this.pathHashes[i] = pathHash;
    this.foldKeys[i] = foldKey;
    this.foldHashes[i] = folded === path ? pathHash : this.hash(folded);
    this.folders[i] = folder ? 1 : 0;
  }

  /**
   * The groups of one path (`paths`: they count with more than one entry, one of them not a
   * folder; their size is their entries), and of one folded path (`folds`: they count with more
   * than one distinct path; their size is their paths): how many count, and the first `listed`
   * of them in the order of their first entries.
   */
  groups(listed: number): { readonly paths: Groups; readonly folds: Groups } {
    const order = this.ordered();
    return { paths: this.groupsBy('paths', order, listed), folds: this.groupsBy('folds', order, listed) };
  }

  /**
   * The candidates ordered by folded path (its key's place, then its hash), then by path (key,
   * hash) and index: the entries of one folded path come together, and those of one path
   * together among them, by index. First by place alone, with a typed array's own sort (place
   * and candidate packed into one number: a comparator there cost a million candidates 0.8 s),
   * then each run of one place by the rest; most runs are a path's few entries, in order already.
   */
  private ordered(): Uint32Array {
    const n = this.length;
    const { indexes, pathKeys, pathHashes, foldKeys, foldHashes } = this;
    const rest = (a: number, b: number): number => foldHashes[a]! - foldHashes[b]! || pathKeys[a]! - pathKeys[b]! || pathHashes[a]! - pathHashes[b]! || indexes[a]! - indexes[b]!;
    // (Packed, place * n + candidate, they stay exact integers below 2^53.)
    let most = 0;
    for (let i = 0; i < n; i++) most = Math.max(most, foldKeys[i]!);
    if ((most + 1) * n >= 2 ** 53) return sortedIndexes(n, (a, b) => foldKeys[a]! - foldKeys[b]! || rest(a, b));
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = foldKeys[i]! * n + i;
    packed.sort();
    const order = new Uint32Array(n);
    for (let k = 0; k < n; k++) order[k] = packed[k]! % n;
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && foldKeys[order[end]!] === foldKeys[order[start]!]) end++;
      if (end - start > SHORT_RUN) {
        const run = order.slice(start, end);
        const sorted = sortedIndexes(run.length, (a, b) => rest(run[a]!, run[b]!));
        for (let k = 0; k < run.length; k++) order[start + k] = run[sorted[k]!]!;
      } else insertionSort(order, start, end, rest);
      start = end;
    }
    return order;
  }

  /** The groups by paths or by folded paths, from the candidates `ordered`. */
  private groupsBy(by: 'paths' | 'folds', order: Uint32Array, listed: number): Groups {
    const n = this.length;
    const { indexes, pathKeys, pathHashes } = this;
    const [groupKeys, groupHashes] = by === 'paths' ? [pathKeys, pathHashes] : [this.foldKeys, this.foldHashes];
    const sameGroup = (a: number, b: number): boolean => groupKeys[a] === groupKeys[b] && groupHashes[a] === groupHashes[b];
    const samePath = (a: number, b: number): boolean => pathKeys[a] === pathKeys[b] && pathHashes[a] === pathHashes[b];
    // The groups that count: where each starts in `order`, and its first entry (no two groups
    // share one: an entry is in one group).
    let count = 0;
    const starts = new Uint32Array(Math.ceil(n / 2));
    const firsts = new Uint32Array(starts.length);
    for (let start = 0; start < n; ) {
      const head = order[start]!;
      let end = start + 1;
      let first = indexes[head]!;
      let paths = 1;
      let allFolders = this.folders[head] === 1;
      for (; end < n && sameGroup(order[end]!, head); end++) {
        const i = order[end]!;
        first = Math.min(first, indexes[i]!);
        if (!samePath(i, order[end - 1]!)) paths++;
        allFolders &&= this.folders[i] === 1;
      }
      if (by === 'paths' ? end - start > 1 && !allFolders : paths > 1) {
        starts[count] = start;
        firsts[count++] = first;
      }
      start = end;
    }
    // The `listed` whose first entries come first: those up to the listed-th first entry.
    const last = count <= listed ? Infinity : firsts.slice(0, count).sort()[listed - 1]!;
    const chosen: number[] = [];
    for (let g = 0; g < count; g++) if (firsts[g]! <= last) chosen.push(g);
    chosen.sort((a, b) => firsts[a]! - firsts[b]!);
    return { count, listed: chosen.map((g) => this.listed(order, starts[g]!, sameGroup, samePath, by)) };
  }

  /** One group, from `start` in `order`: its entries, or its paths' first entries, by index. */
  private listed(order: Uint32Array, start: number, sameGroup: (a: number, b: number) => boolean, samePath: (a: number, b: number) => boolean, by: 'paths' | 'folds'): ListedGroup {
    const head = order[start]!;
    const named: number[] = [];
    for (let k = start; k < order.length && sameGroup(order[k]!, head); k++) {
      // By folds: the first entry of each path (a path's entries are sorted by index).
      if (by === 'folds' && k > start && samePath(order[k]!, order[k - 1]!)) continue;
      named.push(this.indexes[order[k]!]!);
    }
    named.sort((a, b) => a - b);
    return { count: named.length, named: named.slice(0, NAMED_PER_GROUP) };
  }

  /** A second hash of the text, seeded per report. */
  private hash(text: string): number {
    return seededHash(this.seed, text);
  }
}

/**
 * A second hash of a text besides its key, with a seed drawn per report (a multiply-xorshift, 32
 * bits): texts whose 53-bit keys are equal by chance, or made to be, are still told apart.
 */
export function seededHash(seed: number, text: string): number {
  let h = seed ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x9e37_79b1);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

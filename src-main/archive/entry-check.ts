// What test and extract both do to one entry's data: refuse what must not be inflated (entries
// overlapping others, local headers that disagree with the central directory), then run the
// data through the reader's checks (size limit, CRC-32) into a sink or into nothing.

import { Buffer } from 'node:buffer';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { grown, sortedIndexes } from '../zip/columns.js';
import { dataRefusal } from '../zip/entry-data.js';
import { ZipError, isZipError, stacklessZipError, wordedAs, type Worded, type ZipErrorCode } from '../zip/errors.js';
import type { ZipEntry } from '../zip/model.js';
import type { DirectoryRange, EntrySpan, ZipReader } from '../zip/reader.js';
import { LOCAL_FILE_HEADER } from '../zip/records.js';
import { namePathKey, type NameRules, type PathFold } from '../zip/paths.js';
import { ArchivePaths, FolderKeys } from './archive-paths.js';

export interface EntryProblem extends Worded {
  readonly entry: string;
  /** Position in the central directory. */
  readonly index: number;
  readonly code: ZipErrorCode;
  readonly message: string;
}

/** Whoever hears the problems (onProblem) tells whether it is behind, and waits until it has caught up (or the job is cancelled). */
export interface ProblemFlow {
  behind(): boolean;
  caughtUp(): Promise<void>;
}

export function entryProblem(entry: Pick<ZipEntry, 'name' | 'index'>, error: ZipError): EntryProblem {
  return { entry: entry.name, index: entry.index, code: error.code, message: error.message, ...wordedAs(error) };
}

export function cancelledError(): ZipError {
  return new ZipError('CANCELLED', 'cancelled');
}

export interface EntrySpans {
  /** Entries counted (all, or those the caller selected). */
  readonly count: number;
  /** Sum of their declared uncompressed sizes. */
  readonly bytesTotal: number;
  /** How many of them are not folders by name (files, links, and folders by their attributes alone). */
  readonly files: number;
  /** By ZipEntry.index: the entries whose data must not be read because of an overlap, and why. */
  readonly overlapping: Overlaps;
  /** Every entry, in central directory order, when the caller asked to hold up to that many and there were no more. */
  readonly held?: ZipEntry[];
  /** The whole directory cut into runs, when the caller asked for them (and held nothing). */
  readonly ranges?: DirectoryRange[];
  /**
   * By ZipEntry.index: the offset each entry's data must end by (EntryStreamOptions.dataEnd), the
   * start of the next local header in the order of the data (of an entry not refused) or of the
   * central directory; Infinity where that is not known. The overlaps above are found from the
   * central records alone, which do not say how long a local name and extra field are: a local
   * header hidden in that room of the entry before it is found when that entry is read.
   */
  readonly dataEnds: Float64Array;
  /** The directory lists the entries in the order of their data (then onRange's refusals were final). */
  readonly inOrder: boolean;
  /** The paths the counted entries extract to, when the caller asked for them. */
  readonly paths?: ArchivePaths;
}

export interface ScanOptions {
  readonly signal?: AbortSignal | undefined;
  /** The entries counted in the totals (default: all). */
  readonly counted?: ((entry: ZipEntry) => boolean) | undefined;
  /** Hold the entries when there are at most this many. */
  readonly hold?: number;
  /**
   * And only while they take up to about this many bytes (heldBytes): a few large records (names,
   * comments, extra fields of 64 KB each) would hold far more than `hold` ordinary ones.
   */
  readonly holdBytes?: number;
  /** Cut the directory into ranges of at most this many entries, or about this many bytes of entry data. */
  readonly ranges?: { readonly entries: number; readonly bytes: number };
  /**
   * Hears each range as soon as it is cut, with its entries' refusals, while the directory lists
   * entries in the order of their data: those refusals are then final if it does to the end
   * (EntrySpans.inOrder), and so are its entries' data ends (EntrySpans.dataEnds, from the
   * range's first entry on), but for those of its last start whose next one is not known yet
   * (Infinity). Not when entries are held.
   */
  readonly onRange?: (range: DirectoryRange, refused: readonly number[], ordinal: number, dataEnds: Float64Array) => void;
  /** Collect the paths the counted entries extract to (EntrySpans.paths)… */
  readonly paths?: boolean;
  /** …keeping every path's key too, not only those that repeat (ArchivePaths.mayName, 8 bytes an entry)… */
  readonly everyPath?: boolean;
  /** …folded so (zip/paths.ts PathFold)… */
  readonly fold?: PathFold;
  /** …and as written under these rules (zip/paths.ts NameRules; default NAME_RULES). */
  readonly rules?: NameRules;
}

/**
 * One streaming pass over the central directory that keeps 24 bytes an entry, not the entries:
 * totals, and the overlaps by the same rule as the reader's findOverlaps (an entry's range is
 * its 30-byte local header and its compressed data). Of two overlapping entries the one whose
 * local header lies inside the other's bytes is refused, as are entries running into the
 * central directory. Each entry's data end (EntrySpans.dataEnds, 8 bytes an entry kept) finds,
 * when it is read, the overlaps the local names and extra fields hide. This keeps test of a
 * million-entry archive within bounded memory.
 */
export async function scanSpans(reader: ZipReader, options: ScanOptions = {}): Promise<EntrySpans> {
  const { signal, counted, hold = 0, holdBytes = Infinity } = options;
  let heldSize = 0;
  // Holding the entries (when there are at most `hold`) spares the caller a second pass.
  let held: ZipEntry[] | undefined = hold > 0 && reader.info.entryCount <= hold ? [] : undefined;
  // Otherwise, with every entry counted, the spans alone will do: no names, times or extra fields.
  // (So an entry is held, or given to `counted`, only when it comes from entryBatches, whole.)
  const wholeEntries = held !== undefined || counted !== undefined;
  // The keys of the folders the counted entries' paths lie in, when paths are asked for.
  const folders = options.paths === true ? new FolderKeys() : undefined;
  const batches: AsyncGenerator<readonly EntrySpan[]> = wholeEntries ? reader.entryBatches() : reader.spanBatches({ pathKeys: options.paths, folderKeys: folders?.add, fold: options.fold, ...(options.rules !== undefined && { rules: options.rules }) });
  // Room for the declared count (never trusted for more than a million): grown when it is short.
  const capacity = Math.max(16, Math.min(reader.info.entryCount, 1 << 20));
  // The path keys of the counted entries (8 bytes an entry), when asked for.
  let keys = options.paths === true ? new Float64Array(capacity) : undefined;
  let keyCount = 0;
  const cut = options.ranges;
  const ranges: DirectoryRange[] = [];
  let rangeStart = 0;
  let rangeOffset = 0;
  let rangeBytes = 0;
  let selected = 0;
  let starts = new Float64Array(capacity);
  let ends = new Float64Array(capacity);
  let dataEnds = new Float64Array(capacity);
  // The entries before `count` from `pending` on wait for a data end: the next start past theirs.
  let pending = 0;
  /** While the directory is in order: the entries waiting whose start lies before `next` end there. */
  const endPending = (next: number): void => {
    while (pending < count && starts[pending]! < next) dataEnds[pending++] = next;
  };
  const directoryStart = reader.info.centralDirectoryOffset;
  let count = 0;
  let bytesTotal = 0;
  let files = 0;
  let sorted = true;
  // Overlaps by one walk in the order of the entries' data. While the directory lists them in
  // that order, each is judged as it comes (an entry is refused because of the ones before it
  // only); otherwise all are judged again at the end, sorted.
  // Entries whose records cannot say where their data is: refused, and left out of the overlaps.
  // (Their code and message only: an Error object apiece would be most of the memory of an
  // archive of 400,000 such records.)
  const damaged = new DamagedRecords();
  let overlapping = new Overlaps(reader.info.centralDirectoryOffset, reader.info.centralDirectorySize, damaged);
  let furthest = -1;
  /** Judges the entry at `i`, whose record is damaged when `damage` is not -1 (the id of its reason). */
  const judge = (i: number, damage: number): void => {
    if (damage !== -1) return overlapping.addDamaged(i, damage);
    if (furthest >= 0 && starts[i]! < ends[furthest]!) overlapping.addInside(i, furthest, starts[furthest]!, ends[furthest]!);
    else overlapping.addIfInDirectory(i, starts[i]!, ends[i]!);
    if (furthest < 0 || ends[i]! > ends[furthest]!) furthest = i;
  };
  for await (const batch of batches) {
    if (signal?.aborted) throw cancelledError();
    if (held !== undefined) {
      if (held.length + batch.length <= hold) {
        for (const entry of batch) {
          held.push(entry as ZipEntry);
          heldSize += heldBytes(entry as ZipEntry);
        }
        if (heldSize > holdBytes) held = undefined;
      } else held = undefined;
    }
    for (const entry of batch) {
      if (count === starts.length) {
        starts = grown(starts);
        ends = grown(ends);
        dataEnds = grown(dataEnds);
      }
      let damage = -1;
      if (entry.damage === undefined) {
        starts[count] = entry.localHeaderOffset;
        ends[count] = entry.localHeaderOffset + LOCAL_FILE_HEADER.size + entry.compressedSize;
      } else {
        // No bytes of its own, where the entry before it starts: the order stays as it was.
        damage = damaged.add(count, entry.damage);
        starts[count] = ends[count] = count > 0 ? starts[count - 1]! : 0;
      }
      if (count > 0 && starts[count]! < starts[count - 1]!) sorted = false;
      const refusedBefore = overlapping.size;
      if (sorted) {
        judge(count, damage);
        if (overlapping.size === refusedBefore) endPending(starts[count]!);
      }
      if (cut !== undefined) {
        if (count > rangeStart && (count - rangeStart >= cut.entries || rangeBytes >= cut.bytes)) {
          const range = { offset: rangeOffset, index: rangeStart, count: count - rangeStart, end: entry.centralHeaderOffset };
          ranges.push(range);
          if (sorted && held === undefined) {
            // Those of the range's last start wait for a start past it, not yet known.
            while (pending < count) dataEnds[pending++] = Infinity;
            options.onRange?.(range, overlapping.indexesIn(range.index, count), ranges.length - 1, dataEnds.slice(range.index, count));
          }
          rangeStart = count;
          rangeBytes = 0;
        }
        if (count === rangeStart) rangeOffset = entry.centralHeaderOffset;
      }
      // Only data that will be read counts towards a range's bytes: not a damaged record's size,
      // nor that of an entry refused for overlapping (each would make a range of its own, and an
      // archive of 400,000 of them as many ranges).
      if (cut !== undefined && entry.damage === undefined && overlapping.size === refusedBefore) rangeBytes += entry.compressedSize;
      if (counted === undefined || counted(entry as ZipEntry)) {
        if (entry.damage === undefined) bytesTotal += entry.uncompressedSize;
        selected++;
        if (!(wholeEntries ? (entry as ZipEntry).isDirectory : entry.folderName === true)) files++;
        if (keys !== undefined) {
          const key = wholeEntries ? namePathKey((entry as ZipEntry).name, folders!.add, options.fold, options.rules) : entry.pathKey!;
          if (!Number.isNaN(key)) {
            if (keyCount === keys.length) keys = grown(keys);
            keys[keyCount++] = key;
          }
        }
      }
      count++;
    }
  }
  if (cut !== undefined && count > rangeStart) ranges.push({ offset: rangeOffset, index: rangeStart, count: count - rangeStart });
  if (sorted) {
    endPending(directoryStart);
    dataEnds.fill(Infinity, pending, count);
    overlapping.settle();
  } else {
    overlapping = new Overlaps(reader.info.centralDirectoryOffset, reader.info.centralDirectorySize, damaged);
    furthest = -1;
    const order = sortedIndexes(count, (a, b) => starts[a]! - starts[b]!);
    for (let k = 0; k < count; k++) judge(order[k]!, damaged.idOf(order[k]!));
    overlapping.settle();
    // From the last start back: each entry's data ends at the nearest start past its own (of an
    // entry not refused), or at the directory.
    let next = directoryStart;
    for (let k = count - 1; k >= 0; ) {
      const start = starts[order[k]!]!;
      let header = false;
      for (; k >= 0 && starts[order[k]!] === start; k--) {
        const i = order[k]!;
        dataEnds[i] = next > start ? next : Infinity;
        if (!overlapping.has(i)) header = true;
      }
      if (header) next = start;
    }
  }
  const spans: { -readonly [K in keyof EntrySpans]: EntrySpans[K] } = { count: selected, bytesTotal, files, overlapping, inOrder: sorted, dataEnds: dataEnds.subarray(0, count) };
  if (held !== undefined) spans.held = held;
  else if (cut !== undefined) spans.ranges = ranges;
  if (keys !== undefined) spans.paths = new ArchivePaths(keys.subarray(0, keyCount), folders!, options.fold, options.everyPath ?? false, options.rules);
  return spans;
}

/**
 * The entries refused for where their bytes lie, by central directory index: one whose local
 * header lies inside the bytes of an entry before it (in the order of the data), one whose bytes
 * run into the central directory, and one whose record is damaged (ZipEntry.damage). Kept as 12
 * bytes per refused entry (its index and the id of its reason) and a few numbers per reason,
 * each message made when it is asked for: an overlap bomb refuses every entry but one, and a
 * ZipError apiece for 400,000 of them was 100 MB. Consecutive refusals for one reason (the
 * entries inside one other entry) share it, and share one message in the problems reported.
 */
export class Overlaps {
  /** The refused entries' indexes, and for each the id of its reason. */
  private refused = new Float64Array(0);
  private reasonOf = new Uint32Array(0);
  private length = 0;
  /** REASON numbers per reason: its kind, then the other entry's index, start and end; or the entry's own start and end; or the damage's id. */
  private reasons = new Float64Array(0);
  private reasonCount = 0;
  private inOrder = true;
  /** The last message made, for the next entry inside the same other one. */
  private lastMessage: { readonly other: number; readonly text: string } | undefined;
  private readonly directoryEnd: number;

  constructor(
    private readonly directoryStart: number,
    directorySize: number,
    private readonly damaged: DamagedRecords,
  ) {
    this.directoryEnd = directoryStart + directorySize;
  }

  get size(): number {
    return this.length;
  }

  addDamaged(index: number, damage: number): void {
    this.add(index, DAMAGED, damage, 0, 0);
  }

  addInside(index: number, other: number, otherStart: number, otherEnd: number): void {
    this.add(index, INSIDE, other, otherStart, otherEnd);
  }

  /** Refuses the entry when its bytes [start, end) run into the central directory. */
  addIfInDirectory(index: number, start: number, end: number): void {
    if (start < this.directoryEnd && end > this.directoryStart) this.add(index, INTO_DIRECTORY, 0, start, end);
  }

  /** Once every entry is judged: orders the records by index for lookups. */
  settle(): void {
    if (this.inOrder) return;
    const order = sortedIndexes(this.length, (a, b) => this.refused[a]! - this.refused[b]!);
    const refused = new Float64Array(this.length);
    const reasonOf = new Uint32Array(this.length);
    order.forEach((from, to) => {
      refused[to] = this.refused[from]!;
      reasonOf[to] = this.reasonOf[from]!;
    });
    this.refused = refused;
    this.reasonOf = reasonOf;
    this.inOrder = true;
  }

  has(index: number): boolean {
    return this.find(index) !== -1;
  }

  /** Why the entry at `index` is refused (a ZipError without a stack), or undefined. */
  get(index: number): ZipError | undefined {
    const at = this.find(index);
    if (at === -1) return undefined;
    const base = this.reasonOf[at]! * REASON;
    const kind = this.reasons[base];
    const a = this.reasons[base + 1]!;
    const start = this.reasons[base + 2]!;
    const end = this.reasons[base + 3]!;
    if (kind === DAMAGED) {
      const damage = this.damaged.reason(a);
      return stacklessZipError(damage.code, damage.message, { kind: damage.kind, params: damage.params });
    }
    if (kind === INTO_DIRECTORY) return stacklessZipError('OVERLAPPING_ENTRIES', `entry overlaps the central directory: its bytes (${start}–${end}) run into ${this.directoryStart}–${this.directoryEnd}`);
    if (this.lastMessage?.other !== a) this.lastMessage = { other: a, text: `entry overlaps another: its local header lies inside the bytes of entry ${a} (${start}–${end})` };
    return stacklessZipError('OVERLAPPING_ENTRIES', this.lastMessage.text);
  }

  /** The refused indexes in [from, to), in order (while the records are in the order of their indexes). */
  indexesIn(from: number, to: number): number[] {
    const indexes: number[] = [];
    for (let k = lowerBound(this.refused, this.length, from); k < this.length && this.refused[k]! < to; k++) indexes.push(this.refused[k]!);
    return indexes;
  }

  /** Every refused index, in order (once settled). */
  *indexes(): Generator<number> {
    for (let k = 0; k < this.length; k++) yield this.refused[k]!;
  }

  private add(index: number, kind: number, a: number, b: number, c: number): void {
    const last = (this.reasonCount - 1) * REASON;
    const same = this.reasonCount > 0 && this.reasons[last] === kind && this.reasons[last + 1] === a && this.reasons[last + 2] === b && this.reasons[last + 3] === c;
    if (!same) {
      if (this.reasonCount * REASON === this.reasons.length) this.reasons = grown(this.reasons, 16 * REASON);
      this.reasons.set([kind, a, b, c], this.reasonCount * REASON);
      this.reasonCount++;
    }
    if (this.length === this.refused.length) {
      this.refused = grown(this.refused, 64);
      this.reasonOf = grown(this.reasonOf, 64);
    }
    if (this.length > 0 && this.refused[this.length - 1]! > index) this.inOrder = false;
    this.refused[this.length] = index;
    this.reasonOf[this.length] = this.reasonCount - 1;
    this.length++;
  }

  private find(index: number): number {
    const at = lowerBound(this.refused, this.length, index);
    return at < this.length && this.refused[at] === index ? at : -1;
  }
}

/** Why a damaged record's entry is refused (ZipEntry.damage's code and message). */
interface Damage extends Worded {
  readonly code: ZipErrorCode;
  readonly message: string;
}

/**
 * The entries whose records are damaged, met in the order of their indexes, each with the id of
 * its reason (most records give one of two): 12 bytes an entry (a Map of 400,000 was 20 MB).
 */
class DamagedRecords {
  private indexes = new Float64Array(0);
  private ids = new Uint32Array(0);
  private length = 0;
  private readonly reasons: Damage[] = [];
  private readonly reasonIds = new Map<string, number>();

  /** Adds the entry at `index`, past every one added before; returns its reason's id. */
  add(index: number, damage: ZipError): number {
    const key = `${damage.code} ${damage.message}`;
    let id = this.reasonIds.get(key);
    if (id === undefined) {
      id = this.reasons.push({ code: damage.code, message: damage.message, ...wordedAs(damage) }) - 1;
      this.reasonIds.set(key, id);
    }
    if (this.length === this.indexes.length) {
      this.indexes = grown(this.indexes, 64);
      this.ids = grown(this.ids, 64);
    }
    this.indexes[this.length] = index;
    this.ids[this.length++] = id;
    return id;
  }

  /** The id of the reason the entry at `index` was added with, or -1. */
  idOf(index: number): number {
    const at = lowerBound(this.indexes, this.length, index);
    return at < this.length && this.indexes[at] === index ? this.ids[at]! : -1;
  }

  reason(id: number): Damage {
    return this.reasons[id]!;
  }
}

/** The first position in the first `length` numbers of the ascending `sorted` whose number is not below `value`. */
function lowerBound(sorted: Float64Array, length: number, value: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

const REASON = 4;
const INSIDE = 0;
const INTO_DIRECTORY = 1;
const DAMAGED = 2;

/** Entries up to this size (both sizes) come back as one Buffer; larger ones as a checked stream. */
export const IN_MEMORY_ENTRY = 256 * 1024;

/**
 * The entry's checked data: a Buffer for small entries (one read, one inflate, CRC checked), a
 * Readable for larger ones (which fails if the size or CRC-32 is wrong). Before any data, the
 * local header is compared with the central record and any disagreement refuses the entry: an
 * archive that reads differently depending on which header a tool believes is not a good one;
 * so does data running past `dataEnd` (EntrySpans.dataEnds).
 * Rejects with the entry's ZipError.
 */
export async function entryData(reader: ZipReader, entry: ZipEntry, signal: AbortSignal | undefined, dataEnd = Infinity): Promise<Buffer | Readable> {
  try {
    const refusal = dataRefusal(entry);
    if (refusal !== undefined) throw refusal;
    // Strict: any disagreement between the local header and the central record refuses the entry.
    const options = signal === undefined ? { strictLocalHeader: true, dataEnd } : { signal, strictLocalHeader: true, dataEnd };
    if (entry.uncompressedSize <= IN_MEMORY_ENTRY && entry.compressedSize <= IN_MEMORY_ENTRY) {
      return await reader.readEntry(entry, { ...options, maxSize: IN_MEMORY_ENTRY });
    }
    return await reader.openEntryStream(entry, options);
  } catch (error) {
    throw settle(error, entry, signal);
  }
}

/** Streams the entry's checked data into `sink` (or nowhere). Rejects with the entry's ZipError. */
export async function copyEntryData(reader: ZipReader, entry: ZipEntry, signal: AbortSignal | undefined, dataEnd: number, sink?: Writable): Promise<number> {
  const data = await entryData(reader, entry, signal, dataEnd);
  try {
    if (Buffer.isBuffer(data)) {
      if (sink === undefined) return data.length;
      if (data.length > 0) await new Promise<void>((resolve, reject) => sink.end(data, () => resolve()).once('error', reject));
      else sink.end();
      return data.length;
    }
    await pipeline(data, sink ?? discard(), signal === undefined ? {} : { signal });
    return entry.uncompressedSize;
  } catch (error) {
    throw settle(error, entry, signal);
  }
}

function settle(error: unknown, entry: ZipEntry, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return cancelledError();
  if (isZipError(error)) return error.code === 'CANCELLED' ? error : error.withEntry(entry.name);
  if ((error as { code?: string }).code === 'ABORT_ERR') return cancelledError();
  return error;
}

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * About what a held entry takes up: its fields, its name and comment (two bytes a character),
 * its extra fields' ids. A record of 16,383 empty extra fields is 64 KB of archive and 128 KB of
 * ids: 16,384 of them held, test ran out of memory (1.1 GB at 8,192).
 */
function heldBytes(entry: ZipEntry): number {
  return 256 + 2 * (entry.name.length + entry.comment.length) + 8 * entry.extraFieldIds.length;
}

// The safety report (issue 2): what a careful user wants to know about an archive before
// extracting it — how many entries and bytes, the highest compression ratio, names that are
// unsafe or that collide (exactly or by case), entries that overlap (zip bombs), encrypted or
// unsupported entries, local headers that disagree with the central directory, and symbolic
// links pointing out of the target. Plain JSON, so the app, the CLI and tests share it.
//
// Reading: the central directory, each local header (from a block of the archive read in turn,
// see LocalHeaders), and the data of symbolic links only. Memory is bounded whatever
// the archive's size: one pass over the directory keeps 32 bytes an entry (where its bytes lie,
// the keys of its path and of its path folded by case), not the entries (a million of them and
// maps of their paths were some 600 MB). Only when keys repeat, or entries overlap, does a
// second pass make those entries' paths and names again. Lists are capped at LISTED items each;
// `count` always has the full number.

import { Buffer } from 'node:buffer';
import { METHOD_DEFLATED, METHOD_STORED, methodName } from './constants.js';
import { localHeaderIn, readLocalHeader, type LocalHeader } from './entry-data.js';
import { ZipError, isZipError } from './errors.js';
import type { HeaderMismatch, RandomAccessSource, ZipEntry } from './model.js';
import { foldCase, foldedPathKey, hasDisguisingCharacters, namesTargetItself, pathKey, symlinkTargetStaysInside, trySafeEntryPath, type SafePath } from './paths.js';
import { EntryRanges, doubled, type ZipReader } from './reader.js';

/** Items kept per list; the count is exact. */
export const LISTED = 1000;
/** Above this uncompressed/compressed ratio an entry looks like a decompression bomb. */
export const BOMB_RATIO = 1000;
const MAX_SYMLINK_TARGET = 4096;

export interface Finding<T> {
  readonly count: number;
  readonly items: T[];
}

export interface SafetyReport {
  readonly entries: number;
  readonly files: number;
  readonly directories: number;
  readonly symlinks: number;
  readonly totalUncompressedSize: number;
  readonly totalCompressedSize: number;
  /** uncompressed / compressed size of the entry where it is highest (compressed 0 counts as 1). */
  readonly highestCompressionRatio: { readonly entry: string; readonly ratio: number } | null;
  readonly unsafeNames: Finding<{ readonly entry: string; readonly reason: string }>;
  readonly unsafeSymlinks: Finding<{ readonly entry: string; readonly target: string; readonly reason: string }>;
  readonly overlaps: Finding<{ readonly entry: string; readonly other: string | null; readonly message: string }>;
  /** Entries that would be written to the same path (after normalization): `count` of them, the first LISTED named. */
  readonly duplicateNames: Finding<{ readonly path: string; readonly count: number; readonly entries: string[] }>;
  /**
   * Paths that differ only by case or Unicode composition (foldCase, zip/paths.ts: they collide
   * on Windows and macOS): `count` of them, the first LISTED given.
   */
  readonly caseCollisions: Finding<{ readonly path: string; readonly count: number; readonly entries: string[] }>;
  readonly encrypted: Finding<string>;
  readonly unsupported: Finding<{ readonly entry: string; readonly method: number; readonly methodName: string }>;
  /** Names holding control or bidirectional characters, which make them show as other names. */
  readonly disguisedNames: Finding<string>;
  readonly localHeaderMismatches: Finding<{ readonly entry: string; readonly mismatches: HeaderMismatch[] }>;
  /**
   * Entries whose headers cannot be read: a local header with a bad signature or past the end of
   * the file, or a central record that cannot say where the data is (ZipEntry.damage).
   */
  readonly badLocalHeaders: Finding<{ readonly entry: string; readonly code: string; readonly message: string }>;
  /** 'dangerous': extraction would be refused for some entries; 'caution': worth a look; else 'ok'. */
  readonly verdict: 'ok' | 'caution' | 'dangerous';
  /** One sentence per kind of finding, for people. */
  readonly summary: string[];
}

export interface SafetyOptions {
  readonly signal?: AbortSignal;
  /** Read and compare every local header (default true). */
  readonly checkLocalHeaders?: boolean;
}

class Collector<T> {
  count = 0;
  readonly items: T[] = [];
  add(item: T): void {
    this.count++;
    if (this.items.length < LISTED) this.items.push(item);
  }
  done(): Finding<T> {
    return { count: this.count, items: this.items };
  }
}

export async function buildSafetyReport(reader: ZipReader, options: SafetyOptions = {}): Promise<SafetyReport> {
  const { signal } = options;
  const headers = (options.checkLocalHeaders ?? true) ? new LocalHeaders(reader.source) : undefined;
  const unsafeNames = new Collector<{ entry: string; reason: string }>();
  const unsafeSymlinks = new Collector<{ entry: string; target: string; reason: string }>();
  const encrypted = new Collector<string>();
  const unsupported = new Collector<{ entry: string; method: number; methodName: string }>();
  const disguisedNames = new Collector<string>();
  const localHeaderMismatches = new Collector<{ entry: string; mismatches: HeaderMismatch[] }>();
  const unreadableLocalHeaders = new Collector<{ entry: string; code: string; message: string }>();
  const damagedRecords = new Collector<{ entry: string; code: string; message: string }>();

  let count = 0;
  let files = 0;
  let directories = 0;
  let symlinks = 0;
  let totalUncompressedSize = 0;
  let totalCompressedSize = 0;
  let highest: { entry: string; ratio: number } | null = null;
  const expected = reader.info.entryCount;
  const ranges = new EntryRanges(expected);
  // The key of the path each entry extracts to, and of that path folded by case: sorted after
  // this pass, they tell which paths more than one entry may name. Only those entries' paths are
  // then made again as text, in a second pass, and compared.
  const pathKeys = new KeyColumn(expected);
  const foldedKeys = new KeyColumn(expected);

  for await (const batch of reader.entryBatches()) {
    for (const entry of batch) {
      if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
      count++;
      ranges.add(entry);
      if (entry.isDirectory) directories++;
      else if (entry.isSymlink) symlinks++;
      else files++;
      if (entry.damage === undefined) {
        totalUncompressedSize += entry.uncompressedSize;
        totalCompressedSize += entry.compressedSize;
        if (!entry.isDirectory && entry.uncompressedSize > 0) {
          const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
          if (highest === null || ratio > highest.ratio) highest = { entry: entry.name, ratio: Math.round(ratio * 100) / 100 };
        }
        if (headers !== undefined) {
          try {
            const local = headers.held(entry) ?? (await headers.read(entry));
            if (local.mismatches.length > 0) localHeaderMismatches.add({ entry: entry.name, mismatches: [...local.mismatches] });
          } catch (error) {
            if (!isZipError(error)) throw error;
            unreadableLocalHeaders.add({ entry: entry.name, code: error.code, message: error.message });
          }
        }
      } else {
        // A damaged record's sizes are its raw values (0xffffffff): not counted, nor its ratio.
        damagedRecords.add({ entry: entry.name, code: entry.damage.code, message: entry.damage.message });
      }
      if (entry.encrypted) encrypted.add(entry.name);
      else if (!entry.isDirectory && entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED) {
        unsupported.add({ entry: entry.name, method: entry.compressionMethod, methodName: methodName(entry.compressionMethod) });
      }
      if (hasDisguisingCharacters(entry.name)) disguisedNames.add(entry.name);
      const safe = extractedPath(entry);
      if (safe === undefined) continue;
      if (safe instanceof ZipError) {
        unsafeNames.add({ entry: entry.name, reason: safe.message });
        continue;
      }
      pathKeys.add(pathKey(safe.path));
      foldedKeys.add(foldedPathKey(safe.path));
      if (entry.isSymlink && !entry.isDirectory) {
        const target = await symlinkTarget(reader, entry, signal);
        if (typeof target !== 'string') unsafeSymlinks.add({ entry: entry.name, target: '', reason: target.message });
        else if (!symlinkTargetStaysInside(safe, target)) unsafeSymlinks.add({ entry: entry.name, target, reason: 'the link points outside the folder it is extracted to' });
      }
    }
  }

  // Overlaps, by index until their names are known (the second pass).
  let overlapCount = 0;
  const overlapPairs: number[] = [];
  ranges.overlaps(reader.info, (index, other) => {
    if (overlapCount++ < LISTED) overlapPairs.push(index, other);
  });
  const names = new Map<number, string>();
  for (const index of overlapPairs) if (index >= 0) names.set(index, '');
  let unnamed = names.size;
  const repeatedPaths = pathKeys.repeated();
  const repeatedFolds = foldedKeys.repeated();

  // The entries on each path named more than once, and the paths on each folded path that more
  // than one path folds to, in the order each path first comes (with the entries' names capped).
  const byPath = new Map<string, { count: number; names: string[]; folders: boolean }>();
  const byFold = new Map<string, Set<string>>();
  if (names.size > 0 || repeatedPaths.size > 0 || repeatedFolds.size > 0) {
    const pathsRepeat = repeatedPaths.size > 0 || repeatedFolds.size > 0;
    let index = 0;
    for await (const batch of reader.entryBatches()) {
      if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
      if (!pathsRepeat && unnamed === 0) break;
      for (const entry of batch) {
        if (names.has(index)) {
          names.set(index, entry.name);
          unnamed--;
        }
        index++;
        if (!pathsRepeat) continue;
        const safe = extractedPath(entry);
        if (safe === undefined || safe instanceof ZipError) continue;
        if (repeatedPaths.has(pathKey(safe.path))) {
          const same = byPath.get(safe.path);
          if (same === undefined) byPath.set(safe.path, { count: 1, names: [entry.name], folders: entry.isDirectory });
          else {
            if (same.count++ < LISTED) same.names.push(entry.name);
            same.folders &&= entry.isDirectory;
          }
        }
        if (repeatedFolds.has(foldedPathKey(safe.path))) {
          const folded = foldCase(safe.path);
          const variants = byFold.get(folded);
          if (variants === undefined) byFold.set(folded, new Set([safe.path]));
          else variants.add(safe.path);
        }
      }
    }
  }
  const overlaps: Finding<{ entry: string; other: string | null; message: string }> = { count: overlapCount, items: [] };
  for (let k = 0; k < overlapPairs.length; k += 2) {
    const index = overlapPairs[k]!;
    const other = overlapPairs[k + 1]!;
    const name = names.get(index)!;
    const otherName = other >= 0 ? names.get(other)! : null;
    overlaps.items.push({ entry: name, other: otherName, message: ranges.message(reader.info, index, name, other, otherName) });
  }
  const duplicateNames = new Collector<{ path: string; count: number; entries: string[] }>();
  // Several folder entries for one folder are harmless; anything else on one path collides.
  for (const [path, same] of byPath) if (same.count > 1 && !same.folders) duplicateNames.add({ path, count: same.count, entries: same.names });
  const caseCollisions = new Collector<{ path: string; count: number; entries: string[] }>();
  for (const variants of byFold.values()) {
    if (variants.size > 1) {
      const paths = [...variants];
      caseCollisions.add({ path: paths[0]!, count: paths.length, entries: paths.slice(0, LISTED) });
    }
  }
  const badLocalHeaders = {
    count: unreadableLocalHeaders.count + damagedRecords.count,
    items: [...unreadableLocalHeaders.items, ...damagedRecords.items].slice(0, LISTED),
  };

  const report = {
    entries: count,
    files,
    directories,
    symlinks,
    totalUncompressedSize,
    totalCompressedSize,
    highestCompressionRatio: highest,
    unsafeNames: unsafeNames.done(),
    unsafeSymlinks: unsafeSymlinks.done(),
    overlaps,
    duplicateNames: duplicateNames.done(),
    caseCollisions: caseCollisions.done(),
    encrypted: encrypted.done(),
    unsupported: unsupported.done(),
    disguisedNames: disguisedNames.done(),
    localHeaderMismatches: localHeaderMismatches.done(),
    badLocalHeaders,
  };
  const summary: string[] = [];
  const say = (count: number, words: string): void => {
    if (count > 0) summary.push(`${count} ${words}`);
  };
  say(report.unsafeNames.count, 'entries with unsafe names (absolute, "..", drive letters): extraction refuses them');
  say(report.unsafeSymlinks.count, 'symbolic links pointing outside the target: extraction refuses them');
  say(report.overlaps.count, 'overlapping entries (a zip bomb pattern): extraction refuses them');
  say(report.localHeaderMismatches.count, 'entries whose local header disagrees with the central directory');
  say(report.badLocalHeaders.count, 'entries whose headers cannot be read');
  say(report.duplicateNames.count, 'paths named by more than one entry');
  say(report.caseCollisions.count, 'paths that differ only by case');
  say(report.encrypted.count, 'encrypted entries (not supported)');
  say(report.unsupported.count, 'entries with an unsupported compression method');
  say(report.disguisedNames.count, 'names with control or right-to-left override characters, which can make a name look like another');
  if (highest !== null && highest.ratio > BOMB_RATIO) summary.push(`compression ratio ${highest.ratio}:1 for ${highest.entry} looks like a decompression bomb`);
  const dangerous = report.unsafeNames.count + report.unsafeSymlinks.count + report.overlaps.count + report.localHeaderMismatches.count + report.badLocalHeaders.count > 0;
  const caution = summary.length > 0;
  return { ...report, verdict: dangerous ? 'dangerous' : caution ? 'caution' : 'ok', summary };
}

/** Bytes of the archive the report keeps at a time to read local headers from: the longest header is 128 KiB. */
const HEADER_BLOCK = 256 * 1024;

/**
 * The entries' local headers, read in turn from a block of the archive that is read again in
 * place as they move on, and parsed where they lie in it: most come without an await, a copy or
 * a read. (Through the file source's own read-ahead, a million local headers were a fresh
 * megabyte buffer per megabyte of archive, left to the collector, and a promise each.) For
 * sources that cannot read into a buffer of ours, each header is read on its own.
 */
class LocalHeaders {
  private readonly block: Buffer | undefined;
  /** The part of the block read, from the archive's offset blockStart. */
  private filled: Buffer = Buffer.alloc(0);
  private blockStart = 0;

  constructor(private readonly source: RandomAccessSource) {
    if (source.readIntoBuffer !== undefined) this.block = Buffer.allocUnsafe(HEADER_BLOCK);
  }

  /** The entry's local header when the block holds all of it (as readLocalHeader reads it, with its errors), else undefined. */
  held(entry: ZipEntry): LocalHeader | undefined {
    const at = entry.localHeaderOffset - this.blockStart;
    if (!(at >= 0 && at < this.filled.length)) return undefined;
    return localHeaderIn(entry, this.filled, at, this.source.size);
  }

  /** The entry's local header, the block read again from where it starts. */
  async read(entry: ZipEntry): Promise<LocalHeader> {
    const offset = entry.localHeaderOffset;
    // Offsets outside the archive are readLocalHeader's to refuse.
    if (this.block === undefined || !(offset >= 0 && offset < this.source.size)) return readLocalHeader(this.source, entry);
    this.filled = this.filled.subarray(0, 0);
    const length = Math.min(HEADER_BLOCK, this.source.size - offset);
    await this.source.readIntoBuffer!(this.block, offset, length);
    this.blockStart = offset;
    this.filled = this.block.subarray(0, length);
    return this.held(entry) ?? readLocalHeader(this.source, entry);
  }
}

/** Where the entry is extracted to; undefined for "./" (the target folder itself), a ZipError for a refused name. */
function extractedPath(entry: ZipEntry): SafePath | ZipError | undefined {
  if (entry.isDirectory && namesTargetItself(entry.name)) return undefined;
  return trySafeEntryPath(entry.name);
}

/** Path keys (zip/paths.ts), 8 bytes each, and which of them come more than once. */
class KeyColumn {
  private keys: Float64Array<ArrayBuffer>;
  private length = 0;

  /** `expected` as for EntryRanges. */
  constructor(expected: number) {
    this.keys = new Float64Array(Math.max(16, Math.min(expected, 1 << 20)));
  }

  add(key: number): void {
    if (this.length === this.keys.length) this.keys = doubled(this.keys);
    this.keys[this.length++] = key;
  }

  /** The keys that come more than once (the column is sorted, so add no more). */
  repeated(): Set<number> {
    const keys = this.keys.subarray(0, this.length).sort();
    const repeated = new Set<number>();
    for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1]) repeated.add(keys[i]!);
    return repeated;
  }
}

async function symlinkTarget(reader: ZipReader, entry: ZipEntry, signal: AbortSignal | undefined): Promise<string | ZipError> {
  if (entry.uncompressedSize > MAX_SYMLINK_TARGET) return new ZipError('UNSAFE_SYMLINK', `link target of ${entry.uncompressedSize} bytes is too long`, { entry: entry.name });
  if (entry.encrypted || (entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED)) {
    return new ZipError('UNSAFE_SYMLINK', 'link target cannot be read (encrypted or unsupported method)', { entry: entry.name });
  }
  try {
    const data = await reader.readEntry(entry, { ...(signal === undefined ? {} : { signal }), maxSize: MAX_SYMLINK_TARGET });
    return data.toString('utf8');
  } catch (error) {
    if (isZipError(error)) return error;
    throw error;
  }
}

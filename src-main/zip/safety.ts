// The safety report (issue 2): what a careful user wants to know about an archive before
// extracting it — how many entries and bytes, the highest compression ratio, names that are
// unsafe or that collide (exactly or by case), entries that overlap (zip bombs), encrypted or
// unsupported entries, local headers that disagree with the central directory, and symbolic
// links pointing out of the target. Plain JSON, so the app, the CLI and tests share it.
//
// Reading: the central directory (once), each local header (one small read each, served from
// the source's read-ahead block), and the data of symbolic links only. Lists are capped at
// LISTED items each; `count` always has the full number.

import { METHOD_DEFLATED, METHOD_STORED, methodName } from './constants.js';
import { ZipError, isZipError } from './errors.js';
import type { HeaderMismatch, ZipEntry } from './model.js';
import { hasDisguisingCharacters, namesTargetItself, symlinkTargetStaysInside, trySafeEntryPath } from './paths.js';
import { findOverlaps, type ZipReader } from './reader.js';

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
  /** Entries that would be written to the same path (after normalization). */
  readonly duplicateNames: Finding<{ readonly path: string; readonly entries: string[] }>;
  /** Entries whose paths differ only by case (they collide on Windows and macOS). */
  readonly caseCollisions: Finding<{ readonly path: string; readonly entries: string[] }>;
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
  /**
   * The archive's entries, in directory order, when the caller already holds them (the app
   * does, for its listing): read again, a million entries were a second copy of some 400 MB.
   */
  readonly entries?: readonly ZipEntry[];
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
  const entries = options.entries ?? (await reader.readEntries());
  const unsafeNames = new Collector<{ entry: string; reason: string }>();
  const unsafeSymlinks = new Collector<{ entry: string; target: string; reason: string }>();
  const overlaps = new Collector<{ entry: string; other: string | null; message: string }>();
  const duplicateNames = new Collector<{ path: string; entries: string[] }>();
  const caseCollisions = new Collector<{ path: string; entries: string[] }>();
  const encrypted = new Collector<string>();
  const unsupported = new Collector<{ entry: string; method: number; methodName: string }>();
  const disguisedNames = new Collector<string>();
  const localHeaderMismatches = new Collector<{ entry: string; mismatches: HeaderMismatch[] }>();
  const badLocalHeaders = new Collector<{ entry: string; code: string; message: string }>();

  let files = 0;
  let directories = 0;
  let symlinks = 0;
  let totalUncompressedSize = 0;
  let totalCompressedSize = 0;
  let highest: { entry: string; ratio: number } | null = null;
  const byPath = new Map<string, ZipEntry[]>();
  const byFoldedPath = new Map<string, Set<string>>();

  for (const entry of entries) {
    if (entry.isDirectory) directories++;
    else if (entry.isSymlink) symlinks++;
    else files++;
    // A damaged record's sizes are its raw values (0xffffffff): not counted, nor its ratio.
    if (entry.damage === undefined) {
      totalUncompressedSize += entry.uncompressedSize;
      totalCompressedSize += entry.compressedSize;
    }
    if (!entry.isDirectory && entry.uncompressedSize > 0 && entry.damage === undefined) {
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (highest === null || ratio > highest.ratio) highest = { entry: entry.name, ratio: Math.round(ratio * 100) / 100 };
    }
    if (entry.encrypted) encrypted.add(entry.name);
    else if (!entry.isDirectory && entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED) {
      unsupported.add({ entry: entry.name, method: entry.compressionMethod, methodName: methodName(entry.compressionMethod) });
    }
    if (hasDisguisingCharacters(entry.name)) disguisedNames.add(entry.name);
    if (entry.isDirectory && namesTargetItself(entry.name)) continue; // "./": the target folder itself
    const safe = trySafeEntryPath(entry.name);
    if (safe instanceof ZipError) {
      unsafeNames.add({ entry: entry.name, reason: safe.message });
      continue;
    }
    const same = byPath.get(safe.path);
    if (same === undefined) byPath.set(safe.path, [entry]);
    else same.push(entry);
    const folded = safe.path.normalize('NFC').toLowerCase();
    const variants = byFoldedPath.get(folded);
    if (variants === undefined) byFoldedPath.set(folded, new Set([safe.path]));
    else variants.add(safe.path);

    if (entry.isSymlink && !entry.isDirectory) {
      const target = await symlinkTarget(reader, entry, options.signal);
      if (typeof target !== 'string') unsafeSymlinks.add({ entry: entry.name, target: '', reason: target.message });
      else if (!symlinkTargetStaysInside(safe, target)) unsafeSymlinks.add({ entry: entry.name, target, reason: 'the link points outside the folder it is extracted to' });
    }
  }

  for (const [path, same] of byPath) {
    // Several folder entries for one folder are harmless; anything else on one path collides.
    if (same.length > 1 && !same.every((entry) => entry.isDirectory)) duplicateNames.add({ path, entries: same.map((entry) => entry.name) });
  }
  for (const variants of byFoldedPath.values()) {
    if (variants.size > 1) {
      const paths = [...variants];
      caseCollisions.add({ path: paths[0]!, entries: paths });
    }
  }
  for (const overlap of findOverlaps(entries, reader.info)) {
    overlaps.add({ entry: entries[overlap.index]!.name, other: overlap.other >= 0 ? entries[overlap.other]!.name : null, message: overlap.message });
  }

  if (options.checkLocalHeaders ?? true) {
    for (const entry of entries) {
      if (options.signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
      if (entry.damage !== undefined) continue; // reported below
      try {
        const local = await reader.readLocalHeader(entry);
        if (local.mismatches.length > 0) localHeaderMismatches.add({ entry: entry.name, mismatches: [...local.mismatches] });
      } catch (error) {
        if (!isZipError(error)) throw error;
        badLocalHeaders.add({ entry: entry.name, code: error.code, message: error.message });
      }
    }
  }

  for (const entry of entries) if (entry.damage !== undefined) badLocalHeaders.add({ entry: entry.name, code: entry.damage.code, message: entry.damage.message });

  const report = {
    entries: entries.length,
    files,
    directories,
    symlinks,
    totalUncompressedSize,
    totalCompressedSize,
    highestCompressionRatio: highest,
    unsafeNames: unsafeNames.done(),
    unsafeSymlinks: unsafeSymlinks.done(),
    overlaps: overlaps.done(),
    duplicateNames: duplicateNames.done(),
    caseCollisions: caseCollisions.done(),
    encrypted: encrypted.done(),
    unsupported: unsupported.done(),
    disguisedNames: disguisedNames.done(),
    localHeaderMismatches: localHeaderMismatches.done(),
    badLocalHeaders: badLocalHeaders.done(),
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

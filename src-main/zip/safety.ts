// The safety report (issue 2): what a careful user wants to know about an archive before
// extracting it — how many entries and bytes, the highest compression ratio, names that are
// unsafe or that collide (exactly or by case), paths that are a file and also a folder other
// entries lie in, entries that overlap (zip bombs), encrypted or
// unsupported entries, local headers that disagree with the central directory, symbolic
// links extraction refuses (pointing out of the target, or with a target that is empty or holds a
// NUL byte), and what is off about the archive as a whole that the
// reader read around (zip/archive-notes.ts). Plain JSON, so the app, the CLI and tests share it.
//
// Reading: the central directory, each local header (from a block of the archive read in turn,
// see LocalHeaders), and the data of symbolic links only. Memory is bounded whatever
// the archive's size: one pass over the directory keeps 24 bytes an entry (where its bytes lie,
// and the key of its path folded by case) and 8 more a file (zip/file-folders.ts), not the entries
// (a million of them and maps of their paths were some 600 MB). Only when keys repeat, entries
// overlap, or a file's path may also be a folder, does a second pass look at those entries again
// (zip/path-groups.ts), and a third name the groups listed. Lists are capped at LISTED items each, and the names of a group at NAMED_PER_GROUP;
// `count` always has the full number.

import { Buffer } from 'node:buffer';
import { METHOD_DEFLATED, METHOD_STORED, methodName } from './constants.js';
import { localHeaderIn, readLocalHeader, type LocalHeader } from './entry-data.js';
import { ZipError, counted, isZipError, wordedAs, type Worded } from './errors.js';
import type { ArchiveNote, HeaderMismatch, RandomAccessSource, ZipEntry } from './model.js';
import { NAME_RULES, foldCase, foldedDifference, foldedPathKey, hasDisguisingCharacters, namesTargetItself, pathKey, symlinkTargetStaysInside, trySafeEntryPath, unusableLinkTarget, type FoldedDifference, type NameRules, type SafePath } from './paths.js';
import { FileFolders } from './file-folders.js';
import { isGuessedName, jsonEscapedBytes } from './names.js';
import { KeyColumn, PathGroups, mergedGroups, type Groups } from './path-groups.js';
import { EntryRanges, overlapMessage, overlapParams, type OverlapBytes, type ZipReader } from './reader.js';
import { LOCAL_FILE_HEADER } from './records.js';

/** Items kept per list; the count is exact. */
export const LISTED = 1000;
/** Above this uncompressed/compressed ratio an entry looks like a decompression bomb. */
export const BOMB_RATIO = 1000;
const MAX_SYMLINK_TARGET = 4096;

export interface Finding<T> {
  readonly count: number;
  readonly items: T[];
}

/**
 * Which of a finding's reasons an item is (where it has more than one), and the values its
 * reason is made of, by name: for a wording in another language (the window's, ipc/archives.ts).
 */
export type { Worded };

/** Why extraction refuses a link: its target leads outside, is empty, holds a NUL byte, is too long, or its data cannot be read. */
export type RefusedLinkKind = 'OUTSIDE' | 'EMPTY_TARGET' | 'NUL_IN_TARGET' | 'TOO_LONG' | 'UNREADABLE';

export interface SafetyReport {
  readonly entries: number;
  readonly files: number;
  readonly directories: number;
  readonly symlinks: number;
  readonly totalUncompressedSize: number;
  readonly totalCompressedSize: number;
  /** uncompressed / compressed size of the entry where it is highest (compressed 0 counts as 1). */
  readonly highestCompressionRatio: { readonly entry: string; readonly ratio: number } | null;
  /** `kind`: the rule that refuses the name (zip/paths.ts UnsafeNameKind). */
  readonly unsafeNames: Finding<{ readonly entry: string; readonly reason: string } & Worded>;
  /**
   * Links extraction refuses: one pointing outside the folder, one whose target is empty or holds
   * a NUL byte, one whose target cannot be read. `target` is quoted as extract's messages quote it
   * (zip/names.ts jsonEscapedBytes: escaped as in a JSON string, a byte that is not UTF-8 as \xNN);
   * empty when it is, or cannot be read.
   */
  readonly unsafeSymlinks: Finding<{ readonly entry: string; readonly target: string; readonly reason: string; readonly kind: RefusedLinkKind } & Worded>;
  /** `params`: the entry's bytes and where the other's local header starts, or the central directory's bytes. */
  readonly overlaps: Finding<{ readonly entry: string; readonly other: string | null; readonly message: string } & Worded>;
  /** Entries that would be written to the same path (after normalization): `count` of them, the first NAMED_PER_GROUP named. */
  readonly duplicateNames: Finding<{ readonly path: string; readonly count: number; readonly entries: string[] }>;
  /**
   * Paths that differ only by case or Unicode composition (foldCase, zip/paths.ts: they collide
   * on Windows and macOS): `count` of them, the first NAMED_PER_GROUP given; `kind`, which of the
   * two they differ by (foldedDifference, of those given).
   */
  readonly caseCollisions: Finding<{ readonly path: string; readonly count: number; readonly entries: string[]; readonly kind: FoldedDifference }>;
  /**
   * Paths that an entry other than a folder has and that other entries lie under (zip/file-folders.ts:
   * a file "x" and "x/y"): extraction cannot make both. `path` is the file's path and `file` its
   * entry's name; `entry` is the first entry under it, and `folder` the folder as its path spells
   * it, which differs from `path` by case or Unicode composition alone when they are one path only
   * on macOS and Windows.
   */
  readonly fileFolderConflicts: Finding<{ readonly path: string; readonly file: string; readonly folder: string; readonly entry: string }>;
  readonly encrypted: Finding<string>;
  readonly unsupported: Finding<{ readonly entry: string; readonly method: number; readonly methodName: string }>;
  /** Names holding control or bidirectional characters, which make them show as other names. */
  readonly disguisedNames: Finding<string>;
  /** Names Windows cannot hold, under Windows' rules (SafetyOptions.nameRules): `path` is what extraction writes instead (zip/paths.ts forWindows). */
  readonly windowsNames: Finding<{ readonly entry: string; readonly path: string }>;
  readonly localHeaderMismatches: Finding<{ readonly entry: string; readonly mismatches: HeaderMismatch[] }>;
  /**
   * Entries whose headers cannot be read: a local header with a bad signature or past the end of
   * the file, or a central record that cannot say where the data is (ZipEntry.damage).
   */
  readonly badLocalHeaders: Finding<{ readonly entry: string; readonly code: string; readonly message: string } & Worded>;
  /** What is off about the archive as a whole, read around (zip/archive-notes.ts): other readers may refuse or misread it. */
  readonly archiveNotes: ArchiveNote[];
  /**
   * Names nothing says the encoding of that are not UTF-8 (nor text in the code page named): read
   * as CP437, which they may not be (zip/names.ts isGuessedName). Not a danger: not in the summary.
   */
  readonly guessedNames: number;
  /** 'dangerous': extraction would be refused for some entries; 'caution': worth a look; else 'ok'. */
  readonly verdict: 'ok' | 'caution' | 'dangerous';
  /** One sentence per kind of finding, for people. */
  readonly summary: string[];
}

export interface SafetyOptions {
  readonly signal?: AbortSignal;
  /** Read and compare every local header (default true). */
  readonly checkLocalHeaders?: boolean;
  /** Entries of repeated paths looked at in one pass over the directory (zip/path-groups.ts MAX_CANDIDATES). */
  readonly candidatesAtOnce?: number;
  /** The names the file system that extraction writes to can hold (default: this system's, NAME_RULES). */
  readonly nameRules?: NameRules;
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
  const unsafeNames = new Collector<{ entry: string; reason: string } & Worded>();
  const unsafeSymlinks = new Collector<RefusedLink>();
  const encrypted = new Collector<string>();
  const unsupported = new Collector<{ entry: string; method: number; methodName: string }>();
  const disguisedNames = new Collector<string>();
  const windowsNames = new Collector<{ entry: string; path: string }>();
  const rules = options.nameRules ?? NAME_RULES;
  const localHeaderMismatches = new Collector<{ entry: string; mismatches: HeaderMismatch[] }>();
  const unreadableLocalHeaders = new Collector<{ entry: string; code: string; message: string } & Worded>();
  const damagedRecords = new Collector<{ entry: string; code: string; message: string } & Worded>();

  let count = 0;
  let files = 0;
  let directories = 0;
  let symlinks = 0;
  let totalUncompressedSize = 0;
  let totalCompressedSize = 0;
  let highest: { entry: string; ratio: number } | null = null;
  let guessedNames = 0;
  const expected = reader.info.entryCount;
  // (Let go once the overlaps are found.)
  let ranges: EntryRanges | undefined = new EntryRanges(expected);
  // The key of the path each entry extracts to, folded by case: sorted after this pass, they
  // tell which paths more than one entry may name, exactly or by case (one path folds one way).
  // Only those entries are looked at again.
  const foldedKeys = new KeyColumn(expected);
  // And, for files, whether their paths are also folders of other entries' paths.
  const fileFolders = new FileFolders(expected);

  for await (const batch of reader.entryBatches()) {
    for (const entry of batch) {
      if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
      count++;
      // The local name and extra field, when the local header is read: a header hidden in their room is found too.
      let localRoom = 0;
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
            localRoom = local.dataOffset - local.offset - LOCAL_FILE_HEADER.size;
            if (local.mismatches.length > 0) localHeaderMismatches.add({ entry: entry.name, mismatches: [...local.mismatches] });
          } catch (error) {
            if (!isZipError(error)) throw error;
            unreadableLocalHeaders.add({ entry: entry.name, code: error.code, message: error.message, ...wordedAs(error) });
          }
        }
      } else {
        // A damaged record's sizes are its raw values (0xffffffff): not counted, nor its ratio.
        damagedRecords.add({ entry: entry.name, code: entry.damage.code, message: entry.damage.message, ...wordedAs(entry.damage) });
      }
      ranges!.add(entry, localRoom);
      if (entry.encrypted) encrypted.add(entry.name);
      else if (!entry.isDirectory && entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED) {
        unsupported.add({ entry: entry.name, method: entry.compressionMethod, methodName: methodName(entry.compressionMethod) });
      }
      if (hasDisguisingCharacters(entry.name)) disguisedNames.add(entry.name);
      if (isGuessedName(entry)) guessedNames++;
      const safe = extractedPath(entry, rules);
      if (safe === undefined) continue;
      if (safe instanceof ZipError) {
        unsafeNames.add({ entry: entry.name, reason: safe.message, ...wordedAs(safe) });
        continue;
      }
      if (safe.changedForWindows) windowsNames.add({ entry: entry.name, path: safe.path });
      foldedKeys.add(fileFolders.key(safe.path, entry.isDirectory));
      if (entry.isSymlink && !entry.isDirectory) {
        const refused = await refusedLink(reader, entry, safe, signal);
        if (refused !== undefined) unsafeSymlinks.add(refused);
      }
    }
  }

  // (The first pass walked the whole directory: its end is known.)
  const archiveNotes = await reader.notes();

  // Overlaps, by index until their names are known (the second pass).
  let overlapCount = 0;
  const overlapsListed: OverlapBytes[] = [];
  ranges.overlaps(reader.info, (index, other) => {
    if (overlapCount++ < LISTED) overlapsListed.push(ranges!.bytesOf(index, other));
  });
  ranges = undefined;
  const names = new Map<number, string>();
  for (const { index, other } of overlapsListed) for (const named of [index, other]) if (named >= 0) names.set(named, '');
  let unnamed = names.size;
  const repeatedFolds = foldedKeys.repeated();
  const fileFolderCandidates = fileFolders.settle();

  // Second pass: the overlaps' names, and the entries whose folded paths have keys that repeat
  // (those whose paths do are among them), as numbers (zip/path-groups.ts); past MAX_CANDIDATES
  // of those, in parts, a pass each. The first also looks at files whose paths may be folders.
  const parts = repeatedFolds.parts(options.candidatesAtOnce);
  const duplicateParts: Groups[] = [];
  const collisionParts: Groups[] = [];
  // With parts, the first pass notes each entry's place among the repeated keys (-1: none), so
  // that the others fold only the paths of their own part.
  const places = parts.length > 1 ? new Int32Array(count).fill(-1) : undefined;
  for (let part = 0; part < parts.length; part++) {
    const candidates = new PathGroups(parts[part]!);
    const fileFolderPass = part === 0 && fileFolderCandidates;
    if (unnamed > 0 || repeatedFolds.size > 0 || fileFolderPass) {
      let index = 0;
      for await (const batch of reader.entryBatches()) {
        if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
        if (repeatedFolds.size === 0 && unnamed === 0 && !fileFolderPass) break;
        for (const entry of batch) {
          const at = index++;
          if (names.has(at)) {
            names.set(at, entry.name);
            unnamed--;
          }
          if (!fileFolderPass && (repeatedFolds.size === 0 || (part > 0 && places![at]! % parts.length !== part))) continue;
          const safe = extractedPath(entry, rules);
          if (safe === undefined || safe instanceof ZipError) continue;
          if (fileFolderPass) {
            fileFolders.see(at, safe.path, entry.isDirectory);
            if (repeatedFolds.size === 0 || (part > 0 && places![at]! % parts.length !== part)) continue;
          }
          const foldPlace = part > 0 ? places![at]! : repeatedFolds.placeOf(foldedPathKey(safe.path));
          if (places !== undefined && part === 0) places[at] = foldPlace;
          if (foldPlace !== -1 && foldPlace % parts.length === part) candidates.add(at, pathKey(safe.path), safe.path, foldPlace, foldCase(safe.path), entry.isDirectory);
        }
      }
    }
    const { paths, folds } = candidates.groups(LISTED);
    duplicateParts.push(paths);
    collisionParts.push(folds);
  }
  const duplicates = mergedGroups(duplicateParts, LISTED);
  const collisions = mergedGroups(collisionParts, LISTED);
  const bothKinds = fileFolders.conflicts(LISTED);
  // Third pass, for the groups listed: their entries' names and paths.
  const named = new Map<number, { name: string; path: string }>();
  for (const group of [...duplicates.listed, ...collisions.listed]) for (const index of group.named) named.set(index, { name: '', path: '' });
  for (const { file, under } of bothKinds.listed) for (const index of [file, under]) named.set(index, { name: '', path: '' });
  if (named.size > 0) {
    let index = 0;
    let left = named.size;
    for await (const batch of reader.entryBatches()) {
      if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
      if (left === 0) break;
      for (const entry of batch) {
        const wanted = named.get(index++);
        if (wanted === undefined) continue;
        const safe = extractedPath(entry, rules);
        wanted.name = entry.name;
        wanted.path = safe === undefined || safe instanceof ZipError ? '' : safe.path;
        left--;
      }
    }
  }
  const overlaps: Finding<{ entry: string; other: string | null; message: string } & Worded> = { count: overlapCount, items: [] };
  for (const overlap of overlapsListed) {
    const name = names.get(overlap.index)!;
    const otherName = overlap.other >= 0 ? names.get(overlap.other)! : null;
    overlaps.items.push({ entry: name, other: otherName, message: overlapMessage(reader.info, overlap, name, otherName), params: overlapParams(reader.info, overlap) });
  }
  const duplicateNames = {
    count: duplicates.count,
    items: duplicates.listed.map((group) => ({ path: named.get(group.named[0]!)!.path, count: group.count, entries: group.named.map((i) => named.get(i)!.name) })),
  };
  const caseCollisions = {
    count: collisions.count,
    items: collisions.listed.map((group) => {
      const entries = group.named.map((i) => named.get(i)!.path);
      return { path: entries[0]!, count: group.count, entries, kind: foldedDifference(entries) };
    }),
  };
  const fileFolderConflicts = {
    count: bothKinds.count,
    items: bothKinds.listed.map(({ file, under, depth }) => ({
      path: named.get(file)!.path,
      file: named.get(file)!.name,
      folder: named.get(under)!.path.split('/').slice(0, depth).join('/'),
      entry: named.get(under)!.name,
    })),
  };
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
    duplicateNames,
    caseCollisions,
    fileFolderConflicts,
    encrypted: encrypted.done(),
    unsupported: unsupported.done(),
    disguisedNames: disguisedNames.done(),
    windowsNames: windowsNames.done(),
    localHeaderMismatches: localHeaderMismatches.done(),
    badLocalHeaders,
    archiveNotes,
    guessedNames,
  };
  const summary: string[] = [];
  // The words for one, and for more.
  const say = (count: number, one: string, more: string): void => {
    if (count > 0) summary.push(counted(count, one, more));
  };
  say(report.unsafeNames.count, 'entry with an unsafe name (absolute, "..", a drive letter): extraction refuses it', 'entries with unsafe names (absolute, "..", drive letters): extraction refuses them');
  say(report.unsafeSymlinks.count, 'symbolic link that extraction refuses: its target leads outside the folder, is empty, holds a NUL byte or cannot be read', 'symbolic links that extraction refuses: their targets lead outside the folder, are empty, hold a NUL byte or cannot be read');
  say(report.overlaps.count, 'overlapping entry (a zip bomb pattern): extraction refuses it', 'overlapping entries (a zip bomb pattern): extraction refuses them');
  say(report.localHeaderMismatches.count, 'entry whose local header disagrees with the central directory', 'entries whose local header disagrees with the central directory');
  say(report.badLocalHeaders.count, 'entry whose headers cannot be read', 'entries whose headers cannot be read');
  say(report.duplicateNames.count, 'path named by more than one entry', 'paths named by more than one entry');
  // (Told from the groups listed: past LISTED of them, a group's names are not read.)
  const composed = caseCollisions.items.some((item) => item.kind !== 'CASE') ? ' or Unicode composition' : '';
  say(report.caseCollisions.count, `path named in more than one case${composed}`, `paths named in more than one case${composed}`);
  say(report.fileFolderConflicts.count, 'path that is a file and also a folder other entries lie in (or one but for case): extraction cannot make both', 'paths that are a file and also a folder other entries lie in (or one but for case): extraction cannot make both');
  say(report.encrypted.count, 'encrypted entry (not supported)', 'encrypted entries (not supported)');
  say(report.unsupported.count, 'entry with an unsupported compression method', 'entries with an unsupported compression method');
  say(report.disguisedNames.count, 'name with control, invisible or right-to-left override characters, which can make it look like another', 'names with control, invisible or right-to-left override characters, which can make a name look like another');
  say(report.windowsNames.count, 'name Windows cannot hold: extraction writes it under another', 'names Windows cannot hold: extraction writes them under others');
  for (const note of archiveNotes) summary.push(note.message);
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
function extractedPath(entry: ZipEntry, rules: NameRules): SafePath | ZipError | undefined {
  if (entry.isDirectory && namesTargetItself(entry.name)) return undefined;
  return trySafeEntryPath(entry.name, rules);
}

type RefusedLink = { entry: string; target: string; reason: string; kind: RefusedLinkKind } & Worded;

/**
 * Why extraction refuses the link entry at `linkPath` (archive/extract.ts placeLink), or undefined
 * when it makes it. Its target is read as stored (not decoded: bytes that are not UTF-8 would name
 * another file once decoded, each as U+FFFD); one encrypted or in another method is not known, and
 * the entry is reported (and refused) as such, not here.
 */
async function refusedLink(reader: ZipReader, entry: ZipEntry, linkPath: SafePath, signal: AbortSignal | undefined): Promise<RefusedLink | undefined> {
  if (entry.encrypted || (entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED)) return undefined;
  const size = entry.uncompressedSize;
  if (size > MAX_SYMLINK_TARGET) return { entry: entry.name, target: '', reason: `link target of ${size} bytes is too long`, kind: 'TOO_LONG', params: { bytes: size } };
  let target: Buffer;
  try {
    target = await reader.readEntry(entry, { ...(signal === undefined ? {} : { signal }), maxSize: MAX_SYMLINK_TARGET });
  } catch (error) {
    if (!isZipError(error)) throw error;
    return { entry: entry.name, target: '', reason: error.message, kind: 'UNREADABLE', params: { error: error.message } };
  }
  const quoted = jsonEscapedBytes(target);
  const unusable = unusableLinkTarget(target);
  if (unusable !== undefined) {
    // (Its two reasons: a target that is empty, one that holds a NUL byte.)
    if (target.length === 0) return { entry: entry.name, target: quoted, reason: unusable, kind: 'EMPTY_TARGET', params: {} };
    return { entry: entry.name, target: quoted, reason: unusable, kind: 'NUL_IN_TARGET', params: { target: quoted } };
  }
  // Byte for byte, as extract checks it: latin1 gives each byte a character of its own, so "/" and "." are seen where the file system sees them.
  if (symlinkTargetStaysInside(linkPath, target.toString('latin1'))) return undefined;
  return { entry: entry.name, target: quoted, reason: 'the link points outside the folder it is extracted to', kind: 'OUTSIDE', params: { target: quoted } };
}

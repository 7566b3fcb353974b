// Extracting an archive into a folder (issue 2, "Extract"), safe by default:
//   - every name goes through zip/paths.ts; absolute names, names that climb out with "..",
//     drive letters and backslash tricks are refused, and every folder on the way to a file is
//     checked to be a real folder (not a link planted by the archive or found in the target), so
//     nothing is ever written outside the target;
//   - a file is written under a temporary name in its folder and renamed into place only once
//     its CRC-32 and size have checked, so a bad or cancelled entry leaves nothing half-written;
//   - symbolic links are made last, and only when their target stays inside the target folder;
//   - modification times and permission bits are restored, setuid, setgid and sticky never;
//   - a name that is already taken is skipped, replaced, or written as "name (1).ext"; when the
//     entry that the policy chose among several of one name then fails, the next of them that
//     can be extracted is written instead;
//   - an entry with another compression method, or encrypted, gets its own clear error and
//     the others go on.
// Like testArchive, this is a pure async function over paths with a signal and a progress
// callback, returning plain JSON, so the worker, the IPC handlers and the command line share it.

import { chmodSync, closeSync, fchmodSync, futimesSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readlinkSync, realpathSync, renameSync, statSync, symlinkSync, unlinkSync, utimesSync } from 'node:fs';
import { open, readdir, realpath, rename, stat, type FileHandle } from 'node:fs/promises';
import { makeFolderPath } from './make-folder.js';
import { probeTarget } from './name-probe.js';
import type { Readable } from 'node:stream';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Buffer, isUtf8 } from 'node:buffer';
import { openFileSource, sameFile as sameIdentity, type FileIdentity } from './file-source.js';
import { ProgressReporter, runBounded, type ProgressCallback } from './progress.js';
import { DISK_FULL_WORDS, LEFT_FOR_HELPER, SpanBatcher, TargetHold, entryFields, folderInTheWay, folderTimeError, helperPays, isDiskFull, isSmallFile, openSpanRunner, removeTemporary, renameInto, setFolderTimes, temporaryBeside, writeAll, type FileOutcome, type FileTask, type FolderTimeFailure, type HeldFolder, type SpanBatch, type SpanRunner } from './extract-files.js';
import { cancelledError, entryData, entryProblem, scanSpans, type EntryProblem, type EntrySpans, type ProblemFlow } from './entry-check.js';
import { DOS_ATTR_READONLY } from '../zip/constants.js';
import { ZipError, counted, isZipError } from '../zip/errors.js';
import type { ArchiveNote, RandomAccessSource, ZipEntry } from '../zip/model.js';
import { CASE_INSENSITIVE_BY_DEFAULT, NAME_RULES, foldCase, linkTargetForWindows, namesTargetItself, symlinkTargetStaysInside, unusableLinkTarget, type NameRules, type PathFold, type SafePath } from '../zip/paths.js';
import { isGuessedName, jsonEscapedBytes, utf8OrEscaped, type CodePage } from '../zip/names.js';
import { guessedNamesNote } from '../zip/archive-notes.js';
import { openZip, type ZipReader } from '../zip/reader.js';
import { canReadChunks, dataRefusal, storedSizesDiffer } from '../zip/entry-data.js';
import type { ArchivePaths } from './archive-paths.js';
import { ExtractProblems, FirstByIndex } from './extract-problems.js';
import { NAME_BYTES, cutToBytes } from './temp-stem.js';
import { fullCollection } from './full-collection.js';
import { folderMaking, systemParams } from './system-words.js';
import { fileSystemRefused, fileTime, setWhereHeld, throwUnlessRefused } from './attributes.js';
import { EntryList, MadeFolders, type FolderNames, type MadeFolder } from './extract-later.js';
import { FolderTree } from './folder-tree.js';
import { KnownPaths, type Kind, type NamedBy } from './known-paths.js';
import { MAX_HELD_PROBLEMS } from './check-ranges.js';
import { RunStop } from './run-stop.js';
import { silentLog, type Log } from '../log/types.js';

export type OverwritePolicy = 'skip' | 'replace' | 'rename';
export const OVERWRITE_POLICIES: readonly OverwritePolicy[] = ['skip', 'replace', 'rename'];

export interface ExtractOptions {
  readonly signal?: AbortSignal;
  /** The code page of names not flagged UTF-8 (zip/names.ts codePageOf); extractReader's reader has its own. */
  readonly codePage?: CodePage;
  /** A 32-bit flag another thread sets to 1 to cancel the run, read between two files (run-stop.ts). */
  readonly cancelFlag?: SharedArrayBuffer;
  readonly onProgress?: ProgressCallback;
  readonly log?: Log;
  /** What to do when a name is already taken in the target. Default 'skip': nothing is lost. */
  readonly overwrite?: OverwritePolicy;
  /**
   * Names (exactly as stored) of the entries to extract; a name ending in "/" also selects
   * everything under it. Default: every entry.
   */
  readonly entries?: readonly string[];
  /**
   * Or the entries of these indexes, as pairs of first and end (exclusive), ascending: the window's
   * rows are entries, and two entries may have one name.
   */
  readonly entryRanges?: readonly number[];
  /** Large entries streamed at the same time, when they cannot go in span batches (see step 2 below). Default 2. */
  readonly concurrency?: number;
  /** The least time between two progress reports, in ms. Default 100. */
  readonly progressIntervalMs?: number;
  /**
   * Take names that differ only in case (or in how a letter is composed) for one path, as the
   * file systems of macOS and Windows do: "a.txt" after "A.txt" is then settled by the policy
   * instead of silently replacing it there. Default: true on macOS and Windows, and elsewhere
   * when the target folder's file system takes them so (a FAT or exFAT drive: name-probe.ts).
   */
  readonly caseInsensitive?: boolean;
  /**
   * The names the target's file system holds (zip/paths.ts NameRules): under 'windows', a name
   * Windows cannot hold is written under one it can (forWindows). Default: NAME_RULES ('windows'
   * on Windows), and 'windows' where the target folder's file system refuses those characters
   * (a FAT or exFAT drive, an SMB share: name-probe.ts).
   */
  readonly nameRules?: NameRules;
  /** The archive as it was when the user opened it (file-source.ts); a file changed since is refused. */
  readonly expectedIdentity?: FileIdentity;
  /**
   * A run that goes on from one cut short (a quit, a crash): when that one started (ms since
   * 1970). Under 'rename', a name taken by a file whose change time is not older than that (less
   * CHANGE_TIME_SLACK_MS) is taken for what the earlier run wrote, and the entry is skipped
   * instead of being written again beside it as `name (1)`; a name taken by an older file is
   * renamed as always. ('skip' and 'replace' need nothing: skipping or replacing again is what
   * the first run would have done.)
   */
  readonly resumedFrom?: number;
  /**
   * Hears each entry that could not be extracted: those of each part of the central directory in
   * entry order as soon as that part is done, then, in entry order, those found after the last
   * part (links, folders' times and modes) and those another entry of the same path may have
   * replaced; the result's `problems` is then empty (`problemCount` counts them). An archive with
   * a problem per entry (an overlap bomb) thus never has them all in memory. When the run fails
   * (cancel, full disk, a directory that breaks off), every problem found by then is heard before
   * it rejects.
   */
  readonly onProblem?: (problem: EntryProblem) => void;
  /**
   * With onProblem, when what it heard is not yet taken in (its lines wait in a full stream):
   * `behind` says so between parts of the directory, and no more is begun until `caughtUp`
   * resolves (it must also resolve once the extraction is cancelled).
   */
  readonly problemFlow?: ProblemFlow;
}


/** Why an entry is skipped: in English, with its kind and the paths it names, which the window words (`problem.SKIPPED.KIND`). */
export interface SkipReason {
  readonly reason: string;
  readonly kind: SkipKind;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Every reason an entry is skipped, in English: by the policy, for another entry of its path, or
 * as written by the run this one resumes. (The command line says `reason`; the window words the kind.)
 */
const SKIP_REASONS = {
  LATER_SAME_NAME: ({ path }) => `a later entry is also named ${path}`,
  EARLIER_SAME_NAME: ({ path }) => `an earlier entry is also named ${path}`,
  LATER_SAME_FILE: ({ other }) => `a later entry, ${other}, names the same file here`,
  EARLIER_SAME_FILE: ({ other }) => `an earlier entry, ${other}, names the same file here`,
  LATER_SAME_PATH: ({ path }) => `a later entry is also written as ${path}`,
  EARLIER_SAME_PATH: ({ path }) => `an earlier entry is also written as ${path}`,
  ALREADY_EXISTS: ({ path }) => `${path} already exists`,
  EXTRACTED_BEFORE: ({ path }) => `${path} was extracted by this job before it was cut short`,
  EXTRACTED_BEFORE_AS: ({ path, written }) => `${path} was extracted by this job as ${written} before it was cut short`,
} satisfies Record<string, (params: Readonly<Record<string, string>>) => string>;

export type SkipKind = keyof typeof SKIP_REASONS;

export const SKIP_KINDS = Object.keys(SKIP_REASONS) as SkipKind[];

export function skipReason(kind: SkipKind, params: Readonly<Record<string, string>>): SkipReason {
  return { reason: SKIP_REASONS[kind](params), kind, params };
}

export interface SkippedEntry extends SkipReason {
  readonly entry: string;
}

export interface RenamedEntry {
  readonly entry: string;
  /** Where it was written instead, relative to the target, with "/" separators. */
  readonly path: string;
}

export interface ExtractResult {
  readonly archive: string;
  /** The target folder, as given. */
  readonly target: string;
  /** Entries selected for extraction. */
  readonly entriesTotal: number;
  readonly filesWritten: number;
  readonly directoriesCreated: number;
  readonly symlinksCreated: number;
  readonly bytesWritten: number;
  /** The first LISTED_NOTES entries skipped (by the policy, or for another entry of the same name), in entry order… */
  readonly skipped: SkippedEntry[];
  /** …and how many were. */
  readonly skippedCount: number;
  /** The first LISTED_NOTES entries written under another name than their own (the rename policy, or a name Windows cannot hold: zip/paths.ts forWindows)… */
  readonly renamed: RenamedEntry[];
  /** …and how many were. */
  readonly renamedCount: number;
  /** Entries that could not be extracted, each with its code and message, in entry order (empty with `onProblem`). */
  readonly problems: EntryProblem[];
  /** How many entries could not be extracted. */
  readonly problemCount: number;
  /** True when every selected entry was extracted or deliberately skipped. */
  readonly ok: boolean;
  /** Names asked for in `entries` that no entry has (nor lies under, for a name ending in "/"). */
  readonly unmatched: string[];
  /**
   * What is off about the archive as a whole that the extraction read around (zip/archive-notes.ts:
   * data before or after it, bytes in its directory): what was extracted is what the reader made
   * of it, which other tools may not. Last, how many names it wrote as read in CP437 for want of
   * a mark (guessedNamesNote), when any.
   */
  readonly notes: ArchiveNote[];
}

/** Entries skipped or renamed listed in the result (the counts have them all). */
export const LISTED_NOTES = 1000;

/** Symbolic link targets longer than this are refused (PATH_MAX on Linux). */
const MAX_SYMLINK_TARGET = 4096;
/** Only the permission bits: setuid, setgid and sticky are never restored. */
const PERMISSION_BITS = 0o777;
/**
 * How much older than the resumed run's start a file's change time may be and still count as that
 * run's (ExtractOptions.resumedFrom): Linux stamps files from a coarse clock, which lags the one
 * Date.now() reads by up to a tick (4–10 ms).
 */
const CHANGE_TIME_SLACK_MS = 100;
/** With this many folders made, a helper thread sets the times of some of them (restoreFolders): it takes 40–60 ms to start. */
export const SHARED_FOLDER_TIMES = 20_000;
/** Folders whose times are set in one go, here or by the helper. */
const FOLDER_TIMES_CHUNK = 2048;
/**
 * Entries from which pass 1's arrays (16 bytes an entry that die with it) are worth a full
 * collection (10 ms after pass 1 of a million entries, on the VM of 2026-12-07): 4 MB of them.
 */
const COLLECT_AFTER_ENTRIES = 250_000;
/** Made once, as the module loads: before any helper thread starts (full-collection.ts). */
const collect = fullCollection();

interface Planned {
  readonly entry: ZipEntry;
  readonly safe: SafePath;
  readonly kind: Kind;
}

/** Extracts the archive at `archivePath` into `target` (created if missing). Rejects only when the archive cannot be opened or the target made, or with CANCELLED. */
export async function extractArchive(archivePath: string, target: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const log = (options.log ?? silentLog).child({ module: 'archives', task: 'extract' });
  const started = performance.now();
  const source = await openFileSource(archivePath, options.expectedIdentity);
  try {
    const reader = await openZip(source, { log, codePage: options.codePage });
    const result = await extractReader(archivePath, reader, target, options);
    const record = {
      archive: archivePath,
      target,
      files: result.filesWritten,
      skipped: result.skippedCount,
      problems: result.problemCount,
      ms: Math.round(performance.now() - started),
    };
    // A clean run is logged at debug, as testArchive does: at info, `zipdesk extract` would start
    // the file logger (some 60 ms of loading winston) after every run; the job client logs the
    // app's jobs anyway.
    if (result.ok) log.debug('extracted', record);
    else log.warn('extracted: entries with problems', record);
    return result;
  } finally {
    await source.close();
  }
}

/**
 * The same over a reader that is already open. A full disk (or quota) stops the run as a cancel
 * would, and rejects with DISK_FULL: every file written so far is whole and checked, nothing
 * half-written is left, and the rest of the archive would only fail the same way entry by entry.
 * So does a target folder that is gone (removed, or moved away) while the run goes on, rejecting
 * with IO.
 */
export async function extractReader(archive: string, reader: ZipReader, target: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  if (options.signal?.aborted) throw cancelledError();
  const stop = new RunStop(options.signal, options.cancelFlag);
  const full: StoppedWithin = { by: undefined, filesWritten: undefined };
  const noteProblem = (code: string): void => {
    if ((code !== 'DISK_FULL' && code !== TARGET_GONE && code !== ARCHIVE_CHANGED) || stop.signal.aborted) return;
    full.by = code;
    stop.abort();
  };
  const problems = new ExtractProblems(options.onProblem);
  const hold = new TargetHold();
  try {
    return await extractUntilStopped(archive, reader, target, { ...options, signal: stop.signal }, stop.stopped, problems, noteProblem, full, hold);
  } catch (error) {
    // What was found before the run stopped is all heard, in entry order, before the failure is.
    await problems.finish(options.problemFlow);
    if (full.by === undefined || stop.cancelled) throw error;
    const files = full.filesWritten;
    const after = files === undefined ? '' : ` after ${counted(files, 'file', 'files')}`;
    // The window words each by its kind, with or without the files written (`_AFTER`).
    const worded = (kind: string, params: Record<string, string | number>) => ({ kind: files === undefined ? kind : `${kind}_AFTER`, params: files === undefined ? params : { ...params, files }, cause: error });
    if (full.by === TARGET_GONE) throw new ZipError('IO', `the target folder ${target} is gone (removed or moved away): extraction stopped${after}`, worded('TARGET_GONE', { target }));
    if (full.by === ARCHIVE_CHANGED) throw new ZipError('SOURCE_CHANGED', `the archive changed while it was extracted (rewritten or cut short): extraction stopped${after}`, worded('ARCHIVE_CHANGED', {}));
    throw new ZipError('DISK_FULL', `${DISK_FULL_WORDS}: extraction stopped${after} (each file written is whole and checked; nothing half-written is left)`, worded('STOPPED', {}));
  } finally {
    // (After the helper thread has ended, which writes with the folder's descriptor too.)
    hold.release();
    stop.dispose();
  }
}

/** noteProblem's code for a problem met once the target folder is gone: every later entry would fail the same way. */
const TARGET_GONE = 'target gone';

/**
 * noteProblem's code for a problem of an entry's data met once the archive is no longer what was
 * opened (rewritten in place, cut short: archiveRewritten): every later entry would fail too.
 */
const ARCHIVE_CHANGED = 'archive changed';

/** The problems a changed archive gives an entry whose data is read from it (the reader's, and a read that fails). */
const CHANGED_ARCHIVE_CODES: ReadonlySet<string> = new Set(['TRUNCATED', 'BAD_LOCAL_HEADER', 'LOCAL_MISMATCH', 'CRC_MISMATCH', 'SIZE_MISMATCH', 'BAD_DEFLATE', 'IO']);

/**
 * Whether the file the reader reads was rewritten in place since it was opened: the file at its
 * path is the one opened (device and inode) but its size or time differ. One put in its place by
 * a rename is not: the run goes on reading the one it opened. False without the identity (a
 * reader over bytes), or when the path cannot be looked at.
 */
function archiveRewritten(archive: string, source: RandomAccessSource & { readonly identity?: FileIdentity }): () => boolean {
  const { identity } = source;
  if (identity === undefined) return () => false;
  return () => {
    try {
      const { dev, ino, size, mtimeMs } = statSync(archive);
      return dev === identity.dev && ino === identity.ino && !sameIdentity({ dev, ino, size, mtimeMs }, identity);
    } catch {
      return false;
    }
  };
}

/** What stopped the run from within (a full disk, the target folder gone, the archive changed), and how many files were written by then. */
interface StoppedWithin {
  by: 'DISK_FULL' | typeof TARGET_GONE | typeof ARCHIVE_CHANGED | undefined;
  filesWritten: number | undefined;
}

async function extractUntilStopped(
  archive: string,
  reader: ZipReader,
  target: string,
  options: ExtractOptions,
  /** Whether the run stops: options.signal, and a cancelFlag seen set (which then aborts the signal). */
  stopped: () => boolean,
  problems: ExtractProblems,
  /** Hears every problem's code as it is found (a full disk, or TARGET_GONE, stops the run). */
  noteProblem: (code: string) => void,
  /** Told how many files were written when the run stops. */
  full: StoppedWithin,
  /** Where the target folder is held open once made, for as long as the caller keeps it (TargetHold). */
  hold: TargetHold,
): Promise<ExtractResult> {
  const { signal } = options;
  const policy = options.overwrite ?? 'skip';
  if (!OVERWRITE_POLICIES.includes(policy)) throw new TypeError(`unknown overwrite policy ${String(policy)}`);
  if (signal?.aborted) throw cancelledError();

  const selected = options.entryRanges === undefined ? selector(options.entries) : rangeSelector(options.entryRanges);
  const made = await TargetFolder.make(target);
  // What names the target's file system holds, and which it takes for one (name-probe.ts): by
  // default, Windows' rules and names one but for case on Windows (case also on macOS), and
  // elsewhere when the file system is of that kind (a FAT or exFAT drive, an SMB share), or one
  // mounted inside the target folder is (probeTarget).
  // (Not asked where both are known: on Windows a ":" in the probe's name would make a stream of a file.)
  const caseKnown = options.caseInsensitive !== undefined || CASE_INSENSITIVE_BY_DEFAULT;
  const rulesKnown = options.nameRules !== undefined || NAME_RULES === 'windows';
  const asked = caseKnown && rulesKnown ? undefined : await probeTarget(made.root, !made.created);
  const fold = (options.caseInsensitive ?? (CASE_INSENSITIVE_BY_DEFAULT || asked!.foldsCase)) ? foldCase : undefined;
  const rules: NameRules = options.nameRules ?? (NAME_RULES === 'windows' || asked!.refusesWindowsCharacters ? 'windows' : 'posix');
  /** What is remembered of the paths met more than once: planned, replaced, renamed, claimed (known-paths.ts). */
  const known = new KnownPaths(fold);
  const disk = await TargetFolder.open(made, fold, known, archive, hold);
  if (policy === 'rename') disk.resumedFrom = options.resumedFrom;
  // Kept with the entry's index, to be reported in central directory order.
  const skipped = new FirstByIndex<SkippedEntry & { index: number }>(LISTED_NOTES);
  const renamed = new FirstByIndex<RenamedEntry & { index: number }>(LISTED_NOTES);

  // Files are written in span batches (archive/extract-files.ts) on this thread and a helper
  // thread; that needs the archive by path. Without it, every file takes the streaming road.
  /** Per span batch: the part of the directory its files come from, and for each file where it asked to go and where the policy put it. */
  const destinations = new Map<number, { readonly part: number; readonly places: Place[] }>();
  // (Both called from pass 2 on; what they count is declared below.) A large entry's bytes are
  // counted while it is written; the rest when it settles.
  const onBytes = (batch: SpanBatch, bytes: number): void => progress.partial(batch.id, bytes, batch.tasks[0]!.entry.name);
  const settle = (batch: SpanBatch, outcomes: FileOutcome[]): void => {
    const { part, places } = destinations.get(batch.id)!;
    destinations.delete(batch.id);
    const already = progress.settled(batch.id);
    batch.tasks.forEach((task, i) => {
      const place = places[i]!;
      const outcome = outcomes[i];
      const entry = task.entry;
      if (outcome === null) {
        filesWritten++;
        bytesWritten += entry.uncompressedSize;
        if (underNewName(place.safe, place.path)) renamed.add({ index: entry.index, entry: entry.name, path: place.path });
      } else if (outcome !== undefined && !signal?.aborted) {
        problems.add({ ...outcome, entry: entry.name, index: entry.index }, part, mayGiveWay(outcome.code, place.safe.path));
        noteIo(outcome.code);
      }
      done(entry, entry.uncompressedSize - (i === 0 ? already : 0));
    });
    problems.release(part);
  };
  const writers = openSpanRunner(archive, reader.source, { signal, stopped }, settle, onBytes);
  // Large files stream there too, each a batch of its own, when this Node allows it (entry-data.ts).
  const streamLarge = writers !== undefined && canReadChunks();
  // When the archive's own entry count and size say that a helper thread pays, it starts now and
  // boots while pass 1 reads the central directory.
  const everything = options.entries === undefined && options.entryRanges === undefined;
  let helper = writers !== undefined && everything && helperPays({ count: reader.info.entryCount, bytesTotal: reader.source.size }) && writers.useHelper();

  // Pass 1 streams the central directory for totals, overlaps and path keys (24 bytes an entry)
  // and, for 'replace', which entry is the last of each path that more than one entry names (it
  // wins, as extracting one after the other).
  let spans: EntrySpans;
  let notes: ArchiveNote[];
  try {
    spans = await scanSpans(reader, { signal, counted: everything ? undefined : selected, paths: true, everyPath: policy === 'rename', fold, rules });
    // (Pass 1 walked the whole directory, whatever was selected: its end is known.)
    notes = await reader.notes();
    disk.archivePaths = spans.paths!;
    if (policy === 'replace' && spans.paths!.anyRepeated) await lastEntryOfEachPath(reader, selected, spans, signal, known);
  } catch (error) {
    await writers?.close();
    throw error;
  }
  // Pass 1's arrays of the entries' starts and ends are garbage now, outside the JavaScript heap,
  // where V8 may leave them for seconds (full-collection.ts): collected at once for a large archive.
  if (spans.dataEnds.length >= COLLECT_AFTER_ENTRIES) collect?.();
  // Pass 1 counted the files: a helper started for an archive of many folders and few files
  // would only take memory (some 25 MB).
  const filesPay = helperPays({ count: spans.files, bytesTotal: spans.bytesTotal });
  if (helper && !filesPay) helper = !writers!.dropHelper();
  helper ||= writers !== undefined && filesPay && writers.useHelper();

  const progress = new ProgressReporter(options.onProgress, spans.bytesTotal, spans.count, options.progressIntervalMs);
  progress.flush();
  let entriesTotal = 0;
  /** Entries whose names were read as CP437 for want of a mark: they are written so, perhaps garbled. */
  let guessedNames = 0;
  let filesWritten = 0;
  /** Data bytes of the files written (not of those skipped or failed). */
  let bytesWritten = 0;
  let directoriesCreated = 0;
  let symlinksCreated = 0;
  const archiveChanged = archiveRewritten(archive, reader.source);
  /**
   * noteProblem, where an I/O error met once the target folder is gone (removed, moved away) is
   * TARGET_GONE, and a problem of an entry's data met once the archive is rewritten or cut short
   * is ARCHIVE_CHANGED: looked at on such problems only.
   */
  const noteIo = (code: string): void => noteProblem(code === 'IO' && disk.gone() ? TARGET_GONE : CHANGED_ARCHIVE_CODES.has(code) && archiveChanged() ? ARCHIVE_CHANGED : code);
  /** Whether an entry of `path` whose own data or link failed so may yet give way to another entry of that path (steps 3b and 3d). */
  const mayGiveWay = (code: string, path: string): boolean => FALLBACK_CODES.has(code) && spans.paths!.mayRepeat(path);
  /** An entry's problem, found in `part` of the directory (undefined: after the last). */
  const fail = (plan: { readonly entry: EntryName; readonly safe: { readonly path: string } }, error: unknown, part: number | undefined): void => {
    if (signal?.aborted) return;
    if (!isZipError(error)) error = ioProblem(error, plan.entry);
    const { code } = error as ZipError;
    problems.add(entryProblem(plan.entry, error as ZipError), part, mayGiveWay(code, plan.safe.path));
    noteIo(code);
  };
  const done = (entry: { readonly name: string }, bytes: number): void => {
    progress.entriesDone++;
    progress.bytesDone += bytes;
    progress.currentEntry = entry.name;
    progress.tick();
  };
  /** A file written through the reader (a large one streams), in `part` of the directory (undefined: after the last): false when it was skipped or failed. */
  const placeThroughReader = async (plan: Planned, part: number | undefined): Promise<boolean> => {
    try {
      const outcome = await disk.placeFile(plan.safe, policy, plan.entry.index, () => entryData(reader, plan.entry, signal, spans.dataEnds[plan.entry.index]), fileMode(plan.entry, disk.umask), plan.entry.modified, async (data, handle) => {
        await writeStream(data, handle, plan.entry, signal);
      });
      if (outcome.kind === 'skipped') {
        skipped.add({ index: plan.entry.index, entry: plan.entry.name, ...outcome.skip });
        return false;
      }
      filesWritten++;
      bytesWritten += plan.entry.uncompressedSize;
      if (underNewName(plan.safe, outcome.path)) renamed.add({ index: plan.entry.index, entry: plan.entry.name, path: outcome.path });
      return true;
    } catch (error) {
      fail(plan, error, part);
      return false;
    }
  };
  /** The links made in a target folder that held something before this run, each followed to its end once all are made (step 3c). */
  const linksToCheck: { readonly path: string; readonly entry: EntryName; readonly stored: Buffer; readonly made: Buffer }[] = [];
  /** A symbolic link, made only when its target stays inside: false when it was skipped or refused. */
  const placeLink = async (plan: Planned): Promise<boolean> => {
    try {
      const linkTarget = await readSymlinkTarget(reader, plan.entry, signal, spans.dataEnds[plan.entry.index]!);
      // A link to nothing, or to a target holding a NUL, cannot be made; it is said as such, not as
      // one pointing outside. Still UNSAFE_SYMLINK, the code of every link refused, so another
      // entry of its path may be written in its place (step 3b).
      const unusable = unusableLinkTarget(linkTarget);
      if (unusable !== undefined) throw new ZipError('UNSAFE_SYMLINK', unusable, { entry: plan.entry.name, kind: linkTarget.length === 0 ? 'EMPTY_TARGET' : 'NUL_IN_TARGET', params: {} });
      // Byte for byte: latin1 gives each byte a character of its own, so "/", "\\", "." and NUL are
      // seen where the file system will see them, whatever the encoding of the other bytes.
      if (!symlinkTargetStaysInside(plan.safe, linkTarget.toString('latin1'))) {
        // (Worded by its kind in the window, in its language: it was in English alone.)
        throw new ZipError('UNSAFE_SYMLINK', `symbolic link to ${shownTarget(linkTarget)} would point outside the target folder`, { entry: plan.entry.name, kind: 'POINTS_OUTSIDE', params: { target: shownTarget(linkTarget) } });
      }
      // Under Windows' rules the names in the target are those its entries were written under.
      const target = rules === 'windows' ? linkTargetForWindows(linkTarget, path.sep) : linkTarget;
      const outcome = await disk.placeSymlink(plan.safe, policy, plan.entry.index, target, plan.entry.modified);
      if (outcome.kind === 'skipped') {
        skipped.add({ index: plan.entry.index, entry: plan.entry.name, ...outcome.skip });
        return false;
      }
      symlinksCreated++;
      if (underNewName(plan.safe, outcome.path)) renamed.add({ index: plan.entry.index, entry: plan.entry.name, path: outcome.path });
      if (!disk.startedEmpty) linksToCheck.push({ path: outcome.path, entry: { name: plan.entry.name, index: plan.entry.index }, stored: linkTarget, made: target });
      return true;
    } catch (error) {
      fail(plan, error, undefined);
      return false;
    }
  };
  /** The folders this run made, for step 4, and the links, made in step 3 (extract-later.ts). */
  const directories = new MadeFolders();
  const symlinks = new EntryList();

  const spanBatches: SpanBatch[] = [];
  let places: Place[] = [];
  /** The part of the directory being planned (pass 2's batch of central records, from 0). */
  let part = -1;
  const batcher = new SpanBatcher(reader.source.size, (batch) => {
    spanBatches.push(batch);
    destinations.set(batch.id, { part, places });
    problems.hold(part);
    places = [];
  });
  /**
   * Plans a part of the directory (pass 2's batch of central records): makes its folders, and
   * hands its files to the span batches, in the order of their data. Returns the large files
   * that stream through the reader instead. (Its own function, and synchronous: V8 optimizes
   * these loops over the entries by themselves, once or twice, where it optimized the whole run
   * around them twice, at some 170 ms of compiling each time in extract C.)
   */
  const planPart = (batch: readonly ZipEntry[]): Planned[] => {
    const files: Planned[] = [];
    const batchDirectories: Planned[] = [];
    for (const entry of batch) {
      if (!selected(entry)) continue;
      entriesTotal++;
      if (isGuessedName(entry)) guessedNames++;
      const plan = planEntry(entry, spans, policy, known, problems, part, skipped);
      if (plan === undefined) {
        done(entry, 0);
        continue;
      }
      if (plan.kind === 'directory') batchDirectories.push(plan);
      else if (plan.kind === 'symlink') symlinks.add(entry);
      else files.push(plan);
    }

    // 1. Folders, shallow first. (None are not sorted: in extract C, iterating byDepth's result
    //    for none made V8 throw this function's code away at the first part without folders.)
    for (const plan of batchDirectories.length === 0 ? batchDirectories : byDepth(batchDirectories)) {
      if (stopped()) break;
      try {
        const folder = disk.makeDirectory(plan.safe);
        directories.add(plan.entry, plan.safe.path, folder, (plan.entry.unixMode ?? 0) & PERMISSION_BITS);
        // Counted when this run made it: a run again into the same folder made none, and said '3 folders'.
        if (disk.made(folder)) directoriesCreated++;
        if (plan.safe.changedForWindows) renamed.add({ index: plan.entry.index, entry: plan.entry.name, path: plan.safe.path });
      } catch (error) {
        fail(plan, error, part);
      }
      done(plan.entry, 0);
    }

    // 2. Files, in the order their data lies in the archive: in span batches (a large one in a
    //    batch of its own); without a span runner, or where Node lacks the synchronous inflate
    //    call, large ones stream through zlib's thread pool a few at a time, meanwhile.
    files.sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
    const large: Planned[] = [];
    for (const plan of files) {
      if (stopped()) break;
      if (writers === undefined || (!streamLarge && !isSmallFile(plan.entry))) {
        large.push(plan);
        continue;
      }
      try {
        const placed = disk.prepareFile(plan.safe, policy, plan.entry.index);
        if (placed.kind === 'skipped') {
          skipped.add({ index: plan.entry.index, entry: plan.entry.name, ...placed.skip });
          done(plan.entry, plan.entry.uncompressedSize);
          continue;
        }
        const mode = fileMode(plan.entry, disk.umask);
        const task: FileTask = {
          entry: entryFields(plan.entry),
          dataEnd: spans.dataEnds[plan.entry.index]!,
          final: placed.final,
          mode,
          restoreMode: (mode & ~disk.umask) !== mode,
          modifiedMs: plan.entry.modified.getTime(),
          held: disk.held,
        };
        // (add may first hand the batch so far, with its places, to the emit callback above.)
        batcher.add(task);
        places.push({ safe: plan.safe, path: placed.path });
      } catch (error) {
        fail(plan, error, part);
        done(plan.entry, plan.entry.uncompressedSize);
      }
    }
    batcher.flush();
    return large;
  };

  try {
    // Pass 2, a batch of central records at a time: plan, make folders, write files.
    for await (const batch of reader.entryBatches()) {
      // Whoever hears the problems is behind: no more until it has caught up. And the problems of
      // the parts after one the helper still has wait for it: past MAX_HELD_PROBLEMS (an early
      // large file, then an overlap bomb), this thread finishes what is queued and waits for it.
      if (options.problemFlow?.behind() === true) await options.problemFlow.caughtUp();
      if (problems.held >= MAX_HELD_PROBLEMS) await writers?.finish();
      if (stopped()) break;
      problems.begin(++part);
      const large = planPart(batch);
      writers?.add(spanBatches);
      // (Emptied, not replaced: the first push into a fresh array threw planPart's code away.)
      spanBatches.length = 0;
      // This thread's share now; a few batches stay queued for the helper while we plan the next.
      const runSmall = async (): Promise<void> => writers?.work(helper ? LEFT_FOR_HELPER : 0);
      const runLarge = (): Promise<void> =>
        runBounded(large, options.concurrency ?? 2, signal, async (plan) => {
          await placeThroughReader(plan, part);
          done(plan.entry, plan.entry.uncompressedSize);
        });
      await Promise.all([runLarge(), runSmall()]);
      problems.release(part);
    }
    await writers?.finish();
  } finally {
    await writers?.close();
  }

  // 3. Symbolic links, last, so that no file above was written through one.
  for await (const entry of symlinks.readAgain(reader, signal)) {
    const safe = spans.paths!.safePath(entry.name);
    // (Read again as planned, unless the archive was rewritten meanwhile: then it is refused.)
    if (safe instanceof ZipError || !entry.isSymlink) {
      problems.add(entryProblem(entry, new ZipError('SOURCE_CHANGED', 'the archive changed while it was extracted: this entry is no longer the link it was', { kind: 'NO_LONGER_LINK', params: {} })), undefined);
    } else {
      await placeLink({ entry, safe, kind: 'symlink' });
    }
    done(entry, entry.uncompressedSize);
  }
  /** A run stopped (Ctrl-C, a full disk, the target gone) does no more; the files written by then are counted for its error. */
  const throwIfStopped = (): void => {
    if (!signal?.aborted) return;
    full.filesWritten = filesWritten;
    throw cancelledError();
  };
  throwIfStopped();

  // 3b. Where entries of one path gave way to another before any data was read (under 'replace'
  //     the last of them, under 'skip' the first), and that one then could not be extracted (its
  //     data failed its checks, or it is a link pointing outside), the next of them that can be
  //     is written instead: the latest earlier one, or the earliest later one.
  //     (Their problems are among those kept to the end: see mayGiveWay. Only those paths are
  //     named again as text.)
  const failed = problems.kept.length === 0 || policy === 'rename' ? new Map<string, NamedBy>() : known.chosenAmong(policy === 'replace' ? 'last' : 'first', failedOnTheirOwn(problems.kept));
  if (failed.size > 0) {
    const givenUp = await entriesGivenUp(reader, selected, spans, fold, failed, policy === 'replace' ? 'earlier' : 'later', signal);
    for (const [key, winner] of failed) {
      // The failed entry's claim on the name goes: nothing of it was written.
      disk.forget(winner.path);
      const { tried, notTried } = givenUp.get(key) ?? { tried: [], notTried: [] };
      let placed = false;
      for (const entry of tried) {
        throwIfStopped();
        // It was skipped for the failed entry; now it is written, or its own problem is reported.
        skipped.remove(entry.index);
        const safe = spans.paths!.safePath(entry.name) as SafePath;
        const plan: Planned = { entry, safe, kind: entry.isSymlink ? 'symlink' : 'file' };
        if (!(plan.kind === 'symlink' ? await placeLink(plan) : await placeThroughReader(plan, undefined))) {
          // Nothing of it was written either: its claim goes too, for the next one to take.
          disk.forget(safe.path);
          continue;
        }
        const which = entry.index < winner.index ? 'an earlier' : 'a later';
        problems.amendKept(winner.index, `(${which} entry, ${entry.name}, was extracted there instead)`);
        placed = true;
        break;
      }
      // Those past the ones tried are not extracted either: not "skipped" for a name that nothing took.
      if (!placed && notTried.length > 0) {
        for (const index of notTried) skipped.remove(index);
        problems.amendKept(winner.index, `(${counted(notTried.length, 'more entry', 'more entries')} of this name not tried: after ${MAX_FALLBACKS} that failed too, no more are)`);
      }
    }
  }
  // (A disk that filled while one of them was written stops the run here, as it does above.)
  throwIfStopped();

  // 3c. Each link was checked as it was made against what lay on its way then (checkLinkReach),
  //     but links made after it may open a way out through one that was in the target folder
  //     already: "b/x -> ../e/a" made while "e" did not exist, then "e -> b", beside the user's own
  //     "b/a -> /elsewhere". Where the target folder held anything, every link made is followed to
  //     its end once more, and one that leads out is taken back. (Where it held nothing, every
  //     link on any way is one this run made, each leading inside: none can.) Under 'replace',
  //     what such a link replaced is not brought back; had "e" been made first, "b/x" would have
  //     been refused before it replaced anything.
  for (const link of linksToCheck) {
    throwIfStopped();
    if (!disk.linkLeadsOutside(link.path, link.made)) continue;
    disk.removeLink(link.path);
    symlinksCreated--;
    renamed.remove(link.entry.index);
    const error = new ZipError('UNSAFE_SYMLINK', leadsOutThroughLinks(link.stored), { entry: link.entry.name, kind: 'OUT_THROUGH_LINKS', params: { target: shownTarget(link.stored) } });
    problems.add(entryProblem(link.entry, error), undefined);
  }

  // 3d. Under 'rename', where the first entry of a path in the archive's order (for which choose
  //     holds the name, whichever is written first) then could not be extracted (as in 3b: its
  //     data failed its checks, or it is a link pointing outside), the next entry of that path was
  //     written beside the name as "name (1)", and the name holds nothing: that one is moved to
  //     it, where skip would have written it. (Sought among the renamed entries the result
  //     lists; past LISTED_NOTES of them, the rest stay where they were written.) So too where
  //     the first is a link that the target's file system cannot hold (failedOnTheirOwn), which
  //     held the name while files were written.
  if (policy === 'rename' && problems.kept.length > 0) {
    const failedFirst = known.chosenAmong('first', failedOnTheirOwn(problems.kept));
    const next = new Map<string, RenamedEntry & { index: number }>();
    for (const item of failedFirst.size === 0 ? [] : renamed.first()) {
      const safe = spans.paths!.safePath(item.entry);
      if (safe instanceof ZipError || safe.path === item.path) continue;
      const key = fold === undefined ? safe.path : fold(safe.path);
      const winner = failedFirst.get(key);
      if (winner !== undefined && item.index > winner.index && !next.has(key)) next.set(key, item);
    }
    for (const [key, item] of next) {
      throwIfStopped();
      const winner = failedFirst.get(key)!;
      if (!disk.moveToFreeName(item.path, winner.path)) continue;
      renamed.remove(item.index);
      problems.amendKept(winner.index, `(a later entry, ${item.entry}, was extracted there instead)`);
    }
  }

  // 4. Folder times and modes.
  await restoreFolders(
    directories,
    disk,
    (folder, error) => fail({ entry: folder.entry, safe: folder }, error, undefined),
    () => openSpanRunner(archive, reader.source, { signal, stopped }, () => undefined),
    stopped,
  );
  // (Cancelled meanwhile: the folders' times are not all set, and the run says so.)
  throwIfStopped();

  progress.currentEntry = undefined;
  progress.flush();
  return {
    archive,
    target,
    entriesTotal,
    filesWritten,
    directoriesCreated,
    symlinksCreated,
    bytesWritten,
    skipped: skipped.first().map(({ index: _, ...skip }) => skip),
    skippedCount: skipped.count,
    renamed: renamed.first().map(({ entry, path }) => ({ entry, path })),
    renamedCount: renamed.count,
    problems: await problems.finish(options.problemFlow),
    problemCount: problems.count,
    ok: problems.count === 0,
    unmatched: selected.unmatched(),
    notes: guessedNames === 0 ? notes : [...notes, guessedNamesNote(guessedNames)],
  };
}

/**
 * Step 4 of an extraction: the times and modes of the folders it made, once everything is
 * written (writing into a folder changes its time, and a read-only folder could not have been
 * written into). A folder that was there already keeps its own: a private folder must not become
 * the archive's 0777. `openHelper` gives a span runner whose helper thread may share the work.
 * (Its own function: a loop over thousands of folders at the end of extractUntilStopped made V8
 * compile that long function a second time, some 115 ms of a compiler thread's time on corpus A,
 * once the end of pass 2 had thrown its first compiled code away.)
 */
async function restoreFolders(
  directories: MadeFolders,
  disk: TargetFolder,
  fail: (folder: MadeFolder, error: unknown) => void,
  openHelper: () => SpanRunner | undefined,
  /** Whether the run stops (a cancel): looked at between two chunks, and between two modes. */
  stopped: () => boolean,
): Promise<void> {
  // First the times of the folders whose mode is right already, FOLDER_TIMES_CHUNK at a time:
  // a time touches no other folder (a folder's time changes with what is in it, not with what
  // is in its folders), so they may be set in any order, and with many folders, by a helper
  // thread as well as this one (which is otherwise alone at work by now; F1M's million took
  // 5.3 s). Then the modes, each with its time, those inside a folder first: a mode may take
  // away the search permission that the paths of the folders inside it need.
  let withMode = 0;
  let helper = directories.size >= SHARED_FOLDER_TIMES && availableParallelism() >= 2 ? openHelper() : undefined;
  if (helper !== undefined && !helper.useHelper()) {
    await helper.close();
    helper = undefined;
  }
  /** The chunks the helper holds. */
  const sent = new Set<Promise<void>>();
  /** A chunk's paths and times (setFolderTimes); a folder whose path cannot be made fails here and is left out. */
  const timesOf = (folders: readonly MadeFolder[]): { paths: string[]; times: Float64Array; kept: MadeFolder[] } => {
    const paths: string[] = [];
    const kept: MadeFolder[] = [];
    for (const folder of folders) {
      try {
        paths.push(disk.absoluteOf(folder.path));
        kept.push(folder);
      } catch (error) {
        fail(folder, error);
      }
    }
    return { paths, times: Float64Array.from(kept, (folder) => folder.modifiedMs), kept };
  };
  const failed = (kept: readonly MadeFolder[], failures: readonly FolderTimeFailure[]): void => {
    for (const failure of failures) fail(kept[failure.index]!, folderTimeError(failure));
  };
  const setChunk = async (folders: readonly MadeFolder[]): Promise<void> => {
    const { paths, times, kept } = timesOf(folders);
    if (helper === undefined || sent.size >= 2) {
      failed(kept, setFolderTimes(paths, times));
      // The helper's answers come in between two chunks.
      if (helper !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    const chunk: Promise<void> = helper
      .setTimes(paths, times)
      .then(
        (failures) => failed(kept, failures),
        // The helper is gone: the chunk is set here (setting a time again does no harm).
        () => failed(kept, setFolderTimes(paths, times)),
      )
      .finally(() => sent.delete(chunk));
    sent.add(chunk);
  };
  try {
    let folders: MadeFolder[] = [];
    for (const folder of directories.insideFirst(disk.folderNames)) {
      if (!disk.made(folder.folder)) continue;
      if (needsMode(folder, disk)) withMode++;
      else if (validDate(new Date(folder.modifiedMs))) folders.push(folder);
      if (folders.length === FOLDER_TIMES_CHUNK) {
        if (stopped()) break;
        await setChunk(folders);
        folders = [];
      }
    }
    if (!stopped()) await setChunk(folders);
    await Promise.all(sent);
  } finally {
    await helper?.close();
  }
  // (Walked again, not kept: an archive may hold a million such folders.)
  if (withMode === 0) return;
  for (const folder of directories.insideFirst(disk.folderNames)) {
    if (stopped()) return;
    if (!disk.made(folder.folder) || !needsMode(folder, disk)) continue;
    try {
      const absolute = disk.absoluteOf(folder.path);
      setWhereHeld(() => chmodSync(absolute, folder.mode));
      if (Number.isFinite(folder.modifiedMs)) {
        const time = fileTime(folder.modifiedMs);
        setWhereHeld(() => utimesSync(absolute, time, time));
      }
    } catch (error) {
      fail(folder, error);
    }
  }
}

/**
 * The folders' plans, shallow first, a folder before those it holds. By depth, not by the
 * path's length: where names are folded, a folder's entry may spell it longer than the entry of
 * a folder inside it does (decomposed accents).
 */
function byDepth(plans: readonly Planned[]): Planned[] {
  const depths = plans.map((plan) => {
    let depth = 0;
    for (let slash = plan.safe.path.indexOf('/'); slash !== -1; slash = plan.safe.path.indexOf('/', slash + 1)) depth++;
    return depth;
  });
  return plans.map((_, i) => i).sort((a, b) => depths[a]! - depths[b]!).map((i) => plans[i]!);
}

/** Whether step 4 sets the folder's mode: one is stored, and mkdir did not give it. */
function needsMode(folder: MadeFolder, disk: TargetFolder): boolean {
  return folder.mode !== 0 && !disk.madeWithMode(folder.folder, folder.mode);
}

function validDate(date: Date): boolean {
  return Number.isFinite(date.getTime());
}

/** What names an entry in a problem. */
type EntryName = Pick<ZipEntry, 'name' | 'index'>;

/**
 * Which entries the caller asked for: all, or these names, a folder's name ("dir/", or "dir"
 * as the command line is typed) selecting it and what is under it; remembers which of the names
 * matched an entry.
 */
interface Selector {
  (entry: ZipEntry): boolean;
  /** The names no entry matched, in the order given. */
  unmatched(): string[];
}

/** The entries whose indexes lie in `ranges` (pairs of first and end, ascending). */
function rangeSelector(ranges: readonly number[]): Selector {
  const select = (entry: ZipEntry): boolean => {
    // The last range that starts at or before the index.
    let low = 0;
    let high = ranges.length / 2 - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (ranges[middle * 2]! <= entry.index) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found !== -1 && entry.index < ranges[found * 2 + 1]!;
  };
  return Object.assign(select, { unmatched: () => [] });
}

function selector(names: readonly string[] | undefined): Selector {
  if (names === undefined) return Object.assign(() => true, { unmatched: () => [] });
  /** Each stored name the caller's names select, with those names: "dir" selects "dir" and "dir/". */
  const wanted = new Map<string, string[]>();
  const want = (stored: string, name: string): void => {
    const asked = wanted.get(stored);
    if (asked === undefined) wanted.set(stored, [name]);
    else if (!asked.includes(name)) asked.push(name);
  };
  for (const name of names) {
    want(name, name);
    if (name !== '' && !name.endsWith('/')) want(`${name}/`, name);
  }
  const matched = new Set<string>();
  const found = (stored: string): boolean => {
    const asked = wanted.get(stored);
    if (asked === undefined) return false;
    for (const name of asked) matched.add(name);
    return true;
  };
  // Each of the entry's own folders is looked up ("a/", "a/b/", …): entries times depth, not
  // entries times the folders asked for (the app sends every selected folder's name).
  const select = (entry: ZipEntry): boolean => {
    const name = entry.name;
    let selected = found(name);
    for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) {
      if (slash !== name.length - 1 && found(name.slice(0, slash + 1))) selected = true;
    }
    return selected;
  };
  return Object.assign(select, { unmatched: () => names.filter((name) => !matched.has(name)) });
}

/**
 * For each path (folded by `fold`) that more than one entry may name, the last selected entry
 * that is a file or link there and is not refused outright (an overlap, encryption, another
 * method): one that cannot be extracted does not replace one that can.
 */
async function lastEntryOfEachPath(
  reader: ZipReader,
  selected: (entry: ZipEntry) => boolean,
  spans: EntrySpans,
  signal: AbortSignal | undefined,
  /** Told each path's last such entry (setLast). */
  known: KnownPaths,
): Promise<void> {
  const paths = spans.paths!;
  for await (const batch of reader.entryBatches()) {
    if (signal?.aborted) throw cancelledError();
    for (const entry of batch) {
      if (!selected(entry) || entry.isDirectory || spans.overlapping.has(entry.index) || dataRefusal(entry) !== undefined) continue;
      const safe = spans.paths!.safePath(entry.name);
      if (!(safe instanceof ZipError) && !safe.trailingSlash && paths.mayRepeat(safe.path)) known.setLast(safe.path, entry.index);
    }
  }
}

/**
 * `stem (n)extension`. A name near the file system's limit loses the end of its stem to make room
 * for the number; when the extension leaves no room for any stem, the whole name is the stem.
 */
function numberedName(base: string, stem: string, extension: string, n: number): string {
  const numbered = `${stem} (${n})${extension}`;
  if (Buffer.byteLength(numbered) <= NAME_BYTES) return numbered;
  const room = NAME_BYTES - Buffer.byteLength(` (${n})${extension}`);
  const kept = cutToBytes(stem, room);
  return kept !== '' ? `${kept} (${n})${extension}` : `${cutToBytes(base, NAME_BYTES - Buffer.byteLength(` (${n})`))} (${n})`;
}

/** Problems of an entry's own data or link, after which another entry of its path is tried. */
const FALLBACK_CODES: ReadonlySet<string> = new Set(['CRC_MISMATCH', 'SIZE_MISMATCH', 'BAD_DEFLATE', 'LOCAL_MISMATCH', 'BAD_LOCAL_HEADER', 'TRUNCATED', 'UNSAFE_SYMLINK', 'TOO_LARGE']);
/** Entries of one path tried in its place, at most (an archive may repeat a name without end). */
const MAX_FALLBACKS = 16;

/**
 * The entries that failed with a problem of their own data or link; also a link that the target's
 * file system cannot hold (NO_LINKS): it fails for being a link, which another entry of its path
 * may not be. (Onto an exFAT drive, a link followed by a file of its name left nothing at the name
 * under skip, the file skipped for the link's sake.)
 */
function failedOnTheirOwn(problems: readonly EntryProblem[]): Set<number> {
  return new Set(problems.filter((p) => FALLBACK_CODES.has(p.code) || p.kind === 'NO_LINKS').map((p) => p.index));
}

/**
 * For each failed path, the entries that gave way to the failed one (by lastEntryOfEachPath's
 * rules: files and links not refused outright), in the order to try them: the `earlier` ones
 * latest first, or the `later` ones earliest first; MAX_FALLBACKS of them, and the indexes of
 * the others (held as numbers only: a name may repeat a million times).
 */
async function entriesGivenUp(
  reader: ZipReader,
  selected: (entry: ZipEntry) => boolean,
  spans: EntrySpans,
  fold: PathFold | undefined,
  failed: Map<string, NamedBy>,
  side: 'earlier' | 'later',
  signal: AbortSignal | undefined,
): Promise<Map<string, { tried: ZipEntry[]; notTried: number[] }>> {
  const givenUp = new Map<string, { tried: ZipEntry[]; notTried: number[] }>();
  for await (const batch of reader.entryBatches()) {
    if (signal?.aborted) throw cancelledError();
    for (const entry of batch) {
      if (!selected(entry) || entry.isDirectory || spans.overlapping.has(entry.index) || dataRefusal(entry) !== undefined) continue;
      const safe = spans.paths!.safePath(entry.name);
      if (safe instanceof ZipError || safe.trailingSlash) continue;
      const key = fold === undefined ? safe.path : fold(safe.path);
      const winner = failed.get(key);
      if (winner === undefined || (side === 'earlier' ? entry.index >= winner.index : entry.index <= winner.index)) continue;
      let lists = givenUp.get(key);
      if (lists === undefined) givenUp.set(key, (lists = { tried: [], notTried: [] }));
      if (side === 'later' && lists.tried.length >= MAX_FALLBACKS) {
        lists.notTried.push(entry.index);
        continue;
      }
      lists.tried.push(entry);
      if (lists.tried.length > MAX_FALLBACKS) lists.notTried.push(lists.tried.shift()!.index);
    }
  }
  if (side === 'earlier') for (const lists of givenUp.values()) lists.tried.reverse();
  return givenUp;
}

/**
 * What to do with one entry: refuse it (a problem), skip it (a duplicate under 'skip', or one a
 * later entry replaces), or a plan. Refusals need no disk: overlaps, unsafe names, encryption,
 * other methods.
 */
function planEntry(
  entry: ZipEntry,
  spans: EntrySpans,
  policy: OverwritePolicy,
  /**
   * Paths planned so far in this run that other entries may name too (a second file for one
   * path is settled by the policy), and under 'replace' each such path's last file or link
   * (lastEntryOfEachPath).
   */
  known: KnownPaths,
  /** Where its refusal goes, as a problem of `part` of the directory. */
  problems: ExtractProblems,
  part: number,
  skipped: FirstByIndex<SkippedEntry & { index: number }>,
): Planned | undefined {
  const overlap = spans.overlapping.get(entry.index);
  if (overlap !== undefined) {
    problems.add(entryProblem(entry, overlap), part);
    return undefined;
  }
  const targetItself = entry.isDirectory && namesTargetItself(entry.name); // "./": there already
  const safe = targetItself ? undefined : spans.paths!.safePath(entry.name);
  if (safe instanceof ZipError) {
    problems.add(entryProblem(entry, safe), part);
    return undefined;
  }
  const kind: Kind = entry.isDirectory || safe?.trailingSlash === true ? 'directory' : entry.isSymlink ? 'symlink' : 'file';
  // A folder's data is never read, but what test refuses without reading it (a folder entry of
  // another method, or stored with two sizes) is refused here too: both say the entry is bad.
  const refusal = dataRefusal(entry) ?? (kind === 'directory' ? storedSizesDiffer(entry) : undefined);
  if (refusal !== undefined) {
    problems.add(entryProblem(entry, refusal), part);
    return undefined;
  }
  if (safe === undefined) return undefined;
  // A path no other entry names needs no memory of it (archive-paths.ts).
  if (!spans.paths!.mayRepeat(safe.path)) return { entry, safe, kind };
  const earlier = known.first(safe.path);
  if (earlier?.kind === 'directory' && kind === 'directory') return undefined; // the same folder twice
  const later = kind === 'directory' || policy !== 'replace' ? undefined : known.last(safe.path);
  if (later !== undefined && later.index !== entry.index) {
    skipped.add({ index: entry.index, entry: entry.name, ...sameFile('LATER', later.path, safe.path, spans.paths!.rules) });
    return undefined;
  }
  if (earlier !== undefined && earlier.kind !== 'directory' && kind !== 'directory' && policy === 'skip') {
    skipped.add({ index: entry.index, entry: entry.name, ...sameFile('EARLIER', earlier.path, safe.path, spans.paths!.rules) });
    return undefined;
  }
  if (earlier === undefined || kind === 'directory') known.setFirst(safe.path, kind, entry.index);
  return { entry, safe, kind };
}

/** Where a file of a span batch asked to go (its safe path) and where the policy put it. */
interface Place {
  readonly safe: SafePath;
  readonly path: string;
}

/** Whether an entry placed at `path` went there under another name than its own: the policy's (rename), or one Windows can hold (zip/paths.ts forWindows). */
function underNewName(safe: SafePath, path: string): boolean {
  return path !== safe.path || safe.changedForWindows === true;
}

/** Why an entry gives way to another that names its path (`other`, as that entry has it). */
function sameFile(which: 'LATER' | 'EARLIER', other: string, path: string, rules: NameRules): SkipReason {
  if (other !== path) return skipReason(`${which}_SAME_FILE`, { other });
  // Under Windows' rules either name may have been changed to this path ("a?" and "a*" are both
  // written as "a_"): said as the path both are written as, not as the other entry's name.
  return skipReason(rules === 'windows' ? `${which}_SAME_PATH` : `${which}_SAME_NAME`, { path });
}

/**
 * The mode bits to give a file: the stored Unix permissions, also none at all (`chmod 000`, as
 * unzip, bsdtar and 7-Zip restore it), or a default from the DOS attributes when the entry holds
 * no Unix mode.
 */
function fileMode(entry: ZipEntry, umask: number): number {
  if (entry.unixMode !== undefined) return entry.unixMode & PERMISSION_BITS;
  const readOnly = (entry.externalFileAttributes & DOS_ATTR_READONLY) !== 0;
  return (readOnly ? 0o444 : 0o666) & ~umask;
}

/** A large entry's checked stream into the temporary file, chunk by chunk. */
async function writeStream(data: Readable, handle: FileHandle, entry: ZipEntry, signal: AbortSignal | undefined): Promise<void> {
  // Through the handle itself (a FileHandle's own write stream would keep it from closing).
  try {
    // (A write may write less than it was given: see writeAll.)
    let position = 0;
    for await (const chunk of data as AsyncIterable<Buffer>) {
      for (let at = 0; at < chunk.length; ) {
        const { bytesWritten } = await handle.write(chunk, at, chunk.length - at, position + at);
        at += bytesWritten;
      }
      position += chunk.length;
    }
  } catch (error) {
    throw signal?.aborted ? cancelledError() : isZipError(error) ? error.withEntry(entry.name) : error;
  }
}

/**
 * A link's target: its bytes exactly as stored, which the link is made of. Not decoded as entry
 * names are (names.ts: UTF-8, else CP437), nor as UTF-8 with U+FFFD for each bad byte, as it was:
 * a name is text that is shown and written as UTF-8, but a target is a path the file system
 * resolves, and a decoding of bytes that are not UTF-8 names another file than the one the link
 * held where it was archived (a Latin-1 "caf\xe9.txt" became "caf\uFFFD.txt"). Info-ZIP's unzip
 * and bsdtar make the link of the stored bytes too. (A link to another entry whose own name is not
 * UTF-8 does not find it, as that entry is written under its CP437 reading; nor did it before.)
 * This is for file systems whose names are bytes (Linux, macOS); Windows, whose names are UTF-16,
 * gets them as Node converts a path given as bytes, from UTF-8 (not tried there).
 */
async function readSymlinkTarget(reader: ZipReader, entry: ZipEntry, signal: AbortSignal | undefined, dataEnd: number): Promise<Buffer> {
  if (entry.uncompressedSize > MAX_SYMLINK_TARGET) {
    throw new ZipError('UNSAFE_SYMLINK', `symbolic link target of ${entry.uncompressedSize} bytes is longer than ${MAX_SYMLINK_TARGET}`, { entry: entry.name });
  }
  const data = await entryData(reader, entry, signal, dataEnd);
  if (!Buffer.isBuffer(data)) throw new ZipError('UNSAFE_SYMLINK', 'symbolic link target is too long', { entry: entry.name });
  return data;
}

/** A link target in a message: quoted and escaped as JSON gives text, its bytes that are not UTF-8 as \xNN. */
function shownTarget(target: Buffer): string {
  return `"${jsonEscapedBytes(target)}"`;
}

/** Why a link is refused that leads out through links this run made and one that was in the target folder already. */
function leadsOutThroughLinks(target: Buffer): string {
  return `symbolic link to ${shownTarget(target)} would lead outside the target folder through the links on its way, one of them in it already`;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** The names of a link target's path as the file system reads them: split at "/" (and "\\" on Windows), without "" and ".". */
function targetNames(target: Buffer): Buffer[] {
  const names: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= target.length; i++) {
    if (i < target.length && target[i] !== SLASH && !(target[i] === BACKSLASH && path.sep === '\\')) continue;
    if (i > start && !(i === start + 1 && target[start] === DOT)) names.push(target.subarray(start, i));
    start = i + 1;
  }
  return names;
}

function isDotDot(name: Buffer): boolean {
  return name.length === 2 && name[0] === DOT && name[1] === DOT;
}

/** The bytes of the path `at` past `root` and a separator (none for the root itself); undefined when it lies outside. */
function pathUnder(root: Buffer, at: Buffer): Buffer | undefined {
  if (at.equals(root)) return Buffer.alloc(0);
  const inside = at.length > root.length + 1 && at[root.length] === path.sep.charCodeAt(0) && at.subarray(0, root.length).equals(root);
  return inside ? at.subarray(root.length + 1) : undefined;
}

/** Links followed on one way at most, as Linux follows them (MAXSYMLINKS): more is a loop. */
const MAX_LINKS_FOLLOWED = 40;

/**
 * Where a link in `folder` (a real folder) to `target` leads: through every link on its way, as
 * the file system follows them, as far as its names exist; past the first that does not, the rest
 * of its names as they stand. Undefined for a loop, which leads nowhere. Paths are bytes here
 * (latin1 strings for the path functions: one character a byte).
 */
function whereLinkLeads(folderBytes: Buffer, linkTarget: Buffer): Buffer | undefined {
  const text = (bytes: Buffer): string => bytes.toString('latin1');
  const bytes = (name: string): Buffer => Buffer.from(name, 'latin1');
  let folder = text(folderBytes);
  const names: Buffer[] = [];
  const follow = (target: Buffer): void => {
    if (path.isAbsolute(text(target))) folder = path.parse(text(target)).root;
    names.unshift(...targetNames(target));
  };
  follow(linkTarget);
  for (let followed = 1; names.length > 0; ) {
    const name = text(names.shift()!);
    const next = name === '..' ? path.dirname(folder) : path.join(folder, name);
    let isLink: boolean;
    try {
      isLink = lstatSync(bytes(next)).isSymbolicLink();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Not there: the rest of the names as they stand.
      return bytes(path.join(next, ...names.map(text)));
    }
    if (!isLink) {
      folder = next;
      continue;
    }
    if (++followed > MAX_LINKS_FOLLOWED) return undefined;
    follow(readlinkSync(bytes(next), { encoding: 'buffer' }));
  }
  return bytes(folder);
}

/**
 * A path relative to the target as this run names what it makes ("/"-joined), or undefined when
 * its bytes are not UTF-8: this run makes no such name, and decoding them would take another
 * name for it.
 */
function madeName(relative: Buffer): string | undefined {
  return isUtf8(relative) ? relative.toString().replaceAll(path.sep, '/') : undefined;
}

function ioProblem(error: unknown, entry: EntryName): ZipError {
  const code = (error as NodeJS.ErrnoException).code;
  if (isDiskFull(code)) return new ZipError('DISK_FULL', DISK_FULL_WORDS, { entry: entry.name, cause: error, params: {} });
  const params = systemParams(error);
  return new ZipError(code === 'EEXIST' ? 'EXISTS' : 'IO', params.system, { entry: entry.name, cause: error, kind: 'SYSTEM', params });
}

/**
 * A link the target's file system cannot hold is said so: a FAT or exFAT drive (USB sticks, SD
 * cards) holds no links, and Linux says EPERM for that (the kernel's drivers), or ENOSYS (FUSE's),
 * where it would have said "operation not permitted" or "function not implemented". On Windows,
 * EPERM means the right to make links is missing, which is left in the system's words.
 */
function linkRefused(error: unknown): unknown {
  const noLinks = fileSystemRefused(error) && !((error as NodeJS.ErrnoException).code === 'EPERM' && process.platform === 'win32');
  return noLinks ? new ZipError('IO', "the target folder's file system cannot hold symbolic links; the link was not made", { cause: error, kind: 'NO_LINKS', params: {} }) : error;
}

type Placement = { kind: 'written'; path: string } | { kind: 'skipped'; skip: SkipReason };

/** A folder's marks in TargetFolder's tree: this run created it or found it empty (nothing in it predates us). */
const FRESH = 0b01;
/** Checked to be a real folder (not a link, not a file) that this run did not make. */
const VERIFIED = 0b10;

/** The folder a safe path lies in, "/"-joined ("" for the target itself). */
function parentOf(safe: SafePath): string {
  const slash = safe.path.lastIndexOf('/');
  return slash === -1 ? '' : safe.path.slice(0, slash);
}

/**
 * The target folder as extraction sees it: which folders are known to be real (so that no write
 * goes through a link), which names this run has taken, and how a name is committed.
 */
class TargetFolder {
  /**
   * The folders known to be real ones (relative, "/"-joined; "" is the target), each marked
   * FRESH (this run created it or found it empty: nothing in it predates us) or VERIFIED (checked,
   * not made by this run). A folder's own folder is always known before it is.
   */
  private readonly folders = new FolderTree();
  /** Where names are folded: the folders this run created, folded, marked FRESH (`folders` holds them as made). */
  private readonly foldedFolders: FolderTree | undefined;
  /** The paths of the archive's entries (from its first pass). */
  archivePaths: ArchivePaths | undefined;
  /** The links this run made in folders that are not its own (checkLinkReach). */
  private readonly linksMade = new Set<string>();
  readonly umask = process.umask();

  private constructor(
    private readonly root: string,
    private readonly fold: PathFold | undefined,
    /**
     * Where the names this run has written or is writing are claimed: those that more than one
     * entry of the archive may name (the others are claimed once, by their entry) and files'
     * names that may also be folders other entries lie in; and where the rename policy keeps the
     * number to try next for a name (the names it makes up need no claim: choose).
     */
    private readonly known: KnownPaths,
    /** The target folder's device and inode when the run began. */
    private readonly rootIdentity: { readonly dev: number; readonly ino: number },
  ) {
    this.foldedFolders = fold === undefined ? undefined : new FolderTree();
  }

  /** Whether the target folder is gone: no longer at its path (removed, moved away), or another in its place. */
  gone(): boolean {
    try {
      const { dev, ino } = lstatSync(this.root);
      return dev !== this.rootIdentity.dev || ino !== this.rootIdentity.ino;
    } catch {
      return true;
    }
  }

  /** A relative path as the file system compares it: two paths with the same answer name one file. */
  private same(relative: string): string {
    return this.fold === undefined ? relative : this.fold(relative);
  }

  /** Where the archive being read lies in the target folder (as `same` gives it), if it does. */
  private archiveAt: string | undefined;

  /** ExtractOptions.resumedFrom, under 'rename'. */
  resumedFrom: number | undefined;

  /** Whether the file at `relative` changed since the run this one resumes began: that run wrote it. */
  private writtenBeforeResume(relative: string): boolean {
    if (this.resumedFrom === undefined) return false;
    try {
      return lstatSync(this.absoluteOf(relative)).ctimeMs >= this.resumedFrom - CHANGE_TIME_SLACK_MS;
    } catch {
      return false;
    }
  }

  /** The target folder held open, to find a temporary file by should the folder be moved away (removeTemporary). */
  held: HeldFolder | undefined;

  /** Makes the target folder when it is not there; where it is (its real path), and whether this run made it. */
  static async make(target: string): Promise<{ readonly root: string; readonly created: boolean }> {
    let created: boolean;
    try {
      created = (await makeFolderPath(target)) !== undefined;
    } catch (error) {
      const why = folderMaking(error);
      throw new ZipError('IO', `cannot create the target folder ${target}: ${why.words}`, { cause: error, kind: `TARGET_NOT_MADE.${why.kind}`, params: { target, ...why.params } });
    }
    return { root: await realpath(target), created };
  }

  static async open({ root, created }: { readonly root: string; readonly created: boolean }, fold: PathFold | undefined, known: KnownPaths, archive: string, hold: TargetHold): Promise<TargetFolder> {
    const { dev, ino } = await stat(root);
    const folder = new TargetFolder(root, fold, known, { dev, ino });
    hold.hold(root);
    folder.held = hold.held;
    folder.folders.mark('', created || (await readdir(root)).length === 0 ? VERIFIED | FRESH : VERIFIED);
    const archiveReal = await realpath(archive).catch(() => undefined);
    if (archiveReal?.startsWith(root + path.sep)) folder.archiveAt = folder.same(path.relative(root, archiveReal).split(path.sep).join('/'));
    return folder;
  }

  /** The same for the segments joined with "/" (SafePath.path). */
  absoluteOf(relative: string): string {
    // Segments are plain names (zip/paths.ts): joining them needs no normalizing.
    const absolute = relative === '' ? this.root : this.root + path.sep + (path.sep === '/' ? relative : relative.replaceAll('/', path.sep));
    // Belt and braces: segments are plain names, so this always holds.
    if (absolute !== this.root && !absolute.startsWith(this.root + path.sep)) {
      throw new ZipError('UNSAFE_PATH', `${absolute} is outside ${this.root}`);
    }
    return absolute;
  }

  /**
   * A folder entry's folder; its number (for made, madeWithMode and folderNames). One that an
   * entry of an earlier batch took for a file is refused (ensureDirectory; within a batch,
   * folders are made first, and the file is refused instead).
   */
  makeDirectory(safe: SafePath): number {
    const folder = this.ensureDirectory(safe.path);
    if (this.mayBeClaimedAgain(safe.path)) this.known.claim(safe.path, 'directory');
    return folder;
  }

  private mayBeClaimedAgain(relative: string): boolean {
    return this.archivePaths === undefined || this.archivePaths.mayRepeat(relative);
  }

  /** Whether this run made a folder at `relative` (compared as the file system compares names). */
  private madeFolder(relative: string): boolean {
    return this.foldedFolders === undefined ? this.isFresh(relative) : this.foldedFolders.marksOf(this.same(relative)) !== 0;
  }

  /** The same for a file or link: another entry may also name its path, or lie under it. */
  private mayBeNeededAgain(relative: string): boolean {
    return this.archivePaths === undefined || this.archivePaths.mayMeetAgain(relative);
  }

  /**
   * Makes sure every folder in `segments` exists and is a real folder, not a link or a file.
   * Folders this run made or checked are remembered, so a file in a known folder costs no
   * system call here; synchronous, because each call is short and most are none. A folder whose
   * path an earlier entry took for a file is refused, before the disk is asked: that file may
   * still be on its way (a later file there is refused in `choose`). The folder's number.
   */
  ensureDirectory(relative: string): number {
    const known = this.folders.find(relative);
    if (known !== -1) return known;
    // From the deepest folder known on the way (most often the parent: a folder's entry comes
    // after the folders it lies in), each of the others, shallow first.
    let { folder, rest: start } = this.folders.deepestKnown(relative);
    while (start < relative.length) {
      let end = relative.indexOf('/', start);
      if (end === -1) end = relative.length;
      const prefix = relative.slice(0, end);
      const claimedKind = this.known.claimedAs(prefix);
      if (claimedKind !== undefined && claimedKind !== 'directory') throw new ZipError('EXISTS', `${prefix} is also a file in the archive`, { kind: 'ALSO_FILE', params: { path: prefix } });
      const absolute = this.absoluteOf(prefix);
      let made = false;
      try {
        mkdirSync(absolute);
        made = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      if (!made) {
        const stat = lstatSync(absolute);
        if (stat.isSymbolicLink()) throw new ZipError('UNSAFE_PATH', `${prefix} is a symbolic link in the target folder; nothing is written through it`);
        if (!stat.isDirectory()) throw new ZipError('EXISTS', `${prefix} exists and is not a folder`, { kind: 'NOT_A_FOLDER', params: { path: prefix } });
      }
      folder = this.folders.markChild(folder, relative, start, end, made ? FRESH : VERIFIED);
      if (made) this.foldedFolders?.mark(this.same(prefix), FRESH);
      start = end + 1;
    }
    return folder;
  }

  /** Whether this run created the folder or found it empty. */
  private isFresh(relative: string): boolean {
    return (this.folders.marksOf(relative) & FRESH) !== 0;
  }

  /** Whether the target folder was empty, or made, when this run began: nothing in it predates the run. */
  get startedEmpty(): boolean {
    return this.isFresh('');
  }

  /** Whether the link to `linkTarget` this run made at `relative` leads out of the target folder, followed to its end (step 3c). */
  linkLeadsOutside(relative: string, linkTarget: Buffer): boolean {
    const at = this.absoluteOf(relative);
    try {
      const end = whereLinkLeads(Buffer.from(path.dirname(at)), linkTarget);
      return end !== undefined && pathUnder(Buffer.from(this.root), end) === undefined;
    } catch {
      // A way that cannot be looked along (a folder on it that cannot be read) is not taken,
      // as checkLinkReach refuses a link that cannot be followed; a link gone meanwhile is none.
      return lstatSync(at, { throwIfNoEntry: false }) !== undefined;
    }
  }

  /** Takes back a link this run made (step 3c); one gone meanwhile is gone. */
  removeLink(relative: string): void {
    try {
      unlinkSync(this.absoluteOf(relative));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.linksMade.delete(relative);
  }

  /**
   * Moves the file or link this run wrote at `from` to `to`, a name its entry left free (step 3d):
   * false, with nothing moved, when something is there by now. Never over anything: a file is
   * linked there first, a link made there anew, either of which fails where the name is taken.
   */
  moveToFreeName(from: string, to: string): boolean {
    const source = this.absoluteOf(from);
    const destination = this.absoluteOf(to);
    try {
      const stats = lstatSync(source);
      try {
        if (stats.isSymbolicLink()) symlinkSync(readlinkSync(source, { encoding: 'buffer' }), destination);
        else linkSync(source, destination);
      } catch (error) {
        // A file system without hard links (FAT, exFAT): the file is renamed, once the name is seen free.
        if (stats.isSymbolicLink() || (error as NodeJS.ErrnoException).code === 'EEXIST' || lstatSync(destination, { throwIfNoEntry: false }) !== undefined) return false;
        renameSync(source, destination);
        return true;
      }
      try {
        if (stats.isSymbolicLink()) setWhereHeld(() => lutimesSync(destination, stats.atime, stats.mtime));
        unlinkSync(source);
      } catch (error) {
        // Not both: the one made is taken back.
        unlinkSync(destination);
        throw error;
      }
      return true;
    } catch {
      return false;
    }
  }

  /** Gives up this run's claim on a name (its entry wrote nothing there), for another entry to take. */
  forget(relative: string): void {
    if (this.known.claimedAs(relative) !== 'directory') this.known.claim(relative, undefined);
  }

  /** Whether this run made the folder (by its number, from makeDirectory). */
  made(folder: number): boolean {
    return folder !== 0 && (this.folders.marksAt(folder) & FRESH) !== 0;
  }

  /** Whether this run made the folder, so that it already has mkdir's mode, and that mode is `mode`. */
  madeWithMode(folder: number, mode: number): boolean {
    return (0o777 & ~this.umask) === mode && this.made(folder);
  }

  /** The paths and depths of the folders by their numbers. */
  get folderNames(): FolderNames {
    return this.folders;
  }

  /**
   * Where a new entry at `safe` (entry `index` of the central directory) goes under the policy,
   * or why it is skipped; claims the name. Synchronous, so two entries can never pick the same
   * name; in a folder this run created the answer needs no system call at all.
   */
  private choose(safe: SafePath, policy: OverwritePolicy, kind: Kind, index: number): { relative: string } | { skip: SkipReason } {
    const parentRelative = parentOf(safe);
    const onDisk = (relative: string): boolean => {
      if (this.isFresh(parentRelative)) return false;
      try {
        lstatSync(path.join(this.root, relative));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    };
    const relative = safe.path;
    const claimedKind = this.known.claimedAs(relative);
    // A folder this run made is one the archive's entries lie in.
    if (claimedKind === 'directory' || this.madeFolder(relative)) throw new ZipError('EXISTS', `${relative} is also a folder in the archive`, { kind: 'ALSO_FOLDER', params: { path: relative } });
    // Under rename the name is the first entry's of it in the archive's order (the one skip
    // keeps), whichever of them is written first: files are written in the order of their data,
    // which the directory may list otherwise, and links after every file. Another entry written
    // before the first claims the name for it, so that no folder is made there meanwhile, and is
    // numbered itself; the first then finds the name claimed for its own kind and takes it.
    // (Nothing else claims a file's or link's name under rename before its first entry does.)
    const first = policy === 'rename' && this.mayBeClaimedAgain(relative) ? this.known.first(relative) : undefined;
    const heldFor = first?.kind === 'directory' ? undefined : first;
    /** Whether no entry of this run has the name (or it was held for this one). */
    let free = claimedKind === undefined;
    if (free && heldFor !== undefined && heldFor.index !== index) {
      this.known.claim(relative, heldFor.kind);
      free = false;
    } else if (heldFor?.index === index && claimedKind === heldFor.kind) {
      free = true;
    } else if (free && this.mayBeNeededAgain(relative)) {
      this.known.claim(relative, kind);
    }
    if (policy === 'replace') {
      // Whatever the policy, the archive being read is never replaced by one of its entries.
      if (this.archiveAt !== undefined && this.same(relative) === this.archiveAt) throw new ZipError('EXISTS', `${relative} is the archive being extracted: it is not replaced`, { kind: 'THE_ARCHIVE', params: { path: relative } });
      return { relative };
    }
    if (free && !onDisk(relative)) return { relative };
    if (policy === 'skip') return { skip: skipReason('ALREADY_EXISTS', { path: relative }) };
    if (free && this.writtenBeforeResume(relative)) return { skip: skipReason('EXTRACTED_BEFORE', { path: relative }) };
    const parent = safe.segments.slice(0, -1);
    const base = safe.segments.at(-1)!;
    const dot = base.lastIndexOf('.');
    const stem = dot > 0 ? base.slice(0, dot) : base;
    const extension = dot > 0 ? base.slice(dot) : '';
    // Numbers below the last one given for this name were taken then: an archive that repeats a
    // name thousands of times goes on from there instead of trying them all again each time. (A
    // name only one entry has is numbered once.)
    const remembered = this.mayBeClaimedAgain(relative);
    for (let n = remembered ? this.known.nextNumber(relative) : 1; ; n++) {
      const name = numberedName(base, stem, extension, n);
      const cut = name !== `${stem} (${n})${extension}`;
      const candidate = [...parent, name].join('/');
      // Not a name an entry of the archive has or lies under, either: that entry keeps its own name.
      if (this.known.claimedAs(candidate) !== undefined || this.madeFolder(candidate) || this.archivePaths?.mayName(candidate) === true || this.archivePaths?.mayBeFolder(candidate) === true) continue;
      if (onDisk(candidate)) {
        // The run this one resumes took the same numbers in the same order: the first name it
        // wrote since is this entry's (the older ones are the user's).
        if (this.writtenBeforeResume(candidate)) {
          if (remembered) this.known.setNextNumber(relative, n + 1);
          return { skip: skipReason('EXTRACTED_BEFORE_AS', { path: relative, written: candidate }) };
        }
        continue;
      }
      if (remembered) this.known.setNextNumber(relative, n + 1);
      // Knowing every path of the archive, nothing but this path's own next entries can meet the
      // made-up name again: no entry has it or lies under it, and the name gives back the path and
      // the number it was made of ("stem (n).ext"), so no other path makes it up. Those next
      // entries go on from the number after it. Without that knowledge the name is claimed.
      // A cut name no longer gives back its path: it is claimed too.
      if (this.archivePaths === undefined || cut) this.known.claim(candidate, kind);
      return { relative: candidate };
    }
  }

  /**
   * Settles a small file's name by the policy and its temporary name beside it, for a span
   * batch (archive/extract-files.ts) to write.
   */
  prepareFile(safe: SafePath, policy: OverwritePolicy, index: number): { kind: 'skipped'; skip: SkipReason } | { kind: 'placed'; path: string; final: string } {
    const parent = parentOf(safe);
    this.ensureDirectory(parent);
    const choice = this.choose(safe, policy, 'file', index);
    if ('skip' in choice) return { kind: 'skipped', skip: choice.skip };
    return { kind: 'placed', path: choice.relative, final: this.absoluteOf(choice.relative) };
  }

  /**
   * Writes one file: settles its name by the policy, then gets its checked data, writes it under a
   * temporary name, sets mode and time, and renames it into place. Small entries (a Buffer) are
   * written with synchronous calls: for 100,000 tiny files, handing each open, write, utimes,
   * close and rename to the thread pool costs more than the calls themselves. Large ones stream.
   */
  async placeFile(
    safe: SafePath,
    policy: OverwritePolicy,
    index: number,
    data: () => Promise<Buffer | Readable>,
    mode: number,
    modified: Date,
    stream: (data: Readable, handle: FileHandle) => Promise<void>,
  ): Promise<Placement> {
    this.ensureDirectory(parentOf(safe));
    const choice = this.choose(safe, policy, 'file', index);
    if ('skip' in choice) return { kind: 'skipped', skip: choice.skip };
    const content = await data();
    const final = this.absoluteOf(choice.relative);
    const restoreMode = (mode & ~this.umask) !== mode;
    const time = validDate(modified) ? fileTime(modified.getTime()) : undefined;
    if (Buffer.isBuffer(content)) {
      const [temporary, fd] = this.createTemporary(safe.path, mode);
      let committed = false;
      try {
        try {
          writeAll(fd, content, 0);
          if (restoreMode) setWhereHeld(() => fchmodSync(fd, mode));
          if (time !== undefined) setWhereHeld(() => futimesSync(fd, time, time));
        } finally {
          closeSync(fd);
        }
        renameInto(temporary, final);
        committed = true;
      } finally {
        if (!committed) removeTemporary(temporary, this.held);
      }
      return { kind: 'written', path: choice.relative };
    }
    const temporary = this.temporaryName(safe.path);
    const handle = await open(temporary, 'wx', mode);
    let committed = false;
    try {
      try {
        await stream(content, handle);
        if (restoreMode) await handle.chmod(mode).catch(throwUnlessRefused);
        if (time !== undefined) await handle.utimes(time, time).catch(throwUnlessRefused);
      } finally {
        await handle.close();
      }
      await rename(temporary, final).catch((error: unknown) => {
        throw folderInTheWay(error);
      });
      committed = true;
    } finally {
      if (!committed) {
        content.destroy();
        try {
          removeTemporary(temporary, this.held);
        } catch {
          // (What failed first is what is said.)
        }
      }
    }
    return { kind: 'written', path: choice.relative };
  }

  async placeSymlink(safe: SafePath, policy: OverwritePolicy, index: number, linkTarget: Buffer, modified: Date): Promise<Placement> {
    const parent = parentOf(safe);
    this.ensureDirectory(parent);
    const choice = this.choose(safe, policy, 'symlink', index);
    if ('skip' in choice) return { kind: 'skipped', skip: choice.skip };
    this.checkLinkReach(choice.relative, linkTarget);
    if (!this.isFresh(parent)) this.linksMade.add(choice.relative);
    // Synchronous, as folders are made: each call is short (an archive may hold many links).
    const temporary = this.temporaryName(safe.path);
    try {
      symlinkSync(linkTarget, temporary);
    } catch (error) {
      throw linkRefused(error);
    }
    try {
      if (validDate(modified)) {
        const time = fileTime(modified.getTime());
        setWhereHeld(() => lutimesSync(temporary, time, time));
      }
      renameInto(temporary, this.absoluteOf(choice.relative));
    } catch (error) {
      removeTemporary(temporary, this.held);
      throw error;
    }
    return { kind: 'written', path: choice.relative };
  }

  /**
   * Refuses a link whose target passes through a link that was in the target folder before this
   * run and leads out of it. The lexical check (symlinkTargetStaysInside) holds only when every
   * link on the way passed it too: those this run made did, one that was there may lead anywhere
   * ("evil -> /etc" beside a stored "l -> evil/passwd"). Such a link is followed to see where it
   * leads; what lies in a folder this run made or found empty is this run's, and not looked at.
   * Paths are bytes here: the link is made of the target's bytes (readSymlinkTarget), so those
   * are the names looked up, and the real path of a link followed is taken as bytes too.
   */
  private checkLinkReach(linkRelative: string, linkTarget: Buffer): void {
    // Where the target leads, from the root: the lexical check let through only leading ".." (no
    // higher than the link's own folder), then names going down.
    const names: Buffer[] = linkRelative.split('/').slice(0, -1).map((name) => Buffer.from(name));
    for (const name of targetNames(linkTarget)) {
      if (isDotDot(name)) names.pop();
      else names.push(name);
    }
    const root = Buffer.from(this.root);
    const separator = Buffer.from(path.sep);
    /** Where the walk is, relative to the root. */
    let under: Buffer = Buffer.alloc(0);
    for (const name of names) {
      const folder = madeName(under);
      if (folder !== undefined && this.isFresh(folder)) return;
      under = under.length === 0 ? name : Buffer.concat([under, separator, name]);
      const at = Buffer.concat([root, separator, under]);
      let stats;
      try {
        stats = lstatSync(at);
      } catch {
        return; // not there (yet): nothing to follow
      }
      if (stats.isDirectory()) continue;
      if (!stats.isSymbolicLink()) return; // a file: nothing goes on through it
      const link = madeName(under);
      // A link this run made was checked when it was made, but may lead on through one that was
      // there already: it is followed too. (Where it cannot be, it leads to nothing there yet,
      // inside, as every link this run made leads.)
      const madeByThisRun = link !== undefined && this.linksMade.has(link);
      const through = utf8OrEscaped(under).replaceAll(path.sep, '/');
      let real: Buffer;
      try {
        real = realpathSync.native(at, { encoding: 'buffer' });
      } catch {
        if (madeByThisRun) return;
        throw new ZipError('UNSAFE_SYMLINK', `symbolic link to ${shownTarget(linkTarget)} goes through ${through}, a link that was in the target folder already and cannot be followed`);
      }
      const inside = pathUnder(root, real);
      if (inside === undefined) {
        if (madeByThisRun) throw new ZipError('UNSAFE_SYMLINK', leadsOutThroughLinks(linkTarget), { kind: 'OUT_THROUGH_LINKS', params: { target: shownTarget(linkTarget) } });
        throw new ZipError('UNSAFE_SYMLINK', `symbolic link to ${shownTarget(linkTarget)} would lead outside the target folder through ${through}, a link that was in it already`);
      }
      under = inside;
    }
  }

  /** A temporary name beside the entry's own (relative, "/"-joined) path. */
  private temporaryName(relative: string): string {
    return temporaryBeside(this.absoluteOf(relative));
  }

  /** A new temporary file beside the final name. 'wx' (O_CREAT|O_EXCL) also refuses to follow a link planted there. */
  private createTemporary(relative: string, mode: number): [string, number] {
    for (let attempt = 0; ; attempt++) {
      const temporary = this.temporaryName(relative);
      try {
        return [temporary, openSync(temporary, 'wx', mode)];
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw error;
      }
    }
  }
}

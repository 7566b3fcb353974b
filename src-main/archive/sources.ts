// The sources of a new archive: walking files and folders into a plan of entries, and reading
// them back with the "changed or vanished" policy (archive/create.ts states it). Everything
// here runs on the job's worker thread, so plain system calls are used where a thread-pool
// round trip would cost more than the call.

import { Buffer, isUtf8 } from 'node:buffer';
import { type Stats, closeSync, constants as fsConstants, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { type FileHandle, lstat, open, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Log } from '../log/types.js';
import { ZipError } from '../zip/errors.js';
import { CASE_INSENSITIVE_BY_DEFAULT, foldCase, nameProblemForWriting } from '../zip/paths.js';
import { systemParams } from './system-words.js';
import { FolderNames } from './folder-names.js';
import { isTempNameFor } from './temp-file.js';

export type EntryKind = 'file' | 'directory' | 'symlink';

/**
 * A file's path: text, or its bytes where a name along it is not UTF-8 (old Latin-1 names, say),
 * which a string cannot hold. (Bytes arrive on a helper thread as a plain Uint8Array.)
 */
export type SourcePath = string | Uint8Array;

/** The path as the system calls take it. */
export function fsPath(p: SourcePath): string | Buffer {
  return typeof p === 'string' || Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

/** A path for messages (bytes that are not UTF-8 shown as U+FFFD). */
export function shownPath(p: SourcePath): string {
  return typeof p === 'string' ? p : fsPath(p).toString();
}

export interface PlannedEntry {
  /** The entry's name as text (for patterns, messages and progress; see nameBytes). */
  readonly name: string;
  /**
   * The name's bytes as the file system gave them, when they are not UTF-8: stored as they are,
   * without the UTF-8 flag, as Info-ZIP's zip does (and as unzip gives them back).
   */
  readonly nameBytes?: Buffer;
  readonly kind: EntryKind;
  readonly sourcePath: SourcePath;
  /** File size, or the link target's length. */
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
  readonly linkTarget?: Buffer;
  /**
   * A file's device and inode as the walk saw them. The open checks them (checkStats): O_NOFOLLOW
   * guards only the last part of the path, and a folder above the file replaced by a link led
   * the open to a file elsewhere, which passed for this one with the size and time the walk saw.
   */
  readonly dev?: number;
  readonly ino?: number;
}

function statOrUndefined(folder: string): Stats | undefined {
  try {
    return statSync(folder);
  } catch {
    return undefined;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
}

// ---------------------------------------------------------------------------------------------
// Walking the sources

export interface WalkOptions {
  /** The archive being written: it and its temporary files are left out wherever the walk meets its folder. */
  readonly outputPath: string;
  /** Other archives left out as the output is, with their temporary files (a batch's archives, made by its other jobs). */
  readonly otherOutputs?: readonly string[];
  /** A folder made for the archives (a batch's output folder, made by the command inside a source): left out with all in it. */
  readonly madeFolder?: string;
  /** Whether the user's patterns leave out this entry name, at this absolute path, known to be a folder or not (glob.ts). */
  readonly exclude: (name: string, diskPath: string | Buffer, isFolder?: boolean) => boolean;
  readonly followSymlinks: boolean;
  /** Take the sources in byte order of their names too (a deterministic archive), not as given. */
  readonly sorted?: boolean;
  readonly log: Log;
  readonly signal: AbortSignal | undefined;
  /** Each entry as soon as it is found, in archive order (the writer starts before the walk ends). */
  readonly onEntry?: (entry: PlannedEntry) => void;
  /** Each path left out that the user did not ask to leave out (a socket, a link in a loop), as it is met. */
  readonly onSkip?: (skipped: SkippedSource) => void;
}

/**
 * A path the walk met and left out of the archive, by the name its entry would have had, and why:
 * in English, and by its kind (SOURCE_SKIP_REASONS), which the window words.
 */
export interface SkippedSource {
  readonly name: string;
  readonly reason: string;
  readonly kind: SourceSkipKind;
}

/** Every reason the walk leaves a path out, in English. */
export const SOURCE_SKIP_REASONS = {
  REPLACED_ARCHIVE: 'the archive this job replaces',
  FOLDER_LOOP: 'a link to a folder it lies in (a loop)',
  LINK_LOOP: 'a link in a loop of links',
  // Not a file, a folder or a link: what it is.
  FIFO: 'a named pipe (FIFO), not a file, folder or link',
  SOCKET: 'a socket, not a file, folder or link',
  BLOCK_DEVICE: 'a block device, not a file, folder or link',
  CHARACTER_DEVICE: 'a character device, not a file, folder or link',
  SPECIAL_FILE: 'a special file, not a file, folder or link',
} as const;

export type SourceSkipKind = keyof typeof SOURCE_SKIP_REASONS;

/** What a path that is not a file, a folder or a link is, by its reason to be left out. */
function specialKind(st: Stats): SourceSkipKind {
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'SOCKET';
  if (st.isBlockDevice()) return 'BLOCK_DEVICE';
  if (st.isCharacterDevice()) return 'CHARACTER_DEVICE';
  return 'SPECIAL_FILE';
}

export function ioError(error: unknown, path: SourcePath): ZipError {
  const what = shownPath(path);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    // A path given as text with U+FFFD in it: most likely a name that is not UTF-8, whose bytes
    // were lost when the command line was read (Node decodes it as UTF-8). Folders below a
    // source keep such names' bytes, so the folder that holds it can be given instead.
    const lost = typeof path === 'string' && path.includes('\uFFFD') ? ' (if its name is not UTF-8, it cannot be given as a path; give the folder that holds it)' : '';
    return new ZipError('SOURCE_CHANGED', `${what}: no such file or folder${lost}`, { cause: error, kind: lost === '' ? 'NOT_FOUND' : 'NOT_FOUND_NOT_UTF8', params: { path: what } });
  }
  // In words, without Node's code, system call and path ("EACCES: permission denied, scandir
  // '/…/closed'"): the line already names the path, and printed it twice.
  const params = systemParams(error);
  return new ZipError('IO', `${what}: ${params.system}`, { cause: error, kind: 'SOURCE', params: { path: what, ...params } });
}

/** Orders names by their UTF-8 bytes (code points; not UTF-16 units), whatever the locale. */
function byteOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** The entries of the sources, in archive order; handed to `onEntry` instead of kept when it is given. */
export async function walk(sources: readonly string[], options: WalkOptions): Promise<PlannedEntry[]> {
  const entries: PlannedEntry[] = [];
  // Two entries can only have one name when they come from sources of one name ("a/x" and
  // "b/x"), or from a source without one (the root, whose children's names come first): the
  // names of every other source begin with its own name, and those of one source are the paths
  // of one tree. Only the names of such sources are remembered (a million of them as strings
  // were some 60 MB of a create's heap).
  const sourceNames = sources.map((source) => path.basename(path.resolve(source)));
  const nameShared = (name: string): boolean => name === '' || sourceNames.includes('') || sourceNames.indexOf(name) !== sourceNames.lastIndexOf(name);
  /** Whether the names of the source being walked are remembered in `seen`. */
  let remembered = false;
  const seen = new Set<string>();
  /** Names that are not UTF-8, by their bytes (two of them may show as one text). */
  const seenBytes = new Set<string>();

  const add = (entry: PlannedEntry): void => {
    const problem = nameProblemForWriting(entry.name);
    if (problem !== undefined) {
      const where = shownPath(entry.sourcePath);
      throw new ZipError('BAD_NAME', `${problem.reason} (${where}); rename the file or leave it out`, { entry: entry.name, kind: `NOT_WRITABLE.${problem.kind}`, params: { ...problem.params, path: where } });
    }
    if (remembered) {
      // A folder's name without its slash: a file "x" and a folder "x/" are one path, which no
      // extraction can make both of.
      const [names, key] = entry.nameBytes === undefined ? [seen, withoutSlash(entry.name)] : [seenBytes, withoutSlash(entry.nameBytes.toString('latin1'))];
      if (names.has(key)) throw new ZipError('BAD_NAME', `two sources give the same entry name "${withoutSlash(entry.name)}"`, { entry: entry.name });
      names.add(key);
    }
    if (options.onEntry) options.onEntry(entry);
    else entries.push(entry);
  };

  // Following links: a dangling link cannot be followed and is kept as a link; a link in a loop
  // of links (ELOOP) is kept too, and skipped in `visit` like a folder link that loops back.
  const statOf = async (p: string | Buffer, follow = options.followSymlinks): Promise<Stats> => {
    if (!follow) return lstat(p);
    try {
      return await stat(p);
    } catch (error) {
      if (unfollowable(error)) return lstat(p);
      throw error;
    }
  };

  const statOfSync = (p: string | Buffer): Stats => {
    if (!options.followSymlinks) return lstatSync(p);
    try {
      return statSync(p);
    } catch (error) {
      if (unfollowable(error)) return lstatSync(p);
      throw error;
    }
  };

  // The archive this job replaces, wherever the walk meets it: through a followed link or a hard
  // link (`create r.zip r/ --follow-symlinks` with r/old.zip → ../r.zip put the old archive
  // inside the new one, which then grew by a copy of itself at every run).
  const replaced = statOrUndefined(options.outputPath);
  const isReplaced = (st: Stats): boolean => replaced !== undefined && replaced.isFile() && st.dev === replaced.dev && st.ino === replaced.ino;

  const addFile = (abs: string | Buffer, name: string, nameBytes: Buffer | undefined, st: Stats): void => {
    if (isReplaced(st)) skip(abs, name, 'REPLACED_ARCHIVE');
    else add({ name, ...(nameBytes && { nameBytes }), kind: 'file', sourcePath: abs, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
  };

  // The archive being written, and its temporary file (the walk runs while it is written), are
  // left out of the folder that holds them, told by its device and inode: a link or another
  // spelling of the folder leads there too. It is looked at here, before the first await, so
  // before the job makes its temporary files in it: its time is the one to keep.
  const outputName = path.basename(options.outputPath);
  // No such folder: the archive cannot be written there either, and the job fails on that.
  const outputFolder = statOrUndefined(path.dirname(options.outputPath));
  const holdsOutput = (folder: Stats): boolean => outputFolder !== undefined && folder.dev === outputFolder.dev && folder.ino === outputFolder.ino;
  const madeFolder = options.madeFolder === undefined ? undefined : statOrUndefined(options.madeFolder);
  const isMadeFolder = (folder: Stats): boolean => madeFolder !== undefined && folder.dev === madeFolder.dev && folder.ino === madeFolder.ino;
  // Where the file system takes names that differ in case for one (macOS, Windows), so does this.
  const same = CASE_INSENSITIVE_BY_DEFAULT ? foldCase : (name: string) => name;
  // The output and the other archives to leave out, each by its folder and name.
  const leftOutFiles = [{ name: outputName, folder: outputFolder }, ...(options.otherOutputs ?? []).map((other) => ({ name: path.basename(other), folder: statOrUndefined(path.dirname(other)) }))].flatMap(({ name, folder }) =>
    folder === undefined ? [] : [{ key: same(name), name, folder }],
  );
  const leftOutIn = (folder: Stats): ((child: string) => boolean) | undefined => {
    const here = leftOutFiles.filter((file) => file.folder.dev === folder.dev && file.folder.ino === folder.ino);
    return here.length === 0 ? undefined : (child) => here.some((file) => same(child) === file.key || isTempNameFor(file.name, child));
  };

  /**
   * Whether the walk leaves this path out: excluded by the user's patterns. Asked before a path is
   * looked at, and again for a folder with `isFolder` (a pattern ending in '/' needs to know).
   */
  const leftOut = (name: string, abs: string | Buffer, isFolder?: boolean): boolean => name !== '' && options.exclude(name, abs, isFolder);

  /**
   * A folder's children in byte order of names, with their paths and entry names. A name that is
   * not UTF-8 (readdir would give U+FFFD for its bytes) makes the child's path bytes, and its
   * entry name's bytes are kept; so do the paths and names below it.
   *
   * A large folder (by its size on disk, LARGE_FOLDER_BYTES) is read name by name into one
   * packed buffer (FolderNames), and a child's path and entry name are made as the walk comes to
   * it: made for every child at once, they held some 300 bytes of heap a file while the folder
   * was walked (200,000 files took a create to 214 MB). Others are read in one call, which is
   * faster: read name by name, corpus A's 7,000 folders took its walk from 0.41 s to 0.64 s.
   */
  const children = (abs: string | Buffer, st: Stats, name: string, nameBytes: Buffer | undefined): Children => {
    const isOutput = leftOutIn(st);
    // `abs` is absolute and normalized, and names from readdir hold no separator: no path.join.
    const textPrefix = typeof abs === 'string' ? (abs.endsWith(path.sep) ? abs : abs + path.sep) : undefined;
    let bytesPrefix: Buffer | undefined;
    let folderBytes: Buffer | undefined;
    const fromBytes = (child: Buffer): Child => {
      const text = child.toString();
      const childName = name === '' ? text : `${name}/${text}`;
      if (textPrefix !== undefined && isUtf8(child)) return { path: textPrefix + text, name: childName, nameBytes: undefined };
      bytesPrefix ??= Buffer.from(textPrefix ?? (abs.at(-1) === SLASH ? abs : Buffer.concat([abs as Buffer, Buffer.from(path.sep)])));
      folderBytes ??= nameBytes ?? (name === '' ? undefined : Buffer.from(name));
      const bytes = folderBytes === undefined ? Buffer.from(child) : Buffer.concat([folderBytes, SLASH_BYTE, child]);
      return { path: Buffer.concat([bytesPrefix, child]), name: childName, nameBytes: bytes };
    };
    if (st.size > LARGE_FOLDER_BYTES) {
      const names = FolderNames.read(abs, isOutput && ((child) => isUtf8(child) && isOutput(child.toString())));
      return { length: names.length, at: (i) => fromBytes(names.at(i)) };
    }
    let found: Child[] | undefined;
    if (textPrefix !== undefined) {
      let names = readdirSync(abs);
      if (!names.some((child) => child.includes('\uFFFD'))) {
        names = names.sort(byteOrder);
        if (isOutput) names = names.filter((child) => !isOutput(child));
        found = names.map((child) => ({ path: textPrefix + child, name: name === '' ? child : `${name}/${child}`, nameBytes: undefined }));
      }
    }
    if (found === undefined) {
      found = [];
      for (const child of readdirSync(abs, { encoding: 'buffer' }).sort(Buffer.compare)) {
        if (isOutput && isUtf8(child) && isOutput(child.toString())) continue;
        found.push(fromBytes(child));
      }
    }
    const all = found;
    return { length: all.length, at: (i) => all[i]! };
  };

  const skip = (abs: string | Buffer, name: string, kind: SourceSkipKind): void => {
    const reason = SOURCE_SKIP_REASONS[kind];
    options.log.warn(`skipping ${reason}`, { path: shownPath(abs) });
    options.onSkip?.({ name, reason, kind });
  };

  const visit = async (abs: string | Buffer, name: string, nameBytes: Buffer | undefined, st: Stats, ancestors: readonly string[]): Promise<void> => {
    throwIfAborted(options.signal);
    if (leftOut(name, abs)) return;
    if (st.isDirectory()) {
      if (isMadeFolder(st) || leftOut(name, abs, true)) return;
      const key = `${st.dev}:${st.ino}`;
      if (ancestors.includes(key)) {
        skip(abs, name, 'FOLDER_LOOP');
        return;
      }
      // The folder that holds the output has the time it had before this job made its temporary files there.
      const mtimeMs = holdsOutput(st) ? outputFolder!.mtimeMs : st.mtimeMs;
      if (name !== '') add({ name: name + '/', ...(nameBytes && { nameBytes: Buffer.concat([nameBytes, SLASH_BYTE]) }), kind: 'directory', sourcePath: abs, size: 0, mode: st.mode, mtimeMs });
      // One directory at a time with plain system calls (we are on the worker thread; a
      // thread-pool round trip per lstat costs more than the lstat), then a turn of the event
      // loop so a cancel gets in.
      await new Promise((resolve) => setImmediate(resolve));
      let found: Children;
      try {
        found = children(abs, st, name, nameBytes);
      } catch (error) {
        throw ioError(error, abs);
      }
      const inside = [...ancestors, key];
      for (let i = 0; i < found.length; i++) {
        // Another turn every WALK_TURN children: the files of one folder are looked at without
        // one, and a folder of 65,000 files kept a cancel (a message to this thread) out for
        // 0.5–0.8 s, a million for many seconds.
        if (i > 0 && i % WALK_TURN === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          throwIfAborted(options.signal);
        }
        const child = found.at(i);
        if (leftOut(child.name, child.path)) continue;
        let childStat: Stats;
        try {
          childStat = statOfSync(child.path);
        } catch (error) {
          throw ioError(error, child.path);
        }
        // Plain files (most entries) without a call of this async function each.
        if (childStat.isFile()) addFile(child.path, child.name, child.nameBytes, childStat);
        else await visit(child.path, child.name, child.nameBytes, childStat, inside);
      }
    } else if (st.isFile()) {
      addFile(abs, name, nameBytes, st);
    } else if (st.isSymbolicLink()) {
      if (options.followSymlinks && (await loops(abs))) {
        skip(abs, name, 'LINK_LOOP');
        return;
      }
      let target: Buffer;
      try {
        target = await readlink(abs, { encoding: 'buffer' });
      } catch (error) {
        throw ioError(error, abs);
      }
      add({ name, ...(nameBytes && { nameBytes }), kind: 'symlink', sourcePath: abs, size: target.length, mode: st.mode, mtimeMs: st.mtimeMs, linkTarget: target });
    } else {
      skip(abs, name, specialKind(st));
    }
  };

  for (const source of options.sorted ? [...sources].sort((a, b) => byteOrder(path.basename(path.resolve(a)), path.basename(path.resolve(b)))) : sources) {
    const abs = path.resolve(source);
    let st: Stats;
    try {
      // `link/` names the folder a link points to (as a shell means it), not the link.
      st = await statOf(abs, options.followSymlinks || endsWithSeparator(source));
    } catch (error) {
      throw ioError(error, source);
    }
    remembered = nameShared(path.basename(abs));
    // `file-link/` (a link to a file, given as a link to a folder is) is that file, read where it
    // is: without following links, a file is opened only as itself (readFlags).
    const at = st.isFile() && !options.followSymlinks && endsWithSeparator(source) ? await realpath(abs) : abs;
    await visit(at, path.basename(abs), undefined, st, []);
  }
  return entries;
}

function withoutSlash(name: string): string {
  return name.endsWith('/') ? name.slice(0, -1) : name;
}

/** Whether a path as given ends in a separator ("/", and "\\" on Windows). */
export function endsWithSeparator(given: string): boolean {
  return given.endsWith('/') || given.endsWith(path.sep);
}

/** A link that stat cannot follow: dangling (ENOENT) or in a loop of links (ELOOP). */
function unfollowable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ELOOP';
}

/** One child of a folder: its path, and its entry name (with its bytes when they are not UTF-8). */
interface Child {
  readonly path: string | Buffer;
  readonly name: string;
  readonly nameBytes: Buffer | undefined;
}

/** A folder's children in archive order, each made when it is asked for (`at`, from 0 to length - 1). */
interface Children {
  readonly length: number;
  at(index: number): Child;
}

/**
 * A folder larger than this on disk holds some thousands of names (ext4: 8 bytes and the name
 * for each, in 4 KiB blocks, 3,000 files of 10-byte names take 76 KiB; tmpfs: 20 bytes a name;
 * btrfs: twice the names' bytes).
 */
const LARGE_FOLDER_BYTES = 64 * 1024;

/** Children of a folder looked at between two turns of the event loop (some 2–10 ms of lstat). */
const WALK_TURN = 1024;

const SLASH = 0x2f;
const SLASH_BYTE = Buffer.from('/');

/** Whether following the link at `p` ends in a loop of links. */
async function loops(p: string | Buffer): Promise<boolean> {
  try {
    await stat(p);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP';
  }
}

// ---------------------------------------------------------------------------------------------
// Reading sources, with the "changed or vanished" policy

/**
 * How a source file is opened. The walk saw a regular file, but by the time it is read another
 * file may stand at its path: opening a named pipe for reading waits for a writer, forever (a
 * file replaced by a FIFO hung the job, its helper thread blocked in open), and opening a
 * terminal could make it the process's controlling one. Non-blocking, the open returns at once,
 * and the file's type is checked on the handle (checkStats); for a regular file the flag changes
 * nothing (GNU tar opens what it archives the same way). Windows has neither flag.
 */
const READ_FLAGS = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOCTTY ?? 0);

/**
 * Unless links are followed, the walk saw a file at the path, not a link: a link put in its place
 * is refused by the open (O_NOFOLLOW), not followed. It was read through, and a file the link led
 * to with the size and time the walk saw (`touch -r`, `truncate`) went into the archive as that
 * file (another user's /etc/shadow, for a root that zips their folder). As GNU tar opens what it
 * archives. A flag of the open: no system call more.
 */
export function readFlags(followSymlinks: boolean): number {
  return followSymlinks ? READ_FLAGS : READ_FLAGS | (fsConstants.O_NOFOLLOW ?? 0);
}

/** Why an open of a source failed: a link at a path opened without following (ELOOP; EMLINK on FreeBSD), or it vanished. */
function openFailure(entry: PlannedEntry, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return changed(entry, 'VANISHED');
  if (code === 'ELOOP' || code === 'EMLINK') return changed(entry, 'NOW_LINK');
  return error;
}

/** How a source changed while the archive was made, and what is said of it. */
const CHANGES = {
  VANISHED: 'vanished before it was read',
  GONE: 'was deleted or moved away while it was read',
  NOW_LINK: 'is now a symbolic link, not a file',
  NOW_FOLDER: 'is now a folder, not a file',
  NOW_FIFO: 'is now a named pipe (FIFO), not a file',
  NOW_SOCKET: 'is now a socket, not a file',
  NOW_BLOCK_DEVICE: 'is now a block device, not a file',
  NOW_CHARACTER_DEVICE: 'is now a character device, not a file',
  NOW_SPECIAL_FILE: 'is now a special file, not a file',
  REPLACED: 'was replaced by another file',
  MODIFIED: 'was modified',
  SHORTER: 'became shorter while it was read',
  GREW: 'grew while it was read',
} as const;

/** What a source that is no longer a file is now, by how it changed (CHANGES). */
function nowKind(st: Stats): keyof typeof CHANGES {
  if (st.isDirectory()) return 'NOW_FOLDER';
  if (st.isFIFO()) return 'NOW_FIFO';
  if (st.isSocket()) return 'NOW_SOCKET';
  if (st.isBlockDevice()) return 'NOW_BLOCK_DEVICE';
  if (st.isCharacterDevice()) return 'NOW_CHARACTER_DEVICE';
  return 'NOW_SPECIAL_FILE';
}

/**
 * A source that changed: by its kind (CHANGES, or SIZE with the sizes before and after), which
 * the window words in its language too.
 */
export function changed(entry: PlannedEntry, what: keyof typeof CHANGES | { readonly before: number; readonly after: number }): ZipError {
  const path = shownPath(entry.sourcePath);
  if (typeof what === 'string') return new ZipError('SOURCE_CHANGED', `${path} ${CHANGES[what]}; archive not written`, { entry: entry.name, kind: what, params: { path } });
  return new ZipError('SOURCE_CHANGED', `${path} changed size (${what.before} → ${what.after} bytes); archive not written`, { entry: entry.name, kind: 'SIZE', params: { path, ...what } });
}

export async function openChecked(entry: PlannedEntry, followSymlinks: boolean): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(fsPath(entry.sourcePath), readFlags(followSymlinks));
  } catch (error) {
    throw openFailure(entry, error);
  }
  try {
    await checkUnchanged(entry, handle);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

export async function checkUnchanged(entry: PlannedEntry, handle: FileHandle): Promise<void> {
  checkStats(entry, await handle.stat());
}

/**
 * After a file read over time (a large one, block by block): unchanged through its handle, and
 * still the file at its path. The handle alone still describes the file it opened once that was
 * deleted, or replaced by a rename (an editor's save): the archive would hold a file that is no
 * longer there, and the job would say it went well.
 */
export async function checkStillThere(entry: PlannedEntry, handle: FileHandle, followSymlinks: boolean): Promise<void> {
  const now = await handle.stat();
  checkStats(entry, now);
  let there: Stats;
  try {
    there = await (followSymlinks ? stat : lstat)(fsPath(entry.sourcePath));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw changed(entry, 'GONE');
    throw ioError(error, entry.sourcePath);
  }
  if (there.ino !== now.ino || there.dev !== now.dev) throw changed(entry, there.isFile() ? 'REPLACED' : nowKind(there));
}

function checkStats(entry: PlannedEntry, now: Stats): void {
  if (!now.isFile()) throw changed(entry, nowKind(now));
  if (entry.ino !== undefined && (now.ino !== entry.ino || now.dev !== entry.dev)) throw changed(entry, 'REPLACED');
  if (now.size !== entry.size) throw changed(entry, { before: entry.size, after: now.size });
  if (now.mtimeMs !== entry.mtimeMs) throw changed(entry, 'MODIFIED');
}

/** Exactly `length` bytes at `position`, or SOURCE_CHANGED if the file ends first. */
export async function readExactly(source: FileHandle, entry: PlannedEntry, position: number, length: number, into: Buffer): Promise<Buffer> {
  const data = into.subarray(0, length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await source.read(data, done, length - done, position + done);
    if (bytesRead === 0) throw changed(entry, 'SHORTER');
    done += bytesRead;
  }
  return data;
}

/** A small file, read whole with plain system calls (we are on the worker thread). */
export function readWholeSync(entry: PlannedEntry, data: Buffer, followSymlinks: boolean): Buffer {
  let fd: number;
  try {
    fd = openSync(fsPath(entry.sourcePath), readFlags(followSymlinks));
  } catch (error) {
    throw openFailure(entry, error);
  }
  try {
    checkStats(entry, fstatSync(fd));
    let done = 0;
    for (;;) {
      const bytesRead = readSync(fd, data, done, data.length - done, done);
      done += bytesRead;
      // A regular file reads short only at its end: once the expected size is in, a short
      // read is the end, and a second call to see it would double the reads of small files.
      if (bytesRead === 0 || done === data.length || done >= entry.size) break;
    }
    if (done !== entry.size) throw changed(entry, done > entry.size ? 'GREW' : 'SHORTER');
    return data.subarray(0, entry.size);
  } finally {
    closeSync(fd);
  }
}

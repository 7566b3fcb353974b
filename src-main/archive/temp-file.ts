// Write-to-temp-then-rename, the one way Zipdesk puts a file where a user will find it.
// The work writes to a hidden temporary name in the target's folder (same file system, so the
// final step is an atomic rename); if it fails, throws or is cancelled, the temporary file is
// removed and the target path is untouched. A crash or `kill -9` can leave the temporary file
// behind (its name says what it is) but never a partial file under the target's name.

import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, lstatSync } from 'node:fs';
import { type FileHandle, link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ZipError } from '../zip/errors.js';
import { systemParams } from './system-words.js';
import { throwUnlessRefused } from './attributes.js';
import { NAME_BYTES, tempStem } from './temp-stem.js';

/** What to do when the target already exists when the work is done. */
export type OnExists =
  /** Fail with ZipError 'EXISTS'; the finished temporary file is removed. */
  | 'fail'
  /** Atomically replace it. */
  | 'replace'
  /** Use the first free name of `NAME (2).EXT`, `NAME (3).EXT`, … */
  | 'unique';

export interface TempFileOptions {
  readonly onExists?: OnExists;
  /**
   * Called with the temporary path as soon as it exists (a supervisor can remove it after a
   * crash), and the file's identity (fileIdentity): the rename keeps it, so after a crash the
   * supervisor can tell whether the finished file was put in place before the end.
   */
  readonly onTempPath?: (tempPath: string, identity: string) => void;
  /**
   * Resolves once whoever heard onTempPath has recorded it: the finished file is put in place only
   * after, since a file put in place before that record, and a crash between the two, would leave
   * the supervisor nothing to know it by (jobs/client.ts finishedBeforeTheEnd). Rejects to stop.
   */
  readonly tempRecorded?: () => Promise<void>;
  /**
   * With 'unique': the target is `base` numbered `from` already (a batch planned `NAME (2).zip`
   * because NAME.zip was taken); if it is taken too, numbering goes on from there, `NAME (3).zip`,
   * not `NAME (2) (2).zip`. A name's own "(7)" is not taken for a number.
   */
  readonly numbered?: Numbered;
}

export interface Numbered {
  readonly base: string;
  readonly from: number;
}

export interface TempFileResult<T> {
  readonly value: T;
  /** Where the file ended up (differs from the requested path with onExists 'unique'). */
  readonly finalPath: string;
}

export const TEMP_SUFFIX = '.zipdesk-tmp';

/** A file's device and inode, `DEV:INO`: what a rename or a hard link keeps, and no other file shares meanwhile. */
export function fileIdentity(stats: { readonly dev: bigint; readonly ino: bigint }): string {
  return `${stats.dev}:${stats.ino}`;
}

/** The temporary name used beside `finalPath`: hidden, and recognisably ours. */
export function tempPathFor(finalPath: string): string {
  return path.join(path.dirname(finalPath), `.${tempStem(path.basename(finalPath))}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/** Whether the file name `candidate` is a temporary name (see tempPathFor) of the file name `finalName` in the same folder, made by this job or another. */
export function isTempNameFor(finalName: string, candidate: string): boolean {
  const prefix = `.${tempStem(finalName)}.`;
  return candidate.length === prefix.length + 8 + TEMP_SUFFIX.length && candidate.startsWith(prefix) && candidate.endsWith(TEMP_SUFFIX);
}

/** `dir/name (n).ext` for n ≥ 2 (n = 1 is the name itself). */
export function numberedName(finalPath: string, n: number): string {
  if (n <= 1) return finalPath;
  const ext = path.extname(finalPath);
  const stem = finalPath.slice(0, finalPath.length - ext.length);
  return `${stem} (${n})${ext}`;
}

/**
 * Runs `work` with an open handle on a fresh temporary file beside `finalPath`, then closes it
 * and moves it to `finalPath`. On any failure the temporary file is removed and the error is
 * rethrown.
 */
export async function withTempFile<T>(
  finalPath: string,
  work: (handle: FileHandle, tempPath: string) => Promise<T>,
  options: TempFileOptions = {},
): Promise<TempFileResult<T>> {
  checkNameFits(finalPath);
  const tempPath = tempPathFor(finalPath);
  const onExists = options.onExists ?? 'fail';
  if (onExists === 'fail' && (await exists(finalPath))) {
    throw alreadyThere(finalPath);
  }
  let handle: FileHandle | undefined;
  const held = await holdFolder(path.dirname(finalPath));
  try {
    // Read and write for all, less what the user's umask takes away, as zip and cp make files;
    // in place of a file, that one's permissions from the start (keepPermissions): made at the
    // umask's and narrowed once complete, a private archive's replacement could be opened by
    // anyone while it was written, and read through that handle once it was done.
    const mode = (onExists === 'replace' ? await permissionsToKeep(finalPath) : undefined) ?? 0o666;
    try {
      handle = await open(tempPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_RDWR, mode);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const folder = path.dirname(finalPath);
      // (A folder that is there may still say ENOENT: /proc makes no files.)
      if (code === 'ENOENT' && !(await isFolder(folder))) throw new ZipError('IO', `folder ${folder} does not exist`, { cause: error, kind: 'NO_FOLDER', params: { folder } });
      if (code === 'ENOTDIR') throw new ZipError('IO', `${folder} is not a folder: a file is in its place or on its path`, { cause: error, kind: 'NOT_A_FOLDER', params: { folder } });
      throw cannotWriteIn(folder, error);
    }
    if (options.onTempPath) options.onTempPath(tempPath, fileIdentity(await handle.stat({ bigint: true })));
    const value = await work(handle, tempPath);
    if (onExists === 'replace') await keepPermissions(handle, finalPath);
    await handle.close();
    handle = undefined;
    await options.tempRecorded?.();
    let placed: string;
    try {
      placed = await place(tempPath, finalPath, onExists, options.numbered);
    } catch (error) {
      throw await placingError(error, finalPath);
    }
    return { value, finalPath: placed };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await removeTemp(tempPath, held);
    throw error;
  } finally {
    await held?.close().catch(() => undefined);
  }
}

/**
 * The target's folder, held open while the file is made where a descriptor leads to a folder
 * itself rather than to its path (Linux, /proc/self/fd): one moved away meanwhile is found where
 * it went (removeTemp). Nothing elsewhere, or when it cannot be opened.
 */
async function holdFolder(folder: string): Promise<FileHandle | undefined> {
  if (process.platform !== 'linux') return undefined;
  return open(folder, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY).catch(() => undefined);
}

/**
 * Removes the temporary file of work that failed. By its path, or, when that names nothing because
 * the folder was moved away while the work ran (the job fails: 'folder … is gone'; or it was
 * cancelled after the move), in the folder where it went, through the folder held open: the moved
 * folder kept the hidden temporary file, a whole archive when it failed as it was put in place.
 * Only that name is removed; a folder removed, not moved, has nothing left to remove.
 */
async function removeTemp(tempPath: string, held: FileHandle | undefined): Promise<void> {
  try {
    await unlink(tempPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (held === undefined || (code !== 'ENOENT' && code !== 'ENOTDIR')) return;
    await unlink(`/proc/self/fd/${held.fd}/${path.basename(tempPath)}`).catch(() => undefined);
  }
}

/**
 * A file that replaces another keeps the permissions the user gave that one (an archive made
 * private, 0600, stays private), as zip does when it updates an archive; not setuid, setgid or
 * sticky bits.
 */
async function keepPermissions(handle: FileHandle, finalPath: string): Promise<void> {
  const mode = await permissionsToKeep(finalPath);
  if (mode !== undefined) await handle.chmod(mode).catch(throwUnlessRefused);
}

/** The permission bits of the file at `finalPath`, if one is there. */
async function permissionsToKeep(finalPath: string): Promise<number | undefined> {
  try {
    const previous = await stat(finalPath);
    return previous.isFile() ? previous.mode & 0o777 : undefined;
  } catch {
    return undefined; // nothing there yet
  }
}

/**
 * Whether anything has the name, by lstat: opening it to see (as this did) waited for good on a
 * named pipe, and passed over a dangling link, which a rename would then have replaced.
 */
async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** Moves the finished file into place; a hard link gives "create only if absent" atomically. */
async function place(tempPath: string, finalPath: string, onExists: OnExists, numbered: Numbered | undefined): Promise<string> {
  if (onExists === 'replace') {
    await rename(tempPath, finalPath);
    return finalPath;
  }
  try {
    return await placeNumbered(tempPath, finalPath, onExists, numbered);
  } catch (error) {
    // A numbered name ("… (2).zip") that no longer fits.
    throw (error as NodeJS.ErrnoException).code === 'ENAMETOOLONG' ? nameTooLong(error) : error;
  }
}

/**
 * A failure to put the finished file in place, in words: its folder moved, deleted or made
 * read-only while the work ran, or the temporary file removed by someone else (the system's
 * error names neither, only the two paths of the rename).
 */
async function placingError(error: unknown, finalPath: string): Promise<unknown> {
  const code = (error as NodeJS.ErrnoException).code;
  const folder = path.dirname(finalPath);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const folderThere = await isFolder(folder);
    if (folderThere) return new ZipError('IO', `the temporary file beside ${finalPath} was removed before it was complete`, { cause: error, kind: 'TEMPORARY_REMOVED', params: { path: finalPath } });
    return new ZipError('IO', `folder ${folder} is gone: moved or deleted while the file was written`, { cause: error, kind: 'FOLDER_GONE', params: { folder } });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return cannotWriteIn(folder, error);
  return error;
}

async function isFolder(folder: string): Promise<boolean> {
  return stat(folder).then((info) => info.isDirectory(), () => false);
}

/**
 * The target's folder takes no file, in words ('permission denied', 'read-only file system'), as
 * a source that cannot be read is said; it said Node's code ('cannot write in /x (EACCES)').
 */
function cannotWriteIn(folder: string, error: unknown): ZipError {
  const params = systemParams(error);
  return new ZipError('IO', `cannot write in ${folder}: ${params.system}`, { cause: error, kind: 'CANNOT_WRITE_IN', params: { folder, ...params } });
}

function alreadyThere(finalPath: string): ZipError {
  return new ZipError('EXISTS', `${finalPath} already exists`, { kind: 'OUTPUT', params: { path: finalPath } });
}

/** Said before any work: a file whose name is too long could never be put there. */
export function checkNameFits(finalPath: string): void {
  if (Buffer.byteLength(path.basename(finalPath)) > NAME_BYTES) throw nameTooLong(undefined);
}

function nameTooLong(cause: unknown): ZipError {
  return new ZipError('BAD_NAME', `the name is longer than the ${NAME_BYTES} bytes a file name may have`, { cause, kind: 'TOO_LONG', params: { bytes: NAME_BYTES } });
}

/**
 * Where the file of identity `identity` (fileIdentity) was put by withTempFile with these options,
 * if it is there still: the target, or with 'unique' the numbered names it tries, in its order,
 * up to the first that is free. For a job cut short by a crash, read at the next start.
 */
export function placedFile(finalPath: string, onExists: OnExists, numbered: Numbered | undefined, identity: string): string | undefined {
  const base = numbered?.base ?? finalPath;
  const from = numbered?.from ?? 1;
  for (let n = from; n === from || onExists === 'unique'; n++) {
    const candidate = numberedName(base, n);
    let stats;
    try {
      stats = lstatSync(candidate, { bigint: true });
    } catch {
      return undefined; // free: the file was put no further
    }
    if (stats.isFile() && fileIdentity(stats) === identity) return candidate;
  }
  return undefined;
}

async function placeNumbered(tempPath: string, finalPath: string, onExists: OnExists, numbered: Numbered | undefined): Promise<string> {
  const base = numbered?.base ?? finalPath;
  for (let n = numbered?.from ?? 1; ; n++) {
    const candidate = numberedName(base, n);
    try {
      await link(tempPath, candidate);
      await unlink(tempPath);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        if (onExists === 'fail') throw alreadyThere(finalPath);
        continue;
      }
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
        // No hard links here (FAT, some network shares): check, then rename. Not atomic, but the
        // window is one system call wide.
        if (await exists(candidate)) {
          if (onExists === 'fail') throw alreadyThere(finalPath);
          continue;
        }
        await rename(tempPath, candidate);
        return candidate;
      }
      throw error;
    }
  }
}

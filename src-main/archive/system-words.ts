// System errors in the words of a one-line problem: what went wrong, without the system call and
// the paths Node's messages carry ("EACCES: permission denied, open '/…/.a.txt.1-1-1.zipdesk-partial'").
// The line already names the archive and the entry, and the path may be one of our temporary files.

import { lstatSync } from 'node:fs';

/** "permission denied" for Node's "EACCES: permission denied, open '…'". */
export function systemWords(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { syscall } = error as NodeJS.ErrnoException;
  const message = error.message.replace(/^[A-Z]+: /, '');
  return syscall === undefined ? message : message.split(`, ${syscall}`)[0]!;
}

/**
 * The values of a message that ends in the system's words for an error: the words (`system`) and
 * the system's code (`errno`, "EACCES") when it has one, which a window in another language than
 * English shows in their place (the words are libuv's, in English only).
 */
export function systemParams(error: unknown): { system: string; errno?: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { system: systemWords(error), ...(typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && { errno: code }) };
}

/** Why a folder could not be made: which reason (the window words each), and in words. */
export interface FolderMaking {
  readonly kind: 'LINK_THERE' | 'FILE_THERE' | 'FILE_IN_PATH' | 'SYSTEM';
  readonly words: string;
  readonly params: { system?: string; errno?: string };
}

/**
 * Why a folder could not be made: mkdir says EEXIST for a file of that name (or a link that
 * leads to no folder: to nothing, to a file, round in a loop), ENOTDIR for a file on its path.
 */
export function folderMaking(error: unknown): FolderMaking {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === 'EEXIST') return path !== undefined && isLink(path) ? { kind: 'LINK_THERE', words: 'a symbolic link that leads to no folder has that name', params: {} } : { kind: 'FILE_THERE', words: 'a file has that name', params: {} };
  if (code === 'ENOTDIR') return { kind: 'FILE_IN_PATH', words: 'a file is in its path', params: {} };
  const params = systemParams(error);
  return { kind: 'SYSTEM', words: params.system, params };
}

/** The same in words. */
export function folderMakingWords(error: unknown): string {
  return folderMaking(error).words;
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

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
 * Why a folder could not be made, in words: mkdir says EEXIST for a file of that name (or a link
 * that leads to no folder: to nothing, to a file, round in a loop), ENOTDIR for a file on its path.
 */
export function folderMakingWords(error: unknown): string {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === 'EEXIST') return path !== undefined && isLink(path) ? 'a symbolic link that leads to no folder has that name' : 'a file has that name';
  if (code === 'ENOTDIR') return 'a file is in its path';
  return systemWords(error);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

// What names the file system of an extraction's target folder holds, and which it takes for one,
// found out by asking it. The system alone does not say: Linux and macOS mount FAT and exFAT
// drives (USB sticks, SD cards) and SMB shares, which take "README" and "readme" for one file
// and refuse the characters Windows refuses (ext4 folders with casefold take such names for one
// too). There a second entry of such a name would silently replace the first one written, where
// the policy promised to skip it (a folder this run made is known to be empty, so nothing is
// looked up), and "what?.txt" could not be written at all.

import { randomBytes } from 'node:crypto';
import { lstat, open, unlink } from 'node:fs/promises';
import path from 'node:path';

export interface NameProbe {
  /** Names that differ only in case name one file. */
  readonly foldsCase: boolean;
  /** A name with the characters Windows refuses (":" and "?") cannot be made. */
  readonly refusesWindowsCharacters: boolean;
}

/**
 * Asks the file system of `folder` by making files there: one under a new name of lowercase
 * letters, looked up under the same name in capitals, then one whose name holds ":" and "?". They
 * are hidden, named as ours (.zipdesk-name-probe-…), and removed at once. Neither is known when the
 * first cannot be made (the folder is not writable: extracting then says so for each file), and
 * both are answered no.
 */
export async function probeNames(folder: string): Promise<NameProbe> {
  const stem = `.zipdesk-name-probe-${randomBytes(6).toString('hex')}`;
  const plain = path.join(folder, `${stem}.tmp`);
  if (!(await made(plain))) return { foldsCase: false, refusesWindowsCharacters: false };
  try {
    const foldsCase = await lstat(path.join(folder, `${stem}.tmp`.toUpperCase())).then(
      () => true,
      () => false,
    );
    const windows = path.join(folder, `${stem}:?.tmp`);
    const refusesWindowsCharacters = !(await made(windows));
    if (!refusesWindowsCharacters) await unlink(windows).catch(() => undefined);
    return { foldsCase, refusesWindowsCharacters };
  } finally {
    await unlink(plain).catch(() => undefined);
  }
}

/** Whether a new file could be made at `file` (it is left there, closed). */
async function made(file: string): Promise<boolean> {
  try {
    await (await open(file, 'wx')).close();
    return true;
  } catch {
    return false;
  }
}

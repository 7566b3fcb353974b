// How the file system of an extraction's target folder compares names, found out by asking it.
// The system alone does not say: Linux mounts FAT and exFAT drives (USB sticks, SD cards), SMB
// shares and ext4 folders with casefold, which all take "README" and "readme" for one file. There
// a second entry of such a name would silently replace the first one written, where the policy
// promised to skip it (a folder this run made is known to be empty, so nothing is looked up).

import { randomBytes } from 'node:crypto';
import { lstat, open, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Whether the file system of `folder` takes names that differ only in case for one name: a file
 * made there under a new name of lowercase letters is found under the same name in capitals. The
 * file is hidden, named as our temporary files are, and removed at once. False when it cannot be
 * made (the folder is not writable: extracting then says so for each file).
 */
export async function foldsCase(folder: string): Promise<boolean> {
  const name = `.zipdesk-case-probe-${randomBytes(6).toString('hex')}.tmp`;
  const made = path.join(folder, name);
  let handle;
  try {
    handle = await open(made, 'wx');
  } catch {
    return false;
  }
  try {
    await handle.close();
    return await lstat(path.join(folder, name.toUpperCase())).then(
      () => true,
      () => false,
    );
  } finally {
    await unlink(made).catch(() => undefined);
  }
}

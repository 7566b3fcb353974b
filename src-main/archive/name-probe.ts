// What names the file system of an extraction's target folder holds, and which it takes for one,
// found out by asking it. The system alone does not say: Linux and macOS mount FAT and exFAT
// drives (USB sticks, SD cards) and SMB shares, which take "README" and "readme" for one file
// and refuse the characters Windows refuses (ext4 folders with casefold take such names for one
// too). There a second entry of such a name would silently replace the first one written, where
// the policy promised to skip it (a folder this run made is known to be empty, so nothing is
// looked up), and "what?.txt" could not be written at all.

import { randomBytes } from 'node:crypto';
import { lstat, open, readFile, unlink } from 'node:fs/promises';
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

/**
 * probeNames of `folder` and of each file system mounted below it, answered together: what one of
 * them takes for one name, or refuses, is taken so in the whole run. Asked of the target alone, a
 * USB stick mounted inside it (`-o ~/media`, the stick at ~/media/usb) was taken for the target's
 * ext4: of README and readme the second silently replaced the first under skip, and "what?.txt"
 * failed with "no such file or directory". Within the target's own file system, two names one but
 * for case are then told apart by the policy too (the second skipped, or renamed) rather than
 * both written: rarer, and nothing is lost. (`mountsBelow` is Linux's; a folder just made holds no
 * mounts.)
 */
export async function probeTarget(folder: string, mayHoldMounts: boolean): Promise<NameProbe> {
  let answer = await probeNames(folder);
  for (const mount of mayHoldMounts ? await mountsBelow(folder) : []) {
    if (answer.foldsCase && answer.refusesWindowsCharacters) break;
    const more = await probeNames(mount);
    answer = { foldsCase: answer.foldsCase || more.foldsCase, refusesWindowsCharacters: answer.refusesWindowsCharacters || more.refusesWindowsCharacters };
  }
  return answer;
}

/** The system's own file systems, which hold no files of a user's: not asked (a probe file in /dev, say). */
const PSEUDO_FILE_SYSTEMS = new Set(['proc', 'sysfs', 'devpts', 'devtmpfs', 'cgroup', 'cgroup2', 'securityfs', 'debugfs', 'tracefs', 'pstore', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'binfmt_misc', 'autofs', 'efivarfs', 'nsfs', 'rpc_pipefs']);

/**
 * The mount points strictly below `folder` (a real path), from /proc/self/mountinfo: its fifth
 * field, with space, tab, newline and backslash written as octal escapes, and the file system's
 * type after the " - ". None where the file cannot be read (not Linux).
 */
export async function mountsBelow(folder: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const inside = folder.endsWith('/') ? folder : `${folder}/`;
  const mounts: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const at = fields[4];
    const type = fields[fields.indexOf('-') + 1];
    if (at === undefined || fields.indexOf('-') === -1 || type === undefined || PSEUDO_FILE_SYSTEMS.has(type)) continue;
    const point = at.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
    if (point.length > inside.length && point.startsWith(inside) && !mounts.includes(point)) mounts.push(point);
  }
  return mounts;
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

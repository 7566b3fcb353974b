// `mkdir -p` for the folders we are asked to write into: extract's target, batch's -o DIR, and
// (synchronously) the log folder and the logging settings' folder.

import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes `folder` and the folders above it that are missing, each once, from the top; returns the
 * first one it made (the top of what is new), or undefined when `folder` was there already.
 * Not mkdir's { recursive: true }: where mkdir says ENOENT though the folder above is there (in
 * /proc and /sys, or in a folder removed while a process is in it, reached through
 * /proc/PID/cwd), Node's makes the folder above again and again, for ever, on one of libuv's
 * threads (`extract -o /proc/1/x`, `batch src -o /proc/x`: a core at 100%, the command never
 * ending). Here a second ENOENT, once the folder above is made or found, is the answer.
 */
export async function makeFolderPath(folder: string): Promise<string | undefined> {
  try {
    await mkdir(folder);
    return folder;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await isFolder(folder))) return undefined;
    if (code !== 'ENOENT' || path.dirname(folder) === folder) throw error;
  }
  const first = await makeFolderPath(path.dirname(folder));
  try {
    await mkdir(folder);
  } catch (error) {
    // (Made meanwhile by another process: there, as asked.)
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isFolder(folder))) throw error;
  }
  return first ?? folder;
}

/** A folder, or a link to one (a dangling link, a loop or a file is not). */
async function isFolder(folder: string): Promise<boolean> {
  return (await stat(folder).catch(() => undefined))?.isDirectory() === true;
}

/** makeFolderPath for the logging's setup, which is synchronous: the same walk, the same answers. */
export function makeFolderPathSync(folder: string): string | undefined {
  try {
    mkdirSync(folder);
    return folder;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isFolderSync(folder)) return undefined;
    if (code !== 'ENOENT' || path.dirname(folder) === folder) throw error;
  }
  const first = makeFolderPathSync(path.dirname(folder));
  try {
    mkdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isFolderSync(folder)) throw error;
  }
  return first ?? folder;
}

function isFolderSync(folder: string): boolean {
  return statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true;
}

// What a dropped path is, for the drop zone (issue 5): a folder starts a batch, a .zip opens,
// anything else is refused with a message. Decided here in main, where the file system is.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ClassifiedPath, PathKind } from '../../src-preload/contract.js';

export async function classifyPath(target: string): Promise<ClassifiedPath> {
  let kind: PathKind;
  try {
    const info = await stat(target);
    if (info.isDirectory()) kind = 'folder';
    else if (info.isFile() && path.extname(target).toLowerCase() === '.zip') kind = 'zip';
    else kind = 'other';
  } catch {
    kind = 'missing';
  }
  return { path: target, kind };
}

export function classifyPaths(paths: readonly string[]): Promise<ClassifiedPath[]> {
  return Promise.all(paths.map(classifyPath));
}

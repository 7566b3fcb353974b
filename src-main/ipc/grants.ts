// Which paths the window may name (issue 5, defence in depth behind the CSP): only those the
// user gave it — picked in a native dialog, dropped on the window (the preload reports the
// paths of real dropped files, which page code cannot forge), or handed over by the OS
// (command line, open-file, second instance, Open Recent). A page that was somehow subverted
// still cannot make main open, zip or write next to an arbitrary path.

import path from 'node:path';
import { absolutePath, array } from './validate.js';
import { MAX_PATHS_AT_ONCE } from '../../src-preload/contract.js';

export class PathGrants {
  private readonly granted = new Set<string>();

  grant(target: string): void {
    if (path.isAbsolute(target)) this.granted.add(path.resolve(target));
  }

  grantAll(targets: Iterable<string>): void {
    for (const target of targets) this.grant(target);
  }

  allows(target: string): boolean {
    return this.granted.has(path.resolve(target));
  }
}

/**
 * The preload's report of dropped paths (GRANT_DROPPED_PATHS_CHANNEL): from our window only,
 * and only a list of absolute paths; anything else is ignored. Returns how many were granted.
 */
export function acceptDroppedPaths(grants: PathGrants, fromOurWindow: boolean, payload: unknown): number {
  if (!fromOurWindow) return 0;
  let paths: string[];
  try {
    paths = droppedPaths(payload, 'dropped paths');
  } catch {
    return 0;
  }
  grants.grantAll(paths);
  return paths.length;
}

const droppedPaths = array(absolutePath(), { max: MAX_PATHS_AT_ONCE });

// What a drop means (issue 5): folders start a batch (one archive per folder), a .zip opens,
// anything else is named in a message that says what the window accepts. Pure: the paths are
// classified in main (classifyPaths) and this turns them into a plan the App carries out.

import type { ClassifiedPath } from '../../src-preload/contract.js';

export interface DropPlan {
  readonly batch: string[];
  /** The archive to open: the first .zip dropped. */
  readonly open: string | null;
  /** Further .zip files that were not opened (one archive at a time). */
  readonly extraZips: string[];
  readonly rejected: string[];
  readonly missing: string[];
}

export function planDrop(classified: readonly ClassifiedPath[]): DropPlan {
  const zips = classified.filter((c) => c.kind === 'zip').map((c) => c.path);
  return {
    batch: classified.filter((c) => c.kind === 'folder').map((c) => c.path),
    open: zips[0] ?? null,
    extraZips: zips.slice(1),
    rejected: classified.filter((c) => c.kind === 'other').map((c) => c.path),
    missing: classified.filter((c) => c.kind === 'missing').map((c) => c.path),
  };
}

/**
 * The last part of a path as main gives it, absolute. One that begins with `/` is a POSIX path
 * (Linux, macOS), in which `\` is a character a name may hold: a file `report\evil.zip` was named
 * "evil.zip" in the window while its path said otherwise. Any other (`C:\…`, `\\server\…`) is a
 * Windows path, where both separate.
 */
export function baseName(path: string): string {
  const parts = path.split(path.startsWith('/') ? '/' : /[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

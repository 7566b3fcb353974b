// Batch zip: N folders become N create jobs, each `FOLDER.zip` beside its folder or in a chosen
// output folder. A name that exists, or that an earlier folder of the same batch will take,
// becomes `FOLDER (2).zip`, `FOLDER (3).zip`, …; the jobs also carry onExists 'unique', so a
// file that appears between planning and finishing is not overwritten either. A folder given
// twice is zipped once. The batch's archives that lie inside another of its folders are left
// out of that folder's archive (`batch o3 o3/sub -o o3/sub` zipped o3.zip into sub.zip), and so
// is an output folder the command made inside one of them (`batch p -o p/out` put a `p/out/`
// that was not there when asked for into p.zip).

import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { numberedName } from '../archive/temp-file.js';
import { ZipError } from '../zip/errors.js';
import type { BatchJobRequest, CreateJobRequest } from './protocol.js';

/** The folders once each, by their resolved paths, in the order first given; and those given again. */
export function distinctFolders(folders: readonly string[]): { folders: string[]; repeated: string[] } {
  const seen = new Set<string>();
  const repeated: string[] = [];
  const distinct = folders.filter((folder) => {
    const key = path.resolve(folder);
    if (!seen.has(key)) return seen.add(key);
    repeated.push(folder);
    return false;
  });
  return { folders: distinct, repeated };
}

export function planBatch(request: BatchJobRequest, exists: (p: string) => boolean = existsSync): CreateJobRequest[] {
  if (request.folders.length === 0) throw new ZipError('IO', 'a batch needs at least one folder');
  const taken = new Set<string>();
  // Of each name wanted, the first number not yet tried: the numbers below it are taken, by an
  // earlier folder of the batch or a file that exists. Every folder tried them all from 2, so
  // that 2,000 folders of one name (`batch */src -o zips`) looked for 2 million files, and 15
  // seconds more when a first run had left 2,000.
  const untried = new Map<string, number>();
  const planned = distinctFolders(request.folders).folders.map((folder) => {
    const source = path.resolve(folder);
    const name = path.basename(source);
    // (The window words it by its kind.)
    if (name === '') throw new ZipError('IO', `${folder}: cannot zip the root folder as a batch item`, { kind: 'ROOT_FOLDER', params: { folder } });
    const wanted = path.join(request.outputDir === undefined ? path.dirname(source) : path.resolve(request.outputDir), `${name}.zip`);
    let from = untried.get(wanted) ?? 1;
    let outputPath = numberedName(wanted, from);
    while (taken.has(outputPath) || exists(outputPath)) outputPath = numberedName(wanted, ++from);
    untried.set(wanted, from + 1);
    taken.add(outputPath);
    return { source, outputPath, wanted, from };
  });
  // Where each folder and each output's folder really are (a folder may be given through a link).
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  // A batch's outputs share a folder or two: each one's real path is looked up once.
  const realFolders = new Map<string, string>();
  const realFolder = (p: string): string => {
    let found = realFolders.get(p);
    if (found === undefined) realFolders.set(p, (found = real(p)));
    return found;
  };
  const outputsAt = planned.map(({ outputPath }) => path.join(realFolder(path.dirname(outputPath)), path.basename(outputPath)));
  const insides = planned.map(({ source }) => real(source) + path.sep);
  const inside = outputsInside(insides, outputsAt);
  const made = request.madeOutputDir === undefined ? undefined : real(request.madeOutputDir);
  return planned.map(({ outputPath, source, wanted, from }, i) => {
    // Only the batch's other archives inside this folder: a batch of 3,000 folders does not
    // give each job the 2,999 others.
    const otherOutputs = inside[i]!.filter((j) => j !== i).map((j) => outputsAt[j]!);
    // The folder as `folder/`: a link to a folder is zipped as the folder it points to, as the
    // user gave a folder (without the slash the walk stores the link itself).
    const job: CreateJobRequest = {
      kind: 'create',
      outputPath,
      sources: [source + path.sep],
      onExists: 'unique',
      ...(from > 1 && { numbered: { base: wanted, from } }),
      ...(otherOutputs.length > 0 && { otherOutputs }),
      ...(made !== undefined && made.startsWith(insides[i]!) && { madeFolder: made }),
    };
    return { ...job, ...(request.level === undefined ? {} : { level: request.level }), ...(request.excludes === undefined ? {} : { excludes: request.excludes }) };
  });
}

/**
 * For each folder prefix (a path ending in the separator), the indexes of the paths that start
 * with it, ascending. The paths that share a prefix lie next to each other once sorted, so each
 * prefix costs a binary search and its matches: a batch of 8,000 folders compared every folder
 * with every output (64 million comparisons, 2.9 s of the main thread before its first job).
 */
export function outputsInside(prefixes: readonly string[], paths: readonly string[]): number[][] {
  const order = paths.map((_, j) => j).sort((a, b) => compare(paths[a]!, paths[b]!));
  return prefixes.map((prefix) => {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(paths[order[middle]!]!, prefix) < 0) low = middle + 1;
      else high = middle;
    }
    const found: number[] = [];
    for (let k = low; k < order.length && paths[order[k]!]!.startsWith(prefix); k++) found.push(order[k]!);
    return found.sort((a, b) => a - b);
  });
}

/** Code-unit order, the order in which a prefix's strings are contiguous (localeCompare's is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

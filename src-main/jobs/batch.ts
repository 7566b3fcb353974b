// Batch zip: N folders become N create jobs, each `FOLDER.zip` beside its folder or in a chosen
// output folder. A name that exists, or that an earlier folder of the same batch will take,
// becomes `FOLDER (2).zip`, `FOLDER (3).zip`, …; the jobs also carry onExists 'unique', so a
// file that appears between planning and finishing is not overwritten either.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { numberedName } from '../archive/temp-file.js';
import { ZipError } from '../zip/errors.js';
import type { BatchJobRequest, CreateJobRequest } from './protocol.js';

export function planBatch(request: BatchJobRequest, exists: (p: string) => boolean = existsSync): CreateJobRequest[] {
  if (request.folders.length === 0) throw new ZipError('IO', 'a batch needs at least one folder');
  const taken = new Set<string>();
  return request.folders.map((folder) => {
    const source = path.resolve(folder);
    const name = path.basename(source);
    if (name === '') throw new ZipError('IO', `${folder}: cannot zip the root folder as a batch item`);
    const wanted = path.join(request.outputDir === undefined ? path.dirname(source) : path.resolve(request.outputDir), `${name}.zip`);
    let outputPath = wanted;
    let from = 1;
    for (let n = 2; taken.has(outputPath) || exists(outputPath); n++) {
      outputPath = numberedName(wanted, n);
      from = n;
    }
    taken.add(outputPath);
    // The folder as `folder/`: a link to a folder is zipped as the folder it points to, as the
    // user gave a folder (without the slash the walk stores the link itself).
    const job: CreateJobRequest = { kind: 'create', outputPath, sources: [source + path.sep], onExists: 'unique', ...(from > 1 && { numbered: { base: wanted, from } }) };
    return { ...job, ...(request.level === undefined ? {} : { level: request.level }), ...(request.excludes === undefined ? {} : { excludes: request.excludes }) };
  });
}

// `zipdesk batch FOLDER... [-o DIR]`: one `FOLDER.zip` per folder, beside it or in DIR, through
// the same queue and worker as the app; existing names get ` (2)`, ` (3)`, …. DIR is made when
// it does not exist yet, as `extract -o` does; when it cannot be, that is said once, not for
// each folder. A file given instead of a folder, or the root folder, is refused on a line of its
// own (exit 1) and the folders are zipped. A folder given twice is zipped once, with a note.
// DIR, and the folders above it that were made for it, go again when no archive went into them.

import { rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobClientOptions } from '../jobs/client.js';
import type { BatchJobRequest } from '../jobs/protocol.js';
import { type CliContext, type Command, EXIT_ARCHIVE_PROBLEM, UsageError } from './command.js';
import { parse, resolvePath } from './args.js';
import { COMPRESS_OPTIONS, excludesOf, parseLevel } from './create.js';
import { runJobs } from './job-progress.js';
import { folderMakingWords } from '../archive/system-words.js';
import { makeFolderPath } from '../archive/make-folder.js';
import { errorLine, printable } from './report.js';
import { distinctFolders } from '../jobs/batch.js';

export function parseBatchArgs(args: readonly string[], cwd: string): BatchJobRequest {
  // -o is --output, as extract's is (its first long name, --output-dir, is still taken).
  const { values, positionals } = parse(args, { ...COMPRESS_OPTIONS, output: { type: 'string', short: 'o' }, 'output-dir': { type: 'string' } });
  if (positionals.length === 0) throw new UsageError('batch needs at least one folder');
  const level = parseLevel(values.level);
  const outputDir = values.output ?? values['output-dir'];
  return {
    kind: 'batch',
    folders: positionals.map((folder) => resolvePath(cwd, folder, 'FOLDER')),
    ...(outputDir === undefined ? {} : { outputDir: resolvePath(cwd, outputDir, 'DIR') }),
    ...(level === undefined ? {} : { level }),
    ...excludesOf(values, cwd),
  };
}

export function makeBatchCommand(clientOptions: JobClientOptions = {}): Command {
  return {
    name: 'batch',
    usage: 'batch FOLDER... [-o DIR] [--level N] [--exclude GLOB]...',
    summary: 'Zip each folder to FOLDER.zip (beside it, or in DIR), one job per folder.',
    run: async (args: readonly string[], context: CliContext) => {
      let request = parseBatchArgs(args, context.cwd);
      // A folder given twice is zipped once, and a note says so (exit 0).
      const { folders: distinct, repeated } = distinctFolders(request.folders);
      for (const folder of repeated) context.stderr.write(`zipdesk: ${printable(folder)}: given more than once; zipped once\n`);
      // A file given where a folder belongs is refused on its own line; the folders are zipped.
      const folders: string[] = [];
      for (const folder of distinct) {
        // The root has no name to give its archive: refused as a file is (it stopped the whole batch).
        if (path.basename(folder) === '') {
          context.stderr.write(errorLine(folder, new Error('cannot zip the root folder as a batch item')));
          continue;
        }
        const info = await stat(folder).catch(() => undefined);
        if (info === undefined || info.isDirectory()) folders.push(folder); // a missing one fails its job, saying so
        else context.stderr.write(errorLine(folder, new Error('not a folder: batch zips folders (create OUT.zip FILE zips a file)')));
      }
      // (Before -o DIR is made: with nothing to zip, it was made empty.)
      if (folders.length === 0) return EXIT_ARCHIVE_PROBLEM;
      if (request.outputDir !== undefined) {
        try {
          // The first folder made, if any: left out of the folders it lies in (jobs/batch.ts).
          const made = await makeFolderPath(request.outputDir);
          if (made !== undefined) request = { ...request, madeOutputDir: made };
        } catch (error) {
          context.stderr.write(errorLine(request.outputDir, new Error(`cannot create the output folder: ${folderMakingWords(error)}`)));
          return EXIT_ARCHIVE_PROBLEM;
        }
      }
      const code = await runJobs([{ ...request, folders }], context, clientOptions);
      // A batch whose every job failed or was cancelled left the folders it made for them empty:
      // they go again, from the deepest (rmdir takes none that holds anything).
      if (request.madeOutputDir !== undefined) await removeEmptyFolders(request.outputDir!, request.madeOutputDir);
      return folders.length < distinct.length ? Math.max(code, EXIT_ARCHIVE_PROBLEM) : code;
    },
  };
}

export const batchCommand: Command = makeBatchCommand();

/** `folder` and the folders above it up to `top`, each while it is empty. */
async function removeEmptyFolders(folder: string, top: string): Promise<void> {
  for (let at = folder; ; at = path.dirname(at)) {
    if (!(await rmdir(at).then(() => true, () => false)) || at === top || path.dirname(at) === at) return;
  }
}

// `zipdesk batch FOLDER... [-o DIR]`: one `FOLDER.zip` per folder, beside it or in DIR, through
// the same queue and worker as the app; existing names get ` (2)`, ` (3)`, …

import path from 'node:path';
import type { JobClientOptions } from '../jobs/client.js';
import type { BatchJobRequest } from '../jobs/protocol.js';
import { type CliContext, type Command, UsageError } from './command.js';
import { parse } from './args.js';
import { COMPRESS_OPTIONS, excludesOf, parseLevel } from './create.js';
import { runJobs } from './job-progress.js';

export function parseBatchArgs(args: readonly string[], cwd: string): BatchJobRequest {
  const { values, positionals } = parse(args, { ...COMPRESS_OPTIONS, 'output-dir': { type: 'string', short: 'o' } });
  if (positionals.length === 0) throw new UsageError('batch needs at least one folder');
  const level = parseLevel(values.level);
  const outputDir = values['output-dir'];
  return {
    kind: 'batch',
    folders: positionals.map((folder) => path.resolve(cwd, folder)),
    ...(outputDir === undefined ? {} : { outputDir: path.resolve(cwd, outputDir) }),
    ...(level === undefined ? {} : { level }),
    ...excludesOf(values),
  };
}

export function makeBatchCommand(clientOptions: JobClientOptions = {}): Command {
  return {
    name: 'batch',
    usage: 'batch FOLDER... [-o DIR] [--level N] [--exclude GLOB]...',
    summary: 'zip each folder to FOLDER.zip (beside it, or in DIR), one job per folder',
    run: (args: readonly string[], context: CliContext) => runJobs([parseBatchArgs(args, context.cwd)], context, clientOptions),
  };
}

export const batchCommand: Command = makeBatchCommand();

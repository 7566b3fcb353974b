// `zipdesk batch FOLDER... [-o DIR]`: one `FOLDER.zip` per folder, beside it or in DIR, through
// the same queue and worker as the app; existing names get ` (2)`, ` (3)`, …

import path from 'node:path';
import type { JobClientOptions } from '../jobs/client.js';
import type { BatchJobRequest } from '../jobs/protocol.js';
import { type CliContext, type Command, UsageError } from './command.js';
import { optionValue, parseLevel } from './create.js';
import { runJobs } from './job-progress.js';

export function parseBatchArgs(args: readonly string[], cwd: string): BatchJobRequest {
  const folders: string[] = [];
  const excludes: string[] = [];
  let outputDir: string | undefined;
  let level: number | undefined;
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    const name = arg.split('=')[0]!;
    if (arg === '--') {
      folders.push(...args.slice(i + 1));
      break;
    } else if (name === '-o' || name === '--output-dir') {
      const { value, used } = optionValue(args, i);
      outputDir = path.resolve(cwd, value);
      i += used;
    } else if (name === '--level' || name === '-l') {
      const { value, used } = optionValue(args, i);
      level = parseLevel(value);
      i += used;
    } else if (name === '--exclude' || name === '-x') {
      const { value, used } = optionValue(args, i);
      excludes.push(value);
      i += used;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      folders.push(path.resolve(cwd, arg));
      i++;
    }
  }
  if (folders.length === 0) throw new UsageError('batch needs at least one folder');
  return {
    kind: 'batch',
    folders,
    ...(outputDir === undefined ? {} : { outputDir }),
    ...(level === undefined ? {} : { level }),
    ...(excludes.length ? { excludes } : {}),
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

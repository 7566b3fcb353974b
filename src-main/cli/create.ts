// `zipdesk create OUT.zip PATH... [--level N] [--exclude GLOB]...`: one create job through the
// same queue and worker as the app.

import path from 'node:path';
import type { JobClientOptions } from '../jobs/client.js';
import type { CreateJobRequest } from '../jobs/protocol.js';
import { type CliContext, type Command, UsageError } from './command.js';
import { runJobs } from './job-progress.js';

export function parseLevel(value: string | undefined): number {
  if (value === undefined || !/^[0-9]$/.test(value)) throw new UsageError(`--level takes a number from 0 to 9, not ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

/** Splits `--name=value` and `--name value`; returns the value and how many arguments it used. */
export function optionValue(args: readonly string[], i: number): { value: string; used: number } {
  const arg = args[i]!;
  const eq = arg.indexOf('=');
  if (arg.startsWith('--') && eq !== -1) return { value: arg.slice(eq + 1), used: 1 };
  const next = args[i + 1];
  if (next === undefined) throw new UsageError(`${arg} needs a value`);
  return { value: next, used: 2 };
}

export function parseCreateArgs(args: readonly string[], cwd: string): CreateJobRequest {
  const positional: string[] = [];
  const excludes: string[] = [];
  let level: number | undefined;
  let comment: string | undefined;
  let followSymlinks = false;
  let deterministic = false;
  for (let i = 0; i < args.length; ) {
    const arg = args[i]!;
    const name = arg.split('=')[0]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    } else if (name === '--level' || name === '-l') {
      const { value, used } = optionValue(args, i);
      level = parseLevel(value);
      i += used;
    } else if (name === '--exclude' || name === '-x') {
      const { value, used } = optionValue(args, i);
      excludes.push(value);
      i += used;
    } else if (name === '--comment') {
      const { value, used } = optionValue(args, i);
      comment = value;
      i += used;
    } else if (arg === '--follow-symlinks') {
      followSymlinks = true;
      i++;
    } else if (arg === '--deterministic') {
      deterministic = true;
      i++;
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
      i++;
    }
  }
  const [out, ...sources] = positional;
  if (out === undefined || sources.length === 0) throw new UsageError('create needs the archive to write and at least one file or folder');
  return {
    kind: 'create',
    outputPath: path.resolve(cwd, out),
    sources: sources.map((s) => path.resolve(cwd, s)),
    ...(level === undefined ? {} : { level }),
    ...(excludes.length ? { excludes } : {}),
    ...(comment === undefined ? {} : { comment }),
    ...(followSymlinks ? { followSymlinks } : {}),
    ...(deterministic ? { deterministic } : {}),
  };
}

export function makeCreateCommand(clientOptions: JobClientOptions = {}): Command {
  return {
    name: 'create',
    usage: 'create OUT.zip PATH... [--level N] [--exclude GLOB]... [--follow-symlinks] [--comment TEXT] [--deterministic]',
    summary: 'zip files and folders in the background worker (level 0–9, default 6)',
    run: (args: readonly string[], context: CliContext) => runJobs([parseCreateArgs(args, context.cwd)], context, clientOptions),
  };
}

export const createCommand: Command = makeCreateCommand();

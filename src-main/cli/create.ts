// `zipdesk create OUT.zip PATH... [--level N] [--exclude GLOB]...`: one create job through the
// same queue and worker as the app.

import path from 'node:path';
import type { JobClientOptions } from '../jobs/client.js';
import type { CreateJobRequest } from '../jobs/protocol.js';
import { parse } from './args.js';
import { type CliContext, type Command, UsageError } from './command.js';
import { runJobs } from './job-progress.js';

export function parseLevel(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[0-9]$/.test(value)) throw new UsageError(`--level takes a number from 0 to 9, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** The options create and batch share. */
export const COMPRESS_OPTIONS = {
  level: { type: 'string', short: 'l' },
  exclude: { type: 'string', short: 'x', multiple: true },
} as const;

/** The exclude globs parsed by COMPRESS_OPTIONS, as the request wants them (absent when none). */
export function excludesOf(values: { exclude?: string[] | undefined }): { excludes?: string[] } {
  return values.exclude?.length ? { excludes: values.exclude } : {};
}

export function parseCreateArgs(args: readonly string[], cwd: string): CreateJobRequest {
  const { values, positionals } = parse(args, {
    ...COMPRESS_OPTIONS,
    comment: { type: 'string' },
    'follow-symlinks': { type: 'boolean' },
    deterministic: { type: 'boolean' },
  });
  const [out, ...sources] = positionals;
  if (out === undefined || sources.length === 0) throw new UsageError('create needs the archive to write and at least one file or folder');
  const level = parseLevel(values.level);
  return {
    kind: 'create',
    outputPath: path.resolve(cwd, out),
    sources: sources.map((s) => path.resolve(cwd, s)),
    ...(level === undefined ? {} : { level }),
    ...excludesOf(values),
    ...(values.comment === undefined ? {} : { comment: values.comment }),
    ...(values['follow-symlinks'] ? { followSymlinks: true } : {}),
    ...(values.deterministic ? { deterministic: true } : {}),
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

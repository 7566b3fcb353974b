// `zipdesk create OUT.zip PATH... [--level N] [--exclude GLOB]...`: one create job through the
// same queue and worker as the app.

import { Buffer } from 'node:buffer';
import path from 'node:path';
import { compileGlobs } from '../archive/glob.js';
import { endsWithSeparator } from '../archive/sources.js';
import type { JobClientOptions } from '../jobs/client.js';
import type { CreateJobRequest } from '../jobs/protocol.js';
import { parse, resolvePath } from './args.js';
import { type CliContext, type Command, UsageError } from './command.js';
import { runJobs } from './job-progress.js';
import { commentProblem } from '../zip/writer.js';

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

/**
 * The exclude globs parsed by COMPRESS_OPTIONS, as the request wants them (absent when none); a
 * bad one is a usage error before any job starts. One that starts at the current folder (`./build`,
 * `../x/*.log`, as a shell completes it) is made the path on disk it names (glob.ts): as an entry
 * name it matched nothing.
 */
export function excludesOf(values: { exclude?: string[] | undefined }, cwd: string): { excludes?: string[] } {
  if (!values.exclude?.length) return {};
  const excludes = values.exclude.map((pattern) => (/^\.\.?(\/|$)/.test(pattern) ? fromFolder(cwd, pattern) : pattern));
  try {
    compileGlobs(excludes);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { excludes };
}

/**
 * A pattern that starts at the current folder, as a pattern of the path on disk: the folder's own
 * path is made of characters that mean themselves (`\[`, `\*`, …). Taken as a pattern, a folder
 * such as `proj [v2]` made `./build` a class that matched nothing, and nothing was left out.
 */
function fromFolder(cwd: string, pattern: string): string {
  const folder = cwd.split(path.sep).join('/').replace(/[\\*?[]/g, '\\$&');
  const resolved = path.posix.resolve(folder.startsWith('/') ? folder : `/${folder}`, pattern);
  // `./build/` still means the folder only.
  return pattern.endsWith('/') && !resolved.endsWith('/') ? `${resolved}/` : resolved;
}

/** A path as given, resolved; a trailing separator is kept (`link/` means the folder the link points to). */
export function resolveKeepingSlash(cwd: string, given: string): string {
  const resolved = resolvePath(cwd, given, 'PATH');
  return endsWithSeparator(given) && !resolved.endsWith(path.sep) ? resolved + path.sep : resolved;
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
  if (endsWithSeparator(out)) throw new UsageError(`${out} names a folder; give the archive's file name`);
  const level = parseLevel(values.level);
  const problem = values.comment === undefined ? undefined : commentProblem(Buffer.from(values.comment));
  if (problem !== undefined) throw new UsageError(`--comment: ${problem}`);
  return {
    kind: 'create',
    outputPath: resolvePath(cwd, out, 'OUT.zip'),
    sources: sources.map((s) => resolveKeepingSlash(cwd, s)),
    ...(level === undefined ? {} : { level }),
    ...excludesOf(values, cwd),
    ...(values.comment === undefined ? {} : { comment: values.comment }),
    ...(values['follow-symlinks'] ? { followSymlinks: true } : {}),
    ...(values.deterministic ? { deterministic: true } : {}),
  };
}

export function makeCreateCommand(clientOptions: JobClientOptions = {}): Command {
  return {
    name: 'create',
    usage: 'create OUT.zip PATH... [--level N] [--exclude GLOB]... [--follow-symlinks] [--comment TEXT] [--deterministic]',
    summary: 'Zip files and folders in the background worker (level 0–9, default 6).',
    run: (args: readonly string[], context: CliContext) => runJobs([parseCreateArgs(args, context.cwd)], context, clientOptions),
  };
}

export const createCommand: Command = makeCreateCommand();

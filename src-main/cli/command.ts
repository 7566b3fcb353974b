// What every `zipdesk` subcommand is: a name, its usage line, and a run function that returns
// the exit code (0 success, 1 a problem with the archive, 2 wrong usage). Commands write to the
// streams they are given and never call process.exit, so tests run them in-process too.

import type { Writable } from 'node:stream';
import type { Log } from '../log/types.js';
import { isZipError } from '../zip/errors.js';

export const EXIT_OK = 0;
export const EXIT_ARCHIVE_PROBLEM = 1;
export const EXIT_USAGE = 2;
/** Stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;

/** The exit code of a command stopped by this error: 130 for Ctrl-C, else 1. */
export function exitCodeOf(error: unknown): number {
  return isZipError(error) && error.code === 'CANCELLED' ? EXIT_CANCELLED : EXIT_ARCHIVE_PROBLEM;
}

export interface CliContext {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly log: Log;
  /** Aborted on Ctrl-C: long commands cancel cleanly and return. */
  readonly signal: AbortSignal;
  readonly cwd: string;
  /**
   * Told the exit code the command will end with at least, as soon as it knows (a bad entry
   * found): when the reader of its output leaves early (`zipdesk test bad.zip | head`), the
   * process ends then, with that code.
   */
  readonly exitAtLeast?: (code: number) => void;
  /**
   * Told once a command's jobs are queued, their worker starting: the process sets up logging
   * then (loading winston takes some 0.1 s, which the job need not wait for).
   */
  readonly jobsQueued?: () => void;
}

export interface Command {
  readonly name: string;
  /** One line, e.g. "list ARCHIVE [--json]". */
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], context: CliContext): Promise<number>;
}

/** Thrown for bad arguments; the dispatcher prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

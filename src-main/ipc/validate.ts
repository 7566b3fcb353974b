// Run-time checks for what arrives over IPC (issue 5: "types are not validation"). Each
// contract method has one tuple schema here; the handle() wrapper applies it before the
// handler runs, so a handler only ever sees arguments of the declared shape. Checks are small
// combinators that return the value or throw ArgumentError naming the argument and what it got.

import path from 'node:path';
import type { InvokeMethod, InvokeMethods, LogLevel, OverwritePolicy } from '../../src-preload/contract.js';
import { MAX_PAGE_ROWS, MAX_PATHS_AT_ONCE } from '../../src-preload/contract.js';
import { counted } from '../zip/errors.js';
import { codePageOf } from '../zip/names.js';

export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

export type Check<T> = (value: unknown, at: string) => T;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function fail(at: string, wanted: string, value: unknown): never {
  throw new ArgumentError(`${at}: expected ${wanted}, got ${describe(value)}`);
}

/** Strings are bounded: nothing legitimate is longer than a path or a log line. */
export const MAX_STRING = 32_768;
export const MAX_ARRAY = 100_000;

export function string(options: { max?: number; nonEmpty?: boolean } = {}): Check<string> {
  const max = options.max ?? MAX_STRING;
  return (value, at) => {
    if (typeof value !== 'string') fail(at, 'a string', value);
    if (value.length > max) fail(at, `a string of at most ${max} characters`, value);
    if (options.nonEmpty && value.length === 0) fail(at, 'a non-empty string', value);
    if (value.includes('\0')) fail(at, 'a string without NUL characters', value);
    return value;
  };
}

/** An absolute file-system path (we never resolve a relative one against main's cwd). */
export function absolutePath(): Check<string> {
  const base = string({ nonEmpty: true, max: 4096 });
  return (value, at) => {
    const text = base(value, at);
    if (!path.isAbsolute(text)) fail(at, 'an absolute path', value);
    return text;
  };
}

export function boolean(): Check<boolean> {
  return (value, at) => {
    if (typeof value !== 'boolean') fail(at, 'true or false', value);
    return value;
  };
}

export function integer(min: number, max: number): Check<number> {
  return (value, at) => {
    if (typeof value !== 'number' || !Number.isInteger(value)) fail(at, 'an integer', value);
    if (value < min || value > max) fail(at, `an integer from ${min} to ${max}`, value);
    return value;
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  return (value, at) => {
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) fail(at, `one of ${values.join(', ')}`, value);
    return value as T;
  };
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, at) => (value === null ? null : check(value, at));
}

export function array<T>(check: Check<T>, options: { max?: number; nonEmpty?: boolean } = {}): Check<T[]> {
  const max = options.max ?? MAX_ARRAY;
  return (value, at) => {
    if (!Array.isArray(value)) fail(at, 'an array', value);
    if (value.length > max) fail(at, `at most ${max} items`, value);
    if (options.nonEmpty && value.length === 0) fail(at, 'at least one item', value);
    return value.map((item, i) => check(item, `${at}[${i}]`));
  };
}

/** A plain object with exactly these keys (unknown keys are refused, not ignored). */
export function object<T extends object>(shape: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'an object', value);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) fail(at, 'a plain object', value);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) throw new ArgumentError(`${at}: unexpected key ${JSON.stringify(key)}`);
    }
    const out: Partial<T> = {};
    for (const key of Object.keys(shape) as (keyof T)[]) {
      out[key] = shape[key]((value as Record<PropertyKey, unknown>)[key], `${at}.${String(key)}`);
    }
    return out as T;
  };
}

/** A code page main reads names in (zip/names.ts codePageOf). */
function nameEncoding(): Check<string> {
  const base = string({ nonEmpty: true, max: 40 });
  return (value, at) => {
    const text = base(value, at);
    if (codePageOf(text) === undefined) fail(at, 'a code page main reads names in', value);
    return text;
  };
}

/** Log metadata: a flat record of short scalars. */
function logMeta(): Check<Record<string, string | number | boolean | null>> {
  return (value, at) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(at, 'an object', value);
    const entries = Object.entries(value);
    if (entries.length > 32) fail(at, 'at most 32 keys', value);
    const out: Record<string, string | number | boolean | null> = {};
    for (const [key, item] of entries) {
      if (item !== null && typeof item !== 'number' && typeof item !== 'boolean') {
        out[key] = string({ max: 2000 })(item, `${at}.${key}`);
      } else out[key] = item;
    }
    return out;
  };
}

type TupleChecks<A extends unknown[]> = { [I in keyof A]: Check<A[I]> };

const archiveId = string({ nonEmpty: true, max: 64 });
const jobId = string({ nonEmpty: true, max: 64 });
const OVERWRITE: readonly OverwritePolicy[] = ['skip', 'replace', 'rename'];
const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** One tuple of checks per contract method: the whole argument list, no more, no less. */
export const ARGUMENTS: { readonly [M in InvokeMethod]: TupleChecks<InvokeMethods[M]['args']> } = {
  chooseArchive: [],
  openArchive: [absolutePath(), nullable(nameEncoding()), boolean()],
  closeArchive: [archiveId],
  listEntries: [archiveId, integer(0, Number.MAX_SAFE_INTEGER), integer(1, MAX_PAGE_ROWS)],
  inspectEntry: [archiveId, integer(0, Number.MAX_SAFE_INTEGER)],
  archiveReport: [archiveId],
  chooseFolders: [],
  enqueueBatch: [
    object({
      folders: array(absolutePath(), { nonEmpty: true, max: MAX_PATHS_AT_ONCE }),
      outputDir: nullable(absolutePath()),
      level: integer(0, 9),
    }),
  ],
  extract: [
    object({
      archiveId,
      // (None selected is no request: the window's button is disabled then; it made the folder.)
      entries: nullable(array(integer(0, Number.MAX_SAFE_INTEGER), { nonEmpty: true, max: 10_000_000 })),
      outputDir: nullable(absolutePath()),
      overwrite: oneOf(OVERWRITE),
    }),
  ],
  test: [archiveId],
  cancelJob: [jobId],
  listJobs: [],
  revealPath: [absolutePath()],
  classifyPaths: [array(absolutePath(), { max: MAX_PATHS_AT_ONCE })],
  log: [oneOf(LOG_LEVELS), string({ max: 4000 }), logMeta()],
};

/** Check a whole argument list against a method's tuple. */
export function checkArguments<M extends InvokeMethod>(method: M, args: readonly unknown[]): InvokeMethods[M]['args'] {
  const checks = ARGUMENTS[method] as readonly Check<unknown>[];
  if (args.length !== checks.length) {
    throw new ArgumentError(`${method}: expected ${counted(checks.length, 'argument', 'arguments')}, got ${args.length}`);
  }
  return checks.map((check, i) => check(args[i], `${method} argument ${i + 1}`)) as InvokeMethods[M]['args'];
}

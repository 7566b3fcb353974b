// Argument parsing shared by the subcommands: node:util's parseArgs in strict mode, with its
// errors turned into UsageError (exit 2) and paths resolved against the context's cwd.

import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(args: readonly string[], options: O): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? String(error));
  }
}

export function resolvePath(cwd: string, given: string): string {
  return path.resolve(cwd, given);
}

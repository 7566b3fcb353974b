// Argument parsing shared by the subcommands: node:util's parseArgs in strict mode, with its
// errors turned into UsageError (exit 2) and paths resolved against the context's cwd.

import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What parseArgs gives for these options: strings, booleans, or lists of them when `multiple`. */
type ParsedValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { multiple: true } ? (O[K] extends { type: 'string' } ? string[] : boolean[]) : O[K] extends { type: 'string' } ? string : boolean;
};

export function parse<O extends Options>(args: readonly string[], options: O): { values: ParsedValues<O>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as ParsedValues<O>, positionals };
  } catch (error) {
    // One line, without node's hint about '--' that follows an unknown option.
    const message = (error as Error).message.split('\n')[0] ?? String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument .*$/, ''));
  }
}

export function resolvePath(cwd: string, given: string): string {
  return path.resolve(cwd, given);
}

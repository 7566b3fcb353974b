// Argument parsing shared by the subcommands: node:util's parseArgs in strict mode, with its
// errors turned into UsageError (exit 2) and paths resolved against the context's cwd.

import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';
import { codePageOf, type CodePage } from '../zip/names.js';

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
    throw new UsageError(usageWords((error as Error).message));
  }
}

/**
 * parseArgs's message in one line, in the words of the other usage errors, keeping how to give
 * what starts with a dash: `--comment -x` said only "Option '--comment' argument is ambiguous.",
 * and `list -x.zip` "Unknown option '-x'", neither saying what to type instead.
 */
function usageWords(message: string): string {
  const lines = message.split('\n');
  const first = lines[0] ?? message;
  const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(first);
  if (ambiguous !== null) {
    // Node ends with "To specify an option argument starting with a dash use '--comment=-XYZ'." ('--output=-XYZ' or '-o-XYZ' for -o).
    const forms = [...(lines.at(-1) ?? '').matchAll(/'([^']+)'/g)].map((match) => match[1]!.replace(/XYZ$/, 'VALUE'));
    return `option '${ambiguous[1]}' needs a value${forms.length > 0 ? `; one that starts with '-' is written ${forms.join(' or ')}` : ''}`;
  }
  const missing = /^Option '([^']+?)(?: <value>)?' argument missing/.exec(first);
  if (missing !== null) return `option '${missing[1]}' needs a value`;
  const unknown = /^Unknown option '([^']+)'/.exec(first);
  if (unknown !== null) return `unknown option '${unknown[1]}' (a name that starts with '-' goes after --, or is written ./NAME)`;
  return first.replace(/^Option /, 'option ').replace(/\.$/, '');
}

/** `--name-encoding ENCODING` (list, inspect, test, extract): the code page of names not flagged UTF-8. */
export const NAME_ENCODING_OPTION = { 'name-encoding': { type: 'string' } } as const;

/** The code page `--name-encoding` names, if given. */
export function codePageOption(values: { readonly 'name-encoding'?: string | undefined }): CodePage | undefined {
  const label = values['name-encoding'];
  if (label === undefined) return undefined;
  const codePage = codePageOf(label);
  if (codePage === undefined) {
    throw new UsageError(`--name-encoding: unknown encoding '${label}' (one Node reads, such as shift_jis, gbk, big5, euc-kr, windows-1251, ibm866 or koi8-r; a DOS code page, such as cp437, cp850 or cp852; or a Windows code page number, such as 932)`);
  }
  return codePage;
}

/**
 * The arguments of a command that only reads an archive (list, inspect, test): ARCHIVE, then at
 * most `names` more positionals (inspect's ENTRY), `--json` and `--name-encoding`.
 */
export function readingArgs(args: readonly string[], names = 0): { archive: string; names: string[]; json: boolean; codePage: CodePage | undefined } {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, ...NAME_ENCODING_OPTION });
  const codePage = codePageOption(values);
  const [archive, ...rest] = positionals;
  if (archive === undefined) throw new UsageError('missing ARCHIVE');
  if (archive === '') throw emptyPath('ARCHIVE');
  if (rest.length > names) throw new UsageError(`unexpected argument '${rest[names]}'`);
  return { archive, names: rest, json: values['json'] === true, codePage };
}

/**
 * A path the user gave, resolved against the current folder. An empty one is refused: resolved, it
 * was the current folder itself, so `create out.zip "$DIR"` with DIR unset zipped everything there
 * (zip says "name not matched", tar "Cannot stat").
 */
export function resolvePath(cwd: string, given: string, what = 'a path'): string {
  if (given === '') throw emptyPath(what);
  return path.resolve(cwd, given);
}

export function emptyPath(what: string): UsageError {
  return new UsageError(`${what} is an empty path (an unset variable?)`);
}

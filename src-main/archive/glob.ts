// Exclude patterns for `create`: a small glob dialect compiled to a RegExp.
//   *   any run of characters except '/'        ?   one character except '/'
//   **  any run of characters, '/' included     [abc] [a-z] [!abc]  a character class
// As in fnmatch and the shells: a character is a code point (an emoji is one), `[^abc]` is
// `[!abc]`, a `]` first in a class (`[]a]`, `[!]a]`) is one of its members, a `[` without
// its `]` is itself, a backslash makes the next character itself (`\*`, `[\]]`), and the
// POSIX classes `[[:upper:]]`, `[[:digit:]]`, … take the Unicode characters of their kind.
// A pattern without '/' is matched against every path component's name (so `node_modules`
// and `*.log` exclude at any depth); a pattern with '/' is matched against the whole entry
// name, e.g. `src/**/*.test.ts`. One that ends in '/' matches folders only, as in .gitignore and
// rsync (`build/` leaves out the folder build, not a file of that name); the walk asks again once
// it knows a path is a folder. One that starts with '/' is matched
// from the archive's root, and also against the path on disk (`/home/me/proj/build` leaves out
// that folder, as the user sees it; the command line makes `./build` such a path). The two
// agree where they meet: zipping `/tmp` names its entries `tmp/…`.

import path from 'node:path';
import { ZipError } from '../zip/errors.js';

/**
 * Whether an entry is left out, by its name in the archive and, when given, its absolute path on
 * disk; `isFolder` says it is known to be a folder, which a pattern ending in '/' needs.
 */
export type Matcher = (entryName: string, diskPath?: string | Buffer, isFolder?: boolean) => boolean;

function toRegExpSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      out += literal(pattern[++i]!);
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const negated = pattern[i + 1] === '!' || pattern[i + 1] === '^';
      const found = characterClass(pattern, i + 1 + (negated ? 1 : 0));
      if (found === undefined) {
        out += '\\[';
        continue;
      }
      // A negated class never matches the '/' between folders, as '?' does not (said apart
      // from the class, where '/' beside a '-' would make a range).
      out += negated ? `(?!/)[^${found.members}]` : `[${found.members}]`;
      i = found.close;
    } else {
      out += literal(c);
    }
  }
  return out;
}

/** A character that means only itself, for a RegExp outside a class. */
function literal(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Members of a RegExp class (Unicode mode) for the POSIX class names fnmatch knows. */
const NAMED_CLASSES: Readonly<Record<string, string>> = {
  alpha: '\\p{Alphabetic}',
  digit: '0-9',
  alnum: '\\p{Alphabetic}\\p{Nd}',
  upper: '\\p{Uppercase}',
  lower: '\\p{Lowercase}',
  space: '\\s',
  blank: '\\t\\p{Zs}',
  punct: '\\p{P}\\p{S}',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\p{Cc}',
  graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}',
  print: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Zs}',
};

/**
 * The class whose members start at `start` (after its `[` and any `!`), as the members of a
 * RegExp class, and where its `]` is; undefined when it has none (the `[` is then itself).
 */
function characterClass(pattern: string, start: number): { members: string; close: number } | undefined {
  let members = '';
  for (let j = start; j < pattern.length; j++) {
    const c = pattern[j]!;
    // A ']' right after the opening (or its '!') is a member, not the end.
    if (c === ']' && j > start) return { members, close: j };
    if (c === '\\' && j + 1 < pattern.length) {
      members += classMember(pattern[++j]!);
    } else if (c === '[' && pattern[j + 1] === ':' && pattern.indexOf(':]', j + 2) !== -1) {
      const end = pattern.indexOf(':]', j + 2);
      const name = pattern.slice(j + 2, end);
      const named = NAMED_CLASSES[name];
      if (named === undefined) throw new SyntaxError(`unknown character class [:${name}:]`);
      members += named;
      j = end + 1;
    } else {
      // Inside a RegExp class only these mean something; '-' keeps making ranges.
      members += c === '-' ? c : classMember(c);
    }
  }
  return undefined;
}

/** A character that means only itself inside a RegExp class. */
function classMember(c: string): string {
  return c.replace(/[\\\][^-]/g, '\\$&');
}

/** A pattern the RegExp cannot take (a class such as [z-a]) is a ZipError naming the pattern, not the RegExp. */
function compile(raw: string, pattern: string): RegExp {
  try {
    // 'u': '?' and a class take a code point, not half of a surrogate pair.
    return new RegExp(`^${toRegExpSource(pattern)}$`, 'su');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^.*: /, '');
    throw new ZipError('BAD_NAME', `exclude pattern ${JSON.stringify(raw)} is not valid: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`);
  }
}

/** The patterns of one kind: matched against the whole name, a component's name, and, when rooted, the path on disk. */
interface PatternSet {
  readonly whole: RegExp[];
  readonly component: RegExp[];
  readonly rooted: RegExp[];
}

const emptySet = (): PatternSet => ({ whole: [], component: [], rooted: [] });

function matches(set: PatternSet, name: string, diskPath: string | Buffer | undefined): boolean {
  if (set.whole.some((re) => re.test(name))) return true;
  if (set.rooted.length > 0 && (typeof diskPath === 'string' || Buffer.isBuffer(diskPath))) {
    const onDisk = diskPath.toString().split(path.sep).join('/').replace(/^\/+|\/+$/g, '');
    if (set.rooted.some((re) => re.test(onDisk))) return true;
  }
  if (set.component.length === 0) return false;
  const base = name.slice(name.lastIndexOf('/') + 1);
  return set.component.some((re) => re.test(base));
}

export function compileGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  const any = emptySet();
  const folders = emptySet();
  for (const raw of patterns) {
    const pattern = raw.replace(/\/+$/, '');
    if (pattern === '') continue;
    const set = pattern === raw ? any : folders;
    if (pattern.includes('/')) {
      const re = compile(raw, pattern.replace(/^\/+/, ''));
      set.whole.push(re);
      if (pattern.startsWith('/')) set.rooted.push(re);
    } else {
      set.component.push(compile(raw, pattern));
    }
  }
  return (entryName, diskPath, isFolder) => {
    const name = entryName.replace(/\/+$/, '');
    return matches(any, name, diskPath) || (isFolder === true && matches(folders, name, diskPath));
  };
}

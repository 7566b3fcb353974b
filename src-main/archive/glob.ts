// Exclude patterns for `create`: a small glob dialect compiled to a RegExp.
//   *   any run of characters except '/'        ?   one character except '/'
//   **  any run of characters, '/' included     [abc] [a-z] [!abc]  a character class
// As in fnmatch and the shells: a character is a code point (an emoji is one), `[^abc]` is
// `[!abc]`, a `]` first in a class (`[]a]`, `[!]a]`) is one of its members, and a `[` without
// its `]` is itself.
// A pattern without '/' is matched against every path component's name (so `node_modules`
// and `*.log` exclude at any depth); a pattern with '/' is matched against the whole entry
// name, e.g. `src/**/*.test.ts`. A trailing '/' is ignored.

import { ZipError } from '../zip/errors.js';

export type Matcher = (entryName: string) => boolean;

function toRegExpSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
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
      const first = i + 1 + (negated ? 1 : 0);
      // A ']' right after the opening (or its '!') is a member, not the end.
      const close = pattern.indexOf(']', pattern[first] === ']' ? first + 1 : first);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      // Inside a RegExp class only these mean something ('-' keeps making ranges).
      const members = pattern.slice(first, close).replace(/[\\\]\[^]/g, '\\$&');
      // A negated class never matches the '/' between folders, as '?' does not (said apart
      // from the class, where '/' beside a '-' would make a range).
      out += negated ? `(?!/)[^${members}]` : `[${members}]`;
      i = close;
    } else {
      out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  return out;
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

export function compileGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  const whole: RegExp[] = [];
  const component: RegExp[] = [];
  for (const raw of patterns) {
    const pattern = raw.replace(/\/+$/, '');
    if (pattern === '') continue;
    if (pattern.includes('/')) whole.push(compile(raw, pattern.replace(/^\/+/, '')));
    else component.push(compile(raw, pattern));
  }
  return (entryName) => {
    const name = entryName.replace(/\/+$/, '');
    if (whole.some((re) => re.test(name))) return true;
    if (component.length === 0) return false;
    const base = name.slice(name.lastIndexOf('/') + 1);
    return component.some((re) => re.test(base));
  };
}

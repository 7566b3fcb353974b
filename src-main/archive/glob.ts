// Exclude patterns for `create`: a small glob dialect compiled to a RegExp.
//   *   any run of characters except '/'        ?   one character except '/'
//   **  any run of characters, '/' included     [abc] [a-z] [!abc]  a character class
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
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body}]`;
      i = close;
    } else {
      out += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return out;
}

/** A pattern the RegExp cannot take (a class such as [z-a]) is a ZipError naming the pattern, not the RegExp. */
function compile(raw: string, pattern: string): RegExp {
  try {
    return new RegExp(`^${toRegExpSource(pattern)}$`, 's');
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

// Exclude patterns for `create`: a small glob dialect compiled to a RegExp.
//   *   any run of characters except '/'        ?   one character except '/'
//   **  any run of characters, '/' included     [abc] [a-z] [!abc]  a character class
// A pattern without '/' is matched against every path component's name (so `node_modules`
// and `*.log` exclude at any depth); a pattern with '/' is matched against the whole entry
// name, e.g. `src/**/*.test.ts`. A trailing '/' is ignored.

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

export function compileGlobs(patterns: readonly string[]): Matcher {
  if (patterns.length === 0) return () => false;
  const whole: RegExp[] = [];
  const component: RegExp[] = [];
  for (const raw of patterns) {
    const pattern = raw.replace(/\/+$/, '');
    if (pattern === '') continue;
    if (pattern.includes('/')) whole.push(new RegExp(`^${toRegExpSource(pattern.replace(/^\/+/, ''))}$`, 's'));
    else component.push(new RegExp(`^${toRegExpSource(pattern)}$`, 's'));
  }
  return (entryName) => {
    const name = entryName.replace(/\/+$/, '');
    if (whole.some((re) => re.test(name))) return true;
    if (component.length === 0) return false;
    const base = name.slice(name.lastIndexOf('/') + 1);
    return component.some((re) => re.test(base));
  };
}

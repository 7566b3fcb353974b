// Exclude patterns for `create`: a small glob dialect, matched as a RegExp or, with many runs, a
// step at a time (nameTest).
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

/**
 * One step of a pattern: a character of the name (`one`: a literal, '?', a class), or a run of
 * them: '*' (`star`, no '/'), '**' (`any`), '**' + '/' (`folders`: nothing, or a run ending in '/').
 * `source` is its RegExp; `test` decides a code point of a `one`.
 */
type Step =
  | { readonly kind: 'one'; readonly source: string; readonly test: (codePoint: number) => boolean; readonly literal?: string }
  | { readonly kind: 'star' | 'any' | 'folders' };

const SLASH_CODE = 0x2f;

function toSteps(raw: string, pattern: string): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      steps.push(itself(pattern.codePointAt(++i)!));
      if (pattern.codePointAt(i)! > 0xffff) i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          steps.push({ kind: 'folders' });
        } else {
          steps.push({ kind: 'any' });
        }
      } else {
        steps.push({ kind: 'star' });
      }
    } else if (c === '?') {
      steps.push({ kind: 'one', source: '[^/]', test: (codePoint) => codePoint !== SLASH_CODE });
    } else if (c === '[') {
      const negated = pattern[i + 1] === '!' || pattern[i + 1] === '^';
      let found: ReturnType<typeof characterClass>;
      try {
        found = characterClass(pattern, i + 1 + (negated ? 1 : 0));
      } catch (error) {
        throw notValid(raw, error);
      }
      if (found === undefined) {
        steps.push(itself(0x5b));
        continue;
      }
      // A negated class never matches the '/' between folders, as '?' does not (said apart
      // from the class, where '/' beside a '-' would make a range).
      const member = compile(raw, `[${negated ? '^' : ''}${found.members}]`);
      steps.push({
        kind: 'one',
        source: negated ? `(?!/)[^${found.members}]` : `[${found.members}]`,
        test: (codePoint) => (!negated || codePoint !== SLASH_CODE) && member.test(String.fromCodePoint(codePoint)),
      });
      i = found.close;
    } else {
      steps.push(itself(pattern.codePointAt(i)!));
      if (pattern.codePointAt(i)! > 0xffff) i++;
    }
  }
  return steps;
}

/** A character that means only itself. */
function itself(codePoint: number): Step {
  const literal = String.fromCodePoint(codePoint);
  return { kind: 'one', source: literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), test: (c) => c === codePoint, literal };
}

const RUN_SOURCES = { star: '[^/]*', any: '.*', folders: '(?:.*/)?' } as const;

/** Something that says whether a name matches a pattern. */
interface NameTest {
  test(name: string): boolean;
}

/**
 * A pattern as a RegExp while it has at most two runs ('*', '**'), else walked as a set of places
 * in it (StepWalk). A RegExp tries every way of cutting the name among its runs: with two that is
 * at most the name's length squared, but `--exclude '*a*a*a*a*a*b'` took more than two minutes
 * over a name of 200 a's (four runs: 1.4 s), and the walk never ended.
 */
function nameTest(raw: string, pattern: string): NameTest {
  const steps = toSteps(raw, pattern);
  return steps.filter((step) => step.kind !== 'one').length <= 2 ? regExpOf(raw, steps) : new StepWalk(steps);
}

export function regExpOf(raw: string, steps: readonly Step[]): RegExp {
  return compile(raw, steps.map((step) => (step.kind === 'one' ? step.source : RUN_SOURCES[step.kind])).join(''));
}

/**
 * A pattern matched a code point of the name at a time, holding the places in the pattern
 * reached so far: at most (steps × name length) moves. Places 0…steps.length (the last: the
 * whole pattern matched), then steps.length + 1 + i for the inside of a `folders` step i (a run
 * that must end in '/').
 */
export class StepWalk implements NameTest {
  /** The pattern's runs of literal characters, each of which a name it matches holds. */
  private readonly literals: string[] = [];
  private readonly seen: Uint32Array;
  private generation = 0;
  private now: number[] = [];
  private next: number[] = [];

  constructor(private readonly steps: readonly Step[]) {
    this.seen = new Uint32Array(steps.length * 2 + 1);
    let literal = '';
    for (const step of [...steps, undefined]) {
      if (step?.kind === 'one' && step.literal !== undefined) {
        literal += step.literal;
      } else if (literal !== '') {
        this.literals.push(literal);
        literal = '';
      }
    }
  }

  test(name: string): boolean {
    // Most names lack a literal of the pattern, which a native search sees at once.
    for (const literal of this.literals) if (!name.includes(literal)) return false;
    const steps = this.steps;
    const end = steps.length;
    let now = this.now;
    let next = this.next;
    now.length = 0;
    this.stamp();
    this.reach(now, 0);
    for (let i = 0; i < name.length && now.length > 0; ) {
      const codePoint = name.codePointAt(i)!;
      i += codePoint > 0xffff ? 2 : 1;
      this.stamp();
      next.length = 0;
      for (const place of now) {
        if (place > end) {
          // Inside a `folders` run: on through it, and past it at a '/'.
          this.reach(next, place);
          if (codePoint === SLASH_CODE) this.reach(next, place - end);
          continue;
        }
        if (place === end) continue;
        const step = steps[place]!;
        if (step.kind === 'one') {
          if (step.test(codePoint)) this.reach(next, place + 1);
        } else if (step.kind === 'star') {
          if (codePoint !== SLASH_CODE) this.reach(next, place);
        } else if (step.kind === 'any') {
          this.reach(next, place);
        } else {
          this.reach(next, end + 1 + place);
          if (codePoint === SLASH_CODE) this.reach(next, place + 1);
        }
      }
      [now, next] = [next, now];
    }
    this.now = now;
    this.next = next;
    return now.includes(end);
  }

  /** Adds a place once per character; a run may be empty, so the place after it is reached too. */
  private reach(to: number[], place: number): void {
    for (;;) {
      if (this.seen[place] === this.generation) return;
      this.seen[place] = this.generation;
      to.push(place);
      if (place >= this.steps.length || this.steps[place]!.kind === 'one') return;
      place++;
    }
  }

  private stamp(): void {
    if (++this.generation === 0xffff_ffff) {
      this.seen.fill(0);
      this.generation = 1;
    }
  }
}

/** The steps of a pattern (for the tests, which hold the two ways of matching against each other). */
export function stepsOf(pattern: string): Step[] {
  return toSteps(pattern, pattern);
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
function compile(raw: string, source: string): RegExp {
  try {
    // 'u': '?' and a class take a code point, not half of a surrogate pair.
    return new RegExp(`^${source}$`, 'su');
  } catch (error) {
    throw notValid(raw, error);
  }
}

function notValid(raw: string, error: unknown): ZipError {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/^.*: /, '');
  return new ZipError('BAD_NAME', `exclude pattern ${JSON.stringify(raw)} is not valid: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`);
}

/** The patterns of one kind: matched against the whole name, a component's name, and, when rooted, the path on disk. */
interface PatternSet {
  readonly whole: NameTest[];
  readonly component: NameTest[];
  readonly rooted: NameTest[];
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
      const re = nameTest(raw, pattern.replace(/^\/+/, ''));
      set.whole.push(re);
      if (pattern.startsWith('/')) set.rooted.push(re);
    } else {
      set.component.push(nameTest(raw, pattern));
    }
  }
  return (entryName, diskPath, isFolder) => {
    const name = entryName.replace(/\/+$/, '');
    return matches(any, name, diskPath) || (isFolder === true && matches(folders, name, diskPath));
  };
}

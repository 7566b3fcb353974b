// What extract remembers of the paths it may meet again (archive/known-paths.ts) must answer as
// the maps of strings it replaced did: exactly, by path, folded or not, with each entry's path as
// that entry had it, whatever order the questions come in.

import { describe, expect, it } from 'vitest';
import { KnownPaths, type Kind, type NamedBy, type Seen } from '../../src-main/archive/known-paths.js';
import { foldCase, type PathFold } from '../../src-main/zip/paths.js';
import { prng } from '../../scripts/fuzz-core.js';

/** The old way: maps keyed by the folded path. */
class Model {
  readonly first = new Map<string, Seen>();
  readonly last = new Map<string, NamedBy>();
  readonly next = new Map<string, number>();
  readonly claims = new Map<string, Kind>();
  constructor(readonly key: (path: string) => string) {}
}

describe('KnownPaths', () => {
  for (const [label, fold] of [
    ['without folding', undefined],
    ['folding case', foldCase],
  ] as [string, PathFold | undefined][]) {
    it(`answers as maps of the paths would, ${label}`, () => {
      const random = prng(label.length * 7919);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      // Few enough paths that each is met many times; cases and forms that fold alike.
      const names = ['a.txt', 'A.TXT', 'd/a.txt', 'D/a.txt', 'd/b', 'd/b/c', 'Caf\u00e9', 'cafe\u0301', 'x/y/z (1).txt', 'd'];
      const known = new KnownPaths(fold);
      const model = new Model((path) => (fold === undefined ? path : fold(path)));
      const kinds: (Kind | undefined)[] = ['file', 'directory', 'symlink', undefined];
      for (let step = 0; step < 20_000; step++) {
        const path = pick(names);
        const key = model.key(path);
        const index = step;
        switch (Math.floor(random() * 8)) {
          case 0: {
            const kind = pick(kinds) ?? 'file';
            known.setFirst(path, kind, index);
            model.first.set(key, { kind, index, path });
            break;
          }
          case 1:
            known.setLast(path, index);
            model.last.set(key, { index, path });
            break;
          case 2: {
            const next = 1 + Math.floor(random() * 1000);
            known.setNextNumber(path, next);
            model.next.set(key, next);
            break;
          }
          case 3: {
            const kind = pick(kinds);
            known.claim(path, kind);
            if (kind === undefined) model.claims.delete(key);
            else model.claims.set(key, kind);
            break;
          }
          default:
            expect(known.first(path), path).toEqual(model.first.get(key));
            expect(known.last(path), path).toEqual(model.last.get(key));
            expect(known.nextNumber(path), path).toBe(model.next.get(key) ?? 1);
            expect(known.claimedAs(path), path).toBe(model.claims.get(key));
        }
      }
      // Folding made fewer paths of the names.
      expect(new Set(names.map(model.key)).size).toBe(fold === undefined ? names.length : 7);
      // The winners among the entries: those paths' first files or links (not folders), or their
      // last entries; and among some of them.
      // (A folder among them, whatever the steps left.)
      known.setFirst('d', 'directory', 20_000);
      model.first.set(model.key('d'), { kind: 'directory', index: 20_000, path: 'd' });
      const all = new Set([...model.first.values(), ...model.last.values()].map((named) => named.index));
      const some = new Set([...all].filter((index) => index % 2 === 0));
      for (const indexes of [all, some]) {
        const firsts = [...model.first].filter(([, seen]) => seen.kind !== 'directory' && indexes.has(seen.index)).map(([key, { index, path }]): [string, NamedBy] => [key, { index, path }]);
        const lasts = [...model.last].filter(([, named]) => indexes.has(named.index));
        expect(firsts.length + lasts.length).toBeGreaterThan(0);
        expect(known.chosenAmong('first', indexes)).toEqual(new Map(firsts));
        expect(known.chosenAmong('last', indexes)).toEqual(new Map(lasts));
      }
      expect(known.chosenAmong('last', new Set())).toEqual(new Map());
    });
  }
});

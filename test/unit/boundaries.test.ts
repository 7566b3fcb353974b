// The folder boundaries of the app (STYLE "Boundaries are folders", issue 5): electron only in
// the shell files, the renderer reaching main only through lib/api.ts and importing only types
// from the contract, Svelte 5 runes only. Read from the sources, so a slip fails here.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && pattern.test(d.name))
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)));
}

const SHELL = new Set(['src-main/main.ts', 'src-main/window.ts']);

describe('boundaries', () => {
  test('only the Electron shell imports electron at run time', () => {
    const offenders = filesUnder('src-main', /\.ts$/)
      .filter((file) => !SHELL.has(file) && !file.startsWith('src-main/shell/'))
      .filter((file) => /^import\s+(?!type\b)[^;]*from\s+['"]electron['"]/m.test(readFileSync(path.join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the renderer imports only types from the contract and nothing from main', () => {
    const offenders: string[] = [];
    for (const file of filesUnder('src-renderer', /\.(ts|svelte)$/)) {
      const text = readFileSync(path.join(root, file), 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gm)) {
        const target = m[2]!;
        if (target.includes('src-main') || target === 'electron') offenders.push(`${file}: ${target}`);
        if (target.includes('src-preload/contract') && !m[1]) {
          // A value import is allowed only for the limits (MAX_…; no code crosses the bridge), beside types.
          if (!/^\s*import\s+\{\s*(?:MAX_[A-Z_]+|type\s+\w+)(?:\s*,\s*(?:MAX_[A-Z_]+|type\s+\w+))*\s*\}/.test(m[0])) offenders.push(`${file}: value import from the contract`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  test('window.zipdesk is used by lib/api.ts alone (and the fatal-error fallback)', () => {
    const users = filesUnder('src-renderer', /\.(ts|svelte)$/).filter((file) => readFileSync(path.join(root, file), 'utf8').includes('zipdesk?') || /window\.zipdesk|\.zipdesk\b/.test(readFileSync(path.join(root, file), 'utf8')));
    expect(users.sort()).toEqual(['src-renderer/lib/api.ts', 'src-renderer/lib/fatal.ts']);
  });

  test('Svelte 5 runes only: no export let, no on: directives, no stores', () => {
    const offenders = filesUnder('src-renderer', /\.(svelte|ts)$/).filter((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      return /export let |\bon:[a-z]+=|from ['"]svelte\/store['"]/.test(text);
    });
    expect(offenders).toEqual([]);
  });

  test('the preload exposes one object and no generic invoke', () => {
    const preload = readFileSync(path.join(root, 'src-preload/preload.ts'), 'utf8').replace(/\/\/.*$/gm, '');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    // No `invoke` member on the exposed object; the one ipcRenderer.invoke call takes a channel
    // from the contract's table, never one the page names.
    expect(preload).not.toMatch(/\binvoke\s*:/);
    expect(preload.match(/ipcRenderer\.invoke\(/g)).toHaveLength(1);
    expect(preload).toMatch(/const channel = INVOKE_CHANNELS\[method\];/);
  });
});

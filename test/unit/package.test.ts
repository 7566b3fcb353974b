// The packaging configuration (issue 5): electron-builder --dir against a stand-in Electron
// distribution (the real binary cannot be downloaded here: TOOLCHAIN traps 2 and 8), then what
// app.asar holds, read with @electron/asar's listPackage: the three builds, the worker unpacked
// beside it, the runtime dependencies, and nothing from the sources, tests or dev tools.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(archive: string, options?: object): string[]; extractFile(archive: string, file: string): Buffer };
/** @electron/fuses: the wire follows this marker in the Electron binary. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const built = existsSync(path.join(root, 'out/main/index.js')) && existsSync(path.join(root, 'out/renderer/index.html'));

describe.skipIf(!built)('electron-builder --dir with a stand-in Electron', () => {
  let work: string;
  let resources: string;
  let files: string[];

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-package-'));
    // An unpacked Electron is a folder with the `electron` executable (and Chromium's files,
    // which electron-builder copies without looking at them). The stand-in carries Electron's
    // fuse wire (sentinel, version 1, eight fuses at Electron's defaults) so the fuses are flipped.
    const dist = path.join(work, 'electron-dist');
    mkdirSync(dist);
    writeFileSync(
      path.join(dist, 'electron'),
      Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in for the Electron binary" >&2\nexit 1\n'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')]),
    );
    chmodSync(path.join(dist, 'electron'), 0o755);
    execFileSync(
      process.execPath,
      [require.resolve('electron-builder/cli.js'), '--dir', '--linux', '--x64', `-c.electronDist=${dist}`, `-c.directories.output=${path.join(work, 'release')}`],
      { cwd: root, stdio: 'pipe', env: { ...process.env, CI: 'true' } },
    );
    resources = path.join(work, 'release/linux-unpacked/resources');
    files = asar.listPackage(path.join(resources, 'app.asar'), { isPack: false });
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('app.asar holds main, the jobs worker, the CommonJS preload and the renderer', () => {
    for (const file of ['/package.json', '/out/main/index.js', '/out/main/worker.js', '/out/preload/preload.cjs', '/out/renderer/index.html']) {
      expect(files).toContain(file);
    }
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-[\w-]+\.css$/.test(f))).toBe(true);
  });

  test('package.json inside points at the main bundle; the preload is one CommonJS file', () => {
    const pkg = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString('utf8')) as { main: string; type: string };
    expect(pkg.main).toBe('out/main/index.js');
    const preload = asar.extractFile(path.join(resources, 'app.asar'), 'out/preload/preload.cjs').toString('utf8');
    expect(preload).toMatch(/require\("electron"\)/);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).not.toMatch(/require\("\.\//); // no chunks: a sandboxed preload cannot require files
  });

  test('the worker, its helper threads and the chunks they import are unpacked, where a worker thread can load them', () => {
    const unpacked = path.join(resources, 'app.asar.unpacked/out/main');
    for (const script of ['worker.js', 'deflate-helper.js', 'extract-helper.js']) {
      expect(existsSync(path.join(unpacked, script))).toBe(true);
      const text = readFileSync(path.join(unpacked, script), 'utf8');
      // Imported as the script loads, or by the first job that needs it (jobs/worker.ts).
      const imports = [...text.matchAll(/from "(\.\/[^"]+)"|import\("(\.\/[^"]+)"\)/g)].map((m) => (m[1] ?? m[2])!);
      for (const file of imports) expect(existsSync(path.join(unpacked, file))).toBe(true);
      if (script === 'worker.js') expect(imports.some((file) => /^\.\/chunks\/create-/.test(file))).toBe(true);
      // Everything else it imports is built into Node.
      const bare = [...text.matchAll(/from "([^".][^"]*)"/g)].map((m) => m[1]!);
      expect(bare.filter((m) => !m.startsWith('node:'))).toEqual([]);
    }
  });

  test('runtime dependencies are in, sources, tests, source maps and dev tools are not', () => {
    expect(files).toContain('/node_modules/winston/package.json');
    expect(files).toContain('/node_modules/winston-daily-rotate-file/package.json');
    const forbidden = [/^\/src-/, /^\/test/, /\.map$/, /^\/build\//, /^\/node_modules\/(electron|svelte|vite|vitest|typescript|playwright-core|electron-builder)\//];
    for (const pattern of forbidden) expect(files.filter((f) => pattern.test(f))).toEqual([]);
  });

  test('the packaged executable has its fuses flipped: no run-as-node, no NODE_OPTIONS, no --inspect, asar only, no file:// privileges', () => {
    const binary = readFileSync(path.join(work, 'release/linux-unpacked/zipdesk'));
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    const wire = binary.subarray(at + 2, at + 2 + binary[at + 1]!).toString('latin1');
    // RunAsNode, CookieEncryption, NODE_OPTIONS, --inspect, asar integrity, only app.asar, V8 snapshot, file:// privileges
    expect(wire).toBe('01001100');
  });

  test('the renderer page carries the strict Content-Security-Policy', () => {
    const html = asar.extractFile(path.join(resources, 'app.asar'), 'out/renderer/index.html').toString('utf8');
    expect(html).toContain(`default-src 'none'; script-src 'self'`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  });
});

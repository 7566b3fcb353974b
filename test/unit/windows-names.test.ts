// Names Windows cannot hold (zip/paths.ts forWindows): each segment is changed into one it can,
// and extract reports the entry as written under a new name. Windows' own rules are not this
// machine's, so the command line runs here with ZIPDESK_NAME_RULES=windows, which puts them in
// force on any system; the file system here then holds both the names as stored and as changed,
// and shows which was written. (On a file system that refuses them: target-file-system.test.ts.)

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { NAME_RULES, forWindows, linkTargetForWindows, safeEntryPath } from '../../src-main/zip/paths.js';
import { openZip } from '../../src-main/zip/reader.js';
import { buildSafetyReport } from '../../src-main/zip/safety.js';
import { run, tempDir, tree } from './craft.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(projectRoot, 'bin/zipdesk.js');

/** The path a stored name is written to under Windows' rules, and whether it was changed. */
function windowsPath(name: string): [string, boolean] {
  const safe = forWindows(safeEntryPath(name));
  return [safe.path, safe.changedForWindows === true];
}

describe('a name Windows cannot hold, changed into one it can', () => {
  it('keeps to the rules of this system in this process (Linux: any name)', () => {
    expect(NAME_RULES).toBe(process.platform === 'win32' ? 'windows' : 'posix');
  });

  it.each([
    // Characters Windows refuses, each one "_".
    ['what?.txt', 'what_.txt'],
    ['a<b>c:d"e|f?g*h', 'a_b_c_d_e_f_g_h'],
    ['tab\there\u001f', 'tab_here_'],
    // A "." or " " at a segment's end (Windows drops them), the last one only.
    ['trail.', 'trail_'],
    ['space ', 'space_'],
    ['dots...', 'dots.._'],
    ['folder./file', 'folder_/file'],
    // Devices, alone, before an extension, in any case, in any folder.
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['Com1.tar.gz', '_Com1.tar.gz'],
    ['lpt\u00b9', '_lpt\u00b9'],
    ['aux .txt', '_aux .txt'],
    ['docs/PRN', 'docs/_PRN'],
    ['x/CONOUT$', 'x/_CONOUT$'],
    // Every rule at once, segment by segment.
    ['q?/con./b*.', 'q_/con_/b__'],
  ])('%j is written as %j', (name, expected) => {
    expect(windowsPath(name)).toEqual([expected, true]);
  });

  it.each(['readme.txt', 'conx.txt', 'icon', 'CONSOLE.log', 'com10', 'lpt', 'a/.hidden', 'über/naïve café.txt', 'a b/c d.txt'])('%j is left as it is', (name) => {
    expect(windowsPath(name)).toEqual([safeEntryPath(name).path, false]);
  });

  it("changes a link's target name by name as entries' names are changed, keeping \".\" and \"..\", joined by the separator asked for", () => {
    expect(linkTargetForWindows(Buffer.from('../a?/./CON.txt'), '\\').toString()).toBe('..\\a_\\.\\_CON.txt');
    expect(linkTargetForWindows(Buffer.from('x\\y:z/trail. '), '/').toString()).toBe('x/y_z/trail._');
    expect(linkTargetForWindows(Buffer.from('日本?/ok'), '/').toString()).toBe('日本_/ok');
    // Not UTF-8: each byte kept but the rules' ASCII characters.
    expect([...linkTargetForWindows(Buffer.from([0xe9, 0x3f, 0x5c, 0x61]), '/')]).toEqual([0xe9, 0x5f, 0x2f, 0x61]);
  });

  it('never makes a segment empty, "." or "..", nor one Windows refuses, whatever the name', () => {
    // Names from the characters that matter, seeded: every result is a safe path Windows holds.
    const alphabet = ['a', '.', ' ', '?', ':', '*', '<', '"', '|', '\u0001', '/', 'c', 'o', 'n', 'N', '1', '\u00b2'];
    let seed = 20261206;
    const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      const name = Array.from({ length: 1 + random(9) }, () => alphabet[random(alphabet.length)]).join('');
      let safe;
      try {
        safe = forWindows(safeEntryPath(name));
      } catch {
        continue; // refused before Windows' rules are asked ("..", a leading "/", "a:")
      }
      checked++;
      expect(safe.path).toBe(safe.segments.join('/'));
      for (const segment of safe.segments) {
        expect(segment === '' || segment === '.' || segment === '..', `${JSON.stringify(name)} → ${JSON.stringify(safe.path)}`).toBe(false);
        expect(/[<>:"|?*\u0000-\u001f/\\]|[. ]$|^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/i.test(segment), `${JSON.stringify(name)} → ${JSON.stringify(safe.path)}`).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(5_000);
  });
});

describe('extract under Windows rules (ZIPDESK_NAME_RULES=windows)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tempDir('zipdesk-windows-names-'));
    // Python's zipfile stores names as given. One large file (2 MiB) goes through the streaming
    // road, the small ones in span batches; a link and a folder whose names are changed too.
    run(
      'python3',
      [
        '-c',
        [
          'import zipfile, os',
          "z = zipfile.ZipFile('names.zip', 'w', zipfile.ZIP_DEFLATED)",
          "for n in ['what?.txt', 'CON', 'ok.txt', 'a?', 'a*', 'dir:/inner.txt', 'trail.']: z.writestr(n, 'data of ' + n)",
          "z.writestr('big?.bin', os.urandom(2 << 20))",
          "z.writestr('empty|/', b'')",
          "link = zipfile.ZipInfo('link?')",
          'link.external_attr = (0o120777 << 16)',
          "z.writestr(link, 'ok.txt')",
          // Links to entries whose names change: their targets change the same way.
          "for n, t in [('to-what', 'what?.txt'), ('to-inner', './dir:/inner.txt'), ('dir:/to-trail', '..\\\\trail.')]:",
          '  i = zipfile.ZipInfo(n); i.external_attr = (0o120777 << 16); z.writestr(i, t)',
          'z.close()',
        ].join('\n'),
      ],
      dir,
    );
  });
  afterAll(() => cleanup());

  const extract = (out: string, rules: string | undefined, ...args: string[]) =>
    spawnSync(process.execPath, [bin, 'extract', 'names.zip', '-o', out, '--json', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ZIPDESK_NAME_RULES: rules, XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' },
    });

  it('writes each entry under a name Windows holds, reports it as written under a new name, and settles two names made one by the policy', () => {
    const result = extract('out', 'windows');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(tree(path.join(dir, 'out'))).toEqual(['_CON', 'a_', 'big_.bin', 'dir_/', 'dir_/inner.txt', 'dir_/to-trail', 'empty_/', 'link_', 'ok.txt', 'to-inner', 'to-what', 'trail_', 'what_.txt']);
    const out = (name: string): string => path.join(dir, 'out', name);
    expect(readFileSync(out('what_.txt'), 'utf8')).toBe('data of what?.txt');
    expect(readFileSync(out('dir_/inner.txt'), 'utf8')).toBe('data of dir:/inner.txt');
    expect(lstatSync(out('big_.bin')).size).toBe(2 << 20);
    expect(readlinkSync(out('link_'))).toBe('ok.txt');
    // A link's target names the entries as they were written; "\\" is a separator there too.
    expect([readlinkSync(out('to-what')), readlinkSync(out('to-inner')), readlinkSync(out('dir_/to-trail'))]).toEqual(['what_.txt', './dir_/inner.txt', '../trail_']);
    expect([readFileSync(out('to-what'), 'utf8'), readFileSync(out('to-inner'), 'utf8'), readFileSync(out('dir_/to-trail'), 'utf8')]).toEqual(['data of what?.txt', 'data of dir:/inner.txt', 'data of trail.']);
    // The first of the two names made one is written ('skip', the default); the second is skipped, said by the path.
    expect(readFileSync(out('a_'), 'utf8')).toBe('data of a?');
    const json = JSON.parse(result.stdout) as { renamed: { entry: string; path: string }[]; renamedCount: number; skipped: { entry: string; reason: string }[]; filesWritten: number; symlinksCreated: number; ok: boolean };
    expect(json.renamed).toEqual([
      { entry: 'what?.txt', path: 'what_.txt' },
      { entry: 'CON', path: '_CON' },
      { entry: 'a?', path: 'a_' },
      { entry: 'dir:/inner.txt', path: 'dir_/inner.txt' },
      { entry: 'trail.', path: 'trail_' },
      { entry: 'big?.bin', path: 'big_.bin' },
      { entry: 'empty|/', path: 'empty_' },
      { entry: 'link?', path: 'link_' },
      { entry: 'dir:/to-trail', path: 'dir_/to-trail' },
    ]);
    expect(json.renamedCount).toBe(9);
    expect(json.skipped).toEqual([{ entry: 'a*', reason: 'an earlier entry is also written as a_' }]);
    expect([json.filesWritten, json.symlinksCreated, json.ok]).toEqual([7, 4, true]);
  });

  it("under 'replace' the later of two names made one is written, and 'rename' numbers it", () => {
    expect(extract('replaced', 'windows', '--overwrite', 'replace').status).toBe(0);
    expect(readFileSync(path.join(dir, 'replaced', 'a_'), 'utf8')).toBe('data of a*');
    const renamed = extract('numbered', 'windows', '--overwrite', 'rename');
    expect(renamed.status).toBe(0);
    expect(readFileSync(path.join(dir, 'numbered', 'a_'), 'utf8')).toBe('data of a?');
    expect(readFileSync(path.join(dir, 'numbered', 'a_ (1)'), 'utf8')).toBe('data of a*');
    expect((JSON.parse(renamed.stdout) as { renamed: { entry: string; path: string }[] }).renamed).toContainEqual({ entry: 'a*', path: 'a_ (1)' });
  });

  it('the safety report lists each name Windows cannot hold with what is written instead, and the two written to one path; under its rules only', async () => {
    const source = await openFileSource(path.join(dir, 'names.zip'));
    try {
      const reader = await openZip(source);
      const windows = await buildSafetyReport(reader, { nameRules: 'windows' });
      expect(windows.windowsNames).toEqual({
        count: 10,
        items: [
          { entry: 'what?.txt', path: 'what_.txt' },
          { entry: 'CON', path: '_CON' },
          { entry: 'a?', path: 'a_' },
          { entry: 'a*', path: 'a_' },
          { entry: 'dir:/inner.txt', path: 'dir_/inner.txt' },
          { entry: 'trail.', path: 'trail_' },
          { entry: 'big?.bin', path: 'big_.bin' },
          { entry: 'empty|/', path: 'empty_' },
          { entry: 'link?', path: 'link_' },
          { entry: 'dir:/to-trail', path: 'dir_/to-trail' },
        ],
      });
      expect(windows.duplicateNames.items).toEqual([{ path: 'a_', count: 2, entries: ['a?', 'a*'] }]);
      expect(windows.summary).toContain('10 names Windows cannot hold: extraction writes them under others');
      expect(windows.verdict).toBe('caution');
      const posix = await buildSafetyReport(reader, { nameRules: 'posix' });
      expect([posix.windowsNames.count, posix.duplicateNames.count, posix.verdict]).toEqual([0, 0, 'ok']);
    } finally {
      await source.close();
    }
    // The command line's, under the rules the environment puts in force.
    const report = spawnSync(process.execPath, [bin, 'inspect', 'names.zip'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ZIPDESK_NAME_RULES: 'windows', ZIPDESK_LOG_CONFIG: '' } });
    expect(report.stdout).toContain('duplicate paths:\n    a_: "a?", "a*"');
    expect(report.stdout).toContain('names Windows cannot hold, and what extraction writes instead:\n    "what?.txt" → "what_.txt"\n    "CON" → "_CON"\n');
  });

  it('without them, every name is written as stored', () => {
    const result = extract('posix', undefined);
    expect(result.status).toBe(0);
    expect(existsSync(path.join(dir, 'posix', 'what?.txt'))).toBe(true);
    expect(existsSync(path.join(dir, 'posix', 'dir:', 'inner.txt'))).toBe(true);
    expect([readlinkSync(path.join(dir, 'posix', 'to-what')), readFileSync(path.join(dir, 'posix', 'to-inner'), 'utf8')]).toEqual(['what?.txt', 'data of dir:/inner.txt']);
    expect((JSON.parse(result.stdout) as { renamedCount: number }).renamedCount).toBe(0);
  });
});

// Names in a code page the user names (`--name-encoding`, zip/names.ts codePageOf): archives
// written on Windows in Japan or Russia store their names in the system's code page, unflagged.
// Info-ZIP's `zip` stores a file's name bytes as they are, so files named in Shift-JIS and CP866
// bytes here give such an archive from a real tool; Python's zipfile (metadata_encoding) reads it
// as the peer does.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOS_CODE_PAGES } from '../../src-main/zip/dos-code-pages.js';
import { codePageOf } from '../../src-main/zip/names.js';
import { NAME_ENCODINGS } from '../../src-renderer/lib/name-encodings.js';
import { run, tempDir, tree } from './craft.js';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/zipdesk.js');

/** The names, as they read in their own code page. */
const JAPANESE = ['フォルダ/', 'フォルダ/ソース.c', 'フォルダ/表.txt', 'フォルダ/日本語.txt', 'plain.txt'];
const RUSSIAN = 'Привет.txt';

describe('names in a code page the user names', () => {
  let dir: string;
  let cleanup: () => void;
  const zipdesk = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ZIPDESK_LOG_CONFIG: '' } });
  /** The line list, extract and inspect give when `count` names were read as CP437 for want of a mark. */
  const guessed = (count: number) => `${count} ${count === 1 ? 'name' : 'names'} of unknown encoding, not UTF-8: read as code page 437 (--name-encoding names theirs)`;
  /** sjis.zip listed; `stderr`, what list says beside it. */
  const listed = (args: string[], stderr = ''): { comment: string; entries: { name: string }[] } => {
    const result = zipdesk('list', 'sjis.zip', '--json', ...args);
    expect([result.status, result.stderr]).toEqual([0, stderr]);
    return JSON.parse(result.stdout) as { comment: string; entries: { name: string }[] };
  };
  /** Python's names for the archive, read in `encoding`. */
  const pythonNames = (archive: string, encoding: string): string[] =>
    JSON.parse(run('python3', ['-c', `import zipfile, json, sys; print(json.dumps([i.filename for i in zipfile.ZipFile(sys.argv[1], metadata_encoding=sys.argv[2]).infolist()]))`, archive, encoding], dir)) as string[];

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('zipdesk-name-encoding-'));
    // Files named in Shift-JIS bytes (ソ and 表 end in 0x5C, a backslash in ASCII), zipped from
    // inside `sjis`; the comment in Shift-JIS too. `many` holds 20,000 such files, enough for
    // test to check the directory in ranges on two threads, each with its own reader.
    run(
      'python3',
      [
        '-c',
        [
          'import os',
          "folder = 'フォルダ'.encode('shift_jis')",
          "os.makedirs(b'sjis/' + folder)",
          "for name in ['ソース.c', '表.txt', '日本語.txt']: open(b'sjis/' + folder + b'/' + name.encode('shift_jis'), 'w').write('data of ' + name)",
          "open('sjis/plain.txt', 'w').write('plain')",
          "os.makedirs(b'ru')",
          "open(b'ru/' + 'Привет.txt'.encode('cp866'), 'w').write('ru')",
          "os.makedirs(b'many/' + folder)",
          "for i in range(20000): open(b'many/' + folder + b'/' + ('表%05d.txt' % i).encode('shift_jis'), 'w').write('data %05d' % i)",
          "open('comment', 'wb').write('コメント'.encode('shift_jis'))",
        ].join('\n'),
      ],
      dir,
    );
    const zip = (folder: string, archive: string, ...args: string[]) => run('sh', ['-c', `cd ${folder} && zip -qr -0 ${args.join(' ')} ../${archive} .`], dir);
    zip('sjis', 'sjis.zip', '-z', '< ../comment');
    zip('ru', 'ru.zip');
    zip('many', 'many.zip');
    // Five entries of `many` damaged, spread over the directory: a byte of their data changed.
    const many = readFileSync(path.join(dir, 'many.zip'));
    for (const i of [3, 4_000, 9_000, 15_000, 19_990]) many.write('X', many.indexOf(`data ${String(i).padStart(5, '0')}`));
    writeFileSync(path.join(dir, 'many-damaged.zip'), many);
  });
  afterAll(() => cleanup());

  it('list reads the names and the comment in it, as Python reads them in it; without it, as before (CP437)', () => {
    const named = listed(['--name-encoding', 'shift_jis']);
    expect(named.entries.map((e) => e.name)).toEqual(pythonNames('sjis.zip', 'shift_jis'));
    expect(named.entries.map((e) => e.name).sort()).toEqual([...JAPANESE].sort());
    expect(named.comment).toBe('コメント');
    // Without it, list says on stderr how many names it read so: フォルダ/ and the three files in it.
    const plain = listed([], `zipdesk: sjis.zip: warning: ${guessed(4)}\n`);
    expect(plain.entries.map((e) => e.name)).toEqual(pythonNames('sjis.zip', 'cp437'));
    expect(plain.entries.map((e) => e.name)).toContain('âtâHâïâ_/ò\\.txt');
    // The table reads the same way, and says the same.
    const table = zipdesk('list', 'sjis.zip', '--name-encoding', '932');
    expect([table.stdout, table.stderr]).toEqual([expect.stringContaining('フォルダ/ソース.c'), '']);
    expect(zipdesk('list', 'sjis.zip')).toMatchObject({ status: 0, stdout: expect.stringContaining('âtâHâïâ_/ò\\.txt'), stderr: `zipdesk: sjis.zip: warning: ${guessed(4)}\n` });
  });

  it('Windows code page numbers and the WHATWG labels name the same code page; a name not in it reads as before', () => {
    for (const label of ['866', 'cp866', 'IBM866', 'ibm866']) {
      const result = zipdesk('list', 'ru.zip', '--json', '--name-encoding', label);
      expect([label, (JSON.parse(result.stdout) as { entries: { name: string }[] }).entries.map((e) => e.name)]).toEqual([label, [RUSSIAN]]);
    }
    // CP866's bytes are no Shift-JIS: read as CP437, as without the option (Python refuses the archive).
    const asJapanese = zipdesk('list', 'ru.zip', '--json', '--name-encoding', 'shift_jis');
    expect((JSON.parse(asJapanese.stdout) as { entries: { name: string }[] }).entries.map((e) => e.name)).toEqual(pythonNames('ru.zip', 'cp437'));
    // Each the window offers is one main reads, under the name the window gives it.
    expect(NAME_ENCODINGS.map((label) => codePageOf(label)?.name)).toEqual([...NAME_ENCODINGS]);
    expect([codePageOf('cp932')?.name, codePageOf('windows-1251')?.name, codePageOf('1251')?.name, codePageOf('437')?.name, codePageOf('utf-16le'), codePageOf('nope')]).toEqual(['shift_jis', 'windows-1251', 'windows-1251', 'cp437', undefined, undefined]);
  });

  it('extract writes them under their names (ソ and 表 stay whole: their 0x5C is no backslash), and test finds every local header agreeing', () => {
    const result = zipdesk('extract', 'sjis.zip', '-o', 'out', '--name-encoding', 'shift_jis');
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(tree(path.join(dir, 'out'))).toEqual(['plain.txt', 'フォルダ/', 'フォルダ/ソース.c', 'フォルダ/日本語.txt', 'フォルダ/表.txt']);
    expect(readFileSync(path.join(dir, 'out', 'フォルダ/表.txt'), 'utf8')).toBe('data of 表.txt');
    const tested = zipdesk('test', 'sjis.zip', '--name-encoding', 'shift_jis');
    expect([tested.status, tested.stdout]).toEqual([0, 'No errors detected in sjis.zip (5 entries, 60 bytes).\n']);
  });

  it('extract says how many names it wrote as read in CP437 for want of a mark, of the entries it was asked for; test says nothing of names', () => {
    const warning = (count: number) => `zipdesk: sjis.zip: warning: ${guessed(count)}\n`;
    const plain = zipdesk('extract', 'sjis.zip', '-o', 'guessed');
    // フォルダ/ and the three files in it, not plain.txt; the files are there all the same.
    expect([plain.status, plain.stderr]).toEqual([0, warning(4)]);
    expect(tree(path.join(dir, 'guessed'))).toContain('plain.txt');
    const one = zipdesk('extract', 'sjis.zip', '-o', 'guessed-one', 'plain.txt', 'âtâHâïâ_/ò\\.txt');
    expect([one.status, one.stderr]).toEqual([0, warning(1)]);
    expect(zipdesk('extract', 'sjis.zip', '-o', 'ascii', 'plain.txt')).toMatchObject({ status: 0, stderr: '' });
    // With --json the object stays as it was on stdout, and the line goes to stderr as other warnings do.
    const json = zipdesk('extract', 'sjis.zip', '-o', 'guessed-json', '--json');
    expect([json.status, json.stderr, (JSON.parse(json.stdout) as { entriesTotal: number }).entriesTotal]).toEqual([0, warning(4), 5]);
    expect(zipdesk('test', 'sjis.zip')).toMatchObject({ status: 0, stderr: '' });
  });

  it('test of 20,000 entries, in ranges on two threads, names each damaged entry in it', () => {
    const good = zipdesk('test', 'many.zip', '--name-encoding', 'shift_jis');
    expect([good.status, good.stderr]).toEqual([0, '']);
    const bad = zipdesk('test', 'many-damaged.zip', '--name-encoding', 'shift_jis');
    expect(bad.status).toBe(1);
    // (In the archive's order, which is zip's walk's: sorted here.)
    const names = [...bad.stderr.matchAll(/many-damaged\.zip: (\S+): CRC-32 is /g)].map((match) => match[1]).sort();
    expect(names).toEqual(['フォルダ/表00003.txt', 'フォルダ/表04000.txt', 'フォルダ/表09000.txt', 'フォルダ/表15000.txt', 'フォルダ/表19990.txt']);
  });

  it("DOS's code pages, which Node's TextDecoder lacks, read each byte as Python's codecs do; names Windows wrote in them (Brazil, Poland, Greece) read so", () => {
    const numbers = Object.keys(DOS_CODE_PAGES);
    expect(numbers).toEqual(expect.arrayContaining(['437', '720', '737', '775', '850', '852', '857', '862']));
    // Each byte alone: Python's character, or none where Python has none (U+FFFD) or a C1 control.
    const python = JSON.parse(
      run('python3', ['-c', 'import sys, json; print(json.dumps({n: [bytes([b]).decode("cp" + n, errors="replace") for b in range(128, 256)] for n in sys.argv[1:]}))', ...numbers], dir),
    ) as Record<string, string[]>;
    for (const number of numbers) {
      const codePage = codePageOf(`cp${number}`)!;
      const ours = Array.from({ length: 128 }, (_, i) => codePage.decode(Buffer.from([0x80 + i]), 0, 1) ?? '\ufffd');
      const theirs = python[number]!.map((character) => (/^[\u0080-\u009f]$/.test(character) ? '\ufffd' : character));
      expect([number, codePage.name, ours.join('')]).toEqual([number, `cp${number}`, theirs.join('')]);
    }
    expect(codePageOf('cp857')!.decode(Buffer.from('a\xd5b', 'latin1'), 0, 3)).toBeUndefined();
    // ã and Ø are box drawing in CP437, Ł and ó are too, and Greek is Greek only in 737.
    const named: Record<string, string[]> = { cp850: ['ação.txt', 'Ørsted.txt'], cp852: ['Łódź.txt', 'zażółć.txt'], cp737: ['Αθήνα.txt'] };
    for (const [encoding, names] of Object.entries(named)) {
      run('python3', ['-c', 'import os, sys\nos.makedirs(sys.argv[1].encode())\nfor n in sys.argv[2:]: open(sys.argv[1].encode() + b"/" + n.encode(sys.argv[1]), "w").write(n)', encoding, ...names], dir);
      run('sh', ['-c', `cd ${encoding} && zip -qr ../${encoding}.zip .`], dir);
      const result = zipdesk('list', `${encoding}.zip`, '--json', '--name-encoding', encoding.slice(2));
      expect((JSON.parse(result.stdout) as { entries: { name: string }[] }).entries.map((e) => e.name).sort()).toEqual([...names].sort());
      expect(pythonNames(`${encoding}.zip`, encoding).sort()).toEqual([...names].sort());
    }
  });

  it("inspect counts the names nothing says the encoding of, read as CP437, until their code page is named; they do not make the report's verdict", () => {
    const line = (count: number) => `  ${guessed(count)}\n`;
    const plain = zipdesk('inspect', 'sjis.zip');
    expect([plain.status, plain.stdout]).toEqual([0, expect.stringContaining(`Safety report: OK\n`)]);
    // フォルダ/ and the three files in it; not plain.txt.
    expect(plain.stdout).toContain(line(4));
    const named = zipdesk('inspect', 'sjis.zip', '--name-encoding', 'shift_jis');
    expect([named.status, named.stdout.includes('of unknown encoding')]).toEqual([0, false]);
    // A name whose bytes are not text in the code page named (CP866's Привет is not Shift-JIS).
    expect(zipdesk('inspect', 'ru.zip', '--name-encoding', 'shift_jis').stdout).toContain(line(1));
    expect(zipdesk('inspect', 'ru.zip', '--name-encoding', 'cp866').stdout).not.toContain('of unknown encoding');
  });

  it('inspect says which code page read a name; an encoding Node does not read is a usage error', () => {
    const inspected = zipdesk('inspect', 'sjis.zip', 'フォルダ/表.txt', '--name-encoding', 'shift_jis');
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).toMatch(/fileName .*= フォルダ\/表\.txt \(shift_jis \(no bit 11\)\)/);
    const unknown = zipdesk('list', 'sjis.zip', '--name-encoding', 'cp500');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe("zipdesk list: --name-encoding: unknown encoding 'cp500' (one Node reads, such as shift_jis, gbk, big5, euc-kr, windows-1251, ibm866 or koi8-r; a DOS code page, such as cp437, cp850 or cp852; or a Windows code page number, such as 932)");
  });
});

import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIsoTime } from '../../src-main/cli/list.js';
import { dosLocalIsoTime } from '../../src-main/zip/dostime.js';
import { writeJson, writeLines } from '../../src-main/cli/output.js';
import { main } from '../../src-main/cli/main.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { bufferSource, isPlainRecord, openZip } from '../../src-main/zip/reader.js';
import { inspectEntry as inspectEntryView } from '../../src-main/ipc/inspection.js';
import { recordingLog, type LogRecord } from '../../src-main/log/record.js';
import { silentLog } from '../../src-main/log/types.js';
import { craftZip, extraField, run, tempDir, withBytesBeforeEnd, writeArchive } from './craft.js';
import { messWith, signatureOffsets } from './reader-fixtures.js';
import { END_OF_CENTRAL_DIRECTORY, SIGNATURE, ZIP64_END_OF_CENTRAL_DIRECTORY, ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR } from '../../src-main/zip/records.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let cleanup: () => void;
let good: string;
beforeAll(() => {
  ({ dir, cleanup } = tempDir('zipdesk-cli-'));
  const src = path.join(dir, 'src');
  mkdirSync(path.join(src, 'empty'), { recursive: true });
  writeFileSync(path.join(src, 'a.txt'), 'alpha\n'.repeat(100));
  writeFileSync(path.join(src, 'b.bin'), Buffer.from([0, 1, 2, 3]));
  run('python3', ['-c', "import zipfile\nwith zipfile.ZipFile('good.zip','w',zipfile.ZIP_DEFLATED) as z:\n  z.comment=b'a comment'\n  z.write('src/a.txt'); z.write('src/b.bin'); z.write('src/empty')"], dir);
  good = path.join(dir, 'good.zip');
});
afterAll(() => cleanup());

async function zipdesk(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captured();
  const stderr = captured();
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, log: silentLog, signal: new AbortController().signal, cwd: dir });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A stream that keeps what is written to it. */
function captured(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

/**
 * The columns each text takes on a terminal, by Python's unicodedata (wcwidth's rule: East Asian
 * wide and fullwidth 2, marks, format characters and controls 0, others 1), not by our own count.
 */
function terminalColumns(texts: readonly string[]): number[] {
  const script = "import json,sys,unicodedata\nw=lambda s: sum(0 if unicodedata.category(c) in ('Mn','Me','Cf','Cc') else 2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)\nprint(json.dumps([w(t) for t in json.load(sys.stdin)]))";
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(texts) }).toString()) as number[];
}

function expectOneLineErrors(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m); // never a stack trace
  for (const line of stderr.trim().split('\n')) if (line !== '') expect(line).toMatch(/^zipdesk[ :]/);
}

describe('zipdesk list', () => {
  it('--json prints one object that agrees with python zipfile', async () => {
    const { code, stdout } = await zipdesk('list', 'good.zip', '--json');
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as { comment: string; entries: Record<string, unknown>[] };
    const python = JSON.parse(
      run('python3', ['-c', "import zipfile,json\nz=zipfile.ZipFile('good.zip')\nprint(json.dumps({'comment':z.comment.decode(),'entries':[{'name':i.filename,'size':i.file_size,'compressedSize':i.compress_size,'crc32':i.CRC,'method':i.compress_type,'modified':'%04d-%02d-%02dT%02d:%02d:%02d'%i.date_time,'isDirectory':i.is_dir(),'encrypted':bool(i.flag_bits&1)} for i in z.infolist()]}))"], dir),
    ) as typeof listed;
    expect(listed).toEqual(python);
    expect(Object.keys(listed.entries[0]!)).toEqual(['name', 'size', 'compressedSize', 'crc32', 'method', 'modified', 'isDirectory', 'encrypted']);
  });

  it('writes names that need escaping or are not ASCII exactly, in both forms', async () => {
    const names = ['naïve/€uro.txt', 'quote".txt', 'back\\slash', 'tab\there', '日本語.md', 'big'];
    run('python3', ['-c', `import zipfile,sys\nwith zipfile.ZipFile('names.zip','w',zipfile.ZIP_DEFLATED) as z:\n  for n in ${JSON.stringify(names)}: z.writestr(n, n * 40)`], dir);
    const json = await zipdesk('list', 'names.zip', '--json');
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as { entries: { name: string; size: number; crc32: number }[] };
    expect(listed.entries.map((e) => e.name)).toEqual(names);
    expect(listed.entries.map((e) => e.size)).toEqual(names.map((n) => Buffer.byteLength(n) * 40));
    expect(listed.entries[0]!.crc32).toBe(crc32(Buffer.from(names[0]!.repeat(40))));
    const table = await zipdesk('list', 'names.zip');
    const rows = table.stdout.split('\n').slice(2, 2 + names.length);
    rows.forEach((row, i) => {
      // The table shows a tab as unzip does (^I); the JSON above has the name exactly.
      expect(row.endsWith(`  ${names[i]!.replace('\t', '^I')}`)).toBe(true);
      expect(row).toMatch(new RegExp(`^\\s+${Buffer.byteLength(names[i]!) * 40}  Defl:N \\s+\\d+ \\s*\\d+% \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ${crc32(Buffer.from(names[i]!.repeat(40))).toString(16).padStart(8, '0')}  `));
    });
  });

  it('lists a damaged record (a ZIP64 marker without its value) with the rest, names its problem, and exits 1', async () => {
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('damaged.zip', 'w') as z:
    for n in ('good1.txt', 'bad.txt', 'good2.txt'): z.writestr(n, n)
d = bytearray(open('damaged.zip', 'rb').read())
second = d.find(b'PK\\x01\\x02', d.find(b'PK\\x01\\x02') + 1)
d[second + 20:second + 24] = b'\\xff\\xff\\xff\\xff'
open('damaged.zip', 'wb').write(d)
`], dir);
    for (const json of [false, true]) {
      const listed = await zipdesk('list', 'damaged.zip', ...(json ? ['--json'] : []));
      expect(listed.code).toBe(1);
      expect(listed.stderr).toMatch(/^zipdesk: damaged\.zip: bad\.txt: central record has compressed size 0xffffffff but no ZIP64 extra field value for it\n$/);
      const names = json ? (JSON.parse(listed.stdout) as { entries: { name: string }[] }).entries.map((e) => e.name) : listed.stdout.split('\n').slice(2, 5).map((row) => row.split(/\s+/).at(-1));
      expect(names).toEqual(['good1.txt', 'bad.txt', 'good2.txt']);
    }
    // The size whose value is missing shows as "?", and so does the ratio; the totals leave that
    // record out (its raw 0xffffffff would swamp them): 9 + 9 bytes, stored.
    const table = (await zipdesk('list', 'damaged.zip')).stdout.trim().split('\n');
    expect(table[3]).toMatch(/^ {7}7 {2}Stored {8}\? {4}\? \d{4}-\d\d-\d\d \d\d:\d\d [0-9a-f]{8} {2}bad\.txt$/);
    expect(table.at(-1)).toMatch(/^\s+18\s+18\s+0%\s+3 files$/);
  });

  it('writes a size past 2^53 with the same exact digits in its row, the totals, the JSON and test\'s message; a count past 2^53 likewise', async () => {
    // A ZIP64 size of 0xFFFFFFFFFFFFFFFF: a number holds it as 2^64, written digit for digit (the
    // row said 18446744073709552046, digits a double's remainders made up, and the totals, the
    // JSON and the messages each their own).
    const zip64 = Buffer.alloc(8, 0xff);
    const huge = writeArchive(dir, 'huge-size.zip', craftZip([{ name: 'a', data: 'hello', method: 0, central: { uncompressedSize: 0xffffffff }, centralExtra: extraField(0x0001, zip64) }]));
    const exact = (2n ** 64n).toString();
    const table = await zipdesk('list', huge);
    const lines = table.stdout.split('\n');
    expect(lines[2]).toMatch(new RegExp(`^${exact}  Stored        5 100% `));
    expect(lines[4]).toMatch(new RegExp(`^${exact}                5 100% `));
    // (Read as text: JSON.parse would round it again.)
    expect((await zipdesk('list', '--json', huge)).stdout).toContain(`"size":${exact},`);
    expect((await zipdesk('test', huge)).stderr).toBe(`zipdesk: ${huge}: a: stored entry has compressed size 5 but uncompressed size ${exact}\n`);
    // inspect's line of the disagreement too (its field shows the bytes stored, 18446744073709551615).
    expect((await zipdesk('inspect', huge, 'a')).stdout).toContain(`≠ uncompressedSize: local 5, central ${exact}\n`);
    // A ZIP64 end record that counts 0xFFFFFFFFFFFFFFFF entries (Go's CVE-2021-33196 archive).
    const many = messWith(craftZip([{ name: 'a', data: 'hello', method: 0 }], '', { zip64End: {} }), (bytes) => {
      const record = bytes.length - END_OF_CENTRAL_DIRECTORY.size - ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR.size - ZIP64_END_OF_CENTRAL_DIRECTORY.size;
      for (const field of ['numberOfCentralDirectoryRecordsOnThisDisk', 'totalNumberOfCentralDirectoryRecords'] as const) {
        bytes.writeBigUInt64LE(2n ** 64n - 1n, record + ZIP64_END_OF_CENTRAL_DIRECTORY.offsetOf[field]);
      }
    });
    const counted = await zipdesk('list', writeArchive(dir, 'huge-count.zip', many));
    expect(counted.stderr).toMatch(new RegExp(`: the archive declares ${exact} entries, but the \\d+ bytes from its central directory`));
  });

  it('prints a table like unzip -v', async () => {
    const { code, stdout } = await zipdesk('list', 'good.zip');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('a comment');
    expect(lines[1]).toMatch(/Length\s+Method\s+Size\s+Cmpr\s+Date\s+Time\s+CRC-32\s+Name/);
    expect(lines.find((l) => l.endsWith(' src/a.txt'))).toMatch(/^\s+600\s+Defl:N\s+\d+\s+\d+%\s+\d{4}-\d\d-\d\d \d\d:\d\d [0-9a-f]{8}\s+src\/a\.txt$/);
    expect(lines.at(-1)).toMatch(/3 files$/);
  });

  it('shows an entry encrypted by zip -P without its 12-byte encryption header in the table, as unzip -v does; --json gives the stored size', async () => {
    const made = path.join(dir, 'to-encrypt');
    mkdirSync(made, { recursive: true });
    writeFileSync(path.join(made, 'text.txt'), 'encrypted words '.repeat(60));
    writeFileSync(path.join(made, 'one.txt'), 'x');
    run('zip', ['-q', '-P', 'secret', '../encrypted.zip', 'text.txt', 'one.txt'], made);
    const table = await zipdesk('list', 'encrypted.zip');
    expect([table.code, table.stderr]).toEqual([0, '']);
    // Row for row and in the totals, the same sizes and ratios as unzip -v (one byte stored is
    // 1 and 0%, not 13 and -1200%); our rows add " (encrypted)" after the name.
    const unzip = run('unzip', ['-v', 'encrypted.zip'], dir);
    expect(table.stdout.replaceAll(' (encrypted)\n', '\n')).toBe(unzip.slice(unzip.indexOf('\n') + 1));
    expect(table.stdout).toMatch(/^ {7}1 {2}Stored {8}1 {3}0% .* {2}one\.txt \(encrypted\)$/m);
    // The JSON's compressedSize is the stored field as it is, header and all, as Python's compress_size.
    const json = JSON.parse((await zipdesk('list', 'encrypted.zip', '--json')).stdout) as { entries: { name: string; compressedSize: number; encrypted: boolean }[] };
    const python = run('python3', ['-c', "import zipfile\nfor i in zipfile.ZipFile('encrypted.zip').infolist(): print(i.filename, i.compress_size)"], dir);
    expect(json.entries.map((e) => `${e.name} ${e.compressedSize}\n`).join('')).toBe(python);
    expect(json.entries.find((e) => e.name === 'one.txt')).toMatchObject({ compressedSize: 13, encrypted: true });
  });

  it('shows an entry 7-Zip encrypted with AES in the method of its data (its 0x9901 field), without what the encryption adds, as "encrypted, AES-256"; test says which encryption', async () => {
    const made = path.join(dir, 'to-aes');
    mkdirSync(made, { recursive: true });
    writeFileSync(path.join(made, 'text.txt'), 'encrypted words '.repeat(60));
    writeFileSync(path.join(made, 'one.txt'), 'x');
    run('7z', ['a', '-tzip', '-psecret', '-mem=AES256', '../aes256.zip', 'text.txt', 'one.txt'], made);
    run('7z', ['a', '-tzip', '-psecret', '-mem=AES128', '-mx=0', '../aes128.zip', 'one.txt'], made);
    // 7-Zip's own words for each entry's method: "AES-256 Deflate", "AES-256 Store".
    const sevenZip = run('7z', ['l', '-slt', 'aes256.zip'], dir);
    expect(sevenZip).toMatch(/Path = text\.txt\n(?:.*\n)*?Method = AES-256 Deflate\n/);
    expect(sevenZip).toMatch(/Path = one\.txt\n(?:.*\n)*?Method = AES-256 Store\n/);
    const table = await zipdesk('list', 'aes256.zip');
    expect([table.code, table.stderr]).toEqual([0, '']);
    // The data's method, and sizes less the 28 bytes AES-256 adds (salt, verifier, MAC): one byte
    // stored is 1 and 0%, where the row said "AES 29 -2800%".
    expect(table.stdout).toMatch(/^ {5}960 {2}Defl:N +\d+ +\d+% .* {2}text\.txt \(encrypted, AES-256\)$/m);
    expect(table.stdout).toMatch(/^ {7}1 {2}Stored {8}1 {3}0% .* {2}one\.txt \(encrypted, AES-256\)$/m);
    expect((await zipdesk('list', 'aes128.zip')).stdout).toMatch(/^ {7}1 {2}Stored {8}1 {3}0% .* {2}one\.txt \(encrypted, AES-128\)$/m);
    // The JSON gives the stored fields as they are, as Python's zipfile does (method 99).
    const json = JSON.parse((await zipdesk('list', 'aes256.zip', '--json')).stdout) as { entries: { name: string; method: number; compressedSize: number; encrypted: boolean }[] };
    expect(json.entries.find((e) => e.name === 'one.txt')).toMatchObject({ method: 99, compressedSize: 29, encrypted: true });
    const tested = await zipdesk('test', 'aes256.zip');
    expect(tested.code).toBe(1);
    expect(tested.stderr).toBe('zipdesk: aes256.zip: one.txt: entry is encrypted (AES-256)\nzipdesk: aes256.zip: text.txt: entry is encrypted (AES-256)\n');
    expect((await zipdesk('test', 'aes128.zip')).stderr).toBe('zipdesk: aes128.zip: one.txt: entry is encrypted (AES-128)\n');
  });

  it('shows each entry\'s comment under its row as unzip -v does, and in the JSON as Python\'s zipfile gives it', async () => {
    const script = [
      'import zipfile',
      "with zipfile.ZipFile('entry-comments.zip', 'w', zipfile.ZIP_DEFLATED) as z:",
      "  for name, comment in [('plain.txt', 'first note'), ('caf\\u00e9.txt', 'deuxi\\u00e8me note'), ('none.txt', ''), ('dir/', 'a folder')]:",
      '    info = zipfile.ZipInfo(name, (2020, 1, 2, 3, 4, 6))',
      "    info.comment = comment.encode('utf-8')",
      "    z.writestr(info, '' if name.endswith('/') else name * 20)",
    ].join('\n');
    run('python3', ['-c', script], dir);
    const table = await zipdesk('list', 'entry-comments.zip');
    expect([table.code, table.stderr]).toEqual([0, '']);
    const unzip = run('unzip', ['-v', 'entry-comments.zip'], dir);
    expect(table.stdout).toBe(unzip.slice(unzip.indexOf('\n') + 1));
    expect(table.stdout).toMatch(/ plain\.txt\nfirst note\n/);
    const json = JSON.parse((await zipdesk('list', 'entry-comments.zip', '--json')).stdout) as { entries: { name: string; comment?: string }[] };
    const python = JSON.parse(run('python3', ['-c', "import zipfile,json\nprint(json.dumps([[i.filename, i.comment.decode()] for i in zipfile.ZipFile('entry-comments.zip').infolist()]))"], dir)) as [string, string][];
    expect(json.entries.map((e) => [e.name, e.comment ?? ''])).toEqual(python);
    // Written only for an entry that has one: a row without keeps its eight keys.
    expect(Object.keys(json.entries.find((e) => e.name === 'none.txt')!)).not.toContain('comment');
  });

  it('shows a DOS time in a daylight-saving gap of the local zone as stored, as unzip -v does, not an hour later (TZ=Europe/Berlin, 2021-03-28 02:30)', () => {
    const bin = path.join(projectRoot, 'bin/zipdesk.js');
    if (!existsSync(path.join(projectRoot, 'build/src-main/cli/main.js'))) throw new Error('run `npm run build:node` first');
    // 02:00 to 03:00 on 2021-03-28 never happened in Berlin: clocks went from 02:00 CET to 03:00 CEST.
    const dosDate = ((2021 - 1980) << 9) | (3 << 5) | 28;
    const dosTime = (2 << 11) | (30 << 5);
    const stamp = Buffer.alloc(5);
    stamp.writeUInt8(1, 0); // modification time only
    stamp.writeUInt32LE(Date.UTC(2021, 2, 28, 1, 30) / 1000, 1); // an instant: 03:30 CEST
    writeArchive(dir, 'gap.zip', craftZip([
      // Listed from the record's own fields (a plain record), and through its entry (a name not ASCII).
      { name: 'gap.txt', data: 'in the gap', method: 0, dosDate, dosTime },
      { name: 'gap-\u00e9.txt', data: 'in the gap too', method: 0, dosDate, dosTime },
      // An extended timestamp is an instant, shown in local time (as unzip does with it).
      { name: 'stamped.txt', data: 'an instant', method: 0, dosDate, dosTime, centralExtra: extraField(0x5455, stamp) },
    ]));
    const env = { ...process.env, TZ: 'Europe/Berlin', XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' };
    const listed = (...args: string[]) => spawnSync(process.execPath, [bin, 'list', 'gap.zip', ...args], { cwd: dir, encoding: 'utf8', env });
    const upToCrc = (table: string): string[] => table.split('\n').filter((line) => / [0-9a-f]{8}  /.test(line)).map((line) => line.replace(/( [0-9a-f]{8})  .*$/, '$1'));
    const table = listed();
    expect([table.status, table.stderr]).toEqual([0, '']);
    expect(upToCrc(table.stdout).map((row) => /\d{4}-\d\d-\d\d \d\d:\d\d/.exec(row)?.[0])).toEqual(['2021-03-28 02:30', '2021-03-28 02:30', '2021-03-28 03:30']);
    expect(upToCrc(table.stdout)).toEqual(upToCrc(spawnSync('unzip', ['-v', 'gap.zip'], { cwd: dir, encoding: 'utf8', env }).stdout));
    const json = listed('--json');
    expect((JSON.parse(json.stdout) as { entries: { modified: string }[] }).entries.map((e) => e.modified)).toEqual(['2021-03-28T02:30:00', '2021-03-28T02:30:00', '2021-03-28T03:30:00']);
    // Python's zipfile gives the DOS fields as stored.
    expect(run('python3', ['-c', "import zipfile\nprint(zipfile.ZipFile('gap.zip').infolist()[0].date_time)"], dir)).toBe('(2021, 3, 28, 2, 30, 0)\n');
  });

  it('lists plain records from their own fields exactly as it lists entries', async () => {
    // Plain records (printable ASCII names; no extra fields but Info-ZIP's time and ids) are
    // listed without making their entries; every other record through its entry. Archives from
    // four writers mix both; each row must say what the reader's entry says.
    const tree = path.join(dir, 'mixed');
    mkdirSync(path.join(tree, 'sub dir/deeper'), { recursive: true });
    writeFileSync(path.join(tree, 'plain.txt'), 'plain '.repeat(50));
    writeFileSync(path.join(tree, 'sub dir/quote".txt'), 'q');
    writeFileSync(path.join(tree, 'sub dir/deeper/caf\u00e9.txt'), 'accent');
    const archives = ['zip.zip', 'zip-encrypted.zip', '7z.zip', 'python.zip'];
    run('zip', ['-qr', '../zip.zip', '.'], tree);
    run('zip', ['-qr', '-P', 'secret', '../zip-encrypted.zip', 'plain.txt'], tree);
    run('7z', ['a', '-tzip', '-bd', '../7z.zip', '.'], tree);
    // ZIP64 extra fields from the second entry on (python writes them past ZIP64_LIMIT).
    run('python3', ['-c', "import zipfile\nzipfile.ZIP64_LIMIT = 40\nwith zipfile.ZipFile('python.zip','w') as z:\n  for n in ['a.txt','b back\\\\slash','c/','d.txt']: z.writestr(n, n * 10)"], dir);
    let plain = 0;
    let other = 0;
    for (const name of archives) {
      const source = await openFileSource(path.join(dir, name));
      const reader = await openZip(source);
      const entries = await reader.readEntries();
      for await (const batch of reader.recordBatches((buf, at, values) => isPlainRecord(buf, at, values))) for (const isPlain of batch) isPlain ? plain++ : other++;
      await source.close();
      const listed = JSON.parse((await zipdesk('list', name, '--json')).stdout) as { entries: unknown[] };
      expect(listed.entries, name).toEqual(
        entries.map((e) => ({ name: e.name, size: e.uncompressedSize, compressedSize: e.compressedSize, crc32: e.crc32, method: e.compressionMethod, modified: e.modifiedFrom === 'dos' ? dosLocalIsoTime(e.lastModFileDate, e.lastModFileTime) : localIsoTime(e.modified), isDirectory: e.isDirectory, encrypted: e.encrypted })),
      );
      const rows = (await zipdesk('list', name)).stdout.split('\n').slice(2, 2 + entries.length);
      expect(rows.map((row) => /^ *\d+  \S+ +\d+ +-?\d+% \d{4}-\d\d-\d\d \d\d:\d\d [0-9a-f]{8}  (.*)$/.exec(row)?.[1]), name).toEqual(entries.map((e) => (e.encrypted ? `${e.name} (encrypted)` : e.name)));
    }
    expect(plain).toBeGreaterThanOrEqual(5);
    expect(other).toBeGreaterThanOrEqual(5);
  });

  it('shows the rows before a damaged central record, then the error', async () => {
    const bytes = craftZip([{ name: 'first.txt', data: 'one' }, { name: 'second.txt', data: 'two' }]);
    const records = signatureOffsets(bytes, SIGNATURE.CENTRAL_DIRECTORY_HEADER);
    writeArchive(dir, 'damaged.zip', messWith(bytes, (b) => b.writeUInt32LE(0x01014b50, records[1]!)));
    const table = await zipdesk('list', 'damaged.zip');
    expect(table.code).toBe(1);
    expect(table.stdout.split('\n')[2]).toMatch(/  first\.txt$/);
    expect(table.stdout).not.toContain('second.txt');
    expect(table.stderr).toBe(`zipdesk: damaged.zip: bad central directory signature 0x01014b50 at offset ${records[1]} (record 1 of 2)\n`);
    // --json closes its object all the same: the rows before, and what stopped the listing.
    const json = await zipdesk('list', 'damaged.zip', '--json');
    expect([json.code, json.stderr]).toEqual([1, table.stderr]);
    expect(JSON.parse(json.stdout)).toMatchObject({ comment: '', entries: [{ name: 'first.txt' }], ok: false, error: { code: 'BAD_SIGNATURE', message: table.stderr.slice('zipdesk: damaged.zip: '.length, -1) } });
    expect(JSON.parse(json.stdout).entries).toHaveLength(1);
  });

  it('streams a directory of 70,000 entries', async () => {
    const many = path.join(dir, 'many.zip');
    run('python3', ['-c', "import zipfile\nwith zipfile.ZipFile('many.zip','w') as z:\n  for i in range(70000): z.writestr('d/%06d' % i, '')"], dir);
    const { code, stdout } = await zipdesk('list', many, '--json');
    expect(code).toBe(0);
    const entries = (JSON.parse(stdout) as { entries: { name: string }[] }).entries;
    expect(entries).toHaveLength(70000);
    expect(entries[69999]!.name).toBe('d/069999');
  });
});

describe('zipdesk test and extract', () => {
  it('an empty ARCHIVE (a quoted variable left unset) is a usage error, exit 2', async () => {
    for (const argv of [['list', ''], ['test', ''], ['inspect', ''], ['extract', '', '-o', 'out']]) {
      const result = await zipdesk(...argv);
      expect([result.code, result.stderr.split('\n')[0]], argv.join(' ')).toEqual([2, `zipdesk ${argv[0]}: ARCHIVE is an empty path (an unset variable?)`]);
    }
  });

  it('test exits 0 on a good archive and 1 with one line per bad entry', async () => {
    expect(await zipdesk('test', 'good.zip')).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^No errors detected/) });
    const bad = craftZip([{ name: 'x.txt', data: 'x'.repeat(100), crc32: 1 }, { name: 'y.txt', data: 'y', method: 12 }, { name: 'z.txt', data: 'z' }]);
    writeArchive(dir, 'bad.zip', bad);
    const result = await zipdesk('test', 'bad.zip');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `zipdesk: bad.zip: x.txt: CRC-32 is 0x${crc32('x'.repeat(100)).toString(16).padStart(8, '0')}, the central directory says 0x00000001`,
      'zipdesk: bad.zip: y.txt: unsupported compression method 12 (BZIP2)',
    ]);
    expect(result.stdout).toBe('2 of 3 entries in bad.zip are bad.\n');
    writeArchive(dir, 'one-bad.zip', craftZip([{ name: 'x.txt', data: 'x', crc32: 1 }]));
    expect((await zipdesk('test', 'one-bad.zip')).stdout).toBe('1 of 1 entry in one-bad.zip is bad.\n');
  });

  it('a count of 1 says "1 byte", "1 entry", "1 file": a test of one 1-byte entry, its listing\'s totals, an extract of it, a file too small to be an archive', async () => {
    writeArchive(dir, 'one.zip', craftZip([{ name: 'one.txt', data: 'x' }]));
    expect((await zipdesk('list', 'one.zip')).stdout.trimEnd().split('\n').at(-1)).toMatch(/^ +1 +3 +-200% +1 file$/);
    expect(await zipdesk('test', 'one.zip')).toEqual({ code: 0, stderr: '', stdout: 'No errors detected in one.zip (1 entry, 1 byte).\n' });
    expect((await zipdesk('extract', 'one.zip', '-o', 'one-out')).stdout).toBe(`Extracted 1 file, 0 folders (1 byte) to one-out.\n`);
    writeFileSync(path.join(dir, 'tiny.zip'), 'P');
    expect((await zipdesk('test', 'tiny.zip')).stderr).toBe('zipdesk: tiny.zip: the file is 1 byte, too small to hold an end of central directory record (22 bytes)\n');
  });

  it('test passes an archive whose entries are all good with a warning line for what is off about the archive; inspect shows it in the safety report', async () => {
    const plain = craftZip([{ name: 'a.txt', data: 'alpha', method: 0 }, { name: 'b.txt', data: 'bravo', method: 0 }]);
    writeArchive(dir, 'slack.zip', withBytesBeforeEnd(plain, Buffer.alloc(16), true));
    const note = `16 bytes after the last central directory record, within the directory the end record declares (at offset ${plain.length - 22}, ignored)`;
    const tested = await zipdesk('test', 'slack.zip');
    expect(tested).toEqual({ code: 0, stderr: `zipdesk: slack.zip: warning: ${note}\n`, stdout: 'No errors detected in slack.zip (2 entries, 10 bytes), with 1 warning about the archive.\n' });
    const json = await zipdesk('test', '--json', 'slack.zip');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ archive: 'slack.zip', problems: [], entriesTotal: 2, entriesTested: 2, bytesTested: 10, notes: [{ code: 'DIRECTORY_SLACK', message: note, params: { bytes: 16, offset: plain.length - 22 } }], ok: true });
    // Bad entries as well: their lines, then the warning; exit 1 for the entries.
    writeArchive(dir, 'slack-bad.zip', withBytesBeforeEnd(craftZip([{ name: 'a.txt', data: 'alpha', method: 0, crc32: 1 }, { name: 'b.txt', data: 'bravo', method: 0 }]), Buffer.alloc(16), true));
    const bad = await zipdesk('test', 'slack-bad.zip');
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')).toEqual([expect.stringMatching(/^zipdesk: slack-bad\.zip: a\.txt: CRC-32 is /), `zipdesk: slack-bad.zip: warning: ${note}`, '']);
    const inspected = await zipdesk('inspect', 'slack.zip');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(`Safety report: CAUTION\n  2 entries (2 files, 0 folders, 0 links), 10 bytes uncompressed, 10 compressed\n  highest compression ratio: 1:1 (a.txt)\n  ! ${note}\n`);
    expect(JSON.parse((await zipdesk('inspect', '--json', 'slack.zip')).stdout).safety.archiveNotes).toEqual([{ code: 'DIRECTORY_SLACK', message: note, params: { bytes: 16, offset: plain.length - 22 } }]);
  });

  it('test says in one line that it read around an end record whose offsets miss data put in front of the archive, and exits 0; inspect says it once, in the safety report', async () => {
    writeArchive(dir, 'prefixed.zip', Buffer.concat([Buffer.from('#!/bin/sh\nexit 0\n'), readFileSync(good)]));
    const note = '17 bytes before the archive that its offsets do not count (data put in front of it, or a self-extractor whose offsets were not adjusted): every offset is read 17 bytes further on';
    const tested = await zipdesk('test', 'prefixed.zip');
    expect(tested).toMatchObject({ code: 0, stderr: `zipdesk: prefixed.zip: warning: ${note}\n`, stdout: expect.stringMatching(/^No errors detected in prefixed\.zip \(3 entries, \d+ bytes\), with 1 warning about the archive\.\n$/) });
    const inspected = await zipdesk('inspect', 'prefixed.zip');
    expect(inspected.stdout.split(note)).toHaveLength(2);
    expect(inspected.stdout).toContain(`Safety report: CAUTION\n`);
    expect(inspected.stdout).toContain(`  ! ${note}\n`);
  });

  it('test warns of data after the end record, saying how many bytes, and exits 0; inspect says it once, in the safety report', async () => {
    const plain = readFileSync(good);
    writeArchive(dir, 'trailing.zip', Buffer.concat([plain, Buffer.from('trailing garbage')]));
    const note = `16 bytes after the end record (at offset ${plain.length}, ignored)`;
    const tested = await zipdesk('test', 'trailing.zip');
    expect(tested).toMatchObject({ code: 0, stderr: `zipdesk: trailing.zip: warning: ${note}\n`, stdout: expect.stringMatching(/^No errors detected in trailing\.zip \(3 entries, \d+ bytes\), with 1 warning about the archive\.\n$/) });
    const inspected = await zipdesk('inspect', 'trailing.zip');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(`Safety report: CAUTION\n`);
    expect(inspected.stdout).toContain(`  ! ${note}\n`);
    // (The end record's comment length says it too, as a field's meaning; the Archive line's own words are gone.)
    expect(inspected.stdout).not.toContain('bytes follow the end record');
  });

  it('list and extract warn of what is off about the archive as test does, on stderr after the rest: the table, the JSON and the exit code stay as for the archive without it', async () => {
    const stub = Buffer.from('#!/bin/sh\nexit 0\n');
    writeArchive(dir, 'stub-and-tail.zip', Buffer.concat([stub, readFileSync(good), Buffer.from('trailing garbage')]));
    const warnings =
      `zipdesk: stub-and-tail.zip: warning: 17 bytes before the archive that its offsets do not count (data put in front of it, or a self-extractor whose offsets were not adjusted): every offset is read 17 bytes further on\n` +
      `zipdesk: stub-and-tail.zip: warning: 16 bytes after the end record (at offset ${stub.length + readFileSync(good).length}, ignored)\n`;
    // The same lines test gives.
    expect((await zipdesk('test', 'stub-and-tail.zip')).stderr).toBe(warnings);
    for (const json of [[], ['--json']]) {
      const listed = await zipdesk('list', 'stub-and-tail.zip', ...json);
      expect([listed.code, listed.stderr]).toEqual([0, warnings]);
      expect(listed.stdout).toBe((await zipdesk('list', 'good.zip', ...json)).stdout);
    }
    // unzip warns of the stub when it lists, too.
    expect(spawnSync('unzip', ['-l', 'stub-and-tail.zip'], { cwd: dir, encoding: 'utf8' }).stderr).toContain('warning [stub-and-tail.zip]:  17 extra bytes at beginning or within zipfile');
    const extracted = await zipdesk('extract', 'stub-and-tail.zip', '-o', 'noted');
    expect(extracted).toEqual({ code: 0, stderr: warnings, stdout: `Extracted 2 files, 1 folder (604 bytes) to noted.\n` });
    expect(readFileSync(path.join(dir, 'noted/src/a.txt'), 'utf8')).toBe('alpha\n'.repeat(100));
    const json = await zipdesk('extract', 'stub-and-tail.zip', '-o', 'noted-json', '--json');
    expect([json.code, json.stderr, JSON.parse(json.stdout).ok]).toEqual([0, warnings, true]);
    // After the lines of names that matched nothing (exit 1 for those, as without the warnings).
    const unmatched = await zipdesk('extract', 'stub-and-tail.zip', '-o', 'noted-some', 'src/a.txt', 'nosuch.txt');
    expect([unmatched.code, unmatched.stderr]).toEqual([1, `zipdesk: stub-and-tail.zip: nosuch.txt: no entry by this name\n${warnings}`]);
    // An archive with nothing off gets no line.
    expect((await zipdesk('list', 'good.zip')).stderr).toBe('');
  });

  it('inspect lists a file whose path is also a folder of other entries in the safety report', async () => {
    writeArchive(dir, 'file-folder.zip', craftZip([{ name: 'x', data: 'a file' }, { name: 'x/y', data: 'under it' }, { name: 'X2', data: 'a file' }, { name: 'x2/z', data: 'under it, but for case' }]));
    const inspected = await zipdesk('inspect', 'file-folder.zip');
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain(
      '  files that are also folders:\n    "x" is not a folder, but "x/y" lies in a folder of that path\n    "X2" is not a folder, but "x2/z" lies in "x2", the same path but for case (on macOS and Windows)\n',
    );
  });

  it('inspect says what names of one path differ by: case, or Unicode composition, where they look alike', async () => {
    writeArchive(dir, 'folded.zip', craftZip([{ name: 'README', data: 'r' }, { name: 'readme', data: 'r' }, { name: 'caf\u00e9.txt', data: 'c' }, { name: 'cafe\u0301.txt', data: 'c' }]));
    const inspected = await zipdesk('inspect', 'folded.zip');
    expect(inspected.code).toBe(0);
    // (Before: "paths differing only by case", of two names that show the same.)
    expect(inspected.stdout).toContain('  ! 2 paths named in more than one case or Unicode composition\n');
    expect(inspected.stdout).toContain(
      '  paths differing only by case or Unicode composition:\n    "README", "readme"\n    "caf\u00e9.txt", "cafe\u0301.txt" (by Unicode composition: é as one character, or as e and an accent)\n',
    );
  });

  it('extract writes into -o DIR, honours --overwrite, and reports refused entries', async () => {
    const out = path.join(dir, 'out');
    expect((await zipdesk('extract', 'good.zip', '-o', out)).code).toBe(0);
    expect(readFileSync(path.join(out, 'src/a.txt'), 'utf8')).toBe('alpha\n'.repeat(100));
    const again = await zipdesk('extract', 'good.zip', '-o', out);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Extracted 0 files, 0 folders (0 bytes) to ${out}; 2 skipped (name already taken).\n`);
    // Each skipped entry is its name and the reason in English, nothing more (the window's kind and paths stay out).
    const skippedJson = await zipdesk('extract', 'good.zip', '-o', out, '--json');
    expect(JSON.parse(skippedJson.stdout).skipped).toStrictEqual([
      { entry: 'src/a.txt', reason: 'src/a.txt already exists' },
      { entry: 'src/b.bin', reason: 'src/b.bin already exists' },
    ]);
    const renamed = await zipdesk('extract', 'good.zip', '-o', out, '--overwrite', 'rename', '--json');
    expect(JSON.parse(renamed.stdout).renamed).toEqual([
      { entry: 'src/a.txt', path: 'src/a (1).txt' },
      { entry: 'src/b.bin', path: 'src/b (1).bin' },
    ]);
    writeArchive(dir, 'slip.zip', craftZip([{ name: '../../slip.txt', data: 'x' }, { name: 'ok.txt', data: 'ok' }]));
    const slip = await zipdesk('extract', 'slip.zip', '-o', 'slip');
    expect(slip.code).toBe(1);
    expect(slip.stderr).toBe('zipdesk: slip.zip: ../../slip.txt: unsafe name "../../slip.txt": the name climbs out of the target folder with ".."\n');
    expect(existsSync(path.join(dir, 'slip/ok.txt'))).toBe(true);
  });

  it('extract says in one line that a link entry has an empty target, and extracts the rest', async () => {
    run('python3', ['-c', "import zipfile\nwith zipfile.ZipFile('empty-link.zip','w') as z:\n  i=zipfile.ZipInfo('link'); i.create_system=3; i.external_attr=0o120777<<16\n  z.writestr(i, b''); z.writestr('a.txt', 'a')"], dir);
    const result = await zipdesk('extract', 'empty-link.zip', '-o', 'empty-link');
    expect(result).toEqual({ code: 1, stderr: 'zipdesk: empty-link.zip: link: symbolic link target is empty\n', stdout: 'Extracted 1 file, 0 folders (1 byte) to empty-link; 1 could not be extracted.\n' });
    expect(readdirSync(path.join(dir, 'empty-link'))).toEqual(['a.txt']);
  });

  it('extract of named entries names each name that matched nothing, extracts the rest, and exits 1', async () => {
    const some = await zipdesk('extract', 'good.zip', '-o', 'picked', 'src/a.txt', 'nosuch.txt', 'nodir/', 'src/');
    expect(some.code).toBe(1);
    expect(some.stderr).toBe('zipdesk: good.zip: nosuch.txt: no entry by this name\nzipdesk: good.zip: nodir/: no entry by this name\n');
    expect(readFileSync(path.join(dir, 'picked/src/a.txt'), 'utf8')).toBe('alpha\n'.repeat(100));
    const none = await zipdesk('extract', 'good.zip', '-o', 'picked2', 'nosuch.txt');
    expect(none).toMatchObject({ code: 1, stderr: 'zipdesk: good.zip: nosuch.txt: no entry by this name\n', stdout: '' });
    const noneJson = await zipdesk('extract', '--json', 'good.zip', '-o', 'picked2', 'nosuch.txt');
    expect(noneJson.code).toBe(1);
    // "ok" agrees with the exit code.
    expect(JSON.parse(noneJson.stdout)).toMatchObject({ archive: 'good.zip', problems: [], entriesTotal: 0, filesWritten: 0, ok: false, unmatched: ['nosuch.txt'] });
    const someJson = await zipdesk('extract', '--json', 'good.zip', '-o', 'picked4', 'src/a.txt', 'nosuch.txt');
    expect([someJson.code, JSON.parse(someJson.stdout)]).toMatchObject([1, { filesWritten: 1, ok: false, unmatched: ['nosuch.txt'] }]);
    expect((await zipdesk('extract', 'good.zip', '-o', 'picked3', 'src/b.bin')).code).toBe(0);
  });
});

describe('zipdesk extract and test on Ctrl-C', () => {
  it('exit 130 like create and batch, with one line and nothing written', async () => {
    for (const argv of [['extract', 'good.zip', '-o', 'interrupted'], ['test', 'good.zip'], ['list', 'good.zip'], ['list', 'good.zip', '--json'], ['inspect', 'good.zip']]) {
      const controller = new AbortController();
      controller.abort(); // Ctrl-C arrived: the command stops at its first check
      const stdout = captured();
      const stderr = captured();
      const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, log: silentLog, signal: controller.signal, cwd: dir });
      expect(code, argv[0]).toBe(130);
      expect(stderr.text()).toBe('zipdesk: good.zip: cancelled\n');
      if (argv[1] === 'good.zip' && argv[2] === '--json') expect(JSON.parse(stdout.text())).toMatchObject({ comment: 'a comment', ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
    }
    expect(existsSync(path.join(dir, 'interrupted/src'))).toBe(false);
  });

  it('extract --json stopped after problems were heard: each problem found is said, and the object is closed with the failure', async () => {
    // 2,000 unsafe names in the directory's first part (2,048 records); Ctrl-C as the first lines
    // are written (the first 64 KiB of them).
    const entries = Array.from({ length: 5000 }, (_, i) => ({ name: i < 2000 ? `../up${i}` : `d${i % 7}/f${i}.txt`, data: `file ${i}` }));
    writeArchive(dir, 'stopped.zip', craftZip(entries));
    const controller = new AbortController();
    const stdout = captured();
    const stderr = captured();
    const write = stderr.stream.write.bind(stderr.stream) as (...args: unknown[]) => boolean;
    stderr.stream.write = ((...args: unknown[]) => {
      controller.abort();
      return write(...args);
    }) as typeof stderr.stream.write;
    const code = await main(['extract', '--json', 'stopped.zip', '-o', 'stopped'], { stdout: stdout.stream, stderr: stderr.stream, log: silentLog, signal: controller.signal, cwd: dir });
    expect(code).toBe(130);
    const lines = stderr.text().trim().split('\n');
    expect(lines).toHaveLength(2001);
    expect(lines[1999]).toBe('zipdesk: stopped.zip: ../up1999: unsafe name "../up1999": the name climbs out of the target folder with ".."');
    expect(lines[2000]).toBe('zipdesk: stopped.zip: cancelled');
    const result = JSON.parse(stdout.text());
    expect(result.problems.map((p: { entry: string }) => p.entry)).toEqual(entries.slice(0, 2000).map((e) => e.name));
    expect(result).toMatchObject({ archive: 'stopped.zip', ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
    expect(readdirSync(path.join(dir, 'stopped'), { recursive: true }).filter((name) => String(name).includes('zipdesk-partial'))).toEqual([]);
  });
});

describe('zipdesk inspect', () => {
  it('shows an entry\'s local and central headers side by side and marks disagreements', async () => {
    writeArchive(dir, 'mismatch.zip', craftZip([{ name: 'shown.txt', data: 'x', localName: 'other.txt' }]));
    const { code, stdout } = await zipdesk('inspect', 'mismatch.zip', 'shown.txt');
    expect(code).toBe(0);
    expect(stdout).toMatch(/central directory header at offset \d+\s+local header at offset 0/);
    expect(stdout).toMatch(/^≠ fileName\s+@\d+ 73 68 6f 77 6e/m);
    expect(stdout).toMatch(/^ {2}crc32\s+@\d+ [0-9a-f ]+ = \d+ .*@14 /m);
    expect(stdout).toContain('≠ fileName: local "other.txt", central "shown.txt"');
  });

  it('without ENTRY shows the end record and the safety report; --json carries both', async () => {
    const { stdout } = await zipdesk('inspect', 'good.zip');
    expect(stdout).toMatch(/end of central directory record \(APPNOTE 4\.3\.16\) at offset \d+/);
    expect(stdout).toMatch(/offsetOfStartOfCentralDirectory\s+@\d+/);
    expect(stdout).toMatch(/Safety report: OK/);
    const json = JSON.parse((await zipdesk('inspect', 'good.zip', '--json')).stdout);
    expect(json.safety.entries).toBe(3);
    expect(json.archive.endOfCentralDirectory.fields[0]).toMatchObject({ name: 'signature', raw: '50 4b 05 06' });
  });

  it('words each link extraction refuses as extract refuses it: a target not UTF-8 with its bytes as \\xNN, an empty one as empty, one holding a NUL as such; counts of one in the singular', async () => {
    // Info-ZIP's zip stores a link's target as the file system holds it: Latin-1 here.
    mkdirSync(path.join(dir, 'latin1-in'));
    symlinkSync(Buffer.from('../caf\xe9', 'latin1'), Buffer.from(path.join(dir, 'latin1-in/up')));
    run('zip', ['-qy', '../up.zip', 'up'], path.join(dir, 'latin1-in'));
    const up = await zipdesk('inspect', 'up.zip');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^Archive: \d+ bytes, 1 entry$/m);
    expect(up.stdout).toContain(
      'Safety report: DANGEROUS\n  1 entry (0 files, 0 folders, 1 link), 7 bytes uncompressed, 7 compressed\n  highest compression ratio: 1:1 (up)\n' +
        '  ! 1 symbolic link that extraction refuses: its target leads outside the folder, is empty, holds a NUL byte or cannot be read\n' +
        '  links refused:\n    "up" -> "../caf\\xe9": the link points outside the folder it is extracted to\n',
    );
    // Python's zipfile writes what it is given: a link to nothing, and one whose target holds a NUL.
    run('python3', ['-c', `
import zipfile
with zipfile.ZipFile('odd-links.zip', 'w') as z:
    for name, target in (('empty', b''), ('nul', b'a\\x00b')):
        i = zipfile.ZipInfo(name); i.create_system = 3; i.external_attr = 0o120777 << 16
        z.writestr(i, target)
`], dir);
    const odd = await zipdesk('inspect', 'odd-links.zip');
    expect(odd.stdout).toContain(
      '  ! 2 symbolic links that extraction refuses: their targets lead outside the folder, are empty, hold a NUL byte or cannot be read\n' +
        '  links refused:\n    "empty" -> "": symbolic link target is empty\n    "nul" -> "a\\u0000b": symbolic link target holds a NUL byte, which no path may hold\n',
    );
    const extracted = await zipdesk('extract', 'odd-links.zip', '-o', 'odd-links');
    expect(extracted.stderr).toContain('zipdesk: odd-links.zip: empty: symbolic link target is empty\n');
  });

  it('names trailing bytes of an extra field area by their title, in the summary and the heading, and the window by the same', async () => {
    // An unknown field, then two bytes too few for a field's header: they have no header id (it printed as 0x00-1).
    const bytes = craftZip([{ name: 'a.txt', data: 'alpha', localExtra: Buffer.concat([extraField(0xbeef, Buffer.from('zz')), Buffer.from([1, 2])]) }]);
    writeArchive(dir, 'trailing.zip', bytes);
    const { code, stdout } = await zipdesk('inspect', 'trailing.zip', 'a.txt');
    expect(code).toBe(0);
    expect(stdout).toContain('= 8 bytes (0xbeef unknown extra field; trailing bytes)');
    expect(stdout).toContain('\nlocal extra field trailing bytes at offset 41, 2 bytes\n');
    expect(stdout).not.toContain('-1');
    const reader = await openZip(bufferSource(bytes));
    const window = await inspectEntryView(reader, (await reader.readEntries())[0]!);
    expect(window.localExtras.map((extra) => extra.title)).toEqual(['unknown extra field (0xbeef)', 'trailing bytes']);
  });

  it('keeps the local header\'s column in line beside names of wide characters, accents and controls', async () => {
    const names = ['日本語.txt', 'e\u0301\u0301.txt', '😀.txt', 'tab\there'];
    writeArchive(dir, 'wide-names.zip', craftZip(names.map((name) => ({ name, data: 'x' }))));
    const rows: string[] = [];
    for (const name of names) {
      const { code, stdout } = await zipdesk('inspect', 'wide-names.zip', name);
      expect(code).toBe(0);
      // The rows of the side by side (the field column is 2 + 28 + 1 wide, ASCII), up to the local header's cell.
      for (const line of stdout.split('\n\n')[0]!.split('\n').slice(2)) {
        const local = /  (@\d+ |—)/.exec(line.slice(31));
        if (local !== null) rows.push(line.slice(31, 31 + local.index));
      }
    }
    expect(rows.some((row) => row.includes('日本語.txt'))).toBe(true);
    expect(new Set(terminalColumns(rows))).toEqual(new Set([64]));
  });

  it('takes a folder by its name as typed (dir for dir/), shows every entry of a repeated name, and says when a name is a folder with no entry', async () => {
    writeArchive(dir, 'folders.zip', craftZip([{ name: 'sub/' }, { name: 'sub/b.txt', data: 'b' }, { name: 'd/x.txt', data: 'x' }, { name: 'two.txt', data: '1' }, { name: 'two.txt', data: '2' }]));
    const folder = await zipdesk('inspect', 'folders.zip', 'sub');
    expect(folder.code).toBe(0);
    expect(folder.stdout.match(/^Entry .*$/gm)).toEqual(['Entry 0: "sub/"']);
    expect(JSON.parse((await zipdesk('inspect', 'folders.zip', 'sub/', '--json')).stdout).entries.map((e: { index: number }) => e.index)).toEqual([0]);
    expect((await zipdesk('inspect', 'folders.zip', 'two.txt')).stdout.match(/^Entry .*$/gm)).toEqual(['Entry 3: "two.txt"', 'Entry 4: "two.txt"']);
    // d/ has no entry of its own (as Python, Explorer and zip -D write folders).
    for (const name of ['d', 'd/']) {
      expect(await zipdesk('inspect', 'folders.zip', name)).toMatchObject({ code: 1, stdout: '', stderr: `zipdesk: folders.zip: no entry named "${name}": a folder with no entry of its own (entries in it are named "d/…")\n` });
    }
  });

  it('an unknown entry is a problem with the archive (exit 1)', async () => {
    const result = await zipdesk('inspect', 'good.zip', 'nope');
    expect(result).toMatchObject({ code: 1, stderr: 'zipdesk: good.zip: no entry named "nope"\n' });
  });
});

describe('where the commands log', () => {
  it.each(['list', 'inspect', 'test'])("%s files the reader's records under archives, not cli (README: modules)", async (command) => {
    const records: LogRecord[] = [];
    const log = recordingLog((record) => records.push(record), { module: 'cli' });
    const code = await main([command, 'good.zip'], { stdout: captured().stream, stderr: captured().stream, log, signal: new AbortController().signal, cwd: dir });
    expect(code).toBe(0);
    const opened = records.find((record) => record.message === 'opened archive');
    expect(opened?.meta).toMatchObject({ module: 'archives' });
  });
});

describe('zipdesk usage and errors', () => {
  it.each([
    [[], 2],
    [['frob'], 2],
    [['list'], 2],
    [['list', 'a.zip', 'b.zip'], 2],
    [['list', 'good.zip', '--nope'], 2],
    [['extract', 'good.zip'], 2],
    [['extract', 'good.zip', '-o', 'x', '--overwrite', 'always'], 2],
    [['list', 'missing.zip'], 1],
    [['test', 'missing.zip'], 1],
  ])('zipdesk %j exits %i with one-line messages', async (argv, expected) => {
    const { code, stderr } = await zipdesk(...argv);
    expect(code).toBe(expected);
    expectOneLineErrors(stderr.split('\n').filter((l) => !l.startsWith('Usage') && !l.startsWith(' ') && l !== '' && !l.startsWith('Commands') && !l.startsWith('Exit codes') && !l.startsWith("Run '")).join('\n'));
  });

  it('shows control characters and bidirectional overrides in names as ^J, ^[, \\u202e: one line per problem, no terminal escapes', async () => {
    const name = 'bad\nzipdesk: ctl.zip: other.txt: fine \x1b[31mred\u202eexe.txt';
    const bytes = craftZip([{ name, data: 'hello world', crc32: 0x1234 }, { name: 'ok.txt', data: 'ok' }], 'two\nlines\x1b]0;title\x07');
    writeArchive(dir, 'ctl.zip', bytes);
    const shown = 'bad^Jzipdesk: ctl.zip: other.txt: fine ^[[31mred\\u202eexe.txt';
    const tested = await zipdesk('test', 'ctl.zip');
    expect(tested.code).toBe(1);
    expect(tested.stderr).toBe(`zipdesk: ctl.zip: ${shown}: CRC-32 is 0x${crc32(Buffer.from('hello world')).toString(16).padStart(8, '0')}, the central directory says 0x00001234\n`);
    const listed = await zipdesk('list', 'ctl.zip');
    expect(listed.stdout.split('\n').slice(0, 2)).toEqual(['two', 'lines^[]0;title^G']);
    expect(listed.stdout).toContain(`  ${shown}\n`);
    expect(listed.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    const inspected = await zipdesk('inspect', 'ctl.zip');
    expect(inspected.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
  });

  it('shows control characters in the paths of test\'s and extract\'s summary lines as ^[, ^J, as every other line does', async () => {
    const evil = 'x\x1b]0;PWNED\x07\nzipdesk: o';
    copyFileSync(good, path.join(dir, `${evil}.zip`));
    const tested = await zipdesk('test', `${evil}.zip`);
    expect([tested.code, tested.stdout]).toEqual([0, expect.stringMatching(/^No errors detected in x\^\[\]0;PWNED\^G\^Jzipdesk: o\.zip \(\d+ entries, [\d,]+ bytes\)\.\n$/)]);
    const extracted = await zipdesk('extract', 'good.zip', '-o', 'out\x1b[31m');
    expect([extracted.code, extracted.stdout]).toEqual([0, expect.stringMatching(/ to out\^\[\[31m\.\n$/)]);
    for (const text of [tested.stdout, extracted.stdout]) expect(text).not.toMatch(/[\u0007\u001b]/);
  });

  it("inspect cuts a cell of an extra field's 4,000 sub-fields to the column after its first 1,024 characters (it measured them all, for 447 s)", async () => {
    const extra = Buffer.concat(Array.from({ length: 4000 }, (_, k) => extraField(0xa000 + (k & 0xfff), Buffer.alloc(0))));
    writeArchive(dir, 'wide-extra.zip', craftZip([{ name: 'f', data: 'x', centralExtra: extra, localExtra: extra }]));
    const { code, stdout } = await zipdesk('inspect', 'wide-extra.zip', 'f');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}extraField {19}@\d+ 00 a0 00 00 01 a0 00 00 [0-9a-f ]+… {2}@\d+ 00 a0/m);
    // A cell of a character and 2,000 accents on it fits in a column, but only its first 1,024 characters are measured: cut.
    const { fitStart } = await import('../../src-main/cli/text-width.js');
    expect(fitStart(`a${'\u0301'.repeat(2000)}`, 64)).toBe(`a${'\u0301'.repeat(1023)}…${' '.repeat(62)}`);
    expect(fitStart(`a${'\u0301'.repeat(1000)}`, 64)).toBe(`a${'\u0301'.repeat(1000)}${' '.repeat(63)}`);
  });

  it('names the archive and says what is wrong with it', async () => {
    writeFileSync(path.join(dir, 'text.zip'), 'hello, this is not an archive');
    expect(await zipdesk('list', 'missing.zip')).toMatchObject({ stderr: 'zipdesk: missing.zip: cannot open: no such file or directory\n' });
    const notZip = await zipdesk('test', 'text.zip');
    expect(notZip.stderr).toMatch(/^zipdesk: text\.zip: .*end of central directory.*\n$/);
    // With --json, test and extract still write their one object, saying what stopped them.
    for (const argv of [['test', '--json', 'text.zip'], ['extract', '--json', 'text.zip', '-o', 'never']]) {
      const failed = await zipdesk(...argv);
      expect(failed.code).toBe(1);
      expect(JSON.parse(failed.stdout)).toEqual({ archive: 'text.zip', problems: [], ok: false, error: { code: 'NOT_A_ZIP', message: expect.stringMatching(/^not a ZIP archive: no end of central directory record/) } });
    }
    // So do list and inspect, in their own shapes.
    const notZipError = { code: 'NOT_A_ZIP', message: expect.stringMatching(/^not a ZIP archive: /) };
    const missingError = { code: 'IO', message: 'cannot open: no such file or directory' };
    for (const [argv, object] of [
      [['list', '--json', 'text.zip'], { comment: '', entries: [], ok: false, error: notZipError }],
      [['list', '--json', 'missing.zip'], { comment: '', entries: [], ok: false, error: missingError }],
      [['inspect', '--json', 'text.zip'], { ok: false, error: notZipError }],
      [['inspect', '--json', 'good.zip', 'no such entry'], { ok: false, error: { code: 'BAD_NAME', message: 'no entry named "no such entry"' } }],
      [['inspect', '--json', 'missing.zip'], { ok: false, error: missingError }],
    ] as const) {
      const failed = await zipdesk(...argv);
      expect([failed.code, failed.stderr.split('\n').length]).toEqual([1, 2]);
      expect(JSON.parse(failed.stdout), argv.join(' ')).toEqual(object);
    }
  });

  it('says how to give a name or a value that starts with a dash, in one line', async () => {
    const firstLines = async (...argv: string[]): Promise<[number, string]> => {
      const { code, stderr } = await zipdesk(...argv);
      return [code, stderr.split('\n')[0]!];
    };
    expect(await firstLines('list', '-x.zip')).toEqual([2, "zipdesk list: unknown option '-x' (a name that starts with '-' goes after --, or is written ./NAME)"]);
    expect(await firstLines('create', 'out.zip', 'src', '--comment', '-x')).toEqual([2, "zipdesk create: option '--comment' needs a value; one that starts with '-' is written --comment=-VALUE"]);
    expect(await firstLines('extract', 'good.zip', '-o', '-out')).toEqual([2, "zipdesk extract: option '-o' needs a value; one that starts with '-' is written --output=-VALUE or -o-VALUE"]);
    expect(await firstLines('extract', 'good.zip', '-o')).toEqual([2, "zipdesk extract: option '-o, --output' needs a value"]);
    expect(await firstLines('list', 'good.zip', '--json=yes')).toEqual([2, "zipdesk list: option '--json' does not take an argument"]);
  });

  it('takes -h and --help after -- as names, not as a request for help', async () => {
    writeArchive(dir, 'dashes.zip', craftZip([{ name: '-h', data: 'h' }, { name: '--help', data: 'help' }]));
    const extracted = await zipdesk('extract', 'dashes.zip', '-o', 'dashes', '--', '-h', '--help');
    expect(extracted).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(path.join(dir, 'dashes', '--help'), 'utf8')).toBe('help');
    expect((await zipdesk('inspect', 'dashes.zip', '--', '-h')).stdout).toMatch(/^Entry 0: "-h"\n/);
    expect((await zipdesk('list', '--help', '--', 'dashes.zip')).stdout).toMatch(/^Usage: zipdesk list /);
  });

  it('keeps the progress bar within the terminal\'s width, also for names of wide characters and on a narrow terminal', async () => {
    const folder = path.join(dir, 'wide-progress', '日本語のフォルダ日本語のフォルダ');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 12; i++) writeFileSync(path.join(folder, `ファイル名ファイル名ファイル名${i}.txt`), 'alpha beta gamma\n'.repeat(40_000 + i));
    for (const [columns, width] of [[70, 69], [40, 39], [20, 19], [0, 79]] as const) {
      const stderr = captured();
      Object.assign(stderr.stream, { isTTY: true, columns });
      const code = await main(['create', `wide-progress-${columns}.zip`, 'wide-progress'], { stdout: captured().stream, stderr: stderr.stream, log: silentLog, signal: new AbortController().signal, cwd: dir });
      expect(code).toBe(0);
      const draws = stderr.text().split('\r\x1b[K').filter((draw) => draw.startsWith('['));
      expect(draws.length).toBeGreaterThan(1);
      if (columns === 70) expect(draws.some((draw) => /[\u3040-\u30ff]/.test(draw))).toBe(true);
      expect(Math.max(...terminalColumns(draws)), `${columns} columns`).toBeLessThanOrEqual(width);
      // A narrow terminal sees the bar whole and its percentage (the bar shrinks, then the speed
      // and the ETA go), not a bar cut off midway.
      for (const draw of draws.filter((text) => !text.includes('finding files'))) expect(draw, `${columns} columns`).toMatch(/^\[[#-]{8,24}\] +\d+% /);
      if (columns === 40) expect(draws.some((draw) => /\/s ETA /.test(draw))).toBe(true);
    }
  });

  it('says plainly that an archive given is not a file, or that its name could not be read from the command line', async () => {
    mkdirSync(path.join(dir, 'a-folder.zip'));
    for (const command of ['list', 'test', 'inspect']) expect(await zipdesk(command, 'a-folder.zip'), command).toMatchObject({ code: 1, stderr: 'zipdesk: a-folder.zip: not a regular file\n' });
    // A Latin-1 name: Node reads the command line as UTF-8, and gives é's byte as U+FFFD.
    writeFileSync(Buffer.from(path.join(dir, 'caf\xe9.zip'), 'latin1'), readFileSync(good));
    expect(await zipdesk('list', 'caf\uFFFD.zip')).toMatchObject({
      code: 1,
      stderr: 'zipdesk: caf\uFFFD.zip: cannot open: no such file or directory (if its name is not UTF-8, it cannot be given as a path: Node reads the command line as UTF-8; rename the file)\n',
    });
  });

  it('help lists every command and exits 0', async () => {
    const { code, stdout } = await zipdesk('--help');
    expect(code).toBe(0);
    for (const name of ['list', 'inspect', 'test', 'extract']) expect(stdout).toContain(`zipdesk ${name} ARCHIVE`);
    expect((await zipdesk('help', 'extract')).stdout).toMatch(/--overwrite skip\|replace\|rename/);
    // -h before the command as after it: the command's usage (it gave the overview).
    for (const flag of ['-h', '--help']) expect(await zipdesk(flag, 'extract'), flag).toEqual(await zipdesk('extract', flag));
    expect((await zipdesk('-h', 'bogus')).code).toBe(2);
  });

  it('help words every command alike, and gives every exit code the README gives', async () => {
    const { stdout } = await zipdesk('help');
    const summaries = stdout.split('\n').filter((line) => line.startsWith('      '));
    expect(summaries).toHaveLength(6);
    for (const summary of summaries) expect(summary).toMatch(/^ {6}[A-Z].*\.$/);
    expect(stdout).toContain('Exit codes: 0 success, 1 a problem with an archive, 2 wrong usage, 130 cancelled by Ctrl-C.');
    for (const flag of ['-h', '--help']) expect(await zipdesk('help', flag), `help ${flag}`).toEqual({ code: 0, stdout, stderr: '' });
  });

  it('--version prints the version package.json gives', async () => {
    const { version } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await zipdesk('--version')).toEqual({ code: 0, stdout: `zipdesk ${version}\n`, stderr: '' });
    expect(spawnSync(process.execPath, [path.join(projectRoot, 'bin/zipdesk.js'), '--version'], { encoding: 'utf8' }).stdout).toBe(`zipdesk ${version}\n`);
  });

  it('bin/zipdesk.js runs the compiled command line', () => {
    const bin = path.join(projectRoot, 'bin/zipdesk.js');
    if (!existsSync(path.join(projectRoot, 'build/src-main/cli/main.js'))) throw new Error('run `npm run build:node` first');
    // Logging settings go to a fresh config folder, created quietly on first run.
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' };
    const ok = spawnSync(process.execPath, [bin, 'list', good, '--json'], { encoding: 'utf8', env });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).entries).toHaveLength(3);
    const usage = spawnSync(process.execPath, [bin, 'extract', good], { encoding: 'utf8', env });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^zipdesk extract: missing -o DIR\n/);
    // Started in a folder removed since: one line, no stack trace.
    const gone = path.join(dir, 'gone');
    mkdirSync(gone);
    const removed = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" list "$4"', 'sh', gone, process.execPath, bin, good], { encoding: 'utf8', env });
    expect([removed.status, removed.stdout, removed.stderr]).toEqual([1, '', 'zipdesk: cannot read the current folder (no such file or directory): it may have been removed; change to another folder\n']);
  });

  it.runIf(existsSync('/dev/full'))('bin/zipdesk.js says once that its output could not be written (a full disk), and exits 1; extract still writes every file', () => {
    const bin = path.join(projectRoot, 'bin/zipdesk.js');
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' };
    const full = openSync('/dev/full', 'w');
    try {
      // extract's summary line is its only output, written as it ends: it exited 0.
      for (const argv of [['list', good, '--json'], ['test', good], ['help'], ['extract', good, '-o', path.join(dir, 'full-disk'), '--json'], ['extract', good, '-o', path.join(dir, 'full-disk-text')]]) {
        const result = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', env, stdio: ['ignore', full, 'pipe'] });
        expect([result.status, result.stderr], argv.join(' ')).toEqual([1, 'zipdesk: cannot write to standard output: no space left on device\n']);
      }
      expect(readFileSync(path.join(dir, 'full-disk', 'src', 'a.txt'), 'utf8')).toBe('alpha\n'.repeat(100));
    } finally {
      closeSync(full);
    }
  });

  it('bin/zipdesk.js hands on a signal that comes while its modules load: the command stops cleanly and says so', () => {
    const bin = path.join(projectRoot, 'bin/zipdesk.js');
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' };
    // A SIGTERM sent while bin's own listener is the only one (the command line's modules still
    // loading): without it, the process would die of the signal, writing nothing.
    const killWhileLoading = `data:text/javascript,const t = setInterval(() => { const l = process.listeners('SIGTERM'); if (l.length === 1 && l[0].name === 'heardBeforeStart') { clearInterval(t); process.kill(process.pid, 'SIGTERM'); } }, 0); t.unref();`;
    const stopped = spawnSync(process.execPath, [`--import=${killWhileLoading}`, bin, 'list', good, '--json'], { encoding: 'utf8', env });
    expect([stopped.status, stopped.signal, stopped.stderr]).toEqual([128 + 15, null, `zipdesk: ${good}: cancelled\n`]);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: 'cancelled' } });
  });

  it('bin/zipdesk.js runs as a program (its first line gives node a small young generation and a bounded old one, and no extra certificates to read), and the threads it starts get their own, with V8\'s flags as they are by default', () => {
    const bin = path.join(projectRoot, 'bin/zipdesk.js');
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' };
    // Run as `npx zipdesk` runs it: the kernel reads the first line (`env -S` splits its flags).
    const ok = spawnSync(bin, ['list', good, '--json'], { encoding: 'utf8', env });
    expect(ok.stderr).toBe('');
    expect(JSON.parse(ok.stdout).entries).toHaveLength(3);
    // Node reads no file that NODE_EXTRA_CA_CERTS names: the first line empties it (run by node
    // itself, the bin has Node say that it cannot read this one).
    const certificates = { ...env, NODE_EXTRA_CA_CERTS: path.join(dir, 'no-such-certificates.pem') };
    expect(spawnSync(bin, ['list', good], { encoding: 'utf8', env: certificates }).stderr).toBe('');
    expect(spawnSync(process.execPath, [bin, 'list', good], { encoding: 'utf8', env: certificates }).stderr).toContain('Ignoring extra certs from');
    // What the bin relies on: after it clears the flags, a thread started later sizes its young
    // generation by its resourceLimits (48 MB: 16 MB a half), while this one keeps the flag's 4 MB
    // a half (new space counts both halves) and its old generation's limit; and V8's flags are
    // as a plain node's (cachedDataVersionTag hashes them), so that every thread uses the
    // compiled copies of Node's own modules (a flag left set made each thread compile them again).
    const text = readFileSync(bin, 'utf8');
    const words = text.split('\n')[0]!.split(/\s+/);
    const flags = words.slice(words.indexOf('node') + 1);
    expect(flags).toEqual(['--max-semi-space-size=4', '--max-old-space-size=1024']);
    const cleared = [...text.matchAll(/^v8\.setFlagsFromString\([^)]*\);$/gm)].map(([line]) => line);
    expect(cleared).toEqual(["v8.setFlagsFromString('--max-semi-space-size=0');", "v8.setFlagsFromString('--max-old-space-size=0');"]);
    const newSpace = "v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size";
    const grow = 'let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 200000) keep = []; }';
    const worker = `import v8 from 'node:v8'; import { parentPort } from 'node:worker_threads'; ${grow} parentPort.postMessage(${newSpace});`;
    const probe = `
      import v8 from 'node:v8';
      import { Worker } from 'node:worker_threads';
      ${cleared.join('\n')}
      const worker = new Worker(${JSON.stringify(worker)}, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
      const theirs = await new Promise((resolve) => worker.once('message', resolve));
      ${grow}
      console.log(JSON.stringify({ theirs, ours: ${newSpace}, limit: v8.getHeapStatistics().heap_size_limit, tag: v8.cachedDataVersionTag() }));`;
    const sizes = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(sizes.stderr).toBe('');
    const { theirs, ours, limit, tag } = JSON.parse(sizes.stdout) as { theirs: number; ours: number; limit: number; tag: number };
    expect(ours).toBeLessThanOrEqual(8 << 20);
    expect(theirs).toBeGreaterThanOrEqual(16 << 20);
    expect(limit).toBeLessThanOrEqual((1024 + 64) << 20);
    const plain = spawnSync(process.execPath, ['-e', "console.log(require('node:v8').cachedDataVersionTag())"], { encoding: 'utf8' });
    expect(tag).toBe(Number(plain.stdout));
  });

  describe('through pipes (bin/zipdesk.js), an archive with 20,000 bad entries', () => {
    const bin = path.join(projectRoot, 'bin/zipdesk.js');
    const env = (): NodeJS.ProcessEnv => ({ ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), ZIPDESK_LOG_CONFIG: '' });
    let bomb: string;
    beforeAll(() => {
      const entries = [{ name: 'k', data: 'kernel' }, ...Array.from({ length: 20_000 }, (_, i) => ({ name: `copy${i}`, data: 'kernel', shareLocalHeaderOf: 0 }))];
      bomb = writeArchive(dir, 'pipe-bomb.zip', craftZip(entries));
    });
    /** Runs `bash -c script` with $0 node, $1 bin/zipdesk.js, $2 the archive, $3… `more`. */
    const shell = (script: string, ...more: string[]): string => spawnSync('bash', ['-c', script, process.execPath, bin, bomb, ...more], { encoding: 'utf8', env: env() }).stdout;

    it('writes the whole --json result when the reader of stderr leaves early (… 2>&1 >out | head)', () => {
      const out = path.join(dir, 'stderr-bomb.json');
      for (const command of ['test --json "$2"', 'extract --json "$2" -o "$4"']) {
        expect(shell(`"$0" "$1" ${command} 2>&1 >"$3" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`, out, path.join(dir, 'json-out')).trim()).toBe('1');
        const result = JSON.parse(readFileSync(out, 'utf8'));
        expect(result.problems).toHaveLength(20_000);
        expect(result.problems[19_999]).toMatchObject({ entry: 'copy19999', index: 20_000, code: 'OVERLAPPING_ENTRIES' });
        expect(result.ok).toBe(false);
      }
    });

    it('exits 1 when the reader of its output leaves early (test … | head)', () => {
      expect(shell(`"$0" "$1" test "$2" 2>&1 | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`).trim()).toBe('1');
      expect(shell(`"$0" "$1" extract "$2" -o "$3" 2>&1 | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`, path.join(dir, 'pipe-out')).trim()).toBe('1');
    });

    it('extract --json goes on to its end when the reader of its output leaves early (extract --json … | head): every file written, nothing half-done', () => {
      // The problems fill the pipe long before the good files after them are reached.
      const entries = [
        { name: 'k', data: 'kernel' },
        ...Array.from({ length: 5000 }, (_, i) => ({ name: `copy${i}`, data: 'kernel', shareLocalHeaderOf: 0 })),
        ...Array.from({ length: 3000 }, (_, i) => ({ name: `g${i % 9}/f${i}.txt`, data: `file ${i}\n`.repeat(1 + (i % 40)) })),
        { name: 'big.bin', data: Buffer.alloc(3 << 20, 7), method: 0 },
      ];
      const archive = writeArchive(dir, 'pipe-then-files.zip', craftZip(entries));
      const out = path.join(dir, 'pipe-then-files');
      expect(spawnSync('bash', ['-c', '"$0" "$1" extract --json "$2" -o "$3" 2>/dev/null | head -c 100 >/dev/null; echo "${PIPESTATUS[0]}"', process.execPath, bin, archive, out], { encoding: 'utf8', env: env() }).stdout.trim()).toBe('1');
      const written = readdirSync(out, { recursive: true }).map(String);
      expect(written.filter((name) => name.includes('zipdesk-partial'))).toEqual([]);
      for (const [i, entry] of entries.entries()) if (i === 0 || i > 5000) expect(readFileSync(path.join(out, entry.name)).equals(Buffer.from(entry.data))).toBe(true);
      expect(written.filter((name) => !/^g\d$/.test(name))).toHaveLength(3002); // k, big.bin and the 3,000 files
    });

    it('list exits 1 and names the error when its directory breaks off and its reader has left (list … | head)', () => {
      const good = craftZip(Array.from({ length: 5000 }, (_, i) => ({ name: `f${i}.txt`, data: 'x', method: 0 })));
      const broken = writeArchive(dir, 'broken-directory.zip', messWith(good, (b) => b.write('XXXX', signatureOffsets(b, SIGNATURE.CENTRAL_DIRECTORY_HEADER)[4000]!, 'latin1')));
      const errors = path.join(dir, 'broken-directory.err');
      for (const json of ['', '--json']) {
        expect(shell(`"$0" "$1" list ${json} "$3" 2>"$4" | head -n 3 >/dev/null; echo "\${PIPESTATUS[0]}"`, broken, errors).trim()).toBe('1');
        expect(readFileSync(errors, 'utf8')).toMatch(/^zipdesk: .*broken-directory\.zip: bad central directory signature 0x58585858 at offset \d+ \(record 4000 of 5000\)\n$/);
      }
    });

    it('writes the summary after the lines of the bad entries where stderr and stdout share a slow pipe', () => {
      for (let run = 0; run < 3; run++) {
        expect(shell(`"$0" "$1" test "$2" 2>&1 | (sleep 0.2; cat) | tail -n 1`)).toBe(`20000 of 20001 entries in ${bomb} are bad.\n`);
        const out = path.join(dir, `slow-out${run}`);
        const written = path.join(dir, `slow-out${run}.txt`);
        shell(`"$0" "$1" extract "$2" -o "$3" 2>&1 | (sleep 0.2; cat) >"$4"`, out, written);
        const lines = readFileSync(written, 'utf8').split('\n');
        expect(lines.slice(-3)).toEqual([
          `zipdesk: ${bomb}: copy19999: entry overlaps another: its local header lies inside the bytes of entry 0 (0–38)`,
          `Extracted 1 file, 0 folders (6 bytes) to ${out}; 20000 could not be extracted.`,
          '',
        ]);
        expect(lines).toHaveLength(20_002);
      }
    });
  });
});

describe('writing much output (cli/output.ts)', () => {
  /**
   * A stream that takes 16 KiB at a time and reads slowly, so writes wait for 'drain': what was
   * written, and the most it ever held queued (a writer that did not wait would queue it all).
   */
  async function through(write: (stream: PassThrough) => Promise<void>): Promise<{ text: string; drains: number; mostQueued: number }> {
    const stream = new PassThrough({ highWaterMark: 16 * 1024 });
    let text = '';
    let drains = 0;
    let mostQueued = 0;
    stream.on('drain', () => drains++);
    const write0 = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((...args: unknown[]) => {
      const room = write0(...args);
      mostQueued = Math.max(mostQueued, stream.writableLength);
      return room;
    }) as typeof stream.write;
    stream.pause();
    const reading = (async () => {
      for await (const chunk of stream) {
        text += (chunk as Buffer).toString();
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await write(stream);
    stream.end();
    await reading;
    return { text, drains, mostQueued };
  }

  it('writeJson writes what JSON.stringify makes, in pieces', async () => {
    const problems = Array.from({ length: 5000 }, (_, i) => ({ entry: `dir/ünï ${i}\n"q"`, index: i, code: 'OVERLAPPING_ENTRIES', message: 'entry overlaps another', extra: undefined }));
    const value = { archive: 'a.zip', missing: undefined, call: () => 1, entriesTotal: 5001, ok: false, nested: { a: [1, { b: null }] }, problems, holes: [undefined, 1], empty: [] };
    const { text, drains, mostQueued } = await through((stream) => writeJson(stream, value));
    expect(text).toBe(JSON.stringify(value) + '\n');
    expect(text.length).toBeGreaterThan(400_000);
    expect(drains).toBeGreaterThan(0);
    expect(mostQueued).toBeLessThan(100_000);
    // The rest of an object begun (as after the problems of `extract --json`).
    const rest = { ok: true, skipped: problems.map(({ entry }) => ({ entry, reason: 'already there' })) };
    const after = await through((stream) => writeJson(stream, rest, '{"problems":[]'));
    expect(after.text).toBe(JSON.stringify({ problems: [], ...rest }) + '\n');
    expect(after.mostQueued).toBeLessThan(100_000);
  });

  it('writeLines writes every line, in pieces', async () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `entry ${i}`);
    const { text, drains, mostQueued } = await through((stream) => writeLines(stream, names, (name) => `zipdesk: a.zip: ${name}: bad\n`));
    expect(text).toBe(names.map((name) => `zipdesk: a.zip: ${name}: bad\n`).join(''));
    expect(text.length).toBeGreaterThan(400_000);
    expect(drains).toBeGreaterThan(0);
    expect(mostQueued).toBeLessThan(100_000);
  });
});

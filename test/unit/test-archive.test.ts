import { Buffer } from 'node:buffer';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, createDeflateRaw } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { testArchive, type EntryProblem } from '../../src-main/archive/test-archive.js';
import { MAX_HELD_PROBLEMS, RANGE_BYTES, RangeChecks } from '../../src-main/archive/check-ranges.js';
import { scanSpans } from '../../src-main/archive/entry-check.js';
import { openSpanRunner } from '../../src-main/archive/extract-files.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { openZip } from '../../src-main/zip/reader.js';
import { CENTRAL_DIRECTORY_HEADER, END_OF_CENTRAL_DIRECTORY } from '../../src-main/zip/records.js';
import { isZipError } from '../../src-main/zip/errors.js';
import { type CraftEntry, craftZip, extraField, headerInNameRoom, run, tempDir, writeArchive } from './craft.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('zipdesk-test-archive-'));
});
afterEach(() => cleanup());

describe('testArchive', () => {
  it('passes every entry of archives made by zip and python, large and small', async () => {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(path.join(src, 'sub', `f${i}.txt`), `line ${i}\n`.repeat(i * 10));
    writeFileSync(path.join(src, 'big.bin'), Buffer.alloc(5 << 20, 'ab'));
    run('zip', ['-qr', path.join(dir, 'z.zip'), 'src'], dir);
    run('python3', ['-c', "import zipfile,sys\nwith zipfile.ZipFile('p.zip','w',zipfile.ZIP_DEFLATED) as z:\n  z.write('src/big.bin'); z.writestr('s.txt','x'*100000)"], dir);
    for (const name of ['z.zip', 'p.zip']) {
      const result = await testArchive(path.join(dir, name));
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.entriesTested).toBe(result.entriesTotal);
    }
    const z = await testArchive(path.join(dir, 'z.zip'));
    expect(z.entriesTotal).toBe(43);
    expect(z.bytesTested).toBe((5 << 20) + Array.from({ length: 40 }, (_, i) => `line ${i}\n`.length * i * 10).reduce((a, b) => a + b));
  });

  it('many small entries (checked on this thread and a helper thread): every bad one is named, wherever it lies', async () => {
    const entries: CraftEntry[] = Array.from({ length: 3000 }, (_, i) => ({ name: `d${i % 7}/f${i}.txt`, data: `entry ${i} `.repeat(1 + (i % 50)) }));
    const bad = [3, 1500, 2990, 2999];
    for (const i of bad) entries[i] = { ...entries[i]!, crc32: 0x1234 };
    entries[2000] = { name: 'stored.bin', data: 'plain bytes', method: 0 };
    const progress: number[] = [];
    const result = await testArchive(writeArchive(dir, 'many.zip', craftZip(entries)), { onProgress: (p) => progress.push(p.entriesDone) });
    expect(result.entriesTotal).toBe(3000);
    expect(result.entriesTested).toBe(3000);
    expect(result.problems.map((p) => [p.index, p.entry, p.code])).toEqual(bad.map((i) => [i, `d${i % 7}/f${i}.txt`, 'CRC_MISMATCH']));
    expect(result.problems[0]!.message).toContain('0x00001234');
    expect(progress.at(-1)).toBe(3000);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  // More entries than testReader holds from its first pass: the second goes by directory ranges
  // (check-ranges.ts), each thread reading the records of its own ranges.
  const rangedEntries = (): CraftEntry[] => {
    const entries: CraftEntry[] = Array.from({ length: 20_000 }, (_, i) => ({ name: `d${i % 13}/f${i}.txt`, data: `entry ${i} `.repeat(1 + (i % 40)) }));
    for (const i of [7, 9_000, 19_999]) entries[i] = { ...entries[i]!, crc32: 0x1234 };
    // Large entries (checked a megabyte at a time), one of them cut short by its header.
    entries[4_000] = { name: 'large-a.bin', data: Buffer.alloc(3 << 20, 'ab') };
    entries[17_000] = { name: 'large-b.bin', data: Buffer.alloc(2 << 20, 'cd'), uncompressedSize: (2 << 20) - 1 };
    // Reuses the bytes of entry 100: refused in a range far from that entry's.
    entries[15_000] = { name: 'again.txt', data: entries[100]!.data!, shareLocalHeaderOf: 100 };
    return entries;
  };
  const rangedProblems = [
    [7, 'CRC_MISMATCH'],
    [9_000, 'CRC_MISMATCH'],
    [15_000, 'OVERLAPPING_ENTRIES'],
    [17_000, 'SIZE_MISMATCH'],
    [19_999, 'CRC_MISMATCH'],
  ];

  it('tests more entries than it holds by directory ranges on both threads: every bad one named once, progress up to the totals', async () => {
    const entries = rangedEntries();
    const archive = writeArchive(dir, 'ranged.zip', craftZip(entries));
    const seen: { entries: number; bytes: number }[] = [];
    const result = await testArchive(archive, { progressIntervalMs: 0, onProgress: (p) => seen.push({ entries: p.entriesDone, bytes: p.bytesDone }) });
    expect(result.problems.map((p) => [p.index, p.code])).toEqual(rangedProblems);
    expect(result.problems[2]!.entry).toBe('again.txt');
    expect(result.entriesTotal).toBe(20_000);
    expect(result.entriesTested).toBe(20_000);
    // The bytes of the good entries: a bad entry's declared size was not all checked (the large
    // bad one, read a megabyte at a time, failed before its first report at 8 MiB).
    const bad = new Set(rangedProblems.map(([index]) => index));
    const good = entries.reduce((sum, e, i) => sum + (bad.has(i) ? 0 : Buffer.byteLength(e.data!)), 0);
    expect(result.bytesTested).toBe(good);
    expect(seen.at(-1)).toEqual({ entries: 20_000, bytes: good });
    expect(seen.map((p) => p.entries)).toEqual(seen.map((p) => p.entries).sort((a, b) => a - b));
    expect(seen.map((p) => p.bytes)).toEqual(seen.map((p) => p.bytes).sort((a, b) => a - b));
    expect(seen.length).toBeGreaterThan(20);
  });

  it('hands each bad entry to onProblem in directory order as the ranges before it are done, keeping none', async () => {
    const entries = rangedEntries();
    // Many more, spread over the ranges: a CRC-32 wrong in every 37th entry.
    for (let i = 11; i < entries.length; i += 37) if (entries[i]!.crc32 === undefined && i !== 4_000 && i !== 15_000 && i !== 17_000) entries[i] = { ...entries[i]!, crc32: 0x1234 };
    const archive = writeArchive(dir, 'heard.zip', craftZip(entries));
    const kept = await testArchive(archive);
    expect(kept.problems.length).toBeGreaterThan(500);
    expect(kept.problemCount).toBe(kept.problems.length);
    let doneAtFirst: number | undefined;
    let entriesDone = 0;
    const heard: EntryProblem[] = [];
    const streamed = await testArchive(archive, {
      progressIntervalMs: 0,
      onProgress: (p) => (entriesDone = p.entriesDone),
      onProblem: (problem) => {
        doneAtFirst ??= entriesDone;
        heard.push(problem);
      },
    });
    expect(heard).toEqual(kept.problems);
    expect(streamed.problems).toEqual([]);
    expect(streamed.problemCount).toBe(kept.problems.length);
    expect(streamed.ok).toBe(false);
    // Heard while the test went on, not all at its end.
    expect(doneAtFirst).toBeLessThan(10_000);
  });

  it('holds few problems while the helper is slow on an early range: this thread waits for it', async () => {
    // Entry 0 inflates to 256 MiB of zeros (the helper's first range, started during pass 1);
    // 60,000 entries after it reuse its header and are refused at once wherever they are checked.
    const zeros = Buffer.alloc(16 << 20);
    const deflater = createDeflateRaw();
    const parts: Buffer[] = [];
    deflater.on('data', (chunk: Buffer) => parts.push(chunk));
    let crc = 0;
    for (let i = 0; i < 16; i++) {
      deflater.write(zeros);
      crc = crc32(zeros, crc);
    }
    await new Promise<void>((resolve) => deflater.end(resolve));
    const entries: CraftEntry[] = [
      { name: 'zeros.bin', data: 'x', method: 8, deflated: Buffer.concat(parts), crc32: crc, uncompressedSize: 256 << 20 },
      ...Array.from({ length: 60_000 }, (_, i) => ({ name: `copy${i}`, data: 'x', shareLocalHeaderOf: 0 })),
    ];
    const archive = writeArchive(dir, 'slow-first.zip', craftZip(entries));
    // The most problems handed on in one go (one synchronous run of onProblem calls: a range
    // done, with the ones held behind it). Counted between microtasks, not timer ticks: between
    // two ticks a fast machine may finish several ranges of refused entries, each its own run.
    let run = 0;
    let largest = 0;
    let heard = 0;
    const result = await testArchive(archive, {
      onProblem: () => {
        if (run === 0)
          queueMicrotask(() => {
            largest = Math.max(largest, run);
            run = 0;
          });
        heard++;
        run++;
      },
    });
    await Promise.resolve(); // (the last run is counted in a microtask)
    expect(heard).toBe(60_000);
    expect(result.problemCount).toBe(60_000);
    // The cap is looked at before a range is begun, on this thread and for the helper's one range
    // besides entry 0's: each may add a range's worth (up to 1,024 entries) past it, and entry 0's
    // range hands on its own when it is done. Without the cap: nearly all 60,000.
    expect(largest).toBeGreaterThanOrEqual(MAX_HELD_PROBLEMS);
    expect(largest).toBeLessThanOrEqual(MAX_HELD_PROBLEMS + 3 * 1024);
  });

  it('holds the entries of one pass only while they are small: records of 16,383 extra fields each are not held (test held 1.1 GB of them, and ran out of memory)', async () => {
    /** `count` entries, each with a central extra field of 16,383 empty sub-fields whose ids differ from the entry before's. */
    const wide = (count: number): CraftEntry[] =>
      Array.from({ length: count }, (_, i) => ({
        name: `f${i}`,
        data: '',
        centralExtra: Buffer.concat(Array.from({ length: 16_383 }, (_, k) => extraField(0xa000 + ((i + k) & 0xfff), Buffer.alloc(0)))),
      }));
    const scanned = async (entries: CraftEntry[], holdBytes: number) => {
      const source = await openFileSource(writeArchive(dir, 'wide.zip', craftZip(entries)));
      try {
        return (await scanSpans(await openZip(source), { hold: 16_384, holdBytes })).held?.length;
      } finally {
        await source.close();
      }
    };
    // 32 such entries take some 4 MB held: held under a budget of 16 MB, not under one of 1 MB.
    expect(await scanned(wide(32), 16 * 1024 * 1024)).toBe(32);
    expect(await scanned(wide(32), 1024 * 1024)).toBeUndefined();
    // Ordinary ones are held as before.
    expect(await scanned(Array.from({ length: 1000 }, (_, i) => ({ name: `dir/file-${i}.txt`, data: 'x' })), 16 * 1024 * 1024)).toBe(1000);
    // And the test reads them all the same.
    const tested = await testArchive(writeArchive(dir, 'wide.zip', craftZip(wide(32))));
    expect([tested.ok, tested.entriesTested]).toEqual([true, 32]);
  });

  it('carries the refusals found while pass 1 is still reading to the ranges the helper starts early', async () => {
    // Entries that reuse the local header of the entry just before them keep the directory in
    // the order of the data: each is refused as pass 1 reaches it, in a range already handed out.
    const base = rangedEntries();
    const entries = base.map((entry, i) => (i === 2_500 || i === 11_000 ? { ...entry, data: base[i - 1]!.data!, shareLocalHeaderOf: i - 1 } : entry));
    entries[15_000] = { name: 'plain.txt', data: 'plain' }; // not the out-of-order entry of rangedEntries
    const archive = writeArchive(dir, 'in-order.zip', craftZip(entries));
    const source = await openFileSource(archive);
    try {
      const early: number[] = [];
      const spans = await scanSpans(await openZip(source), { ranges: { entries: 1024, bytes: RANGE_BYTES }, onRange: (_range, refused) => early.push(...refused) });
      expect(spans.inOrder).toBe(true);
      expect(early).toEqual([2_500, 11_000]);
    } finally {
      await source.close();
    }
    const result = await testArchive(archive);
    expect(result.problems.map((p) => [p.index, p.code])).toEqual([
      [7, 'CRC_MISMATCH'],
      [2_500, 'OVERLAPPING_ENTRIES'],
      [9_000, 'CRC_MISMATCH'],
      [11_000, 'OVERLAPPING_ENTRIES'],
      [17_000, 'SIZE_MISMATCH'],
      [19_999, 'CRC_MISMATCH'],
    ]);
    expect(result.entriesTested).toBe(20_000);
  });

  it('refuses an entry whose data runs into a local header hidden in the room of its name, in a range or held', async () => {
    // Small: the entries are held.
    const small = await testArchive(writeArchive(dir, 'hidden.zip', craftZip(headerInNameRoom())));
    expect(small.problems.map((p) => [p.index, p.code, p.message])).toEqual([[0, 'OVERLAPPING_ENTRIES', 'entry overlaps the next: its data (bytes 234–385) runs past offset 334, where the next header starts']]);
    expect(small.entriesTested).toBe(3);
    // The same with the hidden entry listed first: the directory is not in the order of the data.
    const [long, hidden, after] = headerInNameRoom();
    const unordered = await testArchive(writeArchive(dir, 'hidden-first.zip', craftZip([hidden!, long!, after!])));
    expect(unordered.problems.map((p) => [p.index, p.code, p.message])).toEqual([[1, ...small.problems.map((p) => [p.code, p.message])[0]!]]);
    // By ranges, the entry last in the first range (1,024 entries) and the hidden one first in the next.
    const base = rangedEntries();
    const front = craftZip(base.slice(0, 1023));
    base.splice(1023, 3, ...headerInNameRoom(front.readUInt32LE(front.length - 6)));
    const archive = writeArchive(dir, 'hidden-ranged.zip', craftZip(base));
    const source = await openFileSource(archive);
    try {
      const ranges: number[] = [];
      await scanSpans(await openZip(source), { ranges: { entries: 1024, bytes: RANGE_BYTES }, onRange: (range) => ranges.push(range.index) });
      expect(ranges.slice(0, 2)).toEqual([0, 1024]);
    } finally {
      await source.close();
    }
    const result = await testArchive(archive);
    expect(result.problems.map((p) => [p.index, p.code])).toEqual([...rangedProblems.slice(0, 1), [1023, 'OVERLAPPING_ENTRIES'], ...rangedProblems.slice(1)]);
    expect(result.entriesTested).toBe(20_000);
  });

  it('refuses entries of ranges the helper started early when an entry listed later turns out to cover them', async () => {
    // Entry 19,990 reuses entry 49's local header and claims data far past it, over the headers
    // of entries 50 to 52: pass 1 learns it only at the end, after the first ranges went out.
    const base = rangedEntries();
    base[15_000] = { name: 'plain.txt', data: 'plain' };
    const front = craftZip(base.slice(0, 53));
    const dataOf49 = front.indexOf(Buffer.from(base[49]!.name)) + base[49]!.name.length;
    const into52 = front.indexOf(Buffer.from(base[52]!.name)) + 10;
    base[19_990] = { name: 'cover.bin', data: base[49]!.data!, shareLocalHeaderOf: 49, compressedSize: into52 - dataOf49 };
    const archive = writeArchive(dir, 'cover.zip', craftZip(base));
    const result = await testArchive(archive);
    // Heard one by one, the same and in the same order (the ranges started early are checked again).
    const heard: EntryProblem[] = [];
    await testArchive(archive, { onProblem: (problem) => heard.push(problem) });
    expect(heard).toEqual(result.problems);
    expect(result.problems.map((p) => [p.index, p.code])).toEqual([
      [7, 'CRC_MISMATCH'],
      [50, 'OVERLAPPING_ENTRIES'],
      [51, 'OVERLAPPING_ENTRIES'],
      [52, 'OVERLAPPING_ENTRIES'],
      [9_000, 'CRC_MISMATCH'],
      [17_000, 'SIZE_MISMATCH'],
      [19_990, 'OVERLAPPING_ENTRIES'],
      [19_999, 'CRC_MISMATCH'],
    ]);
    expect(result.problems[1]!.message).toContain('inside the bytes of entry 19990');
    expect(result.entriesTested).toBe(20_000);
  });

  it('stops testing by ranges on abort: the ranges not yet started are left, and nothing is reported after', async () => {
    const archive = writeArchive(dir, 'ranged.zip', craftZip(rangedEntries()));
    const controller = new AbortController();
    let mostDone = 0;
    let afterEnd = 0;
    let ended = false;
    const outcome = await testArchive(archive, {
      signal: controller.signal,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (ended) afterEnd++;
        mostDone = Math.max(mostDone, p.entriesDone);
        // Once the helper has a few ranges in hand.
        if (p.entriesDone >= 3000) controller.abort();
      },
    }).catch((e: unknown) => e);
    ended = true;
    expect(isZipError(outcome) && outcome.code).toBe('CANCELLED');
    // Twenty ranges of 1,024 entries: the one in progress here and the helper's two may end.
    expect(mostDone).toBeGreaterThanOrEqual(3000);
    expect(mostDone).toBeLessThan(3000 + 4 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(afterEnd).toBe(0);
  });

  it('counts the files apart from the folders in pass 1, and drops a helper thread that was never given work', async () => {
    const entries: CraftEntry[] = Array.from({ length: 3000 }, (_, i) => ({ name: `f${i}/`, kind: 'directory' }));
    entries.push(...Array.from({ length: 5 }, (_, i) => ({ name: `f${i}/file.txt`, data: 'x' })), { name: 'by-attributes', kind: 'directory' });
    const archive = writeArchive(dir, 'folders.zip', craftZip(entries));
    const source = await openFileSource(archive);
    const reader = await openZip(source);
    // By the stored name's last byte, as spans see it; by the whole entry where entries are counted one by one.
    expect(await scanSpans(reader, { paths: true })).toMatchObject({ count: 3006, files: 6 });
    expect(await scanSpans(reader, { counted: (entry) => entry.name !== 'f0/' })).toMatchObject({ count: 3005, files: 5 });
    const runner = openSpanRunner(archive, source, { signal: undefined }, () => undefined)!;
    try {
      expect(runner.useHelper()).toBe(true);
      expect(runner.dropHelper()).toBe(true);
      expect(runner.hasHelper).toBe(false);
      expect(runner.dropHelper()).toBe(false);
      expect(runner.useHelper()).toBe(false);
    } finally {
      await runner.close();
      await source.close();
    }
  });

  it('has the helper thread set folders\' times, and answers with those it could not set', async () => {
    const archive = writeArchive(dir, 'any.zip', craftZip([{ name: 'a.txt', data: 'a' }]));
    const source = await openFileSource(archive);
    const runner = openSpanRunner(archive, source, { signal: undefined }, () => undefined)!;
    try {
      expect(runner.useHelper()).toBe(true);
      const paths = ['one', 'missing', 'two'].map((name) => path.join(dir, 'times', name));
      mkdirSync(paths[0]!, { recursive: true });
      mkdirSync(paths[2]!);
      const times = Float64Array.from([Date.UTC(2001, 0, 2), Date.UTC(2002, 0, 2), Date.UTC(2003, 0, 2)]);
      const failures = await runner.setTimes(paths, times);
      expect(failures).toEqual([{ index: 1, code: 'ENOENT', syscall: 'utime', message: expect.stringContaining('no such file or directory') }]);
      expect([statSync(paths[0]!).mtime.toISOString(), statSync(paths[2]!).mtime.toISOString()]).toEqual(['2001-01-02T00:00:00.000Z', '2003-01-02T00:00:00.000Z']);
    } finally {
      await runner.close();
      await source.close();
    }
  });

  it('checks again here the ranges the helper thread could not finish when it dies', async () => {
    const archive = writeArchive(dir, 'ranged.zip', craftZip(rangedEntries()));
    const source = await openFileSource(archive);
    const reader = await openZip(source);
    const spans = await scanSpans(reader, { ranges: { entries: 500, bytes: RANGE_BYTES } });
    const runner = openSpanRunner(archive, source, { signal: undefined }, () => undefined)!;
    try {
      expect(runner.useHelper()).toBe(true);
      const refused = [...spans.overlapping.indexes()];
      const jobs = spans.ranges!.map((range, id) => ({
        id,
        range,
        refused: refused.filter((index) => index >= range.index && index < range.index + range.count),
        dataEnds: spans.dataEnds.slice(range.index, range.index + range.count),
      }));
      expect(jobs.length).toBe(40);
      let entries = 0;
      let helperRanges = 0;
      const problems: number[] = [];
      const checks = new RangeChecks(reader, runner, {
        tally: (part, lastEntry) => {
          entries += part.entries;
          problems.push(...part.problems.map((p) => p.index), ...part.refused.map((r) => r.index));
          // A whole range from the helper (this thread names its last entry): end the helper
          // thread, with the next range it holds unfinished.
          if (lastEntry === undefined && part.entries > 0 && ++helperRanges === 1) void (runner as unknown as { worker: Worker }).worker.terminate();
        },
        onBytes: () => undefined,
        rangeDone: () => undefined,
      });
      for (const job of jobs) checks.add(job);
      checks.settle(true);
      await checks.run();
      // Answers the helper had sent before it was ended may still come in (terminate is not
      // instant); what it held unfinished was checked here, and nothing was counted twice.
      expect(helperRanges).toBeGreaterThanOrEqual(1);
      expect(helperRanges).toBeLessThan(10);
      expect(runner.hasHelper).toBe(false);
      expect(entries).toBe(20_000);
      expect(problems.sort((a, b) => a - b)).toEqual(rangedProblems.map(([index]) => index));
    } finally {
      await runner.close();
      await source.close();
    }
  });

  it('reports every bad entry by name and goes on to the next', async () => {
    const bytes = craftZip([
      { name: 'one.txt', data: 'first entry', method: 0 },
      { name: 'two.txt', data: 'second entry '.repeat(50) },
      { name: 'liar.txt', data: 'x'.repeat(1000), uncompressedSize: 100 },
      { name: 'short.txt', data: 'abc', uncompressedSize: 30 },
      { name: 'lzma.bin', data: 'zzz', method: 14 },
      { name: 'secret', data: 'zzz', method: 0, encrypted: true },
      { name: 'three.txt', data: 'third', method: 0 },
    ]);
    bytes[30 + 'one.txt'.length + 2] ^= 0x20; // a flipped data byte in the first entry
    const result = await testArchive(writeArchive(dir, 'bad.zip', bytes));
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual([
      ['one.txt', 'CRC_MISMATCH'],
      ['liar.txt', 'SIZE_MISMATCH'],
      ['short.txt', 'SIZE_MISMATCH'],
      ['lzma.bin', 'UNSUPPORTED_METHOD'],
      ['secret', 'ENCRYPTED'],
    ]);
    expect(result.problems[0]!.message).toMatch(/^CRC-32 is 0x[0-9a-f]{8}, the central directory says 0x[0-9a-f]{8}$/);
    expect(result.problems[1]!.message).toBe('data inflates to more than the declared 100 bytes');
    expect(result.problems[3]!.message).toBe('unsupported compression method 14 (LZMA)');
    expect(result.ok).toBe(false);
    expect(result.entriesTested).toBe(7);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('goes on inflating after corrupt and cut-off deflate data', async () => {
    const text = (i: number): string => `entry ${i} `.repeat(20 + i);
    const entries = Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.txt`, data: text(i) }));
    const bytes = craftZip([...entries.slice(0, 4), { name: 'broken.txt', data: text(99) }, ...entries.slice(4, 8), { name: 'cut.txt', data: text(98), compressedSize: 5 }, ...entries.slice(8)]);
    // The first data byte of broken.txt: final block of the reserved type 11 (RFC 1951 3.2.3).
    bytes[bytes.indexOf('broken.txt') + 'broken.txt'.length] = 0b111;
    const result = await testArchive(writeArchive(dir, 'deflate.zip', bytes));
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual([
      ['broken.txt', 'BAD_DEFLATE'],
      ['cut.txt', 'BAD_DEFLATE'],
    ]);
    expect(result.entriesTested).toBe(14);
    // Only the good entries' bytes: those of the broken ones were never all inflated.
    expect(result.bytesTested).toBe(entries.reduce((sum, e) => sum + e.data.length, 0));
  });

  it('calls a small entry that inflates past its declared size SIZE_MISMATCH, whatever lies beyond that size', async () => {
    // Deflate data: a stored block of 1,000 bytes, then a block of the invalid type 3 (or nothing).
    const block = Buffer.concat([Buffer.from([0x00, 0xe8, 0x03, 0x17, 0xfc]), Buffer.alloc(1000, 0x61)]);
    const result = await testArchive(
      writeArchive(
        dir,
        'past-declared.zip',
        craftZip([
          { name: 'invalid-after.bin', data: 'a'.repeat(100), deflated: Buffer.concat([block, Buffer.from([0x07])]) },
          { name: 'cut-after.bin', data: 'a'.repeat(100), deflated: block },
          { name: 'cut-before.bin', data: 'a'.repeat(2000), deflated: block },
        ]),
      ),
    );
    expect(result.problems.map((p) => [p.entry, p.code, p.message])).toEqual([
      ['invalid-after.bin', 'SIZE_MISMATCH', 'data inflates to more than the declared 100 bytes'],
      ['cut-after.bin', 'SIZE_MISMATCH', 'data inflates to more than the declared 100 bytes'],
      ['cut-before.bin', 'BAD_DEFLATE', 'deflate data ends before the end of its stream (truncated?)'],
    ]);
  });

  it('refuses a local header that disagrees with the central record', async () => {
    const result = await testArchive(writeArchive(dir, 'm.zip', craftZip([{ name: 'shown.txt', data: 'x', localName: 'hidden.exe' }])));
    expect(result.problems).toMatchObject([{ entry: 'shown.txt', code: 'LOCAL_MISMATCH', message: expect.stringContaining('hidden.exe') }]);
  });

  it('does not inflate the reused entries of an overlap bomb', async () => {
    const kernel = Buffer.alloc(8 << 20, 0);
    const entries = [{ name: 'k', data: kernel }, ...Array.from({ length: 50 }, (_, i) => ({ name: `k${i}`, data: kernel, shareLocalHeaderOf: 0 }))];
    const result = await testArchive(writeArchive(dir, 'bomb.zip', craftZip(entries)));
    expect(result.problems).toHaveLength(50);
    expect(new Set(result.problems.map((p) => p.code))).toEqual(new Set(['OVERLAPPING_ENTRIES']));
    // The refused entries' bytes were never read: only the first entry's count (they were counted as tested).
    expect(result.bytesTested).toBe(8 << 20);
    // One reason for all: the entry their headers lie in (one string, however many entries).
    expect(new Set(result.problems.map((p) => p.message)).size).toBe(1);
    expect(result.problems[0]!.message).toMatch(/^entry overlaps another: its local header lies inside the bytes of entry 0 \(0–\d+\)$/);
  });

  it('counts only the bytes it checked: none of a damaged record (its 0xFFFFFFFF marker was counted), nor of an entry refused before it is read; progress stays within its total', async () => {
    // The reviewer's archive: a record whose sizes are ZIP64 markers with no ZIP64 field, a good
    // entry, and a stored one that declares almost 4 GiB for its 5 bytes (refused as it is opened).
    const entries: CraftEntry[] = [
      { name: 'a', data: 'hello', method: 0, central: { compressedSize: 0xffffffff, uncompressedSize: 0xffffffff } },
      { name: 'hidden', data: 'hello', method: 0 },
      { name: 'huge', data: 'hello', method: 0, uncompressedSize: 0xfffffff0 },
    ];
    const seen: { bytesDone: number; bytesTotal: number }[] = [];
    const result = await testArchive(writeArchive(dir, 'damaged.zip', craftZip(entries)), { progressIntervalMs: 0, onProgress: (p) => seen.push(p) });
    expect(result.problems.map((p) => [p.entry, p.code])).toEqual([
      ['a', 'BAD_ZIP64'],
      ['huge', 'SIZE_MISMATCH'],
    ]);
    expect([result.entriesTested, result.bytesTested]).toEqual([3, 5]);
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
    // By directory ranges (more entries than the test holds from its first pass), the same.
    const many: CraftEntry[] = Array.from({ length: 17_000 }, (_, i) => ({ name: `f${i}`, data: 'x'.repeat(i % 10), method: 0 }));
    for (const i of [100, 16_900]) many[i] = { ...many[i]!, central: { compressedSize: 0xffffffff, uncompressedSize: 0xffffffff } };
    many[8_000] = { ...many[8_000]!, uncompressedSize: 0xfffffff0 };
    const seenByRanges: { bytesDone: number; bytesTotal: number }[] = [];
    const ranged = await testArchive(writeArchive(dir, 'damaged-many.zip', craftZip(many)), { progressIntervalMs: 0, onProgress: (p) => seenByRanges.push(p) });
    expect(ranged.problems.map((p) => [p.index, p.code])).toEqual([
      [100, 'BAD_ZIP64'],
      [8_000, 'SIZE_MISMATCH'],
      [16_900, 'BAD_ZIP64'],
    ]);
    const good = many.reduce((sum, e, i) => sum + ([100, 8_000, 16_900].includes(i) ? 0 : Buffer.byteLength(e.data!)), 0);
    expect(ranged.bytesTested).toBe(good);
    for (const p of seenByRanges) expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
  });

  it('cuts ranges by the bytes that will be read: refused entries do not count', async () => {
    // 3,000 entries reusing one megabyte: counted, each would fill an eighth of a range.
    const kernel = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 251));
    const entries = [{ name: 'kernel', data: kernel, method: 0 }, ...Array.from({ length: 3000 }, (_, i) => ({ name: `copy${i}`, data: kernel, method: 0, shareLocalHeaderOf: 0 }))];
    const source = await openFileSource(writeArchive(dir, 'wide-bomb.zip', craftZip(entries)));
    try {
      const spans = await scanSpans(await openZip(source), { ranges: { entries: 1024, bytes: RANGE_BYTES } });
      expect(spans.overlapping.size).toBe(3000);
      expect(spans.ranges!.map((range) => range.count)).toEqual([1024, 1024, 953]);
    } finally {
      await source.close();
    }
    // Records damaged by a ZIP64 marker without its value: their size says nothing.
    const damaged = Array.from({ length: 2000 }, (_, i) => ({ name: `d${i}`, data: 'x', method: 0, compressedSize: 0xffffffff }));
    const damagedSource = await openFileSource(writeArchive(dir, 'damaged.zip', craftZip(damaged)));
    try {
      const spans = await scanSpans(await openZip(damagedSource), { ranges: { entries: 1024, bytes: RANGE_BYTES } });
      expect(spans.overlapping.size).toBe(2000);
      expect(spans.overlapping.get(5)).toMatchObject({ code: 'BAD_ZIP64' });
      expect(spans.ranges!.map((range) => range.count)).toEqual([1024, 976]);
    } finally {
      await damagedSource.close();
    }
  });

  it('judges overlaps in the order of the data when the directory lists entries out of it, damaged records among them', async () => {
    const kernel = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251));
    const crafted = craftZip([
      { name: 'a', data: kernel, method: 0 },
      ...['b', 'c', 'd', 'e'].map((name) => ({ name, data: kernel, method: 0, shareLocalHeaderOf: 0 })),
      { name: 'f', data: 'x', method: 0, compressedSize: 0xffffffff },
      { name: 'g', data: 'plain', method: 0 },
      { name: 'h', data: 'y', method: 0, compressedSize: 0xffffffff },
    ]);
    // The central records in another order: g c a f b e h d (indexes 0–7 from here on).
    const records: Buffer[] = [];
    const start = crafted.readUInt32LE(crafted.length - END_OF_CENTRAL_DIRECTORY.size + END_OF_CENTRAL_DIRECTORY.offsetOf.offsetOfStartOfCentralDirectory);
    for (let at = start; records.length < 8; ) {
      const length = CENTRAL_DIRECTORY_HEADER.size + crafted.readUInt16LE(at + CENTRAL_DIRECTORY_HEADER.offsetOf.fileNameLength) + crafted.readUInt16LE(at + CENTRAL_DIRECTORY_HEADER.offsetOf.extraFieldLength);
      records.push(crafted.subarray(at, at + length));
      at += length;
    }
    const reordered = Buffer.concat([crafted.subarray(0, start), ...[6, 2, 0, 5, 1, 4, 7, 3].map((i) => records[i]!), crafted.subarray(crafted.length - END_OF_CENTRAL_DIRECTORY.size)]);
    const source = await openFileSource(writeArchive(dir, 'out-of-order.zip', reordered));
    try {
      const spans = await scanSpans(await openZip(source));
      expect(spans.inOrder).toBe(false);
      // c (index 1) is the first of the five that share one local header: a, b, e and d lie inside it.
      const inside = /^entry overlaps another: its local header lies inside the bytes of entry 1 \(0–100030\)$/;
      expect([...spans.overlapping.indexes()]).toEqual([2, 3, 4, 5, 6, 7]);
      expect([2, 4, 5, 7].map((i) => spans.overlapping.get(i)?.message)).toEqual([2, 4, 5, 7].map(() => expect.stringMatching(inside)));
      expect(spans.overlapping.get(3)).toMatchObject({ code: 'BAD_ZIP64', message: 'central record has compressed size 0xffffffff but no ZIP64 extra field value for it' });
      expect(spans.overlapping.get(6)).toEqual(spans.overlapping.get(3));
      expect(spans.overlapping.get(0)).toBeUndefined();
      expect(spans.overlapping.has(1)).toBe(false);
      expect(spans.overlapping.indexesIn(3, 6)).toEqual([3, 4, 5]);
    } finally {
      await source.close();
    }
  });

  it('names every entry of a large overlap bomb, checked by ranges on two threads', async () => {
    const entries = [{ name: 'k', data: 'kernel '.repeat(100) }, ...Array.from({ length: 20_000 }, (_, i) => ({ name: `k${i}`, data: 'kernel '.repeat(100), shareLocalHeaderOf: 0 }))];
    const result = await testArchive(writeArchive(dir, 'big-bomb.zip', craftZip(entries)));
    expect(result.entriesTested).toBe(20_001);
    expect(result.problems.map((p) => [p.index, p.entry])).toEqual(entries.slice(1).map((entry, i) => [i + 1, entry.name]));
    expect(new Set(result.problems.map((p) => `${p.code} ${p.message}`))).toEqual(new Set([expect.stringMatching(/^OVERLAPPING_ENTRIES entry overlaps another: its local header lies inside the bytes of entry 0 \(0–\d+\)$/)]));
  });

  it('reports progress and stops with CANCELLED on abort', async () => {
    const archive = writeArchive(dir, 'p.zip', craftZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, data: 'y'.repeat(1000) }))));
    const reports: number[] = [];
    const result = await testArchive(archive, { onProgress: (p) => reports.push(p.entriesDone) });
    expect(result.ok).toBe(true);
    expect(reports.at(-1)).toBe(30);
    const controller = new AbortController();
    const outcome = await testArchive(archive, { signal: controller.signal, onProgress: () => controller.abort() }).catch((e: unknown) => e);
    expect(isZipError(outcome) && outcome.code).toBe('CANCELLED');
  });

  it("stops once a cancel flag is set, without waiting for the signal (how a job's cancel is seen while this thread is busy)", async () => {
    const archive = writeArchive(dir, 'flag.zip', craftZip(Array.from({ length: 4000 }, (_, i) => ({ name: `f${i}`, data: 'z'.repeat(500) }))));
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let mostDone = 0;
    const onProgress = (p: { entriesDone: number }): void => {
      mostDone = Math.max(mostDone, p.entriesDone);
      if (p.entriesDone > 0) Atomics.store(flag, 0, 1);
    };
    const outcome = await testArchive(archive, { cancelFlag: flag.buffer as SharedArrayBuffer, progressIntervalMs: 0, onProgress }).catch((e: unknown) => e);
    expect(isZipError(outcome) && outcome.code).toBe('CANCELLED');
    expect(mostDone).toBeLessThan(2000);
    await expect(testArchive(archive, { cancelFlag: flag.buffer as SharedArrayBuffer })).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('reports progress from inside a large entry, up to the total', async () => {
    const archive = writeArchive(dir, 'big.zip', craftZip([{ name: 'big.bin', data: Buffer.alloc(40 << 20, 7) }]));
    const seen: number[] = [];
    const result = await testArchive(archive, { progressIntervalMs: 0, onProgress: (p) => seen.push(p.bytesDone) });
    expect(result.ok).toBe(true);
    expect(seen.at(-1)).toBe(40 << 20);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.filter((bytes) => bytes > 0 && bytes < 40 << 20).length).toBeGreaterThanOrEqual(4);
  });

  it('rejects with the ZipError when the archive cannot be opened at all', async () => {
    await expect(testArchive(writeArchive(dir, 'x.zip', Buffer.from('PK\x03\x04 not really')))).rejects.toMatchObject({ name: 'ZipError' });
  });
});

// A failed job's line and its bad entries in the window's two languages: main sends each problem
// with its code, kind and values (jobs/worker.ts, ipc/jobs.ts), and the window words it through
// its catalog (src-renderer/lib/i18n.ts problemText, failureText); in English as main says it.
// Real archives, the real worker.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobProblem, JobView } from '../../src-preload/contract.js';
import { SKIP_KINDS, skipReason } from '../../src-main/archive/extract.js';
import { WindowJobs } from '../../src-main/ipc/jobs.js';
import { JobClient } from '../../src-main/jobs/client.js';
import { failureText, problemText } from '../../src-renderer/lib/i18n.js';
import { craftZip } from './craft.js';
import { makeTempDir } from './reader-fixtures.js';

const { dir, cleanup } = makeTempDir('zipdesk-job-problems-');
afterAll(cleanup);

/** Runs a job through the window's side of the queue and waits for its end. */
async function ended(windowJobs: WindowJobs, start: () => Promise<string>): Promise<JobView> {
  const ids = new Set<string>();
  const end = new Promise<void>((resolve) => windowJobs.onEvent((event) => (event.type === 'done' || event.type === 'failed' || event.type === 'cancelled') && ids.has(event.jobId) && resolve()));
  ids.add(await start());
  await end;
  return windowJobs.list().find((job) => ids.has(job.jobId))!;
}

describe('the problems of a failed job in the window', () => {
  const data = 'some data to deflate '.repeat(20);
  const bad = craftZip([
    { name: 'crc.txt', data, crc32: 0x12345678 },
    { name: 'lzma.bin', data: 's', method: 14 },
    { name: 'unknown.bin', data: 's', method: 77 },
    { name: 'secret.txt', data: 's', encrypted: true },
    { name: 'stored.txt', data: 'abc', method: 0, uncompressedSize: 5 },
    { name: 'more.txt', data, uncompressedSize: 50 },
    { name: 'garbled.txt', data: 'hello', deflated: Buffer.from([0xff, 0xff, 0xff]) },
    { name: 'cut.txt', data, deflated: deflateRawSync(data).subarray(0, 4) },
  ]);

  it('each bad entry of a Test: in English as main says it, in German with its values', async () => {
    const archive = path.join(dir, 'schlecht.zip');
    writeFileSync(archive, bad);
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const job = await ended(windowJobs, () => windowJobs.test(archive));
      expect(job.state).toBe('failed');
      const lines = job.errorLines;
      expect(lines.map((line) => line.entry)).toEqual(['crc.txt', 'lzma.bin', 'unknown.bin', 'secret.txt', 'stored.txt', 'more.txt', 'garbled.txt', 'cut.txt']);
      expect(lines.map((line) => (line.kind === undefined ? line.code : `${line.code}.${line.kind}`))).toEqual([
        'CRC_MISMATCH.CENTRAL',
        'UNSUPPORTED_METHOD',
        'UNSUPPORTED_METHOD.UNKNOWN',
        'ENCRYPTED',
        'SIZE_MISMATCH.STORED',
        'SIZE_MISMATCH.MORE',
        'BAD_DEFLATE.DATA',
        'BAD_DEFLATE.CUT_SHORT',
      ]);
      for (const line of lines) {
        expect(problemText(line, 'en')).toBe(`${line.entry}: ${line.message}`);
        const german = problemText(line, 'de');
        expect(german, line.message).not.toBe(problemText(line, 'en'));
        expect(german).not.toMatch(/\{\w+[|}]/);
      }
      const crc = (await import('node:zlib')).crc32(data).toString(16).padStart(8, '0');
      expect(lines.map((line) => problemText(line, 'de'))).toEqual([
        `crc.txt: CRC-32 ist 0x${crc}, laut Zentralverzeichnis 0x12345678`,
        'lzma.bin: nicht unterstützte Kompressionsmethode 14 (LZMA)',
        'unknown.bin: nicht unterstützte Kompressionsmethode 77 (unbekannt)',
        'secret.txt: Eintrag ist verschlüsselt',
        'stored.txt: unkomprimiert gespeicherter Eintrag mit komprimierter Größe 3, aber unkomprimierter Größe 5',
        'more.txt: Daten werden beim Entpacken größer als die angegebenen 50 Bytes',
        // (zlib's own words stay as zlib says them.)
        expect.stringMatching(/^garbled\.txt: fehlerhafte Deflate-Daten: invalid /),
        'cut.txt: Deflate-Daten enden vor dem Ende ihres Datenstroms (abgeschnitten?)',
      ]);
      // The job's line: the window's English is main's; the German names the first and counts the rest.
      expect(failureText(job.kind, job.failure!, 'en')).toBe(job.error);
      expect(failureText(job.kind, job.failure!, 'de')).toBe(`${archive}: crc.txt: fehlerhafter Eintrag: CRC-32 ist 0x${crc}, laut Zentralverzeichnis 0x12345678 (und noch 7 von 8 Einträgen)`);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });

  it("an Extract's line in German, and what it did all the same; a failure said in English alone stays so", async () => {
    const archive = path.join(dir, 'eins-schlecht.zip');
    writeFileSync(archive, craftZip([{ name: 'gut.txt', data: 'gut' }, { name: 'crc.txt', data, crc32: 0x12345678 }]));
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const job = await ended(windowJobs, () => windowJobs.extract(archive, null, path.join(dir, 'ziel'), 'skip'));
      expect(job.state).toBe('failed');
      expect(failureText(job.kind, job.failure!, 'en')).toBe(job.error);
      expect(failureText(job.kind, job.failure!, 'de')).toMatch(/: crc\.txt: konnte nicht entpackt werden: CRC-32 ist 0x[0-9a-f]{8}, laut Zentralverzeichnis 0x12345678$/);
      // An archive that is not one: its error, with the code the window has no wording for, in English.
      const text = path.join(dir, 'text.zip');
      writeFileSync(text, 'not a zip at all');
      const notZip = await ended(windowJobs, () => windowJobs.test(text));
      expect(notZip.failure?.problem).toMatchObject({ code: 'NOT_A_ZIP' });
      expect(failureText(notZip.kind, notZip.failure!, 'de')).toBe(notZip.error);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });
});

describe("an extract's skipped entries in the window", () => {
  it('every reason in English as main says it, and in German with its paths (one that names another entry of the same file, a case-insensitive file system\'s, too)', () => {
    const params = { path: 'docs/a.txt', other: 'docs/./a.txt', written: 'docs/a (1).txt' };
    for (const kind of SKIP_KINDS) {
      const skip = skipReason(kind, params);
      const line: JobProblem = { entry: 'docs/a.txt', message: `skipped: ${skip.reason}`, code: 'SKIPPED', kind, params: { ...skip.params, reason: skip.reason } };
      expect(problemText(line, 'en'), kind).toBe(`docs/a.txt: skipped: ${skip.reason}`);
      const german = problemText(line, 'de');
      expect(german, kind).toMatch(/^docs\/a\.txt: übersprungen: /);
      expect(german, kind).not.toMatch(/\{\w+[|}]|already|entry|extracted/);
    }
    expect(problemText({ entry: 'a.txt', message: 'skipped: a.txt already exists', code: 'SKIPPED', kind: 'ALREADY_EXISTS', params: { path: 'a.txt', reason: 'a.txt already exists' } }, 'de')).toBe(
      'a.txt: übersprungen: a.txt ist schon vorhanden',
    );
  });

  it('through the worker: an entry skipped for another of its name, and one for a file already there', async () => {
    const archive = path.join(dir, 'doppelt.zip');
    writeFileSync(archive, craftZip([{ name: 'a.txt', data: 'eins' }, { name: 'a.txt', data: 'zwei' }, { name: 'b.txt', data: 'b' }]));
    const target = path.join(dir, 'doppelt');
    mkdirSync(target);
    writeFileSync(path.join(target, 'b.txt'), 'already here');
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const job = await ended(windowJobs, () => windowJobs.extract(archive, null, target, 'skip'));
      expect(job.state).toBe('done');
      const problems = job.outcome!.problems;
      expect(problems.map((problem) => [problem.code, problem.kind])).toEqual([
        ['SKIPPED', 'EARLIER_SAME_NAME'],
        ['SKIPPED', 'ALREADY_EXISTS'],
      ]);
      expect(problems.map((problem) => problemText(problem, 'en'))).toEqual([
        'a.txt: skipped: an earlier entry is also named a.txt',
        'b.txt: skipped: b.txt already exists',
      ]);
      expect(problems.map((problem) => problemText(problem, 'de'))).toEqual([
        'a.txt: übersprungen: ein früherer Eintrag heißt ebenfalls a.txt',
        'b.txt: übersprungen: b.txt ist schon vorhanden',
      ]);
      const replaced = await ended(windowJobs, () => windowJobs.extract(archive, null, path.join(dir, 'ersetzt'), 'replace'));
      expect(replaced.outcome!.problems.map((problem) => problemText(problem, 'de'))).toEqual(['a.txt: übersprungen: ein späterer Eintrag heißt ebenfalls a.txt']);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });
});

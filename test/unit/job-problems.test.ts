// A failed job's line and its bad entries in the window's two languages: main sends each problem
// with its code, kind and values (jobs/worker.ts, ipc/jobs.ts), and the window words it through
// its catalog (src-renderer/lib/i18n.ts problemText, failureText); in English as main says it.
// Real archives, the real worker.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobProblem, JobView } from '../../src-preload/contract.js';
import { OutputError } from '../../src-main/archive/buffers.js';
import { extractArchive, SKIP_KINDS, skipReason } from '../../src-main/archive/extract.js';
import { checkUnchanged, ioError as sourceError, type PlannedEntry, readFlags, SOURCE_SKIP_REASONS } from '../../src-main/archive/sources.js';
import { checkNameFits } from '../../src-main/archive/temp-file.js';
import { wordedAs, type ZipError } from '../../src-main/zip/errors.js';
import { nameProblemForWriting } from '../../src-main/zip/paths.js';
import { WindowJobs } from '../../src-main/ipc/jobs.js';
import { createArchiveService } from '../../src-main/ipc/archives.js';
import { END_OF_CENTRAL_DIRECTORY, ZIP64_END_OF_CENTRAL_DIRECTORY } from '../../src-main/zip/records.js';
import { toApiError } from '../../src-main/ipc/handle.js';
import { JobClient } from '../../src-main/jobs/client.js';
import type { ArchiveIdentity } from '../../src-main/jobs/protocol.js';
import { failureText, findingText, problemText, type Finding } from '../../src-renderer/lib/i18n.js';
import { ApiFailure } from '../../src-renderer/lib/api.js';
import { describeError } from '../../src-renderer/lib/fatal.js';
import { craftZip } from './craft.js';
import { makeTempDir, messWith } from './reader-fixtures.js';

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
        'more.txt: Daten werden beim Entpacken größer als die angegebene Größe von 50 Bytes',
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
      // An archive that is not one, in German too (before: in English alone).
      const text = path.join(dir, 'text.zip');
      writeFileSync(text, 'not a zip at all, a sentence');
      const notZip = await ended(windowJobs, () => windowJobs.test(text));
      expect(notZip.failure?.problem).toMatchObject({ code: 'NOT_A_ZIP', kind: 'NO_END_RECORD', params: { bytes: 28 } });
      expect(failureText(notZip.kind, notZip.failure!, 'en')).toBe(notZip.error);
      expect(failureText(notZip.kind, notZip.failure!, 'de')).toBe(`${text}: Kein ZIP-Archiv: kein Endeintrag des Zentralverzeichnisses (Signatur 0x06054b50) in den letzten 28 Bytes`);
      // A failure whose code the window has no wording for: in English.
      const level = await ended(windowJobs, async () => client.enqueue({ kind: 'create', outputPath: path.join(dir, 'stufe.zip'), sources: [text], level: 12 })[0]!);
      expect(level.failure?.problem).toMatchObject({ code: 'IO', message: 'compression level 12 is not 0–9' });
      expect(level.failure?.problem.kind).toBeUndefined();
      expect(failureText(level.kind, level.failure!, 'de')).toBe(level.error);
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
    // And why a create left a path out.
    for (const [kind, reason] of Object.entries(SOURCE_SKIP_REASONS)) {
      const line: JobProblem = { entry: 'src/x', message: `skipped: ${reason}`, code: 'SKIPPED', kind: `SOURCE_${kind}`, params: { reason } };
      expect(problemText(line, 'en'), kind).toBe(`src/x: skipped: ${reason}`);
      expect(problemText(line, 'de'), kind).toMatch(/^src\/x: übersprungen: /);
      expect(problemText(line, 'de'), kind).not.toMatch(/not a file|link|archive|loop|special|device|socket|pipe /);
    }
    expect(problemText({ entry: 'a.txt', message: 'skipped: a.txt already exists', code: 'SKIPPED', kind: 'ALREADY_EXISTS', params: { path: 'a.txt', reason: 'a.txt already exists' } }, 'de')).toBe(
      'a.txt: übersprungen: a.txt ist schon vorhanden',
    );
  });

  it('through the worker: an entry skipped for another of its name, and one for a file already there; a named pipe a batch left out', async () => {
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
      // A batch that leaves a named pipe out.
      const withPipe = path.join(dir, 'mit-pipe');
      mkdirSync(withPipe);
      writeFileSync(path.join(withPipe, 'a.txt'), 'a');
      execFileSync('mkfifo', [path.join(withPipe, 'rohr')]);
      const batch = await ended(windowJobs, async () => (await windowJobs.batch([withPipe], null, 6))[0]!);
      expect(batch.outcome!.problems.map((problem) => [problemText(problem, 'en'), problemText(problem, 'de')])).toEqual([
        ['mit-pipe/rohr: skipped: a named pipe (FIFO), not a file, folder or link', 'mit-pipe/rohr: übersprungen: eine benannte Pipe (FIFO), keine Datei, kein Ordner und kein Link'],
      ]);
      const replaced = await ended(windowJobs, () => windowJobs.extract(archive, null, path.join(dir, 'ersetzt'), 'replace'));
      expect(replaced.outcome!.problems.map((problem) => problemText(problem, 'de'))).toEqual(['a.txt: übersprungen: ein späterer Eintrag heißt ebenfalls a.txt']);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });
});

describe('what stops a job, in the window', () => {
  /** The job's line in English (main's, as the window shows it) and in German. */
  const lines = (job: JobView): [string, string] => [failureText(job.kind, job.failure!, 'en'), failureText(job.kind, job.failure!, 'de')];

  it('a Test or Extract of an archive replaced, changed or gone since it was opened; an Extract whose target folder cannot be made, or a file stands where a folder goes', async () => {
    const archive = path.join(dir, 'geoeffnet.zip');
    writeFileSync(archive, craftZip([{ name: 'd/a.txt', data: 'a' }]));
    const identity = (): ArchiveIdentity => {
      const { dev, ino, size, mtimeMs } = statSync(archive);
      return { dev, ino, size, mtimeMs };
    };
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const opened = identity();
      writeFileSync(archive, craftZip([{ name: 'd/a.txt', data: 'anders' }]));
      const replaced = await ended(windowJobs, () => windowJobs.test(archive, opened));
      expect(replaced.failure!.problem).toMatchObject({ code: 'IO', kind: 'ARCHIVE_REPLACED' });
      expect(lines(replaced)).toEqual([
        `${archive}: the archive was replaced or changed since it was opened; open it again`,
        `${archive}: Das Archiv wurde ersetzt oder geändert, seit es geöffnet wurde; bitte erneut öffnen`,
      ]);
      const now = identity();
      rmSync(archive);
      const gone = await ended(windowJobs, () => windowJobs.extract(archive, null, path.join(dir, 'nie'), 'skip', now));
      expect(lines(gone)).toEqual([
        `${archive}: the archive was moved or deleted since it was opened; open it again`,
        `${archive}: Das Archiv wurde verschoben oder gelöscht, seit es geöffnet wurde; bitte erneut öffnen`,
      ]);

      writeFileSync(archive, craftZip([{ name: 'd/a.txt', data: 'a' }]));
      const file = path.join(dir, 'eine-datei');
      writeFileSync(file, 'keine Ordner');
      const fileThere = await ended(windowJobs, () => windowJobs.extract(archive, null, file, 'skip'));
      expect(lines(fileThere)).toEqual([
        `${archive}: cannot create the target folder ${file}: a file has that name`,
        `${archive}: Der Zielordner ${file} kann nicht angelegt werden: eine Datei hat diesen Namen`,
      ]);
      const below = path.join(file, 'darunter');
      const fileInPath = await ended(windowJobs, () => windowJobs.extract(archive, null, below, 'skip'));
      expect(lines(fileInPath)[1]).toBe(`${archive}: Der Zielordner ${below} kann nicht angelegt werden: eine Datei liegt auf seinem Pfad`);
      expect(lines(fileInPath)[0]).toBe(fileInPath.error);

      const target = path.join(dir, 'mit-datei-d');
      mkdirSync(target);
      writeFileSync(path.join(target, 'd'), 'a file where the folder d goes');
      const notAFolder = await ended(windowJobs, () => windowJobs.extract(archive, null, target, 'skip'));
      expect(lines(notAFolder)).toEqual([
        `${archive}: d/a.txt: could not extract: d exists and is not a folder`,
        `${archive}: d/a.txt: konnte nicht entpackt werden: d ist schon vorhanden und kein Ordner`,
      ]);
      // An archive that is not there, and a folder given for one.
      const nothing = path.join(dir, 'nichts.zip');
      const notThere = await ended(windowJobs, () => windowJobs.test(nothing));
      expect(lines(notThere)).toEqual([`${nothing}: cannot open ${nothing}: ENOENT`, `${nothing}: ${nothing} kann nicht geöffnet werden (Systemfehler ENOENT)`]);
      const folder = await ended(windowJobs, () => windowJobs.test(dir));
      expect(lines(folder)[1]).toBe(`${dir}: ${dir} ist keine gewöhnliche Datei`);
      for (const job of [replaced, gone, fileThere, fileInPath, notAFolder, notThere, folder]) expect(lines(job)[0]).toBe(job.error);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });

  it("a batch's create and a create: a folder that is not there, an output folder that is not there, a folder in the output's place, a folder that takes no file", async () => {
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const missing = path.join(dir, 'fehlt');
      const vanished = await ended(windowJobs, async () => (await windowJobs.batch([missing], null, 6))[0]!);
      expect(lines(vanished)).toEqual([`${missing}.zip: ${missing}/: no such file or folder`, `${missing}.zip: ${missing}/: Datei oder Ordner nicht gefunden`]);

      const folder = path.join(dir, 'quelle');
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'x.txt'), 'x');
      const nowhere = path.join(dir, 'kein-ordner');
      const noFolder = await ended(windowJobs, async () => (await windowJobs.batch([folder], nowhere, 6))[0]!);
      expect(lines(noFolder)).toEqual([`${nowhere}/quelle.zip: folder ${nowhere} does not exist`, `${nowhere}/quelle.zip: Der Ordner ${nowhere} existiert nicht`]);

      // A create over a folder, and into /proc, which makes no files: the system's words in English, its code in German.
      const created = async (outputPath: string) => ended(windowJobs, async () => client.enqueue({ kind: 'create', outputPath, sources: [folder] })[0]!);
      const aFolder = path.join(dir, 'ein-ordner.zip');
      mkdirSync(aFolder);
      const folderThere = await created(aFolder);
      expect(lines(folderThere)).toEqual([`${aFolder}: is a folder; not replaced`, `${aFolder}: ist ein Ordner; nicht ersetzt`]);
      const proc = await created('/proc/zipdesk-test.zip');
      expect(proc.failure!.problem.params).toEqual({ folder: '/proc', system: 'no such file or directory', errno: 'ENOENT' });
      expect(lines(proc)).toEqual(['/proc/zipdesk-test.zip: cannot write in /proc: no such file or directory', '/proc/zipdesk-test.zip: In /proc kann nicht geschrieben werden (Systemfehler ENOENT)']);
      // A file whose name holds a backslash.
      const backslash = path.join(dir, 'rueckstrich');
      mkdirSync(backslash);
      writeFileSync(path.join(backslash, 'a\\b.txt'), 'x');
      const badName = await ended(windowJobs, async () => (await windowJobs.batch([backslash], null, 6))[0]!);
      expect(lines(badName)[1]).toBe(`${backslash}.zip: rueckstrich/a\\b.txt: Der Name enthält einen Backslash, den ZIP-Leser als Ordnertrenner nehmen (${backslash}/a\\b.txt); die Datei umbenennen oder weglassen`);
      for (const job of [vanished, noFolder, folderThere, proc, badName]) expect(lines(job)[0]).toBe(job.error);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });
});

describe('a create with nothing to archive, in the window', () => {
  it('through the worker: every path excluded, a named pipe left out, and two', async () => {
    const base = path.join(dir, 'nichts-zu-packen');
    mkdirSync(base);
    writeFileSync(path.join(base, 'a.txt'), 'a');
    execFileSync('mkfifo', [path.join(base, 'rohr'), path.join(base, 'rohr2')]);
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    const created = (sources: string[], excludes?: string[]) =>
      ended(windowJobs, async () => client.enqueue({ kind: 'create', outputPath: path.join(dir, 'nichts.zip'), sources, ...(excludes && { excludes }) })[0]!);
    const lines = (job: JobView): [string, string] => [failureText(job.kind, job.failure!, 'en'), failureText(job.kind, job.failure!, 'de')];
    const output = path.join(dir, 'nichts.zip');
    try {
      const excluded = await created([base], ['nichts-zu-packen']);
      expect(lines(excluded)).toEqual([`${output}: nothing to archive: every path is excluded`, `${output}: Nichts zu packen: jeder Pfad ist ausgeschlossen`]);
      const pipe = await created([path.join(base, 'rohr')]);
      expect(lines(pipe)).toEqual([
        `${output}: nothing to archive: rohr is left out: a named pipe (FIFO), not a file, folder or link`,
        `${output}: Nichts zu packen: rohr wird ausgelassen: eine benannte Pipe (FIFO), keine Datei, kein Ordner und kein Link`,
      ]);
      const pipes = await created([path.join(base, 'rohr'), path.join(base, 'rohr2')]);
      expect(lines(pipes)[1]).toBe(`${output}: Nichts zu packen: rohr wird ausgelassen: eine benannte Pipe (FIFO), keine Datei, kein Ordner und kein Link (und 1 weitere ausgelassen)`);
      for (const job of [excluded, pipe, pipes]) expect(lines(job)[0]).toBe(job.error);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });

  it('every reason a path is left out, as main words it, in English and German', () => {
    for (const [kind, reason] of Object.entries(SOURCE_SKIP_REASONS)) {
      for (const more of [0, 1, 2]) {
        const others = more > 0 ? ` (and ${more} more left out)` : '';
        const problem: JobProblem = { entry: null, code: 'NOTHING_TO_ARCHIVE', kind: `${more > 0 ? 'LEFT_OUT_MORE' : 'LEFT_OUT'}.${kind}`, params: { name: 'src/x', ...(more > 0 && { more }) }, message: `nothing to archive: src/x is left out: ${reason}${others}` };
        expect(problemText(problem, 'en'), kind).toBe(problem.message);
        const german = problemText(problem, 'de');
        expect(german, kind).toMatch(more === 0 ? /^Nichts zu packen: src\/x wird ausgelassen: [^()]*(\(FIFO\)[^()]*|\(eine Schleife\))?$/ : new RegExp(` \\(und ${more} weitere ausgelassen\\)$`));
        expect(german, kind).not.toMatch(/not a file|link|archive|loop|special|device|socket|pipe |more/);
      }
    }
  });
});

describe('a job whose background worker stopped, in the window', () => {
  it('through the worker: a create cut short by the worker\'s exit, in English as main says it and in German', async () => {
    // Stored (level 0), as jobs.test.ts's crash: long enough to be running when the worker exits.
    const big = path.join(dir, 'gross');
    mkdirSync(big);
    for (let i = 0; i < 4; i++) writeFileSync(path.join(big, `teil${i}.txt`), randomBytes(6_000_000).toString('base64'));
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const stop = windowJobs.onEvent((event) => event.type === 'started' && client.crashWorkerForTest(70));
      const job = await ended(windowJobs, async () => client.enqueue({ kind: 'create', outputPath: path.join(dir, 'gross.zip'), sources: [big], level: 0 })[0]!);
      stop();
      expect(job.error).toBe('the background worker stopped unexpectedly (exit code 70); the job was not finished (it left no output)');
      expect(job.failure!.problem).toMatchObject({ code: 'WORKER_CRASHED', kind: 'EXIT.NO_OUTPUT', params: { exitCode: 70 } });
      expect(failureText(job.kind, job.failure!, 'en')).toBe(job.error);
      expect(failureText(job.kind, job.failure!, 'de')).toBe('Der Hintergrundprozess wurde unerwartet beendet (Exit-Code 70); der Auftrag wurde nicht abgeschlossen (er hat nichts hinterlassen)');
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });

  it('by what stopped it and what the job left, as main words them', () => {
    const extracted = 'the files it extracted before stay, none half-written';
    const table: [JobProblem, string][] = [
      [{ entry: null, code: 'WORKER_CRASHED', kind: 'EXIT.FILES_STAY', params: { exitCode: 1 }, message: `the background worker stopped unexpectedly (exit code 1); the job was not finished (${extracted})` }, 'Der Hintergrundprozess wurde unerwartet beendet (Exit-Code 1); der Auftrag wurde nicht abgeschlossen (die zuvor entpackten Dateien bleiben, keine halb geschrieben)'],
      [{ entry: null, code: 'WORKER_CRASHED', kind: 'ERROR.NO_OUTPUT', params: { error: 'boom' }, message: 'the background worker stopped unexpectedly: boom; the job was not finished (it left no output)' }, 'Der Hintergrundprozess wurde unerwartet beendet: boom; der Auftrag wurde nicht abgeschlossen (er hat nichts hinterlassen)'],
      [{ entry: null, code: 'WORKER_CRASHED', kind: 'ERROR.FILES_STAY', params: { error: 'boom' }, message: `the background worker stopped unexpectedly: boom; the job was not finished (${extracted})` }, 'Der Hintergrundprozess wurde unerwartet beendet: boom; der Auftrag wurde nicht abgeschlossen (die zuvor entpackten Dateien bleiben, keine halb geschrieben)'],
      [{ entry: null, code: 'WORKER_CRASHED', kind: 'EXIT.PLACED', params: { exitCode: 71, path: '/o/a (2).zip' }, message: 'the background worker stopped unexpectedly (exit code 71), as the job ended; its archive is in place and whole (/o/a (2).zip), but what the job had to report of it was lost' }, 'Der Hintergrundprozess wurde unerwartet beendet (Exit-Code 71), als der Auftrag endete; sein Archiv liegt vollständig am Ziel (/o/a (2).zip), aber was der Auftrag darüber zu berichten hatte, ging verloren'],
      [{ entry: null, code: 'WORKER_CRASHED', kind: 'ERROR.PLACED', params: { error: 'boom', path: '/o/a.zip' }, message: 'the background worker stopped unexpectedly: boom, as the job ended; its archive is in place and whole (/o/a.zip), but what the job had to report of it was lost' }, 'Der Hintergrundprozess wurde unerwartet beendet: boom, als der Auftrag endete; sein Archiv liegt vollständig am Ziel (/o/a.zip), aber was der Auftrag darüber zu berichten hatte, ging verloren'],
    ];
    for (const [problem, german] of table) {
      expect(failureText('extract', { target: null, problem, badEntries: null }, 'en')).toBe(problem.message);
      expect(failureText('extract', { target: null, problem, badEntries: null }, 'de')).toBe(german);
    }
  });
});

describe("an Extract's links refused, in the window", () => {
  it('one pointing outside the target folder, to nothing, through a NUL: in English as main says it, in German (the first was in English alone)', async () => {
    const archive = path.join(dir, 'links.zip');
    writeFileSync(
      archive,
      craftZip([
        { name: 'ok.txt', data: 'ok' },
        { name: 'evil', data: '../../etc/passwd', kind: 'symlink' },
        { name: 'empty', data: '', kind: 'symlink' },
        { name: 'nul', data: 'a\0b', kind: 'symlink' },
      ]),
    );
    const result = await extractArchive(archive, path.join(dir, 'links-out'));
    const said = result.problems.map((problem) => {
      const shown: JobProblem = { entry: problem.entry, code: problem.code, message: problem.message, kind: problem.kind, params: problem.params };
      expect(problemText(shown, 'en')).toBe(`${problem.entry}: ${problem.message}`);
      return problemText(shown, 'de');
    });
    expect(said).toEqual([
      'evil: Der symbolische Link auf "../../etc/passwd" würde aus dem Zielordner hinaus zeigen',
      'empty: Das Ziel des symbolischen Links ist leer',
      'nul: Das Ziel des symbolischen Links enthält ein NUL-Byte, das kein Pfad enthalten darf',
    ]);
  });

  it('one that leads out through another link it made and one already there (extract.test.ts): in English as main says it, in German', async () => {
    const work = path.join(dir, 'chain');
    mkdirSync(path.join(work, 'src', 'b'), { recursive: true });
    symlinkSync('../e/a', path.join(work, 'src', 'b', 'x'));
    symlinkSync('b', path.join(work, 'src', 'e'));
    execFileSync('zip', ['-qry', '../chain.zip', 'b/x', 'e'], { cwd: path.join(work, 'src') });
    const target = path.join(work, 'out');
    mkdirSync(path.join(target, 'b'), { recursive: true });
    symlinkSync('../../outside', path.join(target, 'b', 'a'));
    const [problem] = (await extractArchive(path.join(work, 'chain.zip'), target)).problems;
    const shown: JobProblem = { entry: problem!.entry, code: problem!.code, message: problem!.message, kind: problem!.kind, params: problem!.params };
    expect(problemText(shown, 'en')).toBe('b/x: symbolic link to "../e/a" would lead outside the target folder through the links on its way, one of them in it already');
    expect(problemText(shown, 'de')).toBe('b/x: Der symbolische Link auf "../e/a" würde über die Links auf seinem Weg, von denen einer schon dort war, aus dem Zielordner hinausführen');
  });
});

describe('a link the archive no longer holds, and a worker that could not start, in the window', () => {
  it("an Extract's link whose record changed after it was planned (the archive rewritten meanwhile), as the extract gives it (extract.test.ts): in English as main says it, in German", () => {
    const problem: JobProblem = { entry: '../x', code: 'SOURCE_CHANGED', kind: 'NO_LONGER_LINK', params: {}, message: 'the archive changed while it was extracted: this entry is no longer the link it was' };
    expect(problemText(problem, 'en')).toBe('../x: the archive changed while it was extracted: this entry is no longer the link it was');
    expect(problemText(problem, 'de')).toBe('../x: das Archiv hat sich beim Entpacken geändert: dieser Eintrag ist nicht mehr der Link, der er war');
  });

  it('a job whose worker could not start (its script not a path Node takes): in English as main says it, in German', async () => {
    const client = new JobClient({ workerPath: 'kein-pfad.js' });
    const windowJobs = new WindowJobs(client);
    try {
      // (It fails as it is queued, before ended() would know its id.)
      const failed = new Promise<string>((resolve) => windowJobs.onEvent((event) => event.type === 'failed' && resolve(event.jobId)));
      client.enqueue({ kind: 'test', archivePath: path.join(dir, 'egal.zip') });
      const jobId = await failed;
      const job = windowJobs.list().find((view) => view.jobId === jobId)!;
      expect(job.error).toMatch(/^the background worker could not start: .*kein-pfad\.js/);
      const nodeWords = job.error!.slice('the background worker could not start: '.length);
      expect(job.failure!.problem).toMatchObject({ code: 'WORKER_CRASHED', kind: 'NOT_STARTED', params: { error: nodeWords } });
      expect(failureText(job.kind, job.failure!, 'en')).toBe(job.error);
      // Node's words after ours, as a worker that stopped with an error says them.
      expect(failureText(job.kind, job.failure!, 'de')).toBe(`Der Hintergrundprozess konnte nicht gestartet werden: ${nodeWords}`);
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });
});

describe('numbers in a job\'s lines, as the window says them elsewhere', () => {
  it('grouped by the window\'s language: the entries not listed, the bad entries counted, a size before and after', () => {
    const more: JobProblem = { entry: null, code: 'MORE', params: { count: 1234 }, message: 'and 1234 more' };
    expect([problemText(more, 'en'), problemText(more, 'de')]).toEqual(['and 1,234 more', 'und 1.234 weitere']);
    const size: JobProblem = { entry: 'a.bin', code: 'SOURCE_CHANGED', kind: 'SIZE', params: { path: '/s/a.bin', before: 1_234_567, after: 2_000_000 }, message: '/s/a.bin changed size (1234567 → 2000000 bytes); archive not written' };
    expect(problemText(size, 'de')).toBe('a.bin: /s/a.bin hat seine Größe geändert (1.234.567 → 2.000.000 Bytes); Archiv nicht geschrieben');
    const stopped: JobProblem = { entry: null, code: 'DISK_FULL', kind: 'STOPPED_AFTER', params: { files: 1001 }, message: 'the disk is full: extraction stopped after 1001 files (each file written is whole and checked; nothing half-written is left)' };
    expect(problemText(stopped, 'en')).toBe('the disk is full: extraction stopped after 1,001 files (each file written is whole and checked; nothing half-written is left)');
    // (One is still one: "1 Datei".)
    expect(problemText({ ...stopped, params: { files: 1 } }, 'de')).toMatch(/ nach 1 Datei abgebrochen/);
    const crc: JobProblem = { entry: 'b.txt', code: 'SIZE_MISMATCH', kind: 'MORE', params: { declared: 5000 }, message: 'data inflates to more than the declared 5000 bytes' };
    const failure = { target: '/a.zip', problem: crc, badEntries: { count: 1235, total: 5000 } };
    expect(failureText('test', failure, 'en')).toBe('/a.zip: b.txt: bad entry: data inflates to more than the declared 5,000 bytes (and 1,234 more of 5,000 entries)');
    expect(failureText('test', failure, 'de')).toBe('/a.zip: b.txt: fehlerhafter Eintrag: Daten werden beim Entpacken größer als die angegebene Größe von 5.000 Bytes (und noch 1.234 von 5.000 Einträgen)');
  });
});

describe("numbers in the safety report's findings and a job's notes, as the window says them elsewhere", () => {
  it("grouped by the window's language, offsets too (as the inspector's sentences and a job's problems say them); a method's number is its name in APPNOTE, not grouped", () => {
    const findings: [Finding, string, string][] = [
      [{ code: 'DUPLICATE_NAME', params: { count: 1234 }, message: '1234 entries write to this path' }, '1,234 entries write to this path', '1.234 Einträge schreiben an diesen Pfad'],
      [{ code: 'TOO_LARGE', params: { times: 25_000 }, message: 'expands 25000 times: a possible decompression bomb' }, 'expands 25,000 times: a possible decompression bomb', 'wird 25.000-mal größer: möglicherweise eine Dekompressionsbombe'],
      [{ code: 'TRAILING_DATA', params: { bytes: 4096, offset: 1_234_567 }, message: '4096 bytes after the end record (at offset 1234567, ignored)' }, '4,096 bytes after the end record (at offset 1,234,567, ignored)', '4.096 Bytes nach dem Endeintrag (bei Offset 1.234.567, übergangen)'],
      // (One is still one.)
      [{ code: 'TRAILING_DATA', params: { bytes: 1, offset: 1000 }, message: '1 byte after the end record (at offset 1000, ignored)' }, '1 byte after the end record (at offset 1,000, ignored)', '1 Byte nach dem Endeintrag (bei Offset 1.000, übergangen)'],
      [{ code: 'UNSAFE_SYMLINK', kind: 'TOO_LONG', params: { bytes: 4200 }, message: 'link target of 4200 bytes is too long' }, 'link target of 4,200 bytes is too long', 'Das Ziel des Links ist mit 4.200 Bytes zu lang'],
      [{ code: 'OVERLAPPING_ENTRIES', kind: 'ENTRY', params: { name: 'b', other: 'a', start: 1000, end: 5000, otherStart: 0 }, message: 'b (bytes 1000–5000) overlaps a (local header at offset 0)' }, 'b (bytes 1,000–5,000) overlaps a (local header at offset 0)', 'b (Bytes 1.000–5.000) überschneidet sich mit a (lokaler Header bei Offset 0)'],
      [{ code: 'UNSUPPORTED_METHOD', params: { method: 14, name: 'LZMA' }, message: 'compression method 14 (LZMA) cannot be extracted' }, 'compression method 14 (LZMA) cannot be extracted', 'Kompressionsmethode 14 (LZMA) kann nicht entpackt werden'],
      [{ code: 'UNSUPPORTED_METHOD', kind: 'UNKNOWN', params: { method: 4660 }, message: 'compression method 4660 (unknown) cannot be extracted' }, 'compression method 4660 (unknown) cannot be extracted', 'Kompressionsmethode 4660 (unbekannt) kann nicht entpackt werden'],
    ];
    for (const [finding, english, german] of findings) {
      expect(findingText(finding, 'en')).toBe(english);
      expect(findingText(finding, 'de')).toBe(german);
    }
    // A job's problem of a method's number, likewise.
    const unknown: JobProblem = { entry: 'x.bin', code: 'UNSUPPORTED_METHOD', kind: 'UNKNOWN', params: { method: 4660 }, message: 'unsupported compression method 4660 (unknown)' };
    expect(problemText(unknown, 'en')).toBe('x.bin: unsupported compression method 4660 (unknown)');
  });
});

describe('what main refuses before any job, in the window', () => {
  it('a batch of the root folder, which has no name for its archive: the notice in English as main says it, and in German', async () => {
    const client = new JobClient();
    const windowJobs = new WindowJobs(client);
    try {
      const refused = await windowJobs.batch(['/'], null, 6).then(
        () => undefined,
        (error: unknown) => error,
      );
      // As the bridge sends it to the window, and as the window's notice says it.
      const error = toApiError(refused);
      expect(error).toEqual({ code: 'IO', message: '/: cannot zip the root folder as a batch item', kind: 'ROOT_FOLDER', params: { folder: '/' } });
      expect(describeError(new ApiFailure(error))).toBe(error.message);
      expect(problemText({ entry: null, ...error }, 'de')).toBe('/: Der Wurzelordner lässt sich nicht in ein eigenes Archiv packen');
    } finally {
      windowJobs.dispose();
      await client.close();
    }
  });
});

describe('an archive the window cannot open, in the window', () => {
  const EOCD = END_OF_CENTRAL_DIRECTORY.offsetOf;
  const good = craftZip([{ name: 'a.txt', data: 'alpha' }, { name: 'b.txt', data: 'beta' }]);
  const end = good.length - END_OF_CENTRAL_DIRECTORY.size;
  const directory = good.readUInt32LE(end + EOCD.offsetOfStartOfCentralDirectory);
  /** What the bridge sends the window for an archive of these bytes, opened through the real service. */
  const refusal = async (name: string, bytes: Buffer | null) => {
    const file = path.join(dir, name);
    if (bytes === null) mkdirSync(file, { recursive: true });
    else writeFileSync(file, bytes);
    const service = createArchiveService();
    try {
      const error = await service.open(file, null).then(
        () => expect.unreachable(),
        (e: unknown) => toApiError(e),
      );
      // The listing's error panel says what describeError makes of it (lib/archive.svelte.ts).
      expect(describeError(new ApiFailure(error)), name).toBe(error.message);
      return { error, german: problemText({ entry: null, ...error }, 'de') };
    } finally {
      await service.closeAll();
    }
  };

  it('damaged, not a ZIP, cut short, too small, a folder: in English as main says it, in German with its values', async () => {
    const secondRecord = good.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), directory + 1);
    const cases: [string, Buffer | null, string, string][] = [
      ['text.zip', Buffer.from('just some text, not an archive at all'), 'NOT_A_ZIP.NO_END_RECORD', 'Kein ZIP-Archiv: kein Endeintrag des Zentralverzeichnisses (Signatur 0x06054b50) in den letzten 37 Bytes'],
      ['klein.zip', Buffer.alloc(5), 'NOT_A_ZIP.TOO_SMALL', 'Die Datei hat 5 Bytes, zu wenig für einen Endeintrag des Zentralverzeichnisses (22 Bytes)'],
      ['gekuerzt.zip', good.subarray(0, end), 'EOCD_NOT_FOUND.CUT_SHORT', `Gekürzt oder beschädigt: Die Datei beginnt wie ein ZIP-Archiv (mit einem lokalen Header), hat aber keinen Endeintrag des Zentralverzeichnisses (Signatur 0x06054b50) in den letzten ${end} Bytes`],
      ['kommentar.zip', messWith(good, (b) => b.writeUInt16LE(10, end + EOCD.commentLength)), 'EOCD_NOT_FOUND.COMMENT_PAST_END', `Der Endeintrag des Zentralverzeichnisses bei Offset ${end} gibt einen 10-Byte-Kommentar an, die Datei endet aber 0 Bytes nach dem Eintrag`],
      ['signatur.zip', messWith(good, (b) => b[secondRecord]++), 'BAD_SIGNATURE.CENTRAL', `Falsche Signatur 0x02014b51 im Zentralverzeichnis bei Offset ${secondRecord} (Eintrag 1 von 2)`],
      ['verschoben.zip', messWith(good, (b) => b[directory]++), 'BAD_CENTRAL_DIRECTORY.NOT_AT_OFFSET', `Kein Eintrag des Zentralverzeichnisses bei Offset ${directory} (angegebene Größe ${end - directory}, 2 Einträge, Endeintrag bei Offset ${end})`],
      ['zu-gross.zip', messWith(good, (b) => b.writeUInt32LE(end + 1, end + EOCD.sizeOfCentralDirectory)), 'BAD_CENTRAL_DIRECTORY.SIZE_TOO_LARGE', `Die Größe des Zentralverzeichnisses laut Endeintrag (${end + 1}) übersteigt den Platz vor dem Endeintrag bei Offset ${end} (${end} Bytes)`],
      ['zu-viele.zip', messWith(good, (b) => b.writeUInt16LE(9, end + EOCD.totalNumberOfCentralDirectoryRecords)), 'TOO_MANY_ENTRIES.ROOM', `Das Archiv gibt 9 Einträge an, aber die ${good.length - directory} Bytes vom Zentralverzeichnis bis zum Ende der Datei fassen höchstens 2`],
      ['teil.zip', messWith(good, (b) => b.writeUInt16LE(1, end + EOCD.numberOfThisDisk)), 'MULTI_DISK.SPANS_DISKS', 'Das Archiv erstreckt sich über mehrere Datenträger (dies ist Datenträger 1, das Zentralverzeichnis beginnt auf Datenträger 0); geteilte Archive werden nicht unterstützt'],
      ['teil.z01', Buffer.concat([Buffer.from([0x50, 0x4b, 0x07, 0x08]), good.subarray(0, end)]), 'MULTI_DISK.SPLIT_FIRST_PART', 'Der erste Teil eines geteilten Archivs (er beginnt mit der Signatur 0x08074b50 geteilter Archive, wie zip -s NAME.z01 schreibt); sein Zentralverzeichnis steht im letzten Teil (NAME.zip), und geteilte Archive werden nicht unterstützt'],
      ['ordner.zip', null, 'IO.NOT_A_REGULAR_FILE', `${path.join(dir, 'ordner.zip')} ist keine gewöhnliche Datei`],
    ];
    for (const [name, bytes, wording, german] of cases) {
      const { error, german: said } = await refusal(name, bytes);
      expect(`${error.code}.${error.kind}`, name).toBe(wording);
      expect(said, name).toBe(german);
    }
  });

  it('a count past 2^53 with its exact digits, grouped, as main says them (Intl wrote a number rounded: "…552.000")', async () => {
    // A ZIP64 end record that counts 0xFFFFFFFFFFFFFFFF entries: held as 2^64.
    const many = messWith(craftZip([{ name: 'a.txt', data: 'alpha' }], '', { zip64End: {} }), (bytes) => {
      const record = bytes.length - END_OF_CENTRAL_DIRECTORY.size - 20 - ZIP64_END_OF_CENTRAL_DIRECTORY.size;
      for (const field of ['numberOfCentralDirectoryRecordsOnThisDisk', 'totalNumberOfCentralDirectoryRecords'] as const) {
        bytes.writeBigUInt64LE(2n ** 64n - 1n, record + ZIP64_END_OF_CENTRAL_DIRECTORY.offsetOf[field]);
      }
    });
    const file = path.join(dir, 'sehr-viele.zip');
    writeFileSync(file, many);
    const service = createArchiveService();
    const error = await service
      .open(file, null)
      .then(
        () => expect.unreachable(),
        (e: unknown) => toApiError(e),
      )
      .finally(() => service.closeAll());
    expect(error.message).toMatch(/^the archive declares 18446744073709551616 entries, but /);
    expect(problemText({ entry: null, ...error }, 'en')).toMatch(/^the archive declares 18,446,744,073,709,551,616 entries, but /);
    expect(problemText({ entry: null, ...error }, 'de')).toMatch(/^Das Archiv gibt 18\.446\.744\.073\.709\.551\.616 Einträge an, aber /);
  });

  it('the rest, as main words them: each in English as main says it, in German with its values', () => {
    const table: [JobProblem, string][] = [
      [{ entry: null, code: 'MULTI_DISK', kind: 'ZIP64_LOCATOR', params: { offset: 90, disks: 3, disk: 2 }, message: 'the ZIP64 locator at offset 90 says the archive spans 3 disks (end record on disk 2); split archives are not supported' }, 'Laut ZIP64-Locator bei Offset 90 erstreckt sich das Archiv über 3 Datenträger (Endeintrag auf Datenträger 2); geteilte Archive werden nicht unterstützt'],
      [{ entry: null, code: 'MULTI_DISK', kind: 'ZIP64_END_RECORD', params: { offset: 40, disk: 1, directoryDisk: 0 }, message: 'the ZIP64 end record at offset 40 is on disk 1 with the central directory on disk 0; split archives are not supported' }, 'Der ZIP64-Endeintrag bei Offset 40 liegt auf Datenträger 1, das Zentralverzeichnis auf Datenträger 0; geteilte Archive werden nicht unterstützt'],
      [{ entry: null, code: 'BAD_ZIP64', kind: 'NO_END_RECORD', params: { offset: 7, locator: 90 }, message: 'no ZIP64 end of central directory record at offset 7 (named by the locator at offset 90)' }, 'Kein ZIP64-Endeintrag des Zentralverzeichnisses bei Offset 7 (auf den der Locator bei Offset 90 verweist)'],
      [{ entry: null, code: 'BAD_ZIP64', kind: 'END_RECORD_SIZE', params: { offset: 40, size: 900, locator: 90 }, message: 'ZIP64 end record at offset 40 declares size 900, which does not fit before the locator at offset 90' }, 'Der ZIP64-Endeintrag bei Offset 40 gibt die Größe 900 an, die nicht vor den Locator bei Offset 90 passt'],
      [{ entry: null, code: 'BAD_CENTRAL_DIRECTORY', kind: 'RECORD_PAST_END', params: { index: 1, count: 2, offset: 120, size: 140 }, message: 'central directory record 1 of 2 at offset 120 runs past the end of the archive (140 bytes)' }, 'Eintrag 1 von 2 des Zentralverzeichnisses bei Offset 120 reicht über das Ende des Archivs hinaus (140 Bytes)'],
      [{ entry: null, code: 'BAD_CENTRAL_DIRECTORY', kind: 'RECORD_RUNS_PAST_END', params: { index: 1, offset: 120, length: 70, size: 140 }, message: 'central directory record 1 at offset 120 is 70 bytes long and runs past the end of the archive (140 bytes)' }, 'Eintrag 1 des Zentralverzeichnisses bei Offset 120 ist 70 Bytes lang und reicht über das Ende des Archivs hinaus (140 Bytes)'],
      [{ entry: null, code: 'ENCRYPTED', kind: 'DIRECTORY', params: { version: 62 }, message: 'the central directory is encrypted (ZIP64 end record version 62, APPNOTE 7.3); it cannot be listed' }, 'Das Zentralverzeichnis ist verschlüsselt (Version 62 im ZIP64-Endeintrag, APPNOTE 7.3); es kann nicht aufgelistet werden'],
      [{ entry: null, code: 'TRUNCATED', kind: 'READ_PAST_END', params: { length: 46, offset: 120, size: 140 }, message: 'read of 46 bytes at offset 120 runs past the end of the archive (140 bytes)' }, 'Das Lesen von 46 Bytes bei Offset 120 reicht über das Ende des Archivs hinaus (140 Bytes)'],
    ];
    for (const [problem, german] of table) {
      expect(problemText(problem, 'en')).toBe(problem.message);
      expect(problemText(problem, 'de')).toBe(german);
    }
  });
});

describe('what stops a job or fails an entry, made by the code that says it', () => {
  /** A system error as Node makes them ("EACCES: permission denied, open '/x'"). */
  const systemError = (code: string, words: string, syscall = 'open') => Object.assign(new Error(`${code}: ${words}, ${syscall} '/x'`), { code, syscall });
  /** A ZipError as a job's problem; its English as main says it, and its German. */
  const said = (error: ZipError): [string, string] => {
    const problem: JobProblem = { entry: error.entry ?? null, message: error.message, code: error.code, ...wordedAs(error) };
    expect(problemText(problem, 'en')).toBe(error.entry === undefined ? error.message : `${error.entry}: ${error.message}`);
    return [problemText(problem, 'en'), problemText(problem, 'de')];
  };

  it('writing the archive, reading a source, a name too long', () => {
    expect(said(new OutputError(systemError('ENOSPC', 'no space left on device', 'write')))[1]).toBe('Das Archiv kann nicht geschrieben werden: der Datenträger ist voll');
    expect(said(new OutputError(systemError('EDQUOT', 'disk quota exceeded', 'write')))[1]).toBe('Das Archiv kann nicht geschrieben werden: das Speicherkontingent ist aufgebraucht');
    expect(said(new OutputError(systemError('EFBIG', 'file too large', 'write')))).toEqual(['cannot write the archive: file too large', 'Das Archiv kann nicht geschrieben werden (Systemfehler EFBIG)']);
    expect(said(sourceError(systemError('EACCES', 'permission denied', 'scandir'), '/home/a/privat'))).toEqual(['/home/a/privat: permission denied', '/home/a/privat: Systemfehler EACCES']);
    expect(said(sourceError(systemError('ENOENT', 'no such file or directory', 'lstat'), '/home/a/caf\uFFFD'))[1]).toBe(
      '/home/a/caf\uFFFD: Datei oder Ordner nicht gefunden (ist der Name kein UTF-8, lässt er sich nicht als Pfad angeben; den Ordner angeben, der die Datei enthält)',
    );
    let tooLong: unknown;
    try {
      checkNameFits(path.join(dir, `${'x'.repeat(300)}.zip`));
    } catch (error) {
      tooLong = error;
    }
    expect(said(tooLong as ZipError)[1]).toBe('Der Name ist länger als die 255 Bytes, die ein Dateiname haben darf');
  });

  it('a source file that became a folder, a named pipe or a device before a create read it', async () => {
    const file = path.join(dir, 'wird-anders');
    writeFileSync(file, 'a file when the walk saw it');
    const { size, mode, mtimeMs, dev, ino } = statSync(file);
    const planned = (sourcePath: string): PlannedEntry => ({ name: 'd/c.txt', kind: 'file', sourcePath, size, mode, mtimeMs, dev, ino });
    /** The error the read's check of the opened file gives. */
    const checked = async (sourcePath: string): Promise<ZipError> => {
      const handle = await open(sourcePath, readFlags(false));
      try {
        return await checkUnchanged(planned(sourcePath), handle).then(
          () => expect.unreachable(),
          (error: ZipError) => error,
        );
      } finally {
        await handle.close();
      }
    };
    unlinkSync(file);
    mkdirSync(file);
    expect(said(await checked(file))).toEqual([`d/c.txt: ${file} is now a folder, not a file; archive not written`, `d/c.txt: ${file} ist jetzt ein Ordner, keine Datei; Archiv nicht geschrieben`]);
    rmSync(file, { recursive: true });
    execFileSync('mkfifo', [file]);
    expect(said(await checked(file))[1]).toBe(`d/c.txt: ${file} ist jetzt eine benannte Pipe (FIFO), keine Datei; Archiv nicht geschrieben`);
    expect(said(await checked('/dev/null'))[1]).toBe('d/c.txt: /dev/null ist jetzt ein zeichenorientiertes Gerät, keine Datei; Archiv nicht geschrieben');
    // A socket cannot be opened (ENXIO); a block device or a special file, as main words them.
    for (const [kind, what, german] of [
      ['NOW_SOCKET', 'a socket', 'ein Socket'],
      ['NOW_BLOCK_DEVICE', 'a block device', 'ein Blockgerät'],
      ['NOW_SPECIAL_FILE', 'a special file', 'eine besondere Datei'],
    ] as const) {
      const problem: JobProblem = { entry: 'd/c.txt', code: 'SOURCE_CHANGED', kind, params: { path: '/s/c.txt' }, message: `/s/c.txt is now ${what}, not a file; archive not written` };
      expect(problemText(problem, 'en')).toBe(`d/c.txt: ${problem.message}`);
      expect(problemText(problem, 'de')).toBe(`d/c.txt: /s/c.txt ist jetzt ${german}, keine Datei; Archiv nicht geschrieben`);
    }
  });

  it("an extract's entries that cannot be written: a file, folder or the archive itself in the way", async () => {
    const problems = async (archive: string, target: string, overwrite: 'skip' | 'replace') => {
      const result = await extractArchive(archive, target, { overwrite });
      return result.problems.map((problem) => problemText({ ...problem, entry: problem.entry }, 'de'));
    };
    const fileThenFolder = path.join(dir, 'datei-dann-ordner.zip');
    writeFileSync(fileThenFolder, craftZip([{ name: 'x', data: 'a file' }, { name: 'x/y', data: 'under it' }]));
    expect(await problems(fileThenFolder, path.join(dir, 'ddo'), 'skip')).toEqual(['x/y: x ist im Archiv auch eine Datei']);
    const folderThenFile = path.join(dir, 'ordner-dann-datei.zip');
    writeFileSync(folderThenFile, craftZip([{ name: 'x/', kind: 'directory' }, { name: 'x', data: 'a file' }]));
    expect(await problems(folderThenFile, path.join(dir, 'odd'), 'skip')).toEqual(['x: x ist im Archiv auch ein Ordner']);
    const inside = path.join(dir, 'selbst');
    mkdirSync(inside);
    const itself = path.join(inside, 'selbst.zip');
    writeFileSync(itself, craftZip([{ name: 'selbst.zip', data: 'not me' }]));
    expect(await problems(itself, inside, 'replace')).toEqual(['selbst.zip: selbst.zip ist das Archiv, das entpackt wird: es wird nicht ersetzt']);
  });

  it('the rest, as main words them: each in English as main says it, in German with its values', () => {
    const sys = { system: 'permission denied', errno: 'EACCES' };
    const table: [JobProblem, string][] = [
      [{ entry: null, code: 'DISK_FULL', kind: 'STOPPED', params: {}, message: 'the disk is full: extraction stopped (each file written is whole and checked; nothing half-written is left)' }, 'Der Datenträger ist voll: Entpacken abgebrochen (jede geschriebene Datei ist vollständig und geprüft; nichts halb Geschriebenes bleibt zurück)'],
      [{ entry: null, code: 'DISK_FULL', kind: 'STOPPED_AFTER', params: { files: 1 }, message: 'the disk is full: extraction stopped after 1 file (each file written is whole and checked; nothing half-written is left)' }, 'Der Datenträger ist voll: Entpacken nach 1 Datei abgebrochen (jede geschriebene Datei ist vollständig und geprüft; nichts halb Geschriebenes bleibt zurück)'],
      [{ entry: null, code: 'IO', kind: 'TARGET_GONE', params: { target: '/t' }, message: 'the target folder /t is gone (removed or moved away): extraction stopped' }, 'Der Zielordner /t ist nicht mehr da (gelöscht oder verschoben): Entpacken abgebrochen'],
      [{ entry: null, code: 'IO', kind: 'TARGET_GONE_AFTER', params: { target: '/t', files: 3 }, message: 'the target folder /t is gone (removed or moved away): extraction stopped after 3 files' }, 'Der Zielordner /t ist nicht mehr da (gelöscht oder verschoben): Entpacken nach 3 Dateien abgebrochen'],
      [{ entry: null, code: 'SOURCE_CHANGED', kind: 'ARCHIVE_CHANGED', params: {}, message: 'the archive changed while it was extracted (rewritten or cut short): extraction stopped' }, 'Das Archiv hat sich beim Entpacken geändert (neu geschrieben oder gekürzt): Entpacken abgebrochen'],
      [{ entry: null, code: 'SOURCE_CHANGED', kind: 'ARCHIVE_CHANGED_AFTER', params: { files: 2 }, message: 'the archive changed while it was extracted (rewritten or cut short): extraction stopped after 2 files' }, 'Das Archiv hat sich beim Entpacken geändert (neu geschrieben oder gekürzt): Entpacken nach 2 Dateien abgebrochen'],
      [{ entry: null, code: 'IO', kind: 'TARGET_NOT_MADE.LINK_THERE', params: { target: '/t' }, message: 'cannot create the target folder /t: a symbolic link that leads to no folder has that name' }, 'Der Zielordner /t kann nicht angelegt werden: ein symbolischer Link dieses Namens führt zu keinem Ordner'],
      [{ entry: null, code: 'IO', kind: 'TARGET_NOT_MADE.SYSTEM', params: { target: '/t', ...sys }, message: 'cannot create the target folder /t: permission denied' }, 'Der Zielordner /t kann nicht angelegt werden (Systemfehler EACCES)'],
      [{ entry: 'a.txt', code: 'DISK_FULL', params: {}, message: 'the disk is full' }, 'a.txt: der Datenträger ist voll'],
      [{ entry: 'a.txt', code: 'IO', kind: 'SYSTEM', params: sys, message: 'permission denied' }, 'a.txt: Systemfehler EACCES'],
      [{ entry: 'to-a', code: 'IO', kind: 'NO_LINKS', params: {}, message: "the target folder's file system cannot hold symbolic links; the link was not made" }, 'to-a: das Dateisystem des Zielordners kann keine symbolischen Links aufnehmen; der Link wurde nicht angelegt'],
      [{ entry: 'a.txt', code: 'EXISTS', kind: 'SYSTEM', params: { system: 'file already exists', errno: 'EEXIST' }, message: 'file already exists' }, 'a.txt: Systemfehler EEXIST'],
      [{ entry: 'a.txt', code: 'EXISTS', kind: 'FOLDER_THERE', params: {}, message: 'a folder is already there; not replaced' }, 'a.txt: dort ist schon ein Ordner; nicht ersetzt'],
      [{ entry: null, code: 'EXISTS', kind: 'OUTPUT', params: { path: '/o.zip' }, message: '/o.zip already exists' }, '/o.zip ist schon vorhanden'],
      [{ entry: null, code: 'EXISTS', kind: 'NOT_REPLACED.SOURCE', params: {}, message: 'is also one of the files to archive; not replaced' }, 'ist auch eine der zu packenden Dateien; nicht ersetzt'],
      [{ entry: null, code: 'EXISTS', kind: 'NOT_REPLACED.NOT_A_FILE', params: {}, message: 'is not a regular file; not replaced' }, 'ist keine gewöhnliche Datei; nicht ersetzt'],
      [{ entry: null, code: 'EXISTS', kind: 'NOT_REPLACED.NOT_A_ZIP', params: {}, message: 'exists and is not a ZIP archive; not replaced' }, 'ist schon vorhanden und kein ZIP-Archiv; nicht ersetzt'],
      [{ entry: null, code: 'EXISTS', kind: 'NOT_REPLACED.UNREADABLE', params: sys, message: 'exists and cannot be read to check that it is a ZIP archive (permission denied); not replaced' }, 'ist schon vorhanden, aber nicht lesbar, um zu prüfen, ob es ein ZIP-Archiv ist (Systemfehler EACCES); nicht ersetzt'],
      [{ entry: null, code: 'IO', kind: 'NOT_A_FOLDER', params: { folder: '/f' }, message: '/f is not a folder: a file is in its place or on its path' }, '/f ist kein Ordner: eine Datei steht an seiner Stelle oder auf seinem Pfad'],
      [{ entry: 'd/big.iso', code: 'SOURCE_CHANGED', kind: 'GONE', params: { path: '/s/big.iso' }, message: '/s/big.iso was deleted or moved away while it was read; archive not written' }, 'd/big.iso: /s/big.iso wurde beim Lesen gelöscht oder verschoben; Archiv nicht geschrieben'],
      [{ entry: null, code: 'IO', kind: 'FOLDER_GONE', params: { folder: '/f' }, message: 'folder /f is gone: moved or deleted while the file was written' }, 'Der Ordner /f ist nicht mehr da: verschoben oder gelöscht, während die Datei geschrieben wurde'],
      [{ entry: null, code: 'IO', kind: 'CANNOT_STAT', params: { path: '/a.zip', system: 'EIO', errno: 'EIO' }, message: 'cannot stat /a.zip: EIO' }, 'Die Angaben zu /a.zip sind nicht lesbar (Systemfehler EIO)'],
      [{ entry: null, code: 'IO', kind: 'READ_FAILED', params: { length: 22, offset: 100, system: 'EIO', errno: 'EIO' }, message: 'read of 22 bytes at offset 100 failed: EIO' }, 'Lesen von 22 Bytes bei Offset 100 fehlgeschlagen (Systemfehler EIO)'],
      [{ entry: 'a.txt', code: 'TRUNCATED', kind: 'SHRANK', params: { end: 90, length: 30, offset: 80 }, message: 'the file ends at offset 90, before the 30 bytes at offset 80 (it shrank while open?)' }, 'a.txt: Die Datei endet bei Offset 90, zu früh für das Lesen von 30 Bytes ab Offset 80 (beim Lesen geschrumpft?)'],
      [{ entry: null, code: 'IO', kind: 'TEMPORARY_REMOVED', params: { path: '/o.zip' }, message: 'the temporary file beside /o.zip was removed before it was complete' }, 'Die temporäre Datei neben /o.zip wurde entfernt, bevor sie fertig war'],
    ];
    for (const [problem, german] of table) {
      expect(problemText(problem, 'en')).toBe(problem.entry === null ? problem.message : `${problem.entry}: ${problem.message}`);
      expect(problemText(problem, 'de')).toBe(german);
    }
    // A name that cannot be written, by each of its reasons, as main words it.
    const kinds = new Set<string>();
    for (const name of ['', 'a\0b', '/abs', 'C:x', '../x', '.', 'a\\b', 'a//b']) {
      const problem = nameProblemForWriting(name)!;
      kinds.add(problem.kind);
      const line: JobProblem = { entry: null, code: 'BAD_NAME', kind: `NOT_WRITABLE.${problem.kind}`, params: { ...problem.params, path: '/src/x' }, message: `${problem.reason} (/src/x); rename the file or leave it out` };
      expect(problemText(line, 'en'), name).toBe(line.message);
      expect(problemText(line, 'de'), name).toMatch(/^Der Name .*\(\/src\/x\); die Datei umbenennen oder weglassen$/);
    }
    expect(kinds.size).toBe(8);
    // Without the system's code, its words are all there is.
    expect(problemText({ entry: 'a.txt', code: 'IO', kind: 'SYSTEM', params: { system: 'odd' }, message: 'odd' }, 'de')).toBe('a.txt: Systemfehler odd');
  });
});

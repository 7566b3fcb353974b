#!/usr/bin/env node
// Benchmark: list, test and extract with `zipdesk` against unzip, 7z and bsdtar, measured in the
// same run on the same archives, printed as ratios (issue 2). zipdesk runs as bin/zipdesk.js, with
// the node flags of its shebang line, as `npx zipdesk` would.
//
//   OUT=/tmp/corpora /work/shared/bench/make_corpora.sh      # once: A.zip B.zip C.zip (~2.5 GB)
//   npm run build:node && node test/bench/read.js [CORPORA_DIR] [--runs N] [--only list|test|extract] [--out-dir DIR]
//
// CORPORA_DIR defaults to $ZIPDESK_CORPORA or /tmp/corpora. The 1,000,000-entry archive M1.zip is
// made there on first use (python zipfile, empty stored entries, ~110 MB). Every command runs as
// its own process, N times (default 2), taking turns with the others of its group (measureEach),
// best wall time kept; peak RSS comes from /usr/bin/time
// when it is installed (Debian package `time`). "parse 1M" times the reader alone, in-process.
// --out-dir DIR: where the extractions go (default the system temp folder). On a journal-less ext4
// every tool's file creation pays for the inodes the previous run just deleted (the kernel skips
// recently deleted inodes one by one), which can make the file system, not the tool, most of the
// time; a tmpfs such as /dev/shm measures the tools.
// Targets (issue 2): list ≤ 0.5× unzip -l, 1M entries parsed < 1 s; extract ≤ 0.5× unzip on A
// and B, ≤ 0.8× on C; test ≤ 0.6× unzip -t on A and B, ≤ 1.0× on C; peak RSS < 150 MB.
// Most zipdesk rows are followed by _floor.js's ("minimal node program"): the same job by a Node
// program that checks nothing but CRC-32 and sizes. Where the fixed costs decide (Node's start,
// a thread's start, one zlib call and a few system calls an entry: C's 100,000 tiny entries), it
// shows how far below us any Node program could get on this machine.
// Test and extract of A, B and C are also run as the app runs them, through the long-lived job
// worker, twice in one process ("app worker, 1st job" and "2nd job"): the second runs on the code
// V8 compiled for the first, as every job of an app session but its first does. No target is
// judged on them: the issues' targets are the command line's, a process started for one job.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runJob } from './_job.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');
const zipdesk = path.join(projectRoot, 'bin/zipdesk.js');
/** The job done by a minimal Node program (_floor.js: CRC-32 and sizes checked, nothing else). */
const floor = path.join(here, '_floor.js');
const FLOOR = 'minimal node program';
/**
 * The environment without NODE_EXTRA_CA_CERTS, which makes Node read the certificates it names at
 * every start. bin/zipdesk.js's first line empties it (the command line makes no connection), so
 * the minimal program runs without it too.
 */
const { NODE_EXTRA_CA_CERTS: certificates, ...withoutCertificates } = process.env;
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const runs = Number(option('--runs') ?? 2);
const only = option('--only');
const corpora = path.resolve(args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ?? process.env.ZIPDESK_CORPORA ?? '/tmp/corpora');

if (process.argv[2] === '--parse') {
  await parseOnly(process.argv[3]);
  process.exit(0);
}
if (process.argv[2] === '--app') {
  await appServices(process.argv[3]);
  process.exit(0);
}
if (process.argv[2] === '--jobs') {
  await appJobs(process.argv[3], process.argv[4], process.argv[5]);
  process.exit(0);
}

/** Runs one command once: its wall time (ms), peak RSS (MB), exit status and first lines of stderr. */
function runOnce(cmd, argv, { before, cwd, env } = {}) {
  before?.();
  const full = TIME ? [TIME, ['-f', '%M', cmd, ...argv]] : [cmd, argv];
  const t0 = performance.now();
  const r = spawnSync(full[0], full[1], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  const stderr = r.stderr.toString();
  const rssKb = TIME ? Number(stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, rssMb: rssKb / 1024, status: r.status, stderr: stderr.split('\n').slice(0, 3).join(' | ') };
}

/**
 * Runs each command of a group once a round, `runs` rounds: the peers and zipdesk take turns, so
 * that a slow spell of the machine (this VM's times move by 10–30% from minute to minute) falls
 * on all of them alike instead of on whichever ran then. For each, its best wall time and the
 * peak RSS of that run. Each command is [cmd, argv, options?].
 */
function measureEach(commands) {
  const best = commands.map(() => undefined);
  for (let i = 0; i < runs; i++) {
    commands.forEach(([cmd, argv, options], k) => {
      const result = runOnce(cmd, argv, options);
      if (best[k] === undefined || result.ms < best[k].ms) best[k] = result;
    });
  }
  return best;
}

/** One command alone, the same way. */
function measure(cmd, argv, options) {
  return measureEach([[cmd, argv, options]])[0];
}

function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

const rows = [];
function report(group, corpus, tool, result, reference, target) {
  const ratio = reference === undefined ? '' : (result.ms / reference.ms).toFixed(2) + '×';
  const mark = target === undefined || reference === undefined ? '' : result.ms / reference.ms <= target ? `  (target ≤ ${target}× met)` : `  (target ≤ ${target}× MISSED)`;
  const rss = Number.isFinite(result.rssMb) ? `${result.rssMb.toFixed(0)} MB` : 'n/a';
  const status = result.status === 0 ? '' : `  [exit ${result.status}]`;
  const line = `${group.padEnd(8)} ${corpus.padEnd(9)} ${tool.padEnd(22)} ${fmt(result.ms).padStart(9)}  ${ratio.padStart(7)}  rss ${rss.padStart(7)}${mark}${status}`;
  rows.push(line);
  console.log(line);
}

async function parseOnly(archive) {
  const { openFileSource } = await import(path.join(projectRoot, 'build/src-main/archive/file-source.js'));
  const { openZip } = await import(path.join(projectRoot, 'build/src-main/zip/reader.js'));
  const t0 = performance.now();
  const source = await openFileSource(archive);
  const reader = await openZip(source);
  let n = 0;
  for await (const batch of reader.entryBatches()) n += batch.length;
  const ms = performance.now() - t0;
  await source.close();
  console.log(JSON.stringify({ entries: n, ms, rssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** What the app's main process does for a window that opens an archive, shows every row and its safety report: the real services, under Node. */
async function appServices(archive) {
  const { createArchiveService } = await import(path.join(projectRoot, 'build/src-main/ipc/archives.js'));
  const { MAX_PAGE_ROWS } = await import(path.join(projectRoot, 'build/src-preload/contract.js'));
  const service = createArchiveService();
  const t0 = performance.now();
  // (Names as the window reads them by default: no code page named.)
  const summary = await service.open(archive, null);
  const t1 = performance.now();
  let rows = 0;
  for (let start = 0; start < summary.entryCount; start += MAX_PAGE_ROWS) rows += (await service.list(summary.archiveId, start, MAX_PAGE_ROWS)).rows.length;
  const t2 = performance.now();
  const report = await service.report(summary.archiveId);
  const t3 = performance.now();
  await service.closeAll();
  console.log(JSON.stringify({ rows, verdict: report.safety.verdict, openMs: t1 - t0, pagesMs: t2 - t1, reportMs: t3 - t2, ms: t3 - t0, rssMb: process.resourceUsage().maxRSS / 1024 }));
}

/**
 * A test or extract job as the app runs it, through the long-lived job worker (JobClient), twice
 * in one process: the first on a worker just started, the second on the code V8 compiled for the
 * first (every job of an app session but its first). Each is timed from the request to its end.
 */
async function appJobs(kind, archive, out) {
  const { JobClient } = await import(path.join(projectRoot, 'build/src-main/jobs/client.js'));
  const client = new JobClient();
  const times = [];
  // The first extraction's files are removed by `rm` in a process of its own: removed here, their
  // 14,000 paths were garbage on this thread, which counted in the peak as if the job's.
  const removeOut = () => spawnSync('rm', ['-rf', out]);
  for (let i = 0; i < 2; i++) {
    if (kind === 'extract') removeOut();
    const t0 = performance.now();
    await runJob(client, kind === 'extract' ? { kind, archivePath: archive, outputDir: out } : { kind, archivePath: archive }).catch((error) => {
      throw new Error(`${kind} ${archive}: ${error.message}`);
    });
    times.push(performance.now() - t0);
  }
  const rssMb = process.resourceUsage().maxRSS / 1024;
  await client.close();
  if (kind === 'extract') removeOut();
  console.log(JSON.stringify({ firstMs: times[0], secondMs: times[1], rssMb }));
}

/**
 * Best of `runs` of appJobs, printed as two rows against `reference` (no target: the issues'
 * targets are the command line's, a process started for the one job).
 */
function reportAppJobs(group, corpus, kind, file, out, reference) {
  let best;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('node', [fileURLToPath(import.meta.url), '--jobs', kind, file, out], { env: withoutCertificates, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`app ${kind} of ${file} failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout.toString().trim().split('\n').at(-1));
    if (best === undefined || m.secondMs < best.secondMs) best = m;
  }
  report(group, corpus, 'app worker, 1st job', { ms: best.firstMs, rssMb: best.rssMb, status: 0 }, reference);
  report(group, corpus, 'app worker, 2nd job', { ms: best.secondMs, rssMb: best.rssMb, status: 0 }, reference);
}

function ensureMillion() {
  const file = path.join(corpora, 'M1.zip');
  if (existsSync(file)) return file;
  console.log(`making ${file} (1,000,000 empty entries, python zipfile) …`);
  const r = spawnSync('python3', ['-c', `
import zipfile, sys
with zipfile.ZipFile(sys.argv[1] + '.part', 'w', zipfile.ZIP_STORED) as z:
    for i in range(1000000):
        z.writestr(zipfile.ZipInfo('d%04d/f%07d.txt' % (i // 1000, i), (2024, 3, 1, 13, 45, 10)), b'')
import os; os.rename(sys.argv[1] + '.part', sys.argv[1])
`, file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not make M1.zip');
  return file;
}

/** 200,000 folders and 100,000 links to them (~33 MB), made on first use: what extraction keeps for its last steps. */
function ensureFoldersAndLinks() {
  const file = path.join(corpora, 'FL-300k.zip');
  if (existsSync(file)) return file;
  console.log(`making ${file} (200,000 folders, 100,000 links, python zipfile) …`);
  const r = spawnSync('python3', ['-c', `
import zipfile, sys, os
def entry(name, mode):
    info = zipfile.ZipInfo(name, (2024, 3, 1, 13, 45, 10))
    info.create_system = 3
    info.external_attr = mode << 16
    return info
with zipfile.ZipFile(sys.argv[1] + '.part', 'w', zipfile.ZIP_STORED) as z:
    for i in range(200000):
        z.writestr(entry('d%03d/e%06d/' % (i // 2000, i), 0o40755), b'')
    for i in range(100000):
        z.writestr(entry('d%03d/l%06d' % (i // 2000, i), 0o120777), b'e%06d' % i)
os.rename(sys.argv[1] + '.part', sys.argv[1])
`, file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not make FL-300k.zip');
  return file;
}

/** 1,000 folders of 999 folders each (1,000,000 entries, ~124 MB), made on first use: what extraction keeps of each folder. */
function ensureMillionFolders() {
  const file = path.join(corpora, 'F1M.zip');
  if (existsSync(file)) return file;
  console.log(`making ${file} (1,000,000 folders, python zipfile) …`);
  const r = spawnSync('python3', ['-c', `
import zipfile, sys, os
def folder(name):
    info = zipfile.ZipInfo(name, (2024, 5, 6, 7, 8, 10))
    info.create_system = 3
    info.external_attr = 0o40755 << 16
    return info
with zipfile.ZipFile(sys.argv[1] + '.part', 'w', zipfile.ZIP_STORED) as z:
    for p in range(1000):
        z.writestr(folder('project-%04d/' % p), b'')
        for m in range(999):
            z.writestr(folder('project-%04d/module-%03d/' % (p, m)), b'')
os.rename(sys.argv[1] + '.part', sys.argv[1])
`, file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not make F1M.zip');
  return file;
}

/** An overlap bomb: 400,000 central records naming one 10-byte stored entry (~21 MB), made on first use. */
function ensureBomb() {
  const file = path.join(corpora, 'bomb-400k.zip');
  if (existsSync(file)) return file;
  const r = spawnSync('python3', ['-c', `
import struct, sys, zlib, os
n, data = 400000, b'x' * 10
crc = zlib.crc32(data)
local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 0, 0, 0x21, crc, 10, 10, 8, 0) + b'f0000000' + data
records = b''.join(struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 0x031e, 20, 0, 0, 0, 0x21, crc, 10, 10, 8, 0, 0, 0, 0, 0o100644 << 16, 0) + b'f%07d' % i for i in range(n))
at = len(local) + len(records)
zip64 = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, n, n, len(records), len(local))
locator = struct.pack('<IIQI', 0x07064b50, 0, at, 1)
end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0)
open(sys.argv[1] + '.part', 'wb').write(local + records + zip64 + locator + end)
os.rename(sys.argv[1] + '.part', sys.argv[1])
`, file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not make bomb-400k.zip');
  return file;
}

function main() {
  if (!existsSync(path.join(projectRoot, 'build/src-main/cli/main.js'))) throw new Error('run `npm run build:node` first');
  const missing = ['A.zip', 'B.zip', 'C.zip'].filter((f) => !existsSync(path.join(corpora, f)));
  if (missing.length > 0) {
    console.log(`skip: ${missing.join(', ')} missing in ${corpora} (OUT=${corpora} /work/shared/bench/make_corpora.sh)`);
    return;
  }
  console.log(`zipdesk read benchmark: corpora ${corpora}, best of ${runs}, ${TIME ? 'peak RSS by /usr/bin/time' : 'no /usr/bin/time: RSS not measured'}, extracting under ${option('--out-dir') ?? tmpdir()}`);
  console.log(`${'what'.padEnd(8)} ${'archive'.padEnd(9)} ${'tool'.padEnd(22)} ${'time'.padStart(9)}  ${'ratio'.padStart(7)}`);
  const work = mkdtempSync(path.join(option('--out-dir') ?? tmpdir(), 'zipdesk-bench-read-'));
  const out = path.join(work, 'out');
  const clean = () => rmSync(out, { recursive: true, force: true });
  try {
    if (only === undefined || only === 'list') {
      // What Node's own start costs here, before any of our code: for the entries of C it is
      // much of what separates us from unzip. (With NODE_EXTRA_CA_CERTS, when the environment sets
      // it, and without, as zipdesk and the minimal program run.)
      const [start, bare] = measureEach([
        ['node', ['-e', '0']],
        ...(certificates ? [['node', ['-e', '0'], { env: withoutCertificates }]] : []),
      ]);
      report('start', '-', 'node -e 0', start);
      if (bare !== undefined) report('start', '-', 'node -e 0 (no NODE_EXTRA_CA_CERTS)', bare, start);
      const million = ensureMillion();
      for (const [name, file] of [['C (100k)', path.join(corpora, 'C.zip')], ['M1 (1M)', million]]) {
        // (On M1 our list is the faster: _floor.js formats every line anew, where most of M1's repeat.)
        const withFloor = file !== million;
        const [unzip, sevenZip, bsdtar, ours, oursJson, minimal] = measureEach([
          ['unzip', ['-l', file]],
          ['7z', ['l', file]],
          ['bsdtar', ['-tvf', file]],
          [zipdesk, ['list', file]],
          [zipdesk, ['list', file, '--json']],
          ...(withFloor ? [['node', [floor, 'list', file], { env: withoutCertificates }]] : []),
        ]);
        report('list', name, 'unzip -l', unzip);
        report('list', name, '7z l', sevenZip, unzip);
        report('list', name, 'bsdtar -tvf', bsdtar, unzip);
        report('list', name, 'zipdesk list', ours, unzip, 0.5);
        report('list', name, 'zipdesk list --json', oursJson, unzip, 0.5);
        if (withFloor) report('list', name, FLOOR, minimal, unzip);
      }
      // Peak memory is to stay under 150 MB whatever the archive's size: a million entries tested.
      const [unzipMillion, oursMillion] = measureEach([
        ['unzip', ['-tq', million]],
        [zipdesk, ['test', million]],
      ]);
      report('test', 'M1 (1M)', 'unzip -tq', unzipMillion);
      report('test', 'M1 (1M)', 'zipdesk test', oursMillion, unzipMillion);
      // Peak memory on a hostile archive: every entry but one overlaps the first, each is a problem to report.
      const bomb = ensureBomb();
      // (unzip refuses such an archive at once, as a whole: "overlapped components (possible zip bomb)".)
      report('test', 'bomb 400k', 'zipdesk test', measure(zipdesk, ['test', bomb]));
      report('extract', 'bomb 400k', 'zipdesk extract', measure(zipdesk, ['extract', bomb, '-o', out], { before: clean }));
      clean();
      // The safety report (inspect without an entry) reads every local header: a million of them, and the bomb's.
      report('inspect', 'M1 (1M)', 'zipdesk inspect', measure(zipdesk, ['inspect', million]));
      report('inspect', 'bomb 400k', 'zipdesk inspect', measure(zipdesk, ['inspect', bomb]));
      const app = JSON.parse(spawnSync('node', [fileURLToPath(import.meta.url), '--app', million]).stdout.toString());
      const appLine = `app      M1 (1M)   services under Node    ${fmt(app.ms).padStart(9)}           rss ${app.rssMb.toFixed(0).padStart(4)} MB  (open ${fmt(app.openMs)}, ${app.rows} rows in pages ${fmt(app.pagesMs)}, safety report ${fmt(app.reportMs)})`;
      rows.push(appLine);
      console.log(appLine);
      const parse = JSON.parse(spawnSync('node', [fileURLToPath(import.meta.url), '--parse', million]).stdout.toString());
      const line = `parse    M1 (1M)   reader.entryBatches()  ${fmt(parse.ms).padStart(9)}           rss ${parse.rssMb.toFixed(0).padStart(4)} MB  (target < 1 s ${parse.ms < 1000 ? 'met' : 'MISSED'}; ${parse.entries} entries)`;
      rows.push(line);
      console.log(line);
    }
    const targets = { test: { A: 0.6, B: 0.6, C: 1.0 }, extract: { A: 0.5, B: 0.5, C: 0.8 } };
    for (const corpus of ['A', 'B', 'C']) {
      const file = path.join(corpora, `${corpus}.zip`);
      // (The minimal program not on B: reading its 245 MB into memory twice pushes the corpora
      // out of this VM's page cache.)
      const withFloor = corpus !== 'B';
      if (only === undefined || only === 'test') {
        const [unzip, sevenZip, bsdtar, ours, minimal] = measureEach([
          ['unzip', ['-tq', file]],
          ['7z', ['t', file]],
          ['bsdtar', ['-xOf', file]],
          [zipdesk, ['test', file]],
          ...(withFloor ? [['node', [floor, 'test', file], { env: withoutCertificates }]] : []),
        ]);
        report('test', corpus, 'unzip -tq', unzip);
        report('test', corpus, '7z t', sevenZip, unzip);
        report('test', corpus, 'bsdtar -xOf (to null)', bsdtar, unzip);
        report('test', corpus, 'zipdesk test', ours, unzip, targets.test[corpus]);
        if (withFloor) report('test', corpus, FLOOR, minimal, unzip);
        reportAppJobs('test', corpus, 'test', file, out, unzip);
      }
      if (only === undefined || only === 'extract') {
        const [unzip, sevenZip, bsdtar, ours, minimal] = measureEach([
          ['unzip', ['-q', file, '-d', out], { before: clean }],
          ['7z', ['x', '-y', `-o${out}`, file], { before: clean }],
          ['bsdtar', ['-xf', file, '-C', out], { before: () => (clean(), spawnSync('mkdir', ['-p', out])) }],
          [zipdesk, ['extract', file, '-o', out], { before: clean }],
          ...(withFloor ? [['node', [floor, 'extract', file, out], { before: clean, env: withoutCertificates }]] : []),
        ]);
        report('extract', corpus, 'unzip -q', unzip);
        report('extract', corpus, '7z x', sevenZip, unzip);
        report('extract', corpus, 'bsdtar -xf', bsdtar, unzip);
        report('extract', corpus, 'zipdesk extract', ours, unzip, targets.extract[corpus]);
        if (withFloor) report('extract', corpus, FLOOR, minimal, unzip);
        clean();
        reportAppJobs('extract', corpus, 'extract', file, out, unzip);
      }
    }
    if (only === undefined || only === 'extract') {
      // Peak memory again, extracting a million (empty) files.
      const million = ensureMillion();
      const [unzip, ours] = measureEach([
        ['unzip', ['-q', million, '-d', out], { before: clean }],
        [zipdesk, ['extract', million, '-o', out], { before: clean }],
      ]);
      report('extract', 'M1 (1M)', 'unzip -q', unzip);
      report('extract', 'M1 (1M)', 'zipdesk extract', ours, unzip);
      clean();
      // And with many folders and links, whose times, modes and targets are set last.
      const foldersAndLinks = ensureFoldersAndLinks();
      const [unzipFL, bsdtarFL, oursFL] = measureEach([
        ['unzip', ['-q', foldersAndLinks, '-d', out], { before: clean }],
        ['bsdtar', ['-xf', foldersAndLinks, '-C', out], { before: () => (clean(), spawnSync('mkdir', ['-p', out])) }],
        [zipdesk, ['extract', foldersAndLinks, '-o', out], { before: clean }],
      ]);
      report('extract', 'FL 300k', 'unzip -q', unzipFL);
      report('extract', 'FL 300k', 'bsdtar -xf', bsdtarFL, unzipFL);
      report('extract', 'FL 300k', 'zipdesk extract', oursFL, unzipFL);
      clean();
      // And a million folders: peak memory while each folder's mode and time wait for the end.
      const millionFolders = ensureMillionFolders();
      const [unzipF1M, oursF1M] = measureEach([
        ['unzip', ['-q', millionFolders, '-d', out], { before: clean }],
        [zipdesk, ['extract', millionFolders, '-o', out], { before: clean }],
      ]);
      report('extract', 'F1M', 'unzip -q', unzipF1M);
      report('extract', 'F1M', 'zipdesk extract', oursF1M, unzipF1M);
      clean();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();

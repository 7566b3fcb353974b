#!/usr/bin/env node
// Benchmark: how soon a running job stops when it is cancelled (issue 3: within 200 ms, its
// temporary output removed). Each job runs through the real queue and worker, and is cancelled
// at several moments of its run; the time is from JobClient.cancel() to the 'cancelled' event.
//
//   OUT=/tmp/corpora /work/shared/bench/make_corpora.sh      # once: A, B, C and their .zip
//   npm run build:node && node test/bench/cancel.js [CORPORA_DIR] [--runs N]
//
// CORPORA_DIR defaults to $ZIPDESK_CORPORA or /tmp/corpora. N cancels per case (default 5),
// 80 ms apart from 100 ms after the job's start. A job that ends before its cancel is counted
// apart. After each cancel, nothing may be left at a create's target, nor a temporary file
// beside it or among an extract's files.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../..');
const TARGET_MS = 200;

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 5 : Number(args[runsAt + 1]);
// Options of read.js (--only, --out-dir) come along from `npm run bench -- …`: their values are no folder.
const valued = new Set(['--runs', '--only', '--out-dir']);
const positional = args.filter((arg, i) => !arg.startsWith('--') && !valued.has(args[i - 1]));
const corpora = positional[0] ?? process.env.ZIPDESK_CORPORA ?? '/tmp/corpora';

const { JobClient } = await import(path.join(projectRoot, 'build/src-main/jobs/client.js'));
const work = mkdtempSync(path.join(tmpdir(), 'zipdesk-bench-cancel-'));
const client = new JobClient();

/** Runs `request` and cancels it `delayMs` after it starts: the ms until 'cancelled', or how it ended instead. */
function cancelAfter(request, delayMs) {
  return new Promise((resolve) => {
    let askedAt;
    const off = client.onEvent((event) => {
      if (event.type === 'started') {
        setTimeout(() => {
          askedAt = performance.now();
          client.cancel(event.jobId);
        }, delayMs);
      }
      if (event.type === 'cancelled') {
        off();
        resolve(performance.now() - askedAt);
      } else if (event.type === 'done' || event.type === 'failed') {
        off();
        resolve(event.type);
      }
    });
    client.enqueue(request);
  });
}

const cases = [
  ['create A, level 6', (out) => ({ kind: 'create', outputPath: path.join(out, 'A.zip'), sources: [path.join(corpora, 'A')], level: 6 })],
  ['create A, level 9', (out) => ({ kind: 'create', outputPath: path.join(out, 'A.zip'), sources: [path.join(corpora, 'A')], level: 9 })],
  ['create B, level 6', (out) => ({ kind: 'create', outputPath: path.join(out, 'B.zip'), sources: [path.join(corpora, 'B')], level: 6 })],
  ...['A', 'B', 'C'].flatMap((name) => [
    [`extract ${name}.zip`, (out) => ({ kind: 'extract', archivePath: path.join(corpora, `${name}.zip`), outputDir: out })],
    [`test ${name}.zip`, () => ({ kind: 'test', archivePath: path.join(corpora, `${name}.zip`) })],
  ]),
];

const missing = ['A', 'B', 'C', 'A.zip', 'B.zip', 'C.zip'].filter((name) => !existsSync(path.join(corpora, name)));
if (missing.length > 0) {
  console.log(`cancel: corpora missing in ${corpora} (${missing.join(', ')}); build them with OUT=${corpora} bash /work/shared/bench/make_corpora.sh`);
  process.exit(1);
}

console.log(`cancel latency, from cancel() to 'cancelled' (target ≤ ${TARGET_MS} ms); ${runs} cancels per case; load ${loadavg()[0].toFixed(2)}`);
const failures = [];
try {
  for (const [label, requestFor] of cases) {
    const times = [];
    const ended = [];
    for (let i = 0; i < runs; i++) {
      const out = path.join(work, `run${i}`);
      mkdirSync(out);
      const outcome = await cancelAfter(requestFor(out), 100 + 80 * i);
      if (typeof outcome === 'number') times.push(outcome);
      else ended.push(outcome);
      // Nothing at a create's target, no temporary file anywhere under the output folder.
      const left = readdirSync(out, { recursive: true }).filter((name) => String(name).endsWith('.zip') || String(name).includes('zipdesk-tmp'));
      if (typeof outcome === 'number' && left.length > 0) failures.push(`${label}: left ${left.slice(0, 3).join(', ')}`);
      rmSync(out, { recursive: true, force: true });
    }
    times.sort((a, b) => a - b);
    const median = times.length > 0 ? times[Math.floor(times.length / 2)] : NaN;
    const max = times.at(-1) ?? NaN;
    const endedNote = ended.length > 0 ? `; ${ended.length} ended before the cancel (${ended.join(', ')})` : '';
    console.log(`  ${label.padEnd(20)} median ${median.toFixed(0).padStart(4)} ms, max ${max.toFixed(0).padStart(4)} ms (${times.map((t) => t.toFixed(0)).join(' ')})${endedNote}`);
    if (max > TARGET_MS) failures.push(`${label}: a cancel took ${max.toFixed(0)} ms`);
  }
} finally {
  await client.close();
  rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.log(`cancel: missed: ${failures.join('; ')}`);
  process.exitCode = 1;
}

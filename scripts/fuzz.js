#!/usr/bin/env node
// `npm run fuzz -- [SEED] [ITERATIONS]`: the fuzz test's engine (scripts/fuzz-core.js) run
// longer, against the compiled reader in build/. Seeds: the peer archives (ZIPDESK_PEER_ZIPS,
// ../shared/peer-zips or /work/shared/peer-zips; those up to 64 KiB) and a few archives made
// here with zip and python. Prints outcome counts; each finding (an exception that is not a
// ZipError) is printed and saved under test-artifacts/fuzz/ with its bytes. Exit 1 on findings.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzz } from './fuzz-core.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = (module) => import(path.join(root, 'build', 'src-main', 'zip', module));
const [{ openZip, bufferSource, findOverlaps }, { inspectArchive, inspectEntry }, { ZipError }, { plainEntryData, readSmallEntryAt }] = await Promise.all([
  build('reader.js'),
  build('inspect.js'),
  build('errors.js'),
  build('entry-data.js'),
]);

const seed = Number(process.argv[2] ?? Date.now() % 1_000_000);
const iterations = Number(process.argv[3] ?? 20_000);
if (!Number.isInteger(seed) || !Number.isInteger(iterations) || iterations < 1) {
  console.error('usage: node scripts/fuzz.js [SEED] [ITERATIONS]');
  process.exit(2);
}

const seeds = [];
const peerDir = [process.env.ZIPDESK_PEER_ZIPS, path.resolve(root, '../shared/peer-zips'), '/work/shared/peer-zips'].find((d) => d && existsSync(path.join(d, 'MANIFEST.md')));
function collect(base, relative = '') {
  for (const name of readdirSync(path.join(base, relative))) {
    const file = path.join(relative, name);
    const stat = statSync(path.join(base, file));
    if (stat.isDirectory()) collect(base, file);
    else if (/\.(zip|jar|zipx)$/i.test(name) && stat.size <= 64 * 1024) seeds.push({ name: file, bytes: readFileSync(path.join(base, file)) });
  }
}
if (peerDir) collect(peerDir);

const work = mkdtempSync(path.join(tmpdir(), 'zipdesk-fuzz-'));
try {
  writeFileSync(path.join(work, 'a.txt'), 'alpha '.repeat(300));
  writeFileSync(path.join(work, 'b.txt'), '');
  execFileSync('sh', ['-c', 'zip -q zip.zip a.txt b.txt && zip -q - a.txt b.txt | cat > piped.zip'], { cwd: work });
  execFileSync('python3', ['-c', `
import zipfile
zipfile.ZIP64_LIMIT = 40
zipfile.ZIP_FILECOUNT_LIMIT = 1
with zipfile.ZipFile('zip64.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.comment = b'comment'
    for i in range(4): z.writestr(f'd/{i}.txt', 'text ' * (i * 50))
`], { cwd: work });
  for (const name of ['zip.zip', 'piped.zip', 'zip64.zip']) seeds.push({ name: `own/${name}`, bytes: readFileSync(path.join(work, name)) });
} catch (e) {
  console.error(`could not make our own seed archives (${e.message}); fuzzing the peers only`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (seeds.length === 0) {
  console.error('no seed archives found');
  process.exit(2);
}

const artifacts = path.join(root, 'test-artifacts', 'fuzz');
const started = performance.now();
console.log(`fuzzing ${iterations} cases from ${seeds.length} seed archives, seed ${seed}`);
const { counts, findings } = await fuzz({
  seeds,
  seed,
  iterations,
  api: { openZip, bufferSource, findOverlaps, inspectArchive, inspectEntry, ZipError, plainEntryData, readSmallEntryAt },
  onFinding: (finding) => {
    mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, `seed${seed}-case${finding.case}.zip`);
    writeFileSync(file, finding.bytes);
    console.log(`\nFINDING case ${finding.case} from ${finding.seed}: ${finding.description} (saved ${path.relative(root, file)})\n${finding.error}`);
  },
});
const seconds = (performance.now() - started) / 1000;
console.log(`\noutcomes (cases with at least one):`);
for (const [outcome, count] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${outcome.padEnd(24)} ${count}`);
console.log(`\n${iterations} cases in ${seconds.toFixed(1)} s (${(iterations / seconds).toFixed(0)}/s), seed ${seed}: ${findings.length} findings`);
process.exit(findings.length > 0 ? 1 : 0);

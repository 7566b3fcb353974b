#!/usr/bin/env node
// `npm run fuzz -- [SEED] [ITERATIONS] [--extract | --create | --peers | --into]`: the fuzz test's engine
// (scripts/fuzz-core.js) run longer, against the compiled code in build/. Seeds: the peer
// archives (ZIPDESK_PEER_ZIPS, ../shared/peer-zips or /work/shared/peer-zips; those up to
// 64 KiB) and a few archives made here with zip and python. Prints outcome counts; each finding
// (an exception that is not a ZipError) is printed and saved under test-artifacts/fuzz/ with its
// bytes. Exit 1 on findings.
// With --extract, each case is tested and extracted through files instead (fuzz-core.js
// extractCase: also nothing beside the target, no link out of it, no temporary file left, the
// archive unchanged), some 20 cases a second.
// With --create, each case is instead a random source tree zipped and judged by our reader, test
// and extract and by the peers (scripts/create-fuzz-core.js), about one a second; case N is seed
// SEED+N, so a finding's "case S" runs again alone as `npm run fuzz -- S 1 --create`.
// With --peers, each case's tree (only what every tool takes alike) is zipped by zip, bsdtar, 7z
// and Python, and what each wrote is read and extracted by us (scripts/peer-fuzz-core.js).
// With --into, each case is a hostile archive extracted twice into a folder that already holds
// files, folders and links, under a random policy (scripts/extract-fuzz-core.js), some 15 a second.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCase, makeContainers } from './create-fuzz-core.js';
import { extractCase, fuzz } from './fuzz-core.js';
import { extractIntoCase } from './extract-fuzz-core.js';
import { TOOLS, peerCase } from './peer-fuzz-core.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = (module) => import(path.join(root, 'build', 'src-main', module));
const [{ openZip, bufferSource, findOverlaps }, { buildSafetyReport }, { inspectArchive, inspectEntry }, { ZipError }, { plainEntryData, readSmallEntryAt }, { testArchive }, { extractArchive }, { createArchive }, { openFileSource }, writer] = await Promise.all([
  build('zip/reader.js'),
  build('zip/safety.js'),
  build('zip/inspect.js'),
  build('zip/errors.js'),
  build('zip/entry-data.js'),
  build('archive/test-archive.js'),
  build('archive/extract.js'),
  build('archive/create.js'),
  build('archive/file-source.js'),
  build('zip/writer.js'),
]);

const extracting = process.argv.includes('--extract');
const creating = process.argv.includes('--create');
const peering = process.argv.includes('--peers');
const into = process.argv.includes('--into');
const [seedArgument, iterationsArgument, ...rest] = process.argv.slice(2).filter((arg) => !['--extract', '--create', '--peers', '--into'].includes(arg));
const seed = Number(seedArgument ?? Date.now() % 1_000_000);
const iterations = Number(iterationsArgument ?? (extracting ? 2_000 : creating || peering ? 300 : into ? 5_000 : 20_000));
if (!Number.isInteger(seed) || !Number.isInteger(iterations) || iterations < 1 || rest.length > 0 || [extracting, creating, peering, into].filter(Boolean).length > 1) {
  console.error('usage: node scripts/fuzz.js [SEED] [ITERATIONS] [--extract | --create | --peers | --into]');
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

if (creating || peering || into) process.exit(await fuzzTrees());

/**
 * The tree fuzzers: cases SEED to SEED+ITERATIONS-1, each in a folder of its own; the peers'
 * small ZIP files go inside the trees. --create zips each tree with our create; --peers with
 * each peer tool, reading what it wrote; --into extracts an archive into a planted tree.
 */
async function fuzzTrees() {
  const work = mkdtempSync(path.join(tmpdir(), 'zipdesk-fuzz-trees-'));
  const started = performance.now();
  const counts = new Map();
  let findings = 0;
  const count = (outcome) => counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  try {
    const made = path.join(work, 'containers');
    mkdirSync(made);
    const containers = into ? [] : [...makeContainers(made), ...seeds.map((s) => s.bytes)];
    const runCase = async (n, folder) => {
      if (into) {
        const { outcome, happened, wrong } = await extractIntoCase(n, folder, { extractArchive, testArchive, ZipError, writer });
        count(outcome);
        for (const what of happened) count(what);
        return wrong;
      }
      if (creating) {
        const { outcome, wrong } = await createCase(n, folder, { createArchive, openZip, openFileSource, testArchive, extractArchive, ZipError }, containers);
        count(outcome);
        return wrong;
      }
      const wrong = [];
      for (const tool of Object.keys(TOOLS)) {
        const toolFolder = path.join(folder, tool);
        mkdirSync(toolFolder);
        wrong.push(...(await peerCase(n, toolFolder, tool, { openZip, openFileSource, extractArchive }, containers)).wrong);
        count(tool);
      }
      return wrong;
    };
    console.log(`fuzzing ${into ? 'extract into folders that hold things' : creating ? 'create' : `what ${Object.keys(TOOLS).join(', ')} write`}: cases ${seed} to ${seed + iterations - 1}, ${containers.length} ZIP files to put inside`);
    for (let n = seed; n < seed + iterations; n++) {
      const folder = mkdtempSync(path.join(work, `case-${n}-`));
      try {
        // (A tool that fails, or anything that throws, is a finding of the case too.)
        const wrong = await runCase(n, folder).catch((error) => [`case ${n}: ${error?.stack ?? error}`]);
        if (wrong.length > 0) {
          findings++;
          console.log(`\nFINDING\n${wrong.join('\n')}`);
        }
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`\noutcomes (cases with each):`);
  for (const [outcome, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${outcome.padEnd(28)} ${n}`);
  console.log(`\n${iterations} cases in ${seconds.toFixed(1)} s, seeds ${seed} to ${seed + iterations - 1}: ${findings} findings`);
  return findings > 0 ? 1 : 0;
}

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
  const own = ['zip.zip', 'piped.zip', 'zip64.zip'];
  if (extracting) {
    // Enough small entries for extract's helper thread, and entries read a megabyte at a time.
    execFileSync('python3', ['-c', `
import zipfile
with zipfile.ZipFile('many.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for i in range(600): z.writestr(f'd{i % 5}/f{i}.txt', f'entry {i} ' * (1 + i % 40))
with zipfile.ZipFile('large.zip', 'w') as z:
    text = ''.join(f'line {i} {i * 7919 % 10007}\\n' for i in range(40000))
    z.writestr('text.txt', text, zipfile.ZIP_DEFLATED)
    z.writestr('stored.bin', text[:300000], zipfile.ZIP_STORED)
`], { cwd: work });
    own.push('many.zip', 'large.zip');
  }
  for (const name of own) seeds.push({ name: `own/${name}`, bytes: readFileSync(path.join(work, name)) });
  // A third of the cases mutate these two: what the peers' small archives do not reach.
  const share = Math.ceil((seeds.length - 2) / 4);
  for (const seed of extracting ? seeds.slice(-2) : []) seeds.push(...Array.from({ length: share - 1 }, () => seed));
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
console.log(`fuzzing ${iterations} cases${extracting ? ' of test and extract' : ''} from ${new Set(seeds.map((s) => s.name)).size} seed archives, seed ${seed}`);
const cases = extracting ? mkdtempSync(path.join(tmpdir(), 'zipdesk-fuzz-cases-')) : undefined;
/** A test and an extraction through files, in a folder of its own: what went wrong is a finding. */
const extractOne = async (bytes) => {
  const work = mkdtempSync(path.join(cases, 'case-'));
  try {
    const { outcomes, wrong } = await extractCase(bytes, work, { testArchive, extractArchive, ZipError });
    if (wrong.length > 0) throw new Error(wrong.join('\n'));
    return outcomes;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
const { counts, findings } = await fuzz({
  seeds,
  seed,
  iterations,
  ...(extracting && { check: extractOne }),
  api: { openZip, bufferSource, findOverlaps, buildSafetyReport, inspectArchive, inspectEntry, ZipError, plainEntryData, readSmallEntryAt },
  onFinding: (finding) => {
    mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, `seed${seed}-case${finding.case}.zip`);
    writeFileSync(file, finding.bytes);
    console.log(`\nFINDING case ${finding.case} from ${finding.seed}: ${finding.description} (saved ${path.relative(root, file)})\n${finding.error}`);
  },
});
if (cases !== undefined) rmSync(cases, { recursive: true, force: true });
const seconds = (performance.now() - started) / 1000;
console.log(`\noutcomes (cases with at least one):`);
for (const [outcome, count] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${outcome.padEnd(24)} ${count}`);
console.log(`\n${iterations} cases in ${seconds.toFixed(1)} s (${(iterations / seconds).toFixed(0)}/s), seed ${seed}: ${findings.length} findings`);
process.exit(findings.length > 0 ? 1 : 0);

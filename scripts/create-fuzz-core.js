// The create fuzzer's engine (issue 3), shared by test/unit/create-fuzz.test.ts (the writer from
// source) and `npm run fuzz -- SEED N --create` (the compiled one from build/). Plain JavaScript
// so that both can load it. A case builds a random source tree from a seed — names in many
// scripts and a few bytes that are not UTF-8, empty files and folders, sizes around the writer's
// thresholds (sampling, reading whole, chunks), text, noise, half of each, ZIP files inside
// (whole, cut short, behind a prefix), links (to files, to folders, dangling, in a loop), a named
// pipe, hard links, modes, and times from 1965 to 2200 — zips it with random options (level,
// deterministic, links followed, helpers or not, a comment, an archive to replace), and judges
// what was written against its own walk of the tree:
// - the outcome: written, or refused with the expected code (a name with a backslash or a
//   drive letter, a target that is not a ZIP file), nothing left at the target or beside it;
// - the sources unchanged (bytes, modes, times);
// - our reader: every entry in the walk's order, with its name, kind, mode, time and bytes; our
//   test finds every entry good;
// - the peers: `unzip -t`, `7z t`, `bsdtar -tf` and Python's testzip accept it, and Python reads
//   every entry's name (as bytes), mode, DOS time and data as the walk has them;
// - deterministic: a second run gives the same bytes;
// - our extract gives back the tree (bytes, modes, times, link targets).
// Anything else is a finding: `wrong` lists each, with enough to reproduce it from the seed.

import { Buffer } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { prng } from './fuzz-core.js';

/** Sizes around the writer's thresholds: the 16 KiB samples, files sampled from 128 KiB, read whole up to 256 KiB, 1 MiB chunks. */
const EDGE_SIZES = [1, 2, 100, 4095, 16_383, 16_384, 16_385, 65_536, 131_071, 131_072, 131_073, 262_143, 262_144, 262_145, 1_048_575, 1_048_576, 1_048_577, 2_097_169];
/** Name parts: ASCII, Latin, CJK, emoji, spaces, punctuation, case twins; joined in ones and twos. */
const NAME_PARTS = ['a', 'A', 'b', 'file', 'Data', 'x y', 'ünï', 'ÆØÅ', '✓', '日本語', 'Ωμέγα', '😀', '-dash', '.hidden', 'dots..', '#%&', '[br]', '{c}', "it's", '~', 'tab\there', 'end ', 'long'.repeat(30)];
/** Extensions, some of formats the writer stores, some of ZIP containers, some of neither. */
const EXTENSIONS = ['', '', '', '.txt', '.c', '.png', '.gz', '.jar', '.zip', '.docx', '.bin', '.TXT'];
const SECOND = 1000;
/** Case times in seconds since 1970: most in the extended timestamp's range, some before 1970 or after 2106 (the NTFS field). */
const TIME_RANGES = [
  [315_532_800, 2_147_483_647], // 1980–2038
  [0, 4_294_967_295], // 1970–2106
  [-157_766_400, -1], // 1965–1969
  [4_294_967_296, 7_258_118_400], // 2106–2200
];

/** The random choices of one case, from its seed. */
export function chooser(seed) {
  const random = prng(seed);
  const int = (n) => Math.floor(random() * n);
  return { random, int, pick: (list) => list[int(list.length)], chance: (p) => random() < p };
}

/** Bytes that deflate well. */
function text(size, int) {
  const words = ['zip', 'desk', 'archive', 'entry', 'header', 'central', 'local', 'deflate', '\n'];
  const parts = [];
  let length = 0;
  while (length < size) {
    const word = words[int(words.length)] + ' ';
    parts.push(word);
    length += word.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

function noise(size, int) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = int(256);
  return bytes;
}

/** A file's content: text, noise, both, a ZIP file inside (whole, cut, with a prefix), or a compressed format's magic number before text. */
function content(c, containers) {
  const size = c.chance(0.15) ? 0 : c.chance(0.5) ? c.int(600) : c.pick(EDGE_SIZES);
  switch (c.int(7)) {
    case 0:
    case 1:
      return { data: text(size, c.int), kind: 'text' };
    case 2:
      return { data: noise(Math.min(size, 300_000), c.int), kind: 'noise' };
    case 3: {
      const half = Math.floor(size / 2);
      return { data: Buffer.concat([text(half, c.int), noise(Math.min(size - half, 300_000), c.int)]), kind: 'mixed' };
    }
    case 4:
    case 5: {
      if (containers.length === 0) return { data: text(size, c.int), kind: 'text' };
      const zip = c.pick(containers);
      const how = c.int(4);
      if (how === 0) return { data: zip.subarray(0, c.int(zip.length)), kind: 'zip cut short' };
      if (how === 1) return { data: Buffer.concat([text(c.int(5000), c.int), zip]), kind: 'zip behind a prefix' };
      return { data: zip, kind: 'zip' };
    }
    default:
      return { data: Buffer.concat([Buffer.from(c.pick([[0x1f, 0x8b], [0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8, 0xff], [0x50, 0x4b, 0x03, 0x04]])), text(size, c.int)]), kind: 'magic' };
  }
}

/** A name for a child of a folder that has `taken` (byte strings of its children's names); with `plain`, always UTF-8. */
function childName(c, taken, extension, plain = false) {
  for (;;) {
    const parts = [c.pick(NAME_PARTS)];
    if (c.chance(0.4)) parts.push(c.pick(NAME_PARTS));
    let name = Buffer.from(parts.join(c.pick(['', '_', ' ', '.'])) + extension);
    // Now and then a name that is not UTF-8 (Latin-1 bytes), as old files have.
    if (c.chance(0.04) && !plain) name = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), name.subarray(0, 40)]);
    if (name.length > 200) name = name.subarray(0, 200);
    const key = name.toString('latin1');
    if (!taken.has(key) && key !== '.' && key !== '..' && !name.includes(0x2f) && !name.includes(0)) {
      taken.add(key);
      return name;
    }
  }
}

/**
 * Builds a random tree at `base`/TOP and returns what the case will zip. Folders get their times
 * last, deepest first, since making their children changes them. A `plain` tree holds only what
 * every ZIP tool takes alike (scripts/peer-fuzz-core.js): names in UTF-8 that no reader refuses,
 * no named pipes or hard links, no time past 2106.
 */
export function buildTree(c, base, containers, { plain = false } = {}) {
  const drive = c.chance(0.03) && !plain;
  const top = drive ? 'C:drive' : c.pick(['src', 'Project ✓', 'données', 'x']);
  const root = path.join(base, top);
  fs.mkdirSync(root);
  const folders = [{ path: Buffer.from(root), taken: new Set(), depth: 0 }];
  const files = [];
  const all = [];
  const count = c.int(25);
  let bad = drive ? 'DRIVE_LETTER' : undefined;
  const name = (folder, extension) => childName(c, folder.taken, extension, plain);
  for (let i = 0; i < count; i++) {
    const folder = c.pick(folders);
    const kind = c.random();
    if (plain && kind >= 0.96) continue;
    if (kind < 0.2 && folder.depth < 4) {
      const p = Buffer.concat([folder.path, Buffer.from('/'), name(folder, '')]);
      fs.mkdirSync(p);
      const made = { path: p, taken: new Set(), depth: folder.depth + 1 };
      folders.push(made);
      all.push({ path: p, kind: 'folder', mode: c.pick([0o755, 0o700, 0o750]) });
    } else if (kind < 0.85 || files.length === 0) {
      const p = Buffer.concat([folder.path, Buffer.from('/'), name(folder, c.pick(EXTENSIONS))]);
      const { data } = content(c, containers);
      fs.writeFileSync(p, data);
      files.push(p);
      all.push({ path: p, kind: 'file', mode: c.pick([0o644, 0o755, 0o600, 0o444, 0o640]) });
    } else if (kind < 0.96) {
      // A link, by a relative path: to a file or a folder of the tree, dangling, or to itself.
      const linkName = name(folder, '');
      const p = Buffer.concat([folder.path, Buffer.from('/'), linkName]);
      const to = c.int(4);
      const target =
        to === 0 ? linkName : to === 1 ? Buffer.from('nowhere/at all') : path.relative(folder.path.toString('latin1'), (to === 2 ? c.pick(files) : c.pick(folders).path).toString('latin1')) || '.';
      fs.symlinkSync(Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'), p);
      all.push({ path: p, kind: 'link' });
    } else if (kind < 0.97) {
      // (Named in ASCII, in a folder named in UTF-8: mkfifo takes its path as text.)
      if (!isUtf8(folder.path)) continue;
      const pipe = `pipe ${i}`;
      folder.taken.add(pipe);
      const p = Buffer.concat([folder.path, Buffer.from('/' + pipe)]);
      execFileSync('mkfifo', [p.toString()]);
      all.push({ path: p, kind: 'fifo' });
    } else if (kind < 0.995) {
      const p = Buffer.concat([folder.path, Buffer.from('/'), name(folder, '')]);
      fs.linkSync(c.pick(files), p);
      all.push({ path: p, kind: 'hard link' });
    } else {
      // A name ZIP readers would read as another path: the job must refuse it.
      const p = Buffer.concat([folder.path, Buffer.from('/'), Buffer.from(`back\\slash${i}`)]);
      fs.writeFileSync(p, 'x');
      all.push({ path: p, kind: 'file', mode: 0o644 });
      bad ??= 'BACKSLASH';
    }
  }
  // (As Dates: utimes takes a negative number of seconds for now.)
  const time = () => {
    const [from, to] = c.pick(plain ? TIME_RANGES.slice(0, -1) : TIME_RANGES);
    return new Date((from + c.int(to - from + 1)) * SECOND + (c.chance(0.3) ? c.int(SECOND) : 0));
  };
  for (const entry of all) {
    if (entry.kind === 'link') fs.lutimesSync(entry.path, time(), time());
    else if (entry.kind !== 'fifo' && entry.kind !== 'hard link') {
      fs.chmodSync(entry.path, entry.mode);
      fs.utimesSync(entry.path, time(), time());
    }
  }
  for (const folder of [...folders].reverse()) fs.utimesSync(folder.path, time(), time());
  return { root, top, bad };
}

/** A path's state: kind, mode, size, time and a hash of its bytes; for comparing before and after. */
function snapshot(root) {
  const out = [];
  const visit = (p) => {
    const st = fs.lstatSync(p);
    const bytes = st.isFile() ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : st.isSymbolicLink() ? fs.readlinkSync(p, { encoding: 'buffer' }).toString('hex') : '';
    out.push(`${p.toString('hex')} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${bytes}`);
    if (st.isDirectory()) for (const child of fs.readdirSync(p, { encoding: 'buffer' }).sort(Buffer.compare)) visit(Buffer.concat([p, Buffer.from('/'), child]));
  };
  visit(Buffer.from(root));
  return out;
}

/**
 * What the archive should hold, by this file's own walk of the tree: depth first, each folder's
 * children in byte order; links as links, or followed (a dangling one stays a link, one in a
 * loop of links is left out, as is a link to a folder it lies in); pipes left out.
 */
export function expectedEntries(root, top, follow) {
  const entries = [];
  const skipped = [];
  const statOf = (p) => {
    if (!follow) return fs.lstatSync(p);
    try {
      return fs.statSync(p);
    } catch (error) {
      if (error.code === 'ENOENT' || error.code === 'ELOOP') return { ...fs.lstatSync(p), looped: error.code === 'ELOOP', isSymbolicLink: () => true, isDirectory: () => false, isFile: () => false };
      throw error;
    }
  };
  const visit = (p, name, ancestors) => {
    const st = statOf(p);
    const base = { name, mode: st.mode, mtime: Math.floor(st.mtimeMs / SECOND) };
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (ancestors.includes(key)) return void skipped.push('FOLDER_LOOP');
      entries.push({ ...base, name: Buffer.concat([name, Buffer.from('/')]), kind: 'folder' });
      for (const child of fs.readdirSync(p, { encoding: 'buffer' }).sort(Buffer.compare)) {
        visit(Buffer.concat([p, Buffer.from('/'), child]), Buffer.concat([name, Buffer.from('/'), child]), [...ancestors, key]);
      }
    } else if (st.isFile()) {
      entries.push({ ...base, kind: 'file', data: fs.readFileSync(p) });
    } else if (st.isSymbolicLink()) {
      if (st.looped) return void skipped.push('LINK_LOOP');
      entries.push({ ...base, kind: 'link', data: fs.readlinkSync(p, { encoding: 'buffer' }) });
    } else {
      skipped.push('FIFO');
    }
  };
  visit(Buffer.from(root), Buffer.from(top), []);
  return { entries, skipped };
}

/** Local time as a DOS date and time can hold it: 1980 to 2107, even seconds (rounded down). */
export function dosTuple(seconds) {
  const date = new Date(seconds * SECOND);
  const year = date.getFullYear();
  if (year < 1980) return [1980, 1, 1, 0, 0, 0];
  if (year > 2107) return [2107, 12, 31, 23, 59, 58];
  return [year, date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds() & ~1];
}

const PERMISSIONS = 0o7777;

/** The mode an entry should have: the file's, or in a deterministic archive what `tar --mode=go=rX,u+rw,a-s` makes of it. */
function storedMode(want, deterministic) {
  if (!deterministic) return want.mode;
  const permissions = want.kind === 'link' ? 0o777 : want.kind === 'folder' || (want.mode & 0o111) !== 0 ? 0o755 : 0o644;
  return (want.mode & ~PERMISSIONS) | permissions;
}

const isUtf8 = (bytes) => Buffer.from(bytes.toString('utf8')).equals(bytes);
/** A name's bytes in a message: as JSON text, the bytes of a name that is not UTF-8 above 0x7f as \xNN. */
export const shown = (bytes) => (isUtf8(bytes) ? JSON.stringify(bytes.toString('utf8')) : JSON.stringify(bytes.toString('latin1')).replace(/[\u0080-\u00ff]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16)}`));

/** Python's view of each entry: its name's bytes, mode, DOS time and a hash of its data. */
function pythonEntries(archive) {
  const script = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
out = []
for i in z.infolist():
    raw = i.filename.encode('utf-8' if i.flag_bits & 0x800 else 'cp437')
    out.append([raw.hex(), i.external_attr >> 16, list(i.date_time), hashlib.sha256(z.read(i)).hexdigest()])
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, archive], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

const PEERS = [
  ['unzip -t', 'unzip', (a) => ['-tqq', a]],
  ['7z t', '7z', (a) => ['t', a]],
  ['bsdtar -tf', 'bsdtar', (a) => ['-tf', a]],
  ['python testzip', 'python3', (a) => ['-c', 'import sys,zipfile\nsys.exit(1 if zipfile.ZipFile(sys.argv[1]).testzip() else 0)', a]],
];

/** An end of central directory record alone: an archive of nothing. */
const EMPTY_ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]);

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * One case: a tree from `seed` in `work` (an empty folder), zipped and judged. `api` brings
 * createArchive, openZip, openFileSource, testArchive, extractArchive and ZipError;
 * `containers` are ZIP files to put inside the tree; `chosen` may fix `followSymlinks` and
 * `deterministic` instead of drawing them. Returns the outcome (how the case went, for
 * counting) and what went wrong.
 */
export async function createCase(seed, work, api, containers = [], chosen = {}) {
  const { createArchive, openZip, openFileSource, testArchive, extractArchive, ZipError } = api;
  const c = chooser(seed);
  const wrong = [];
  const { root, top, bad } = buildTree(c, work, containers);
  // (`chosen` may set these two: the test's few cases then reach each way a case can go.)
  const [followDrawn, deterministicDrawn] = [c.chance(0.3), c.chance(0.3)];
  const follow = chosen.followSymlinks ?? followDrawn;
  const deterministic = chosen.deterministic ?? deterministicDrawn;
  const options = {
    sources: [root],
    level: c.chance(0.2) ? c.int(10) : c.chance(0.5) ? 6 : undefined,
    deterministic,
    followSymlinks: follow,
    helperThread: c.chance(0.8),
    ...(c.chance(0.3) && { comment: c.pick(['', 'a comment', 'ünïcode ✓ comment', 'x'.repeat(1000)]) }),
  };
  const outFolder = path.join(work, 'out');
  fs.mkdirSync(outFolder);
  const output = path.join(outFolder, 'case.zip');
  // Now and then a target to replace: an (empty) archive, replaced with its mode kept, or
  // another file, refused.
  const existing = c.chance(0.15) ? (c.chance(0.7) ? { bytes: EMPTY_ZIP, mode: 0o600 } : { bytes: Buffer.from('not an archive'), mode: 0o640 }) : undefined;
  if (existing) {
    fs.writeFileSync(output, existing.bytes);
    fs.chmodSync(output, existing.mode);
  }
  const refuseExisting = existing !== undefined && existing.bytes !== EMPTY_ZIP;
  const described = `case ${seed} (${JSON.stringify({ ...options, sources: undefined, existing: existing && existing.bytes.length })})`;
  const before = snapshot(root);
  const expected = expectedEntries(root, top, follow);

  let result;
  try {
    result = await createArchive({ ...options, outputPath: output });
  } catch (error) {
    if (!(error instanceof ZipError)) return { outcome: 'threw', wrong: [`${described}: threw ${error?.stack ?? error}`] };
    const expectedCode = refuseExisting ? 'EXISTS' : bad !== undefined ? 'BAD_NAME' : expected.entries.length === 0 ? 'NOTHING_TO_ARCHIVE' : undefined;
    if (error.code !== expectedCode) wrong.push(`${described}: failed with ${error.code}: ${error.message}`);
    const left = fs.readdirSync(outFolder);
    if (left.length !== (existing ? 1 : 0)) wrong.push(`${described}: left in the output folder: ${left.join(', ')}`);
    if (existing && !fs.readFileSync(output).equals(existing.bytes)) wrong.push(`${described}: the file at the target changed`);
    if (snapshot(root).join('\n') !== before.join('\n')) wrong.push(`${described}: a source changed`);
    return { outcome: error.code, wrong };
  }
  if (bad !== undefined || refuseExisting) wrong.push(`${described}: written, where ${refuseExisting ? 'the target is not an archive' : `a name has a ${bad}`}`);
  if (snapshot(root).join('\n') !== before.join('\n')) wrong.push(`${described}: a source changed`);
  const left = fs.readdirSync(outFolder);
  if (left.join() !== 'case.zip') wrong.push(`${described}: the output folder holds ${left.join(', ')}`);
  if (existing && (fs.statSync(output).mode & 0o777) !== existing.mode) wrong.push(`${described}: the replaced archive's mode ${existing.mode.toString(8)} was not kept`);
  const skippedKinds = result.skipped.map((s) => s.kind).sort();
  if (skippedKinds.join() !== [...expected.skipped].sort().join()) wrong.push(`${described}: skipped ${skippedKinds.join()} where the walk skips ${expected.skipped.join()}`);

  // Our reader, entry by entry in the walk's order.
  const source = await openFileSource(output);
  try {
    const zip = await openZip(source);
    const entries = await zip.readEntries();
    if (zip.info.comment !== (options.comment ?? '')) wrong.push(`${described}: comment ${JSON.stringify(zip.info.comment.slice(0, 40))}`);
    if (entries.length !== expected.entries.length) wrong.push(`${described}: ${entries.length} entries, the walk has ${expected.entries.length}`);
    for (let i = 0; i < Math.min(entries.length, expected.entries.length); i++) {
      const entry = entries[i];
      const want = expected.entries[i];
      const say = (what) => wrong.push(`${described}: entry ${i} ${shown(want.name)}: ${what}`);
      if (isUtf8(want.name) ? entry.name !== want.name.toString('utf8') : entry.nameEncoding !== 'cp437') say(`read as ${JSON.stringify(entry.name)} (${entry.nameEncoding})`);
      const kind = entry.isDirectory ? 'folder' : entry.isSymlink ? 'link' : 'file';
      if (kind !== want.kind) say(`a ${kind}, not a ${want.kind}`);
      const mode = storedMode(want, deterministic);
      if (entry.unixMode !== mode) say(`mode ${entry.unixMode?.toString(8)}, not ${mode.toString(8)}`);
      const time = deterministic ? new Date(1980, 0, 1).getTime() : want.mtime * SECOND;
      if (entry.modified.getTime() !== time) say(`modified ${entry.modified.toISOString()}, not ${new Date(time).toISOString()}`);
      if (options.level === 0 && entry.compressionMethod !== 0) say(`method ${entry.compressionMethod} at level 0`);
      if (want.kind !== 'folder') {
        const data = await zip.readEntry(entry, { maxSize: 64 * 1024 * 1024 });
        if (!data.equals(want.data)) say(`data differs (${data.length} bytes, not ${want.data.length})`);
      }
    }
  } finally {
    await source.close();
  }
  const tested = await testArchive(output);
  if (!tested.ok) wrong.push(`${described}: our test: ${tested.problems.map((p) => `${p.entry}: ${p.message}`).join('; ')}`);

  // The peers.
  for (const [peer, command, args] of PEERS) {
    const run = spawnSync(command, args(output), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) wrong.push(`${described}: ${peer} exit ${run.status}: ${(run.stdout + run.stderr).slice(-500)}`);
  }
  const python = pythonEntries(output);
  for (let i = 0; i < Math.min(python.length, expected.entries.length); i++) {
    const [nameHex, mode, dateTime, hash] = python[i];
    const want = expected.entries[i];
    const say = (what) => wrong.push(`${described}: Python, entry ${i} ${shown(want.name)}: ${what}`);
    if (nameHex !== want.name.toString('hex')) say(`name bytes ${nameHex}`);
    if (mode !== storedMode(want, deterministic)) say(`mode ${mode.toString(8)}`);
    const dos = deterministic ? [1980, 1, 1, 0, 0, 0] : dosTuple(want.mtime);
    if (dateTime.join() !== dos.join()) say(`DOS time ${dateTime.join()}, not ${dos.join()}`);
    if (hash !== sha256(want.kind === 'folder' ? Buffer.alloc(0) : want.data)) say('data differs');
  }
  if (python.length !== expected.entries.length) wrong.push(`${described}: Python reads ${python.length} entries`);

  // Deterministic: the same bytes again (the first archive moved away, so that the walk sees what it saw).
  if (deterministic) {
    const first = path.join(work, 'first.zip');
    fs.renameSync(output, first);
    await createArchive({ ...options, outputPath: output });
    if (!fs.readFileSync(first).equals(fs.readFileSync(output))) wrong.push(`${described}: a second deterministic run gave other bytes`);
  }

  // Our extract gives the tree back: bytes, modes, times and link targets.
  if (!deterministic) {
    const target = path.join(work, 'extracted');
    const extracted = await extractArchive(output, target);
    if (!extracted.ok) wrong.push(`${described}: our extract: ${extracted.problems.map((p) => `${p.entry}: ${p.message}`).join('; ')}`);
    compareExtracted(target, expected.entries, {}, (want, what) => wrong.push(`${described}: extracted ${shown(want.name)}: ${what}`));
  }
  return { outcome: deterministic ? 'written, deterministic' : follow ? 'written, links followed' : 'written', wrong };
}

/**
 * What our extract made in `target` against the walk's entries (those named in UTF-8: the others
 * come back read as CP437): kind, bytes, link target, and for files and folders the mode and the
 * time, which `timeOf` gives in ms from the walk's seconds (by default those seconds). Each
 * difference goes to `say(entry, what)`.
 */
export function compareExtracted(target, entries, { timeOf = (seconds) => seconds * SECOND }, say) {
  for (const want of entries) {
    if (!isUtf8(want.name)) continue;
    const p = path.join(target, want.name.toString('utf8'));
    let st;
    try {
      st = fs.lstatSync(p);
    } catch (error) {
      say(want, error.code);
      continue;
    }
    const kind = st.isDirectory() ? 'folder' : st.isSymbolicLink() ? 'link' : 'file';
    if (kind !== want.kind) say(want, `a ${kind}`);
    else if (kind === 'file' && !fs.readFileSync(p).equals(want.data)) say(want, 'data differs');
    else if (kind === 'link' && !fs.readlinkSync(p, { encoding: 'buffer' }).equals(want.data)) say(want, 'link target differs');
    if (kind === 'link') continue;
    if ((st.mode & 0o777) !== (want.mode & 0o777)) say(want, `mode ${(st.mode & 0o777).toString(8)}, not ${(want.mode & 0o777).toString(8)}`);
    const time = timeOf(want.mtime);
    if (Math.floor(st.mtimeMs / SECOND) * SECOND !== time) say(want, `modified ${st.mtime.toISOString()}, not ${new Date(time).toISOString()}`);
  }
}

/**
 * ZIP files to put inside the trees, made by Python in `dir`: deflated and stored members, a
 * comment, data descriptors (written to a pipe), and one of small members only (deflated with
 * their headers, not kept as they are).
 */
export function makeContainers(dir) {
  const script = `
import io, sys, zipfile
words = ' '.join(f'word{i % 97}' for i in range(20000)).encode()
with zipfile.ZipFile('mixed.jar', 'w') as z:
    z.writestr('META-INF/MANIFEST.MF', b'Manifest-Version: 1.0\\n', zipfile.ZIP_DEFLATED)
    z.writestr('big.txt', words, zipfile.ZIP_DEFLATED)
    z.writestr('stored.bin', words[:5000], zipfile.ZIP_STORED)
    z.writestr('empty', b'', zipfile.ZIP_DEFLATED)
    z.comment = b'a comment'
with zipfile.ZipFile('small.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for i in range(30): z.writestr(f'f{i}.txt', words[:i * 3])
class Pipe(io.RawIOBase):
    def __init__(self): self.parts = []
    def writable(self): return True
    def write(self, b): self.parts.append(bytes(b)); return len(b)
pipe = Pipe()
with zipfile.ZipFile(pipe, 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('streamed.txt', 'w') as f: f.write(words)
open('descriptors.zip', 'wb').write(b''.join(pipe.parts))
`;
  execFileSync('python3', ['-c', script], { cwd: dir });
  return ['mixed.jar', 'small.zip', 'descriptors.zip'].map((name) => fs.readFileSync(path.join(dir, name)));
}

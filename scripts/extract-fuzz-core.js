// The extract-into fuzzer's engine (issue 2's extract), shared by test/unit/extract-fuzz.test.ts
// (extract from source) and `npm run fuzz -- SEED N --into` (the compiled one from build/). Plain
// JavaScript so that both can load it. Where fuzz-core.js extracts mutated archives into an empty
// folder, a case here extracts a well-formed but hostile archive into a folder that already holds
// things, twice, under a random policy:
// - the archive: a few dozen entries, written with our own record writers (zip/writer.ts), whose
//   names come from a small pool so that they collide (duplicates, case and composition twins, a
//   file where another entry wants a folder), some made hostile (`..`, absolute, a drive letter,
//   backslashes, `./` and `//`), links inside, dangling, climbing out, absolute, through a planted
//   link; entries whose CRC-32 lies, of method 14, or flagged encrypted; setuid and read-only modes;
//   now and then their data in another order than the directory lists them;
// - the target: files, folders and links planted at some of those paths beforehand, links among
//   them leading to a folder `outside` beside the target;
// - the options: the policy, names taken for one path whatever their case or composition or not,
//   Windows' name rules, and now and then a selection of entries.
// What must hold, whatever was refused:
// - nothing beside the target or outside it changes (the archive, `outside`, the work folder);
//   no temporary file is left; no link made leads out of the target, followed to its end;
// - what was there keeps its inode, bytes, mode and time under skip and rename; under replace a
//   file or link is kept or replaced by an entry of its path; a folder keeps its mode;
// - every file written holds the bytes of a good entry of its path (or of the path the result
//   says it was renamed to), with its mode and time, and never setuid, setgid or sticky bits;
// - every bad entry is a problem (or skipped by the policy); test names exactly the bad ones;
// - a path that only good and bad files of plain names claim, where nothing lay, holds the first
//   good one under skip, the last under replace, and under rename each good one at the path or
//   at the name the result gives; where links are among them, the first entry under skip and
//   rename, unless it could not be extracted itself; under rename no entry is written beside a
//   name (`name (1)`) that is left holding nothing;
// - a second run changes nothing under skip, gives the same files under replace, and under
//   rename adds only copies (not checked where names that differ in case are forced to be one
//   path here, on a file system that keeps both).
// Anything else is a finding: `wrong` lists each, with enough to reproduce it from the seed.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { chooser } from './create-fuzz-core.js';

/** Name parts that collide: case twins, é composed and decomposed, a name Windows would rename. */
const SEGMENTS = ['a', 'A', 'b', 'c.txt', 'C.TXT', '\u00e9', 'e\u0301', 'd d', 'n.txt', 'x:y'];
/** Parts Windows' name rules change (zip/paths.ts forWindows). */
const WINDOWS_ODD = new Set(['x:y']);
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const BITFLAG_ENCRYPTED = 0b1;
const SECOND = 1000;

/** Ways to make a name hostile or odd: `name` is a plain path of SEGMENTS, `outside` the folder beside the target. */
const HOSTILE = [
  (name) => `../${name}`,
  (name) => `../../outside/${name}`,
  (name) => `/${name}`,
  (name, outside) => `${outside}/${name}`.slice(1),
  (name, outside) => `${outside}/${name}`,
  (name) => `C:/${name}`,
  (name) => `C:${name}`,
  (name) => name.replaceAll('/', '\\'),
  (name) => `..\\${name}`,
  (name) => `a/../../${name}`,
  (name) => `a/../${name}`,
  (name) => `./${name}`,
  (name) => name.replace('/', '//'),
  (name) => `${name}/..`,
  (name) => `b/./${name}`,
  () => '..',
  () => '.',
  () => './',
];

/**
 * The relative paths an entry name may be written at: its parts without empty ones and `.`, `..`
 * taken back (none when it climbs out, is absolute or has a drive letter), with backslashes as
 * separators too. Lenient on purpose: what the extraction refuses is its own business; a file may
 * only hold an entry's bytes at one of these.
 */
function candidates(name) {
  const forms = [name];
  if (name.includes('\\')) forms.push(name.replaceAll('\\', '/'));
  const found = [];
  for (const form of forms) {
    if (form.startsWith('/') || /^[A-Za-z]:/.test(form)) continue;
    const parts = [];
    let climbs = false;
    for (const part of form.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') climbs = parts.pop() === undefined || climbs;
      else parts.push(part);
    }
    if (!climbs && parts.length > 0) found.push(parts.join('/'));
  }
  return found;
}

/** Whose ancestors: 'a/b/c' → ['a', 'a/b']. */
function ancestors(rel) {
  const parts = rel.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Bytes of `size`, text or noise, starting with the entry's number so that no two entries share them (empty ones aside). */
function entryData(c, index, seed) {
  const size = c.chance(0.1) ? 0 : c.chance(0.7) ? c.int(400) : c.chance(0.75) ? 1000 + c.int(40_000) : c.chance(0.8) ? 200_000 + c.int(200_000) : 1_100_000 + c.int(1_100_000);
  if (size === 0) return Buffer.alloc(0);
  const head = Buffer.from(`entry ${index} of case ${seed}\n`);
  const body = Buffer.alloc(Math.max(0, size - head.length));
  if (c.chance(0.5)) for (let i = 0; i < body.length; i++) body[i] = c.int(256);
  else body.write(`line ${c.int(1000)} of the archive's text\n`.repeat(Math.ceil(body.length / 24)).slice(0, body.length));
  return Buffer.concat([head, body]).subarray(0, size);
}

/**
 * A link's target for an entry at `rel`: inside, dangling, climbing out, absolute, through a
 * planted link. Never through the link's own name ("a -> a/x"): whether that is followed through
 * what lay there before it (a link that leads out: refused) or through itself (a loop) differs
 * from one run to the next, and either is safe.
 */
function linkTarget(c, rel, outside) {
  const parts = rel.split('/');
  const up = '../'.repeat(parts.length - 1);
  const other = () => c.pick(SEGMENTS.filter((segment) => segment !== parts.at(-1)));
  return c.pick([
    () => other(),
    () => `${up}${parts.length > 1 ? c.pick(SEGMENTS) : other()}`,
    () => `${up}${parts.length > 1 ? c.pick(SEGMENTS) : other()}/${c.pick(SEGMENTS)}`,
    () => `${up}../outside`,
    () => `${up}../outside/secret.txt`,
    () => outside,
    () => '/etc/passwd',
    () => '.',
    () => '..',
    () => `${other()}/secret.txt`,
    () => `${other()}/../../..`,
    () => '',
  ])();
}

/** The case's entries, in archive order. */
function makeEntries(c, seed, outside) {
  const count = 1 + c.int(24);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const earlier = entries.length > 0 && c.chance(0.2) ? c.pick(entries) : undefined;
    let name = earlier?.plainName ?? Array.from({ length: 1 + c.int(3) }, () => c.pick(SEGMENTS)).join('/');
    const plainName = name;
    const roll = c.random();
    const kind = roll < 0.65 ? 'file' : roll < 0.85 ? 'directory' : 'symlink';
    const hostile = c.chance(0.15);
    if (hostile) name = c.pick(HOSTILE)(name, outside);
    if (kind === 'directory' && !name.endsWith('/')) name += '/';
    const data = kind === 'file' ? entryData(c, i, seed) : kind === 'symlink' ? Buffer.from(linkTarget(c, plainName, outside)) : Buffer.alloc(0);
    const bad = kind === 'file' && data.length > 0 && c.chance(0.15) ? c.pick(['crc', 'method', 'encrypted']) : undefined;
    const mode = kind === 'file' ? c.pick([0o644, 0o600, 0o755, 0o400, 0o4755, 0o2644, 0o1644]) : kind === 'directory' ? c.pick([0o755, 0o700, 0o750, 0o555]) : 0o777;
    // 1990 to 2090, kept exactly by the extended timestamp.
    const modTime = 631_152_000 + c.int(3_155_760_000);
    entries.push({ index: i, name, plainName: hostile ? undefined : plainName, kind, data, bad, mode, modTime, method: bad === 'method' ? 14 : data.length > 0 && c.chance(0.7) ? 8 : 0 });
  }
  // Links that lead to other entries, and on past them: ways through links this run makes.
  for (const entry of entries) {
    if (entry.kind !== 'symlink' || entry.plainName === undefined || !c.chance(0.5)) continue;
    const others = c.chance(0.5) ? entries.filter((e) => e.kind === 'symlink') : entries;
    const other = c.pick(others).plainName;
    if (other === undefined || other === entry.plainName) continue;
    const way = path.posix.relative(path.posix.dirname(entry.plainName), other.replace(/\/$/, ''));
    if (way !== '' && way.split('/')[0] !== path.posix.basename(entry.plainName)) entry.data = Buffer.from(c.chance(0.5) ? way : `${way}/${c.pick(SEGMENTS)}`);
  }
  // Now and then enough small files among them for the helper thread (extract-files.ts
  // helperPays), so that entries of one name are written in different span batches, on either thread.
  if (c.chance(0.06)) {
    const fillers = Array.from({ length: 520 }, (_, k) => ({ name: `f/${k}.txt`, plainName: `f/${k}.txt`, kind: 'file', data: Buffer.from(`filler ${k}\n`), mode: 0o644, modTime: 1_000_000_000 + k, method: k % 2 === 0 ? 8 : 0, filler: true }));
    entries.splice(Math.floor(entries.length / 2), 0, ...fillers.slice(0, 260));
    entries.push(...fillers.slice(260));
    entries.forEach((entry, index) => (entry.index = index));
  }
  return entries;
}

/**
 * The order the entries' data lies in: most often theirs, now and then reversed or shuffled (as
 * a tool leaves it that sorts the directory, or writes an entry again in place), so that entries
 * of one name are written in another order than the directory lists them. Drawn from a chooser of
 * its own: the rest of each case is what it was before cases had this.
 */
function dataOrder(seed, count) {
  const c = chooser(seed ^ 0x5bd1e995);
  const order = Array.from({ length: count }, (_, i) => i);
  if (!c.chance(0.3)) return order;
  if (c.chance(0.3)) return order.reverse();
  for (let i = count - 1; i > 0; i--) {
    const j = c.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The archive of `entries`, through our own record writers (api.writer: zip/writer.ts): their data in `order`, their central records in theirs. */
function writeArchive(entries, writer, order) {
  const parts = [];
  const centrals = [];
  let offset = 0;
  for (const entry of order.map((i) => entries[i])) {
    const stored = entry.method === 8 ? deflateRawSync(entry.data) : entry.data;
    const type = entry.kind === 'directory' ? S_IFDIR : entry.kind === 'symlink' ? S_IFLNK : S_IFREG;
    const record = {
      fileName: Buffer.from(entry.name),
      compressionMethod: entry.method,
      ...writer.toDosDateTime(new Date(entry.modTime * SECOND)),
      modTime: entry.modTime,
      crc32: entry.bad === 'crc' ? (crc32(entry.data) ^ 0x1) >>> 0 : crc32(entry.data),
      compressedSize: stored.length,
      uncompressedSize: entry.data.length,
      externalFileAttributes: (((type | entry.mode) << 16) | (entry.kind === 'directory' ? 0x10 : 0)) >>> 0,
      relativeOffsetOfLocalHeader: offset,
      zip64LocalSizes: false,
    };
    const local = writer.localFileHeader(record);
    const central = writer.centralDirectoryHeader(record);
    if (entry.bad === 'encrypted') {
      local.writeUInt16LE(local.readUInt16LE(6) | BITFLAG_ENCRYPTED, 6); // 6 - general purpose bit flag (2)
      central.writeUInt16LE(central.readUInt16LE(8) | BITFLAG_ENCRYPTED, 8); // 8 - general purpose bit flag (2)
    }
    parts.push(local, stored);
    centrals[entry.index] = central;
    offset += local.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = writer.endOfCentralDirectory({ entryCount: entries.length, offsetOfStartOfCentralDirectory: offset, sizeOfCentralDirectory: directory.length, comment: Buffer.alloc(0) });
  return Buffer.concat([...parts, directory, end]);
}

/**
 * Plants files, folders and links in `target` at some of the entries' paths (and their folders):
 * links to `outside` (relative and absolute), to a file there, to a folder inside, dangling.
 * Returns the relative paths of what was planted.
 */
function plant(c, target, outside, entries, keyOf) {
  const planted = new Map();
  // Where the entries go, and where their links lead, through the other links as well (so that a
  // way out through a planted link is tried).
  const links = new Map(entries.filter((e) => e.kind === 'symlink' && e.plainName !== undefined).map((e) => [e.plainName, e.data.toString()]));
  const reached = [];
  for (const [at, target] of links) {
    let way = path.posix.normalize(`${path.posix.dirname(at)}/${target}`);
    for (let hop = 0; hop < 3; hop++) {
      const parts = way.split('/');
      const through = parts.findIndex((_, i) => links.has(parts.slice(0, i + 1).join('/')));
      if (through === -1) break;
      const link = parts.slice(0, through + 1).join('/');
      way = path.posix.normalize(`${path.posix.dirname(link)}/${links.get(link)}/${parts.slice(through + 1).join('/')}`);
    }
    reached.push(way);
  }
  const ends = new Set(reached.flatMap(candidates));
  const paths = [...new Set([...entries.map((entry) => entry.name), ...reached].flatMap((name) => candidates(name).flatMap((rel) => [...ancestors(rel), rel])))];
  // Where names that differ in case or composition are taken for one path, the file system takes
  // them so too (macOS, Windows): nothing is planted at a path the archive also spells otherwise,
  // nor beside one spelled otherwise, which such a file system could not hold.
  const keys = new Map();
  for (const rel of paths) keys.set(keyOf(rel), keys.has(keyOf(rel)) && keys.get(keyOf(rel)) !== rel ? undefined : rel);
  const free = (rel) => (keys.has(keyOf(rel)) ? keys.get(keyOf(rel)) : rel) === rel;
  const old = new Date('2001-02-03T04:05:06Z');
  const folders = [];
  const makeFolder = (rel) => {
    fs.mkdirSync(path.join(target, rel));
    fs.chmodSync(path.join(target, rel), c.pick([0o755, 0o700, 0o750]));
    planted.set(rel, 'folder');
    folders.push(rel);
  };
  for (const rel of paths) {
    if (!c.chance(0.3)) continue;
    if (ancestors(rel).some((a) => planted.has(a) && planted.get(a) !== 'folder')) continue;
    if (planted.has(rel) || ![...ancestors(rel), rel].every(free)) continue;
    for (const a of ancestors(rel)) if (!planted.has(a)) makeFolder(a);
    const at = path.join(target, rel);
    const up = '../'.repeat(rel.split('/').length);
    // Where a link of the archive leads, most often a link out.
    const kind = ends.has(rel) && c.chance(0.5) ? 'link out' : c.pick(['file', 'file', 'folder', 'link out', 'link out', 'link to a file out', 'link in', 'dangling']);
    if (kind === 'file') {
      fs.writeFileSync(at, `planted ${rel}\n`);
      fs.chmodSync(at, c.pick([0o644, 0o600, 0o444]));
      fs.utimesSync(at, old, old);
    } else if (kind === 'folder') {
      makeFolder(rel);
      continue;
    } else if (kind === 'link out') fs.symlinkSync(c.chance(0.5) ? outside : `${up}outside`, at);
    else if (kind === 'link to a file out') fs.symlinkSync(`${up}outside/secret.txt`, at);
    else if (kind === 'link in') fs.symlinkSync(c.pick(SEGMENTS), at);
    else fs.symlinkSync('nowhere', at);
    planted.set(rel, kind);
  }
  fs.writeFileSync(path.join(target, 'keep.txt'), 'not in the archive\n');
  planted.set('keep.txt', 'file');
  for (const rel of folders.reverse()) fs.utimesSync(path.join(target, rel), old, old);
  return planted;
}

/** Every path under `root` (not following links): kind, inode, mode, time, a hash of the bytes or the link's target. */
function snapshot(root) {
  const found = new Map();
  const visit = (rel) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const child = rel === '' ? name : `${rel}/${name}`;
      const p = path.join(root, child);
      const st = fs.lstatSync(p);
      const kind = st.isDirectory() ? 'folder' : st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
      const bytes = kind === 'file' ? createHash('sha256').update(fs.readFileSync(p)).digest('hex') : kind === 'link' ? fs.readlinkSync(p) : '';
      found.set(child, { kind, ino: st.ino, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, bytes });
      if (kind === 'folder') visit(child);
    }
  };
  visit('');
  return found;
}

/**
 * Where the link at `at` leads: every link on its way followed, name by name, as far as the names
 * exist; past the first that does not, the rest as they stand. Undefined for a loop.
 */
function leadsTo(at) {
  let folder = fs.realpathSync(path.dirname(at));
  const names = [path.basename(at)];
  for (let followed = 0; names.length > 0; ) {
    const name = names.shift();
    if (name === '' || name === '.') continue;
    const next = name === '..' ? path.dirname(folder) : path.join(folder, name);
    let stats;
    try {
      stats = fs.lstatSync(next);
    } catch {
      return path.join(next, ...names);
    }
    if (!stats.isSymbolicLink()) {
      folder = next;
      continue;
    }
    if (++followed > 40) return undefined;
    const linkTarget = fs.readlinkSync(next);
    if (path.isAbsolute(linkTarget)) folder = path.parse(linkTarget).root;
    names.unshift(...linkTarget.split('/'));
  }
  return folder;
}

const hash = (data) => createHash('sha256').update(data).digest('hex');
const same = (a, b) => a.kind === b.kind && a.ino === b.ino && a.mode === b.mode && a.bytes === b.bytes && (a.kind === 'folder' || a.mtimeMs === b.mtimeMs);

/**
 * One case: the archive and the planted target built in `work` (an empty folder) from `seed`,
 * tested, then extracted twice (api: extractArchive, testArchive, ZipError, and writer:
 * zip/writer.ts's localFileHeader, centralDirectoryHeader, endOfCentralDirectory and
 * toDosDateTime). `chosen` fixes the policy. Returns the policy as the outcome, what happened
 * (`happened`: which problem codes the first run gave, whether it skipped, renamed, replaced what
 * was there, made links, and how the case was set up), and what went wrong.
 */
export async function extractIntoCase(seed, work, api, chosen = {}) {
  const c = chooser(seed);
  const outside = path.join(work, 'outside');
  const target = path.join(work, 'out');
  fs.mkdirSync(path.join(outside, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside the target\n');
  fs.writeFileSync(path.join(outside, 'sub', 'deep.txt'), 'deeper outside\n');
  fs.mkdirSync(target);
  const entries = makeEntries(c, seed, outside);
  const archive = path.join(work, 'x.zip');
  const order = dataOrder(seed, entries.length);
  const bytes = writeArchive(entries, api.writer, order);
  fs.writeFileSync(archive, bytes);
  const overwrite = chosen.overwrite ?? c.pick(['skip', 'replace', 'rename']);
  const caseInsensitive = c.pick([undefined, true, false]);
  const nameRules = c.chance(0.15) ? 'windows' : undefined;
  let selection;
  if (c.chance(0.15)) {
    const names = entries.filter((e) => e.name.endsWith('/') || !entries.some((other) => other.name.startsWith(`${e.name}/`))).map((e) => e.name);
    selection = [...new Set(Array.from({ length: 1 + c.int(4) }, () => c.pick(names)))];
    if (c.chance(0.3)) selection.push('nothing here');
  }
  const options = { overwrite, ...(caseInsensitive !== undefined && { caseInsensitive }), ...(nameRules && { nameRules }), ...(selection && { entries: selection }) };
  const selected = entries.filter((e) => selection === undefined || selection.some((s) => e.name === s || (s.endsWith('/') && e.name.startsWith(s))));
  const folded = caseInsensitive ?? false;
  // Paths as the target holds them: under Windows' rules x:y is written as x_y (zip/paths.ts forWindows).
  const keyOf = (rel) => {
    const held = nameRules ? rel.replaceAll(':', '_') : rel;
    return folded ? held.normalize('NFC').toLowerCase() : held;
  };
  const planted = plant(c, target, outside, entries, keyOf);

  const described = `case ${seed} (${overwrite}${folded ? ', case-insensitive' : ''}${nameRules ? ', Windows names' : ''}${selection ? `, selecting ${JSON.stringify(selection)}` : ''}${order.some((at, i) => at !== i) ? `, data in the order of entries ${order.length > 40 ? 'shuffled' : order.join(' ')}` : ''}; entries ${entries.filter((e) => !e.filler).map((e) => `${JSON.stringify(e.name)}${e.kind === 'symlink' ? ` -> ${JSON.stringify(e.data.toString())}` : ''}${e.bad ? ` (${e.bad})` : ''}`).join(', ')}${entries.some((e) => e.filler) ? ', and 520 files f/N.txt among them' : ''}; planted ${[...planted].slice(0, 40).map(([rel, kind]) => `${rel} (${kind})`).join(', ')}${planted.size > 40 ? `, and ${planted.size - 40} more` : ''})`;
  const wrong = [];
  const say = (text) => wrong.push(`${described}: ${text}`);
  const happened = new Set([...(folded ? ['case-insensitive'] : []), ...(nameRules ? ['Windows names'] : []), ...(selection ? ['a selection'] : []), ...(entries.some((e) => e.filler) ? ['fillers'] : [])]);
  if ([...planted.values()].some((kind) => kind.startsWith('link') && kind.endsWith(' out'))) happened.add('a link out planted');
  if (order.some((at, i) => at !== i)) happened.add('data out of order');
  const outsideBefore = snapshot(outside);
  const before = snapshot(target);

  // Test names exactly the bad entries.
  try {
    const tested = await api.testArchive(archive);
    const named = tested.problems.map((p) => p.index).join();
    const bad = entries.filter((e) => e.bad).map((e) => e.index).join();
    if (named !== bad) say(`test found entries [${named}] bad, not [${bad}]`);
  } catch (error) {
    say(`test threw ${error?.stack ?? error}`);
  }

  const runOnce = async (run, ranBefore) => {
    const started = Date.now();
    let result;
    try {
      result = await api.extractArchive(archive, target, options);
    } catch (error) {
      say(`extract (run ${run}) threw ${error instanceof api.ZipError ? `${error.code}: ${error.message}` : (error?.stack ?? error)}`);
      return undefined;
    }
    const after = snapshot(target);
    if (run === 1) {
      for (const p of result.problems) happened.add(`problem ${p.code}`);
      if (result.skipped.length > 0) happened.add('skipped');
      if (result.renamed.length > 0) happened.add('renamed');
      if (result.symlinksCreated > 0) happened.add('links made');
      if ([...ranBefore].some(([rel, was]) => was.kind !== 'folder' && after.has(rel) && !same(was, after.get(rel)))) happened.add('replaced what was there');
    }
    checkSafety(run, after);
    checkWritten(run, result, ranBefore, after, started);
    return { result, after };
  };

  const checkSafety = (run, after) => {
    const made = fs.readdirSync(work).sort().join();
    if (made !== 'out,outside,x.zip') say(`run ${run}: the work folder holds ${made}`);
    if (!fs.readFileSync(archive).equals(bytes)) say(`run ${run}: the archive changed`);
    const outsideAfter = snapshot(outside);
    for (const [rel, was] of outsideBefore) if (!outsideAfter.has(rel) || !same(was, outsideAfter.get(rel))) say(`run ${run}: outside/${rel} changed`);
    for (const rel of outsideAfter.keys()) if (!outsideBefore.has(rel)) say(`run ${run}: outside/${rel} was made`);
    const realTarget = fs.realpathSync(target);
    for (const [rel, now] of after) {
      if (rel.includes('.zipdesk-')) say(`run ${run}: temporary file left: ${rel}`);
      const untouched = before.has(rel) && same(before.get(rel), now);
      if (now.kind === 'link' && !untouched) {
        // Followed to its end (through links already there), a link made must stay inside.
        const end = leadsTo(path.join(target, rel));
        if (end !== undefined && end !== realTarget && !end.startsWith(realTarget + path.sep)) say(`run ${run}: the link ${rel} -> ${now.bytes} leads to ${end}, outside the target`);
      }
      if (now.kind !== 'link' && !untouched && (now.mode & 0o7000) !== 0) say(`run ${run}: ${rel} has mode ${now.mode.toString(8)}`);
    }
  };

  // The selected entries that a path may hold: by their names' paths, or by where the result says they were renamed to.
  const claimants = (result, rel) => {
    const renamedTo = new Map();
    for (const r of result.renamed) renamedTo.set(r.path, [...(renamedTo.get(r.path) ?? []), r.entry]);
    const byRename = renamedTo.get(rel) ?? [];
    return selected.filter((e) => byRename.includes(e.name) || candidates(e.name).some((p) => keyOf(p) === keyOf(rel)));
  };

  const checkWritten = (run, result, ranBefore, after, started) => {
    for (const [rel, was] of ranBefore) {
      const now = after.get(rel);
      // (Under replace, a link entry that replaced it and was then taken back for leading out
      // through links made after it leaves nothing there: archive/extract.ts step 3c.)
      const takenBack = () => overwrite === 'replace' && result.problems.some((p) => p.code === 'UNSAFE_SYMLINK' && p.message.includes('through the links on its way') && candidates(p.entry).some((k) => keyOf(k) === keyOf(rel)));
      if (now === undefined) {
        if (!takenBack()) say(`run ${run}: ${rel} (a ${was.kind}) is gone`);
        continue;
      }
      if (was.kind === 'folder') {
        if (now.kind !== 'folder' || now.ino !== was.ino) say(`run ${run}: the folder ${rel} was replaced by a ${now.kind}`);
        else if (now.mode !== was.mode) say(`run ${run}: the folder ${rel} has mode ${now.mode.toString(8)}, not ${was.mode.toString(8)}`);
        else if (now.mtimeMs !== was.mtimeMs && now.mtimeMs < started - SECOND) say(`run ${run}: the folder ${rel}'s time went from ${new Date(was.mtimeMs).toISOString()} to ${new Date(now.mtimeMs).toISOString()}`);
      } else if (!same(was, now) && (overwrite !== 'replace' || claimants(result, rel).length === 0)) {
        say(`run ${run}: ${rel} (a ${was.kind}) changed under ${overwrite}${overwrite === 'replace' ? ', and no entry names it' : ''}`);
      }
    }
    for (const [rel, now] of after) {
      const was = ranBefore.get(rel);
      if (was !== undefined && (was.kind === 'folder' || same(was, now))) continue;
      const claims = claimants(result, rel);
      if (now.kind === 'folder') {
        const under = selected.some((e) => candidates(e.name).some((p) => keyOf(p).startsWith(`${keyOf(rel)}/`))) || result.renamed.some((r) => r.path.startsWith(`${rel}/`));
        if (!claims.some((e) => e.kind === 'directory') && !under) say(`run ${run}: the folder ${rel} was made, and no entry names it`);
      } else if (now.kind === 'link') {
        // (Windows' name rules write a link's target in the names they give, x:y as x_y.)
        if (!claims.some((e) => e.kind === 'symlink' && (nameRules !== undefined || e.data.toString() === now.bytes))) say(`run ${run}: the link ${rel} -> ${now.bytes} was made, and no link entry of that path and target`);
      } else if (now.kind === 'file') {
        const source = claims.find((e) => e.kind === 'file' && !e.bad && hash(e.data) === now.bytes);
        if (source === undefined) say(`run ${run}: ${rel} holds bytes no good entry of that path has (${claims.map((e) => `${e.index}${e.bad ? ` ${e.bad}` : ''}`).join(', ') || 'no entry names it'})`);
        else if (!claims.some((e) => e.kind === 'file' && !e.bad && hash(e.data) === now.bytes && (e.mode & 0o777) === now.mode && e.modTime * SECOND === now.mtimeMs)) {
          say(`run ${run}: ${rel} has mode ${now.mode.toString(8)} and time ${new Date(now.mtimeMs).toISOString()}, not ${(source.mode & 0o777).toString(8)} and ${new Date(source.modTime * SECOND).toISOString()}`);
        }
      } else say(`run ${run}: ${rel} is a ${now.kind}`);
    }
    // Every bad entry selected is a problem of its own, or skipped by the policy.
    const problems = new Set(result.problems.map((p) => p.index));
    const skipped = new Set(result.skipped.map((s) => s.entry));
    // (A name ending in "/" is a folder's, whose data is never read: its CRC-32 is not checked.)
    for (const e of selected) if (e.bad && !(e.bad === 'crc' && e.name.endsWith('/')) && !problems.has(e.index) && !skipped.has(e.name)) say(`run ${run}: entry ${e.index} (${e.bad}) is neither a problem nor skipped`);
    if (result.problemCount !== result.problems.length || result.skippedCount !== result.skipped.length || result.renamedCount !== result.renamed.length) say(`run ${run}: counts ${result.problemCount}/${result.skippedCount}/${result.renamedCount} against lists of ${result.problems.length}/${result.skipped.length}/${result.renamed.length}`);
    if (selection?.includes('nothing here') && !result.unmatched.includes('nothing here')) say(`run ${run}: "nothing here" is not said to be unmatched`);
    checkPlainPaths(run, result, after);
  };

  // Paths that only files (and links) of plain names claim, where nothing lay and nothing else wants a folder or a file: the policy decides which good one is there.
  const checkPlainPaths = (run, result, after) => {
    const groups = new Map();
    for (const e of selected) for (const p of candidates(e.name)) groups.set(keyOf(p), [...(groups.get(keyOf(p)) ?? []), e]);
    const plantedKeys = new Set([...planted.keys()].map(keyOf));
    const afterByKey = new Map([...after].map(([rel, now]) => [keyOf(rel), { rel, ...now }]));
    const problems = new Set(result.problems.map((p) => p.index));
    // Under rename, no entry is left beside a name that holds nothing (`name (1)` where `name` is
    // empty): the first entry of a name has it, or the next one written once the first failed.
    if (overwrite === 'rename' && run === 1) {
      for (const r of result.renamed) {
        if (!candidates(r.entry).some((p) => afterByKey.has(keyOf(p)))) say(`run ${run}: entry ${r.entry} was written as ${r.path}, and its own name holds nothing`);
      }
    }
    for (const [key, claims] of groups) {
      if (!claims.every((e) => (e.kind === 'file' || e.kind === 'symlink') && e.plainName !== undefined)) continue;
      if (nameRules && claims.some((e) => e.plainName.split('/').some((part) => WINDOWS_ODD.has(part)))) continue;
      if (plantedKeys.has(key) || [...planted.keys()].some((rel) => keyOf(rel).startsWith(`${key}/`))) continue;
      if (ancestors(key).some((a) => [...planted].some(([rel, kind]) => keyOf(rel) === a && kind !== 'folder') || (groups.get(a) ?? []).some((e) => e.kind !== 'directory'))) continue;
      if ([...groups.keys()].some((other) => other.startsWith(`${key}/`))) continue;
      const now = afterByKey.get(key);
      if (claims.some((e) => e.kind === 'symlink')) {
        // With a link among them (made after every file): under skip and rename the first has
        // the name, unless it could not be extracted itself (a link refused, a file that failed).
        const first = claims[0];
        if (overwrite === 'replace' || run !== 1 || problems.has(first.index)) continue;
        const holds = first.kind === 'symlink' ? now?.kind === 'link' && (nameRules !== undefined || now.bytes === first.data.toString()) : now?.kind === 'file' && now.bytes === hash(first.data);
        if (!holds) say(`run ${run}: ${first.plainName} holds ${now === undefined ? 'nothing' : `a ${now.kind}`}, not entry ${first.index}, the first of that name`);
        continue;
      }
      const good = claims.filter((e) => !e.bad);
      // (Under rename, a second run writes them all beside the first's.)
      const wanted = overwrite === 'replace' ? good.at(-1) : run === 1 || overwrite === 'skip' ? good[0] : undefined;
      if (good.length === 0) {
        if (now !== undefined) say(`run ${run}: ${now.rel} was written, and every entry of it is bad`);
      } else if (now?.kind !== 'file') say(`run ${run}: ${claims[0].plainName} was not written (${now?.kind ?? 'nothing there'})`);
      else if (wanted !== undefined && hash(wanted.data) !== now.bytes) say(`run ${run}: ${now.rel} holds another entry's bytes than entry ${wanted.index}, the ${overwrite === 'replace' ? 'last' : 'first'} good one`);
      else if (overwrite === 'rename' && run === 1) {
        const renamed = result.renamed.filter((r) => claims.some((e) => e.name === r.entry)).map((r) => after.get(r.path)?.bytes);
        const written = [now.bytes, ...renamed].sort().join();
        const expected = good.map((e) => hash(e.data)).sort().join();
        if (written !== expected) say(`run ${run}: ${now.rel} and its renamed copies do not hold the good entries ${good.map((e) => e.index).join(', ')} once each`);
      }
    }
  };

  const first = await runOnce(1, before);
  if (first !== undefined) {
    const second = await runOnce(2, first.after);
    // Again: nothing changes under skip; the same files under replace; only copies under rename
    // (checked as run 2's writes). Not where names that differ in case are forced to be one path
    // on this file system, which keeps both: the first run made folders of both spellings, which
    // one that takes them so would not have held.
    if (second !== undefined && !folded) {
      if (overwrite === 'skip') {
        for (const [rel, now] of second.after) if (!first.after.has(rel) || !same(first.after.get(rel), now)) say(`run 2: ${rel} changed under skip`);
        if (second.result.filesWritten + second.result.symlinksCreated + second.result.directoriesCreated > 0) say(`run 2: wrote ${second.result.filesWritten} files, ${second.result.symlinksCreated} links and ${second.result.directoriesCreated} folders under skip`);
      } else if (overwrite === 'replace') {
        // Files only, and not where a link entry goes: a link is checked against what lies on its
        // way when it is made, and a link planted there may give way to a file later in the first
        // run (step 3b) or to a later link entry, so that a link refused then is made by the second.
        const linked = new Set(selected.filter((e) => e.kind === 'symlink').flatMap((e) => candidates(e.name).map(keyOf)));
        const shown = (map) => [...map].filter(([rel, v]) => v.kind === 'file' && !linked.has(keyOf(rel))).map(([rel, v]) => `${rel} ${v.bytes} ${v.mode} ${v.mtimeMs}`).join('\n');
        if (shown(first.after) !== shown(second.after)) say('run 2: other files than run 1 under replace');
      }
    }
  }
  // Read-only folders would keep a user who is not root from removing the case.
  for (const [rel, now] of snapshot(target)) if (now.kind === 'folder') fs.chmodSync(path.join(target, rel), 0o755);
  return { outcome: overwrite, happened: [...happened], wrong };
}

// The peers' side of the create fuzzer (issue 2's reader): a random source tree from a seed, as
// scripts/create-fuzz-core.js builds it, zipped by a peer — Info-ZIP's zip, bsdtar, 7-Zip or
// Python's zipfile — and read back by our reader and extract against the tree: each entry's
// kind, bytes, link target, mode and time (as exactly as the tool keeps it). The trees here hold only what every tool takes alike: names in UTF-8, no named
// pipes, hard links or names a reader would refuse; times up to 2106 (past it, Info-ZIP's zip
// wraps both of its times).

import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildTree, chooser, compareExtracted, dosTuple, expectedEntries, shown } from './create-fuzz-core.js';

const SECOND = 1000;

/**
 * How each tool is run on the tree's top folder (from the folder above it; each keeps links as
 * links and the Unix mode), and how it keeps times: as exact seconds ('exact'; 7-Zip in the NTFS
 * field, the others in the extended timestamp), or as the DOS time ('dos').
 */
export const TOOLS = {
  zip: { run: (archive, top, cwd) => execFileSync('zip', ['-q', '-r', '-y', archive, top], { cwd }), times: 'exact' },
  bsdtar: { run: (archive, top, cwd) => execFileSync('bsdtar', ['--format', 'zip', '-cf', archive, top], { cwd }), times: 'exact' },
  '7z': { run: (archive, top, cwd) => execFileSync('7z', ['a', '-tzip', '-snl', '-bso0', '-bsp0', archive, top], { cwd }), times: 'exact' },
  python: {
    // Links as links, as zipfile has no option for it: the entry made by hand, as zip -y makes it.
    run: (archive, top, cwd) =>
      execFileSync(
        'python3',
        [
          '-c',
          `
import os, sys, time, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, strict_timestamps=False) as z:
    def add(p):
        st = os.lstat(p)
        if os.path.islink(p):
            when = time.localtime(st.st_mtime)[:6]
            info = zipfile.ZipInfo(p, when if when[0] >= 1980 else (1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (st.st_mode & 0xffff) << 16
            z.writestr(info, os.readlink(p))
        else:
            z.write(p)
        if os.path.isdir(p) and not os.path.islink(p):
            for name in sorted(os.listdir(p)): add(os.path.join(p, name))
    add(sys.argv[2])
`,
          archive,
          top,
        ],
        { cwd },
      ),
    times: 'dos',
  },
};

/** A time in ms, to the second below it (7-Zip keeps fractions of a second, the others do not). */
const wholeSeconds = (ms) => Math.floor(ms / SECOND) * SECOND;

/** The time a tool's archive gives back, in ms: exact seconds, or the DOS time as a local time. */
function keptTime(tool, seconds) {
  if (TOOLS[tool].times === 'exact') return seconds * SECOND;
  const [year, month, day, hours, minutes, secs] = dosTuple(seconds);
  return new Date(year, month - 1, day, hours, minutes, secs).getTime();
}

/**
 * One case: the tree of `seed` in `work` (an empty folder), zipped by `tool`, read by our
 * reader and extracted by our extract. `api` brings openZip, openFileSource and
 * extractArchive. Returns how many entries the tree gave, and what went wrong.
 */
export async function peerCase(seed, work, tool, api, containers = []) {
  const { openZip, openFileSource, extractArchive } = api;
  const c = chooser(seed);
  const { top } = buildTree(c, work, containers, { plain: true });
  const expected = expectedEntries(path.join(work, top), top, false).entries;
  const archive = path.join(work, 'peer.zip');
  TOOLS[tool].run(archive, top, work);
  const described = `${tool}, case ${seed}`;
  const wrong = [];
  const want = new Map(expected.map((entry) => [entry.name.toString('utf8'), entry]));

  const source = await openFileSource(archive);
  try {
    const reader = await openZip(source);
    const entries = await reader.readEntries();
    const names = entries.map((entry) => entry.name);
    const missing = [...want.keys()].filter((name) => !names.includes(name));
    const extra = names.filter((name) => !want.has(name));
    if (missing.length > 0 || extra.length > 0) wrong.push(`${described}: entries missing ${JSON.stringify(missing)}, not in the tree ${JSON.stringify(extra)}`);
    for (const entry of entries) {
      const expectedEntry = want.get(entry.name);
      if (expectedEntry === undefined) continue;
      const say = (what) => wrong.push(`${described}: ${shown(Buffer.from(entry.name))}: ${what}`);
      const kind = entry.isDirectory ? 'folder' : entry.isSymlink ? 'link' : 'file';
      if (kind !== expectedEntry.kind) {
        say(`a ${kind}, not a ${expectedEntry.kind}`);
        continue;
      }
      if (entry.unixMode !== expectedEntry.mode) say(`mode ${entry.unixMode?.toString(8)}, not ${expectedEntry.mode.toString(8)}`);
      if (kind !== 'link' && wholeSeconds(entry.modified.getTime()) !== keptTime(tool, expectedEntry.mtime)) say(`modified ${entry.modified.toISOString()}, not ${new Date(keptTime(tool, expectedEntry.mtime)).toISOString()} (${entry.modifiedFrom})`);
      if (kind !== 'folder') {
        const data = await reader.readEntry(entry, { maxSize: 64 * 1024 * 1024 });
        if (!data.equals(expectedEntry.data)) say(`data differs (${data.length} bytes, not ${expectedEntry.data.length})`);
      }
    }
  } finally {
    await source.close();
  }

  const target = path.join(work, 'extracted');
  const extracted = await extractArchive(archive, target);
  if (!extracted.ok) wrong.push(`${described}: our extract: ${extracted.problems.map((p) => `${p.entry}: ${p.message}`).join('; ')}`);
  compareExtracted(target, expected, { timeOf: (seconds) => keptTime(tool, seconds) }, (entry, what) => wrong.push(`${described}: extracted ${shown(entry.name)}: ${what}`));
  return { entries: expected.length, wrong };
}

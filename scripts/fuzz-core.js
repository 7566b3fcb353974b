// The fuzzer's engine, shared by test/unit/fuzz.test.ts (which passes the reader from source)
// and scripts/fuzz.js (which passes the compiled one from build/). Plain JavaScript so that
// both can load it. A case mutates one seed archive (flipped bytes, truncation, a length or
// offset field near a record signature set to an edge value, a zeroed or duplicated run),
// then opens, lists, inspects and reads every entry. Each outcome must be a success or a
// ZipError; anything else is a finding. Work per case is bounded by construction (entries
// read, bytes inflated), so no case can run long whatever the mutation.

import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';

/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same cases. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIGNATURES = [0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50, 0x07064b50, 0x08074b50];

function signatureOffsets(bytes) {
  const found = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && SIGNATURES.includes(bytes.readUInt32LE(i))) found.push(i);
  }
  return found;
}

/** One mutated copy of `seed` and what was done to it. */
export function mutate(seed, random) {
  const pick = (n) => Math.floor(random() * n);
  const bytes = Buffer.from(seed);
  const kind = pick(6);
  if (bytes.length === 0) return { bytes, description: 'empty' };
  switch (kind) {
    case 0: {
      const count = 1 + pick(8);
      for (let i = 0; i < count; i++) bytes[pick(bytes.length)] ^= 1 << pick(8);
      return { bytes, description: `flipped ${count} bits` };
    }
    case 1: {
      const length = pick(bytes.length);
      return { bytes: bytes.subarray(0, length), description: `truncated to ${length}` };
    }
    case 2:
    case 3: {
      // A field near a record signature — counts, sizes, lengths, offsets — set to an edge value.
      const offsets = signatureOffsets(bytes);
      const base = offsets.length > 0 ? offsets[pick(offsets.length)] : 0;
      const at = Math.min(bytes.length - 4, base + 4 + pick(52));
      if (at < 0) return { bytes, description: 'too short to change a field' };
      const edges = [0, 1, 0xff, 0xffff, 0xfffe, 0x7fffffff, 0xffffffff, bytes.length, bytes.length - 1, bytes.length + 1, pick(0x10000), pick(0x100000000)];
      const value = edges[pick(edges.length)] >>> 0;
      if (pick(2) === 0) bytes.writeUInt16LE(value & 0xffff, at);
      else bytes.writeUInt32LE(value, at);
      return { bytes, description: `set field at ${at} (record at ${base}) to ${value}` };
    }
    case 4: {
      const start = pick(bytes.length);
      const length = 1 + pick(Math.min(64, bytes.length - start));
      bytes.fill(pick(2) === 0 ? 0 : 0xff, start, start + length);
      return { bytes, description: `filled ${length} bytes at ${start}` };
    }
    default: {
      const start = pick(bytes.length);
      const length = 1 + pick(Math.min(256, bytes.length - start));
      const at = pick(bytes.length);
      const copy = Buffer.concat([bytes.subarray(0, at), bytes.subarray(start, start + length), bytes.subarray(at)]);
      return { bytes: copy, description: `inserted a copy of ${length} bytes from ${start} at ${at}` };
    }
  }
}

/** The same source, that can also read into a buffer of the caller's (as the file source can). */
function intoBufferSource(source) {
  return {
    size: source.size,
    read: (offset, length) => source.read(offset, length),
    async readIntoBuffer(target, offset, length) {
      (await source.read(offset, length)).copy(target, 0);
    },
  };
}

/** Limits that bound each case's work. */
export const LIMITS = { entries: 2000, inspected: 20, bytesPerCase: 16 * 1024 * 1024 };

/**
 * Opens, lists, checks overlaps, inspects and reads every entry of `bytes`. Resolves to the
 * list of outcomes ("ok" or a ZipError code per step); rejects only with a finding (an error
 * that is not a ZipError).
 */
export async function exercise(bytes, api) {
  const outcomes = [];
  const coded = (e) => {
    if (e instanceof api.ZipError) {
      outcomes.push(e.code);
      return;
    }
    throw e;
  };
  let reader;
  try {
    reader = await api.openZip(api.bufferSource(bytes));
  } catch (e) {
    coded(e);
    return outcomes;
  }
  let entries = [];
  try {
    for await (const batch of reader.entryBatches()) {
      for (const entry of batch) if (entries.length < LIMITS.entries) entries.push(entry);
      if (entries.length >= LIMITS.entries) break;
    }
    outcomes.push('ok');
  } catch (e) {
    coded(e);
  }
  api.findOverlaps(entries, reader.info);
  if (api.plainEntryData !== undefined) await comparePlainPath(bytes, reader, entries, api);
  try {
    await api.inspectArchive(reader);
  } catch (e) {
    coded(e);
  }
  // The safety report walks the whole directory itself (twice where paths repeat or entries
  // overlap). It reads local headers through a block of its own where the source can read into
  // a buffer (as files can): that must come to the same report, or the same error.
  const report = async (source) => {
    try {
      return JSON.stringify(await api.buildSafetyReport(await api.openZip(source)));
    } catch (e) {
      coded(e);
      return `${e.code}: ${e.message}`;
    }
  };
  const [plain, blockwise] = [await report(api.bufferSource(bytes)), await report(intoBufferSource(api.bufferSource(bytes)))];
  if (plain !== blockwise) throw new Error(`the safety report differs when local headers are read through a block:\n${plain}\n${blockwise}`);
  let budget = LIMITS.bytesPerCase;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (i < LIMITS.inspected) {
      try {
        JSON.stringify(await api.inspectEntry(reader, entry));
      } catch (e) {
        coded(e);
      }
    }
    if (budget <= 0) continue;
    try {
      const stream = await reader.openEntryStream(entry);
      for await (const chunk of stream) {
        budget -= chunk.length;
        if (budget <= 0) {
          stream.destroy();
          break;
        }
      }
      outcomes.push('ok');
    } catch (e) {
      coded(e);
    }
  }
  return outcomes;
}

/** What the plain path of test makes of a record: the central record fields reading its data needs. */
const FIELDS = ['index', 'name', 'generalPurposeBitFlag', 'compressionMethod', 'crc32', 'compressedSize', 'uncompressedSize', 'localHeaderOffset', 'encrypted', 'hasDataDescriptor'];
/** The entries readSmallEntryAt reads (both sizes at most this). */
const SMALL_ENTRY = 256 * 1024;

/**
 * The plain path of test (reader.fieldBatches, entry-data plainEntryData) against the full one,
 * over the first `entries` of `bytes` as entryBatches read them: fieldBatches must give each
 * record its whole entry's fields, and plainEntryData accept an entry only when
 * readSmallEntryAt (strict) does, with the same data. Throws an Error (a finding) where they
 * differ; returns how many small entries the plain path accepted, left to the full path, or
 * saw both refuse.
 */
export async function comparePlainPath(bytes, reader, entries, api) {
  const tally = { accepted: 0, fellBack: 0, refusedByBoth: 0 };
  const fields = [];
  if (entries.length === 0) return tally;
  try {
    for await (const batch of reader.fieldBatches()) {
      fields.push(...batch);
      if (fields.length >= entries.length) break;
    }
  } catch (e) {
    if (!(e instanceof api.ZipError)) throw e;
    throw new Error(`fieldBatches fails (${e.code}) after ${fields.length} records, where entryBatches read ${entries.length}`);
  }
  // Bounded as the rest of a case: entries read whole until this much data is declared.
  let budget = LIMITS.bytesPerCase;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    for (const key of FIELDS) if (fields[i]?.[key] !== entry[key]) throw new Error(`fieldBatches gives record ${i} ${key} ${fields[i]?.[key]}, entryBatches ${entry[key]}`);
    if (entry.compressedSize > SMALL_ENTRY || entry.uncompressedSize > SMALL_ENTRY || budget <= 0) continue;
    budget -= entry.uncompressedSize;
    // Both answers are views of buffers reused by the next call: copy the first.
    const plain = api.plainEntryData(fields[i], bytes, entry.localHeaderOffset, bytes.length);
    const accepted = plain === undefined ? undefined : Buffer.from(plain);
    let full;
    try {
      full = api.readSmallEntryAt(entry, bytes, entry.localHeaderOffset, bytes.length, { strictLocalHeader: true });
    } catch (e) {
      if (!(e instanceof api.ZipError)) throw e;
      if (accepted !== undefined) throw new Error(`plainEntryData accepts record ${i} (${entry.name}), readSmallEntryAt refuses it: ${e.code} ${e.message}`);
      tally.refusedByBoth++;
      continue;
    }
    if (accepted === undefined) tally.fellBack++;
    else if (full === undefined || !accepted.equals(full)) throw new Error(`plainEntryData and readSmallEntryAt give record ${i} (${entry.name}) different data`);
    else tally.accepted++;
  }
  return tally;
}

/**
 * Runs `iterations` cases over the seeds; returns counts per outcome and the findings. `check`
 * runs one case and returns its outcomes, throwing a finding (default: exercise with `api`).
 */
export async function fuzz({ seeds, seed, iterations, api, onFinding, check = (bytes) => exercise(bytes, api) }) {
  const random = prng(seed);
  const counts = new Map();
  const findings = [];
  for (let i = 0; i < iterations; i++) {
    const origin = seeds[Math.floor(random() * seeds.length)];
    // Mostly one mutation; sometimes a few stacked, to reach states one change cannot.
    let { bytes, description } = mutate(origin.bytes, random);
    for (let extra = random() < 0.25 ? 1 + Math.floor(random() * 3) : 0; extra > 0; extra--) {
      const next = mutate(bytes, random);
      bytes = next.bytes;
      description += `; ${next.description}`;
    }
    try {
      const outcomes = await check(bytes);
      for (const outcome of new Set(outcomes)) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    } catch (error) {
      const finding = { case: i, seed: origin.name, description, error: error instanceof Error ? error.stack ?? error.message : String(error), bytes };
      findings.push(finding);
      onFinding?.(finding);
    }
  }
  return { counts, findings };
}

/**
 * One case of test and extract through the files (archive/test-archive.ts, archive/extract.ts):
 * `bytes` written as `work`/x.zip (`work` an empty folder), tested, then extracted to `work`/out.
 * Returns each run's outcome ('ok', 'problems' or a ZipError's code) and what went wrong: an
 * exception that is not a ZipError, the archive changed, anything made beside the target, a
 * link that points outside it, a temporary file left.
 */
export async function extractCase(bytes, work, api) {
  const { testArchive, extractArchive, ZipError } = api;
  const archive = path.join(work, 'x.zip');
  const target = path.join(work, 'out');
  fs.writeFileSync(archive, bytes);
  const outcomes = [];
  const wrong = [];
  for (const [name, run] of [
    ['test', () => testArchive(archive)],
    ['extract', () => extractArchive(archive, target)],
  ]) {
    try {
      const result = await run();
      outcomes.push(result.ok ? 'ok' : 'problems');
    } catch (error) {
      if (error instanceof ZipError) outcomes.push(error.code);
      else wrong.push(`${name} threw ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }
  const made = fs.readdirSync(work).sort();
  if (made.join('/') !== (made.includes('out') ? 'out/x.zip' : 'x.zip')) wrong.push(`made beside the target: ${made.join(', ')}`);
  if (!fs.readFileSync(archive).equals(bytes)) wrong.push('the archive changed');
  // Walked without following links: every link must point inside the target.
  const walk = (folder) => {
    for (const name of fs.readdirSync(folder)) {
      const file = path.join(folder, name);
      const stat = fs.lstatSync(file);
      if (stat.isSymbolicLink() && !path.resolve(folder, fs.readlinkSync(file)).startsWith(target + path.sep)) wrong.push(`link pointing outside: ${file} -> ${fs.readlinkSync(file)}`);
      if (name.endsWith('.zipdesk-partial')) wrong.push(`temporary file left: ${file}`);
      if (stat.isDirectory()) walk(file);
    }
  };
  if (made.includes('out')) walk(target);
  return { outcomes, wrong };
}

#!/usr/bin/env node
// The job done by a minimal Node program, printed by the read benchmark beside zipdesk: on C's
// 100,000 tiny entries, where Node's start, a thread's start and the calls into zlib and the
// kernel decide, it shows how far below us any Node program could get on this machine (issue 2's
// targets there are ratios to `unzip`, which starts in a millisecond where Node takes 60).
//
//   node test/bench/_floor.js list|test|extract ARCHIVE [DIR]
//
// It checks nothing but each entry's CRC-32 and size: no names, no overlaps, no local headers,
// no ZIP64, no collisions, no progress. `test` and `extract` read the whole archive into memory
// and use two threads (the machine's two cores); `extract` keeps the rule every file of ours
// follows (a temporary name, then the rename) and sets each file's time. The field offsets come
// from our record layouts (zip/records.ts): not a second reader, a measuring stick. Plain
// archives only (the benchmark's corpora); anything else stops it with an error.

import { closeSync, fstatSync, futimesSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const [mode, file, dir] = process.argv.slice(2);
/** The fixed sizes and field offsets of the records it reads; the helper thread is handed them (loading the module there costs it 15 ms). */
const layouts = isMainThread ? plainLayouts(await import(path.join(here, '../../build/src-main/zip/records.js'))) : workerData.layouts;
const { central: C, local: L, end: END } = layouts;
// The helper boots while this thread reads the archive.
const helper = isMainThread && (mode === 'test' || mode === 'extract') ? new Worker(fileURLToPath(import.meta.url), { workerData: { file, dir, layouts } }) : undefined;

function plainLayouts(records) {
  const plain = (layout) => ({ ...layout.offsetOf, size: layout.size, signature: layout.signature });
  return { central: plain(records.CENTRAL_DIRECTORY_HEADER), local: plain(records.LOCAL_FILE_HEADER), end: plain(records.END_OF_CENTRAL_DIRECTORY) };
}

/** The archive's bytes from where its central directory starts (`whole`: from its start), and where the directory lies in them. */
function load(file, whole) {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const read = (from) => {
    const bytes = Buffer.allocUnsafe(size - from);
    for (let at = 0; at < bytes.length; ) at += readSync(fd, bytes, at, bytes.length - at, from + at);
    return bytes;
  };
  const tail = read(Math.max(0, size - END.size - 0xffff));
  let end = tail.length - END.size;
  while (end >= 0 && tail.readUInt32LE(end) !== END.signature) end--;
  if (end < 0) throw new Error(`${file}: no end of central directory record`);
  const start = tail.readUInt32LE(end + END.offsetOfStartOfCentralDirectory);
  const length = tail.readUInt32LE(end + END.sizeOfCentralDirectory);
  if (start === 0xffffffff) throw new Error(`${file}: ZIP64 archives are not measured here`);
  const bytes = read(whole ? 0 : start);
  closeSync(fd);
  const base = whole ? start : 0;
  return { bytes, start: base, end: base + length };
}

/** Calls `visit(record, nameStart, nameLength, ordinal)` for each central record. */
function eachRecord({ bytes, start, end }, visit) {
  for (let at = start, ordinal = 0; at < end; ordinal++) {
    const nameLength = bytes.readUInt16LE(at + C.fileNameLength);
    visit(at, at + C.size, nameLength, ordinal);
    at += C.size + nameLength + bytes.readUInt16LE(at + C.extraFieldLength) + bytes.readUInt16LE(at + C.fileCommentLength);
  }
}

function list(file) {
  const archive = load(file, false);
  const { bytes } = archive;
  const out = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  /** Writes `value` in `width` digits (leading zeros) or, with `pad`, right-aligned in spaces. */
  const digits = (value, width, pad) => {
    for (let i = width - 1; i >= 0; i--, value = Math.floor(value / 10)) out[used + i] = pad && value === 0 && i < width - 1 ? 0x20 : 0x30 + (value % 10);
    used += width;
  };
  const text = (ascii) => (used += out.latin1Write(ascii, used));
  // The lines of `unzip -l`: size, date, time, name.
  eachRecord(archive, (at, name, nameLength) => {
    if (used + 64 + nameLength > out.length) {
      writeSync(1, out, 0, used);
      used = 0;
    }
    const date = bytes.readUInt16LE(at + C.lastModFileDate);
    const time = bytes.readUInt16LE(at + C.lastModFileTime);
    digits(bytes.readUInt32LE(at + C.uncompressedSize), 10, true);
    text('  ');
    digits((date >> 9) + 1980, 4, false);
    text('-');
    digits((date >> 5) & 15, 2, false);
    text('-');
    digits(date & 31, 2, false);
    text(' ');
    digits(time >> 11, 2, false);
    text(':');
    digits((time >> 5) & 63, 2, false);
    text('   ');
    used += bytes.copy(out, used, name, name + nameLength);
    out[used++] = 0x0a;
  });
  writeSync(1, out, 0, used);
}

/** Every `parts`-th file entry from `part`: inflated (one reused inflater), checked, and written under `dir` when given. */
function run(file, part, parts, dir) {
  const archive = load(file, true);
  const { bytes } = archive;
  const inflater = zlib.createInflateRaw();
  const handle = inflater._handle;
  const left = inflater._writeState;
  let largest = 0;
  eachRecord(archive, (at) => (largest = Math.max(largest, bytes.readUInt32LE(at + C.uncompressedSize))));
  const output = Buffer.allocUnsafe(Math.max(largest, 1 << 20));
  let files = 0;
  let bad = 0;
  eachRecord(archive, (at, name, nameLength, ordinal) => {
    const isFolder = bytes[name + nameLength - 1] === 0x2f;
    if (isFolder ? part !== 0 || dir === undefined : ordinal % parts !== part) return;
    if (isFolder) return void mkdirSync(path.join(dir, bytes.toString('utf8', name, name + nameLength)), { recursive: true });
    const size = bytes.readUInt32LE(at + C.uncompressedSize);
    const compressed = bytes.readUInt32LE(at + C.compressedSize);
    const local = bytes.readUInt32LE(at + C.relativeOffsetOfLocalHeader);
    const data = local + L.size + bytes.readUInt16LE(local + L.fileNameLength) + bytes.readUInt16LE(local + L.extraFieldLength);
    let content;
    if (bytes.readUInt16LE(at + C.compressionMethod) === 8) {
      handle.reset();
      handle.writeSync(zlib.constants.Z_FINISH, bytes, data, compressed, output, 0, output.length);
      content = output.subarray(0, output.length - left[0]);
    } else content = bytes.subarray(data, data + compressed);
    if (content.length !== size || zlib.crc32(content) !== bytes.readUInt32LE(at + C.crc32)) bad++;
    files++;
    if (dir === undefined) return;
    const final = path.join(dir, bytes.toString('utf8', name, name + nameLength));
    const temporary = `${final}.${process.pid}-${part}.partial`;
    let fd;
    try {
      fd = openSync(temporary, 'wx', 0o644);
    } catch {
      mkdirSync(path.dirname(final), { recursive: true });
      fd = openSync(temporary, 'wx', 0o644);
    }
    for (let at = 0; at < content.length; ) at += writeSync(fd, content, at, content.length - at, at);
    futimesSync(fd, 1.7e9, 1.7e9);
    closeSync(fd);
    renameSync(temporary, final);
  });
  return { files, bad };
}

async function twoThreads(file, dir) {
  const theirs = new Promise((resolve, reject) => {
    helper.once('message', resolve);
    helper.once('error', reject);
  });
  const mine = run(file, 0, 2, dir);
  const other = await theirs;
  await helper.terminate();
  if (mine.bad + other.bad > 0) throw new Error(`${file}: ${mine.bad + other.bad} bad entries`);
  console.log(`${mine.files + other.files} files`);
}

if (!isMainThread) {
  parentPort.postMessage(run(workerData.file, 1, 2, workerData.dir));
} else {
  if (mode === 'list') list(file);
  else if (mode === 'test') await twoThreads(file, undefined);
  else if (mode === 'extract' && dir !== undefined) await twoThreads(file, (mkdirSync(dir, { recursive: true }), dir));
  else throw new Error('usage: _floor.js list|test|extract ARCHIVE [DIR]');
}

// Where the members of a ZIP file that are already compressed keep their data, for the writer:
// zipping a zip (a .jar, a .docx, an .apk), archive/compress-work.ts copies those bytes into
// stored blocks of the entry's deflate stream and deflates only what lies between them (local
// headers, stored members, the central directory). Deflating the deflated members again costs
// most of the time and gains almost nothing (corpus B's .jar files: 53.07 MB of deflated data
// came out 52.95 MB at level 1, for 0.77 s of CPU).
//
// A hint, never a promise: whatever spans this returns, the entry's data is the file's bytes
// (the spans only choose where the stream stores instead of deflating). So this reads only
// the plain case — one end record at the very end or behind a comment, the central directory
// right before it, no ZIP64, no prefix — and gives up (undefined) on anything else.

import type { Buffer } from 'node:buffer';
import { METHOD_STORED } from './constants.js';
import { CENTRAL_DIRECTORY_HEADER, END_OF_CENTRAL_DIRECTORY, LOCAL_FILE_HEADER, SIGNATURE } from './records.js';

/** Members whose data is shorter than this are deflated with their headers (a stored block costs its own header and ends the deflated one). */
const MIN_SPAN = 128;
/** A longer central directory is not read for a hint. */
const MAX_DIRECTORY = 8 * 1024 * 1024;
const MAX_COMMENT = 0xffff;

/** Reads `length` bytes at `position` (fewer at the end of the file). */
export type ReadAt = (position: number, length: number) => Buffer;

/**
 * The data of each member compressed by any method but "stored", as sorted, disjoint
 * [start, end) pairs of file offsets laid end to end; undefined when the file does not read as
 * a plain ZIP file. Each span is checked to lie between its local header and the central
 * directory; overlapping ones are dropped.
 */
export function compressedMemberSpans(size: number, readAt: ReadAt): number[] | undefined {
  const END = END_OF_CENTRAL_DIRECTORY;
  const tailStart = Math.max(0, size - END.size - MAX_COMMENT);
  const tail = readAt(tailStart, size - tailStart);
  for (let i = tail.length - END.size; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== SIGNATURE.END_OF_CENTRAL_DIRECTORY) continue;
    const position = tailStart + i;
    const count = tail.readUInt16LE(i + END.offsetOf.totalNumberOfCentralDirectoryRecords);
    const directorySize = tail.readUInt32LE(i + END.offsetOf.sizeOfCentralDirectory);
    const directoryStart = tail.readUInt32LE(i + END.offsetOf.offsetOfStartOfCentralDirectory);
    if (position + END.size + tail.readUInt16LE(i + END.offsetOf.commentLength) !== size) continue;
    if (directoryStart + directorySize !== position || directorySize > MAX_DIRECTORY || count * CENTRAL_DIRECTORY_HEADER.size > directorySize) return undefined;
    const directory = directoryStart >= tailStart ? tail.subarray(directoryStart - tailStart, i) : readAt(directoryStart, directorySize);
    if (directory.length !== directorySize) return undefined;
    return spansOf(directory, count, directoryStart, readAt);
  }
  return undefined;
}

function spansOf(directory: Buffer, count: number, directoryStart: number, readAt: ReadAt): number[] | undefined {
  const C = CENTRAL_DIRECTORY_HEADER.offsetOf;
  const L = LOCAL_FILE_HEADER.offsetOf;
  const found: [number, number][] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + CENTRAL_DIRECTORY_HEADER.size > directory.length || directory.readUInt32LE(at) !== SIGNATURE.CENTRAL_DIRECTORY_HEADER) return undefined;
    const method = directory.readUInt16LE(at + C.compressionMethod);
    const compressedSize = directory.readUInt32LE(at + C.compressedSize);
    const localHeader = directory.readUInt32LE(at + C.relativeOffsetOfLocalHeader);
    at += CENTRAL_DIRECTORY_HEADER.size + directory.readUInt16LE(at + C.fileNameLength) + directory.readUInt16LE(at + C.extraFieldLength) + directory.readUInt16LE(at + C.fileCommentLength);
    if (method === METHOD_STORED || compressedSize < MIN_SPAN || localHeader + LOCAL_FILE_HEADER.size > directoryStart) continue;
    const local = readAt(localHeader, LOCAL_FILE_HEADER.size);
    if (local.length !== LOCAL_FILE_HEADER.size || local.readUInt32LE(0) !== SIGNATURE.LOCAL_FILE_HEADER) continue;
    const start = localHeader + LOCAL_FILE_HEADER.size + local.readUInt16LE(L.fileNameLength) + local.readUInt16LE(L.extraFieldLength);
    if (start + compressedSize <= directoryStart) found.push([start, start + compressedSize]);
  }
  found.sort((a, b) => a[0] - b[0]);
  const spans: number[] = [];
  for (const [start, end] of found) if (spans.length === 0 || start >= spans[spans.length - 1]!) spans.push(start, end);
  return spans;
}

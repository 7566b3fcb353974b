// Deciding how to compress each file, cheaply: known compressed formats by extension or magic
// number are stored; in zip containers the members' compressed data is kept as it is and the
// rest deflated; anything else large enough is judged by deflating three small samples at
// level 1 (archive/create.ts has the policy).

import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import { METHOD_DEFLATED, METHOD_STORED } from '../zip/constants.js';
import { compressedMemberSpans, type ReadAt } from '../zip/member-spans.js';
import type { PlannedEntry } from './sources.js';

/** Three samples of this size, deflated at level 1, decide whether a file is worth compressing. */
export const SAMPLE_SIZE = 16 * 1024;
const SAMPLE_MIN_FILE = 128 * 1024;
/** Sample ratio at or above which the file is stored… */
const STORE_RATIO = 0.97;
/** …and above which it is deflated at level 1 only. */
const FAST_RATIO = 0.85;

/**
 * Extensions of formats that are already compressed (archives, media, fonts in WOFF). Zip-based
 * containers (.zip .jar .whl .docx …) are not listed: they often hold stored members, so their
 * samples decide.
 */
const COMPRESSED_EXTENSIONS = new Set(
  (
    '7z rar gz tgz bz2 tbz tbz2 xz txz lz lzma ' +
    'lz4 zst zstd br deb rpm cab msi dmg snap png jpg jpeg gif webp heic heif avif jxl jp2 mp3 m4a aac ogg oga opus flac wma ' +
    'mp4 m4v mov mkv webm avi wmv flv 3gp woff woff2 pack squashfs'
  ).split(' '),
);

function startsWith(data: Buffer, bytes: readonly number[], at = 0): boolean {
  if (data.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (data[at + i] !== bytes[i]) return false;
  return true;
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Magic numbers of compressed formats. */
const COMPRESSED_MAGIC: readonly (readonly number[])[] = [
  [0x1f, 0x8b], // gzip
  ascii('BZh'),
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  ascii('Rar!'),
  [0x89, 0x50, 0x4e, 0x47], // png
  [0xff, 0xd8, 0xff], // jpeg
  ascii('GIF8'),
  ascii('OggS'),
  ascii('fLaC'),
  ascii('ID3'),
  [0x1a, 0x45, 0xdf, 0xa3], // matroska / webm
  ascii('wOFF'),
  ascii('wOF2'),
  ascii('!<arch>\ndebian'), // .deb: an ar archive of compressed tarballs
];

const ZIP_CONTAINER_EXTENSIONS = new Set('zip jar war ear apk aar whl egg nupkg xpi crx docx xlsx pptx odt ods odp epub cbz'.split(' '));

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') ? name.slice(dot + 1).toLowerCase() : '';
}

function isZipContainer(name: string, head: Buffer): boolean {
  return ZIP_CONTAINER_EXTENSIONS.has(extensionOf(name)) || startsWith(head, [0x50, 0x4b, 0x03, 0x04]);
}

function looksCompressed(name: string, head: Buffer): boolean {
  if (COMPRESSED_EXTENSIONS.has(extensionOf(name))) return true;
  if (COMPRESSED_MAGIC.some((magic) => startsWith(head, magic))) return true;
  if (startsWith(head, ascii('ftyp'), 4)) return true; // mp4 / mov / heic
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return true;
  return false;
}

export interface Plan {
  readonly method: number;
  readonly level: number;
  /**
   * Deflated: [start, end) pairs of file offsets (sorted, disjoint) whose bytes go into stored
   * blocks of the stream as they are, a zip container's compressed members.
   */
  readonly asIs?: readonly number[];
}

export const STORE: Plan = { method: METHOD_STORED, level: 0 };

/** Where the samples of a file are taken: start, middle and three quarters in. */
function samplePositions(size: number): number[] {
  return [0, Math.floor(size / 2), Math.floor((size * 3) / 4)].map((at) => Math.min(at, Math.max(0, size - SAMPLE_SIZE)));
}

/**
 * How to compress a file: `head` is its first bytes, `readAt` reads from any offset. Cheap tests
 * first (level, size, extension, magic), then the samples.
 */
export function choosePlan(entry: PlannedEntry, head: Buffer, level: number, readAt: ReadAt): Plan {
  if (level === 0 || entry.size === 0) return STORE;
  if (looksCompressed(entry.name, head)) return STORE;
  if (isZipContainer(entry.name, head)) return containerPlan(entry.size, level, readAt);
  if (entry.size < SAMPLE_MIN_FILE) return { method: METHOD_DEFLATED, level };
  const sample = Buffer.concat(samplePositions(entry.size).map((at) => readAt(at, SAMPLE_SIZE)));
  const ratio = zlib.deflateRawSync(sample, { level: 1 }).length / sample.length;
  if (ratio >= STORE_RATIO) return STORE;
  return { method: METHOD_DEFLATED, level: ratio > FAST_RATIO ? Math.min(level, 1) : level };
}

/**
 * Zip containers mix compressed and stored members and end in a directory of names, and small
 * samples misjudge them. Their compressed members are kept as they are (zip/member-spans.ts);
 * when those hold at least half of the file, the rest (headers, stored members, the directory)
 * is deflated at the level asked for, else at level 1, as is a container whose directory does
 * not read: level 1 gets within half a percent of level 6 on compressed members at a fraction
 * of the time. Corpus B's 60 MB of .jar files: 0.86 s of CPU at level 1 whole, 0.27 s this way,
 * and 0.05 MB larger.
 */
function containerPlan(size: number, level: number, readAt: ReadAt): Plan {
  const asIs = compressedMemberSpans(size, readAt);
  if (asIs === undefined || asIs.length === 0) return { method: METHOD_DEFLATED, level: Math.min(level, 1) };
  let kept = 0;
  for (let i = 0; i < asIs.length; i += 2) kept += asIs[i + 1]! - asIs[i]!;
  return { method: METHOD_DEFLATED, level: kept * 2 >= size ? level : Math.min(level, 1), asIs };
}

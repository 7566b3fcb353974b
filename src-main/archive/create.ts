// Creating an archive from files and folders on disk: walk the sources, decide per file whether
// deflating pays, write local headers and data in order, then the central directory and end
// records — all under a temporary name beside the target, renamed only when complete.
//
// Policies (the README states them):
// - Folders are walked recursively in byte order of names; empty folders get an entry.
// - Symlinks are stored as links (Unix mode S_IFLNK, the target as data) unless `followSymlinks`.
//   Other special files (sockets, FIFOs, devices) are skipped with a warning.
// - A file that changes (size or mtime differs from the walk, or it grows/shrinks while read)
//   or vanishes before it is read fails the whole job with ZipError 'SOURCE_CHANGED'. We never
//   write an archive whose entry disagrees with the file it claims to hold.
// - Files that would not shrink are stored: known compressed formats by extension or magic
//   number, others by deflating three small samples at level 1, and finally any entry whose
//   deflated form is not smaller than the original. Files that shrink only a little (containers
//   such as .jar with stored members) are deflated at level 1: most of the gain for a fraction
//   of the time.
//
// Speed: deflate runs in zlib's thread pool, several blocks at a time (PARALLEL_DEFLATES), so
// every core works while this thread reads, checksums and writes in order. Small files are read
// whole (synchronously: this is the worker thread, and one system call beats a thread-pool
// round trip) in a bounded window ahead of the writer. Large files are cut into 1 MiB blocks
// deflated in parallel, pigz-style: each block is primed with the previous block's last 32 KiB
// as a preset dictionary and ends with a sync flush, so the blocks concatenate into one valid
// deflate stream that is within a fraction of a percent of a serial one. Memory stays bounded by
// the window (PREFETCH_BYTES) plus the blocks in flight.

import { Buffer } from 'node:buffer';
import { type Stats, closeSync, existsSync, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { type FileHandle, lstat, open, readlink, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { type Log, silentLog } from '../log/types.js';
import { DOS_ATTR_DIRECTORY, METHOD_DEFLATED, METHOD_STORED, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../zip/constants.js';
import { ZipError } from '../zip/errors.js';
import {
  type EntryRecord,
  centralDirectoryHeader,
  endOfCentralDirectory,
  localFileHeader,
  needsZip64End,
  needsZip64Sizes,
  toDosDateTime,
} from '../zip/writer.js';
import type { DeflateBatch, DeflatedBatch } from './deflate-helper.js';
import { compileGlobs } from './glob.js';
import { type OnExists, withTempFile } from './temp-file.js';

const deflateRaw = promisify(zlib.deflateRaw);

const CHUNK_SIZE = 1024 * 1024;
/** Files up to this size are read whole and deflated in one call; larger ones go block by block. */
const SMALL_FILE_LIMIT = CHUNK_SIZE;
/** Deflate calls in zlib's thread pool at once (libuv's pool has four threads by default). */
const PARALLEL_DEFLATES = Math.max(2, Math.min(4, availableParallelism()));
/** Small files go to the helper thread in batches of about this many bytes… */
const HELPER_BATCH_BYTES = 256 * 1024;
/** …while it has less than this outstanding; otherwise this thread deflates them itself. */
const HELPER_BACKLOG_BYTES = 1024 * 1024;
/** Bytes this thread deflates in one turn of the event loop before it lets messages in. */
const LOCAL_BYTES_PER_TURN = 256 * 1024;
/** How many source bytes may be read and compressed ahead of the writer. */
const PREFETCH_BYTES = 4 * 1024 * 1024;
const PREFETCH_ENTRIES = 128;
const OUTPUT_BUFFER = 1024 * 1024;
/** The deflate window: how much of the previous block primes the next one. */
const DICTIONARY_SIZE = 32 * 1024;
/** Three samples of this size, deflated at level 1, decide whether a file is worth compressing. */
const SAMPLE_SIZE = 16 * 1024;
const SAMPLE_MIN_FILE = 128 * 1024;
/** Sample ratio at or above which the file is stored… */
const STORE_RATIO = 0.97;
/** …and above which it is deflated at level 1 only. */
const FAST_RATIO = 0.85;
/** 1980-01-01T00:00:00Z, the earliest DOS time: the fixed time of deterministic archives. */
const DETERMINISTIC_UNIX_TIME = 315_532_800;

export interface CreateProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly entriesDone: number;
  readonly entriesTotal: number;
  readonly currentEntry: string;
}

export interface CreateOptions {
  readonly outputPath: string;
  /** Files and folders; each lands in the archive under its own base name. */
  readonly sources: readonly string[];
  /** Deflate level 0–9 (0 stores everything); default 6. */
  readonly level?: number;
  /** Glob patterns (see glob.ts) of entries to leave out. */
  readonly excludes?: readonly string[];
  readonly followSymlinks?: boolean;
  readonly comment?: string;
  /** Fixed times (1980-01-01) and sorted order: the same input gives the same bytes. */
  readonly deterministic?: boolean;
  /** What to do if the target exists when done; default 'replace' (the user named it). */
  readonly onExists?: OnExists;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CreateProgress) => void;
  /** Called with the temporary output path once it exists. */
  readonly onTempPath?: (tempPath: string) => void;
  readonly log?: Log;
  /** Deflate small files on a helper thread too; default when the machine has more than one core. */
  readonly helperThread?: boolean;
}

export interface CreateResult {
  readonly outputPath: string;
  readonly entries: number;
  /** Sum of the sources' sizes (file data and link targets). */
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly storedEntries: number;
  readonly deflatedEntries: number;
  readonly zip64: boolean;
}

type EntryKind = 'file' | 'directory' | 'symlink';

interface PlannedEntry {
  readonly name: string;
  readonly kind: EntryKind;
  readonly sourcePath: string;
  /** File size, or the link target's length. */
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
  readonly linkTarget?: Buffer;
}

interface PreparedData {
  readonly method: number;
  readonly crc32: number;
  readonly data: Buffer;
  /** Where the source bytes sit in the read ring, to give back once written. */
  readonly ringStart?: number;
}

export async function createArchive(options: CreateOptions): Promise<CreateResult> {
  const log = options.log ?? silentLog;
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new ZipError('IO', `compression level ${level} is not 0–9`);
  const outputPath = path.resolve(options.outputPath);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  if (comment.length > 0xffff) throw new ZipError('TOO_LARGE', `archive comment of ${comment.length} bytes is longer than 65,535`);
  const signal = options.signal;
  throwIfAborted(signal);

  const entries = await walk(options.sources, {
    outputPath,
    exclude: compileGlobs(options.excludes ?? []),
    followSymlinks: options.followSymlinks ?? false,
    log,
    signal,
  });
  const bytesTotal = entries.reduce((sum, e) => sum + e.size, 0);
  log.debug('walked sources', { entries: entries.length, bytesTotal });

  const result = await withTempFile(
    outputPath,
    async (handle) => {
      const helperThread = options.helperThread ?? availableParallelism() > 1;
      const writer = new EntryWriter(handle, entries, { level, deterministic: options.deterministic ?? false, signal, log, helperThread });
      writer.onProgress = options.onProgress;
      const summary = await writer.run(bytesTotal);
      const end = { entryCount: entries.length, offsetOfStartOfCentralDirectory: summary.centralOffset, sizeOfCentralDirectory: summary.centralSize, comment };
      await writer.output.write(endOfCentralDirectory(end));
      await writer.output.finish();
      return { ...summary, zip64: summary.zip64 || needsZip64End(end), outputBytes: writer.output.position };
    },
    { onExists: options.onExists ?? 'replace', onTempPath: options.onTempPath },
  );
  return {
    outputPath: result.finalPath,
    entries: entries.length,
    inputBytes: bytesTotal,
    outputBytes: result.value.outputBytes,
    storedEntries: result.value.stored,
    deflatedEntries: result.value.deflated,
    zip64: result.value.zip64,
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ZipError('CANCELLED', 'cancelled');
}

// ---------------------------------------------------------------------------------------------
// Walking the sources

interface WalkOptions {
  readonly outputPath: string;
  readonly exclude: (name: string) => boolean;
  readonly followSymlinks: boolean;
  readonly log: Log;
  readonly signal: AbortSignal | undefined;
}

function ioError(error: unknown, what: string): ZipError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ZipError('SOURCE_CHANGED', `${what}: no such file or folder`, { cause: error });
  return new ZipError('IO', `${what}: ${(error as Error).message}`, { cause: error });
}

/** Orders names by their UTF-8 bytes (code points; not UTF-16 units), whatever the locale. */
function byteOrder(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

async function walk(sources: readonly string[], options: WalkOptions): Promise<PlannedEntry[]> {
  const entries: PlannedEntry[] = [];
  const seen = new Set<string>();

  const add = (entry: PlannedEntry): void => {
    if (seen.has(entry.name)) throw new ZipError('BAD_NAME', `two sources give the same entry name "${entry.name}"`, { entry: entry.name });
    seen.add(entry.name);
    entries.push(entry);
  };

  const statOf = async (p: string): Promise<Stats> => {
    if (!options.followSymlinks) return lstat(p);
    try {
      return await stat(p);
    } catch (error) {
      // A dangling link cannot be followed: keep it as a link.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return lstat(p);
      throw error;
    }
  };

  const statOfSync = (p: string): Stats => {
    if (!options.followSymlinks) return lstatSync(p);
    try {
      return statSync(p);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return lstatSync(p);
      throw error;
    }
  };

  const visit = async (abs: string, name: string, st: Stats, ancestors: readonly string[]): Promise<void> => {
    throwIfAborted(options.signal);
    if (name !== '' && options.exclude(name)) return;
    if (abs === options.outputPath) return;
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (ancestors.includes(key)) {
        options.log.warn('skipping a folder link that loops back to its ancestor', { path: abs });
        return;
      }
      if (name !== '') add({ name: name + '/', kind: 'directory', sourcePath: abs, size: 0, mode: st.mode, mtimeMs: st.mtimeMs });
      // One directory at a time with plain system calls (we are on the worker thread; a
      // thread-pool round trip per lstat costs more than the lstat), then a turn of the event
      // loop so a cancel gets in.
      await new Promise((resolve) => setImmediate(resolve));
      let names: string[];
      try {
        names = readdirSync(abs).sort(byteOrder);
      } catch (error) {
        throw ioError(error, abs);
      }
      const children = names.map((child) => {
        const childPath = path.join(abs, child);
        try {
          return { childPath, child, st: statOfSync(childPath) };
        } catch (error) {
          throw ioError(error, childPath);
        }
      });
      for (const { childPath, child, st: childStat } of children) {
        await visit(childPath, name === '' ? child : `${name}/${child}`, childStat, [...ancestors, key]);
      }
    } else if (st.isFile()) {
      add({ name, kind: 'file', sourcePath: abs, size: st.size, mode: st.mode, mtimeMs: st.mtimeMs });
    } else if (st.isSymbolicLink()) {
      let target: Buffer;
      try {
        target = await readlink(abs, { encoding: 'buffer' });
      } catch (error) {
        throw ioError(error, abs);
      }
      add({ name, kind: 'symlink', sourcePath: abs, size: target.length, mode: st.mode, mtimeMs: st.mtimeMs, linkTarget: target });
    } else {
      options.log.warn('skipping a special file (socket, FIFO or device)', { path: abs });
    }
  };

  for (const source of sources) {
    const abs = path.resolve(source);
    let st: Stats;
    try {
      st = await statOf(abs);
    } catch (error) {
      throw ioError(error, source);
    }
    await visit(abs, path.basename(abs), st, []);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Deciding whether to compress

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

interface Plan {
  readonly method: number;
  readonly level: number;
}

const STORE: Plan = { method: METHOD_STORED, level: 0 };

/** Where the samples of a file are taken: start, middle and three quarters in. */
function samplePositions(size: number): number[] {
  return [0, Math.floor(size / 2), Math.floor((size * 3) / 4)].map((at) => Math.min(at, Math.max(0, size - SAMPLE_SIZE)));
}

/**
 * How to compress a file: `head` is its first bytes, `sampleAt` reads SAMPLE_SIZE bytes at an
 * offset. Cheap tests first (level, size, extension, magic), then the samples.
 */
function choosePlan(entry: PlannedEntry, head: Buffer, level: number, sampleAt: (position: number) => Buffer): Plan {
  if (level === 0 || entry.size === 0) return STORE;
  if (looksCompressed(entry.name, head)) return STORE;
  // Zip containers mix deflated and stored members and end in a directory of names: level 1
  // gets within half a percent of level 6 on them at a fraction of the time (measured on
  // the benchmark's .jar/.whl files), and small samples misjudge them.
  if (isZipContainer(entry.name, head)) return { method: METHOD_DEFLATED, level: Math.min(level, 1) };
  if (entry.size < SAMPLE_MIN_FILE) return { method: METHOD_DEFLATED, level };
  const sample = Buffer.concat(samplePositions(entry.size).map(sampleAt));
  const ratio = zlib.deflateRawSync(sample, { level: 1 }).length / sample.length;
  if (ratio >= STORE_RATIO) return STORE;
  return { method: METHOD_DEFLATED, level: ratio > FAST_RATIO ? Math.min(level, 1) : level };
}

/** At most `limit` tasks at once, started in the order they asked. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** The helper thread's compiled entry: beside this file in build/, else the package's build/. */
function helperPath(): URL | undefined {
  const beside = new URL('./deflate-helper.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../build/src-main/archive/deflate-helper.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Small buffers sent in batches to a helper thread (see deflate-helper.ts). */
class DeflateHelper {
  /** Source bytes sent and not yet answered. */
  backlog = 0;
  private readonly worker: Worker;
  private nextId = 0;
  private batch: { input: Buffer; level: number; resolve: (b: Buffer) => void; reject: (e: unknown) => void }[] = [];
  private batchBytes = 0;
  private readonly waiting = new Map<number, { bytes: number; items: DeflateHelper['batch'] }>();
  private failure: Error | undefined;

  constructor(url: URL) {
    this.worker = new Worker(url);
    this.worker.on('message', (answer: DeflatedBatch) => {
      const sent = this.waiting.get(answer.id);
      if (!sent) return;
      this.waiting.delete(answer.id);
      this.backlog -= sent.bytes;
      const data = Buffer.from(answer.data.buffer, answer.data.byteOffset, answer.data.byteLength);
      let at = 0;
      sent.items.forEach((item, i) => {
        const length = answer.lengths[i]!;
        item.resolve(data.subarray(at, at + length));
        at += length;
      });
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const sent of this.waiting.values()) for (const item of sent.items) item.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`compression helper thread ended (exit code ${code})`)));
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  deflate(input: Buffer, level: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.batch.push({ input, level, resolve, reject });
      this.batchBytes += input.length;
      this.backlog += input.length;
      if (this.batchBytes >= HELPER_BATCH_BYTES) this.flush();
    });
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const id = this.nextId++;
    const items = this.batch;
    this.waiting.set(id, { bytes: this.batchBytes, items });
    this.batch = [];
    this.batchBytes = 0;
    const data = Buffer.concat(items.map((item) => item.input));
    const message: DeflateBatch = { id, data, lengths: items.map((item) => item.input.length), levels: items.map((item) => item.level) };
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    this.worker.postMessage(message, own ? [data.buffer as ArrayBuffer] : []);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** 1 MiB buffers for large files' chunks, reused: garbage outside the heap is freed late. */
class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  get(): Buffer {
    const buffer = this.free.pop() ?? new ArrayBuffer(CHUNK_SIZE);
    return Buffer.from(buffer, 0, CHUNK_SIZE);
  }

  put(chunk: Buffer): void {
    if (chunk.buffer.byteLength === CHUNK_SIZE && this.free.length < PARALLEL_DEFLATES * 2 + 2) this.free.push(chunk.buffer as ArrayBuffer);
  }
}

/** Appends small byte runs into 1 MiB blocks. */
class ByteAccumulator {
  private readonly blocks: Buffer[] = [];
  private current = Buffer.allocUnsafeSlow(OUTPUT_BUFFER);
  private used = 0;

  push(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.current.length) {
      this.blocks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafeSlow(Math.max(OUTPUT_BUFFER, bytes.length));
      this.used = 0;
    }
    this.current.set(bytes, this.used);
    this.used += bytes.length;
  }

  chunks(): Buffer[] {
    return [...this.blocks, this.current.subarray(0, this.used)];
  }
}

/**
 * Read buffers for small files, carved in order from one reused block and given back in the
 * same order once the entry is written. Allocating a fresh buffer per file made hundreds of
 * megabytes of garbage outside the JavaScript heap, which the collector frees late.
 */
class ReadRing {
  private readonly block: Buffer;
  private readonly live: { start: number; end: number }[] = [];
  private tail = 0;

  constructor(capacity: number) {
    this.block = Buffer.allocUnsafeSlow(capacity);
  }

  /** `length` bytes, or undefined when the ring is full (the caller allocates). */
  take(length: number): { buffer: Buffer; start: number } | undefined {
    const oldest = this.live[0]?.start;
    let start: number | undefined;
    if (oldest === undefined) start = this.tail + length <= this.block.length ? this.tail : length <= this.block.length ? 0 : undefined;
    else if (this.tail > oldest) start = this.tail + length <= this.block.length ? this.tail : length <= oldest ? 0 : undefined;
    else if (this.tail < oldest) start = this.tail + length <= oldest ? this.tail : undefined;
    if (start === undefined) return undefined;
    this.live.push({ start, end: start + length });
    this.tail = start + length;
    return { buffer: this.block.subarray(start, start + length), start };
  }

  /** Gives back the oldest allocation, which must be the one starting at `start`. */
  give(start: number): void {
    if (this.live[0]?.start !== start) throw new Error(`read ring released out of order (${start})`);
    this.live.shift();
    if (this.live.length === 0) this.tail = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Output

async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Sequential writes coalesced into 1 MiB system calls, plus patching of what was written. */
class Output {
  position = 0;
  private buffer = Buffer.allocUnsafe(OUTPUT_BUFFER);
  private used = 0;
  private bufferStart = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(data: Uint8Array): Promise<void> {
    if (this.used + data.length > this.buffer.length) {
      await this.flush();
      if (data.length >= this.buffer.length / 2) {
        await writeAll(this.handle, data, this.position);
        this.position += data.length;
        this.bufferStart = this.position;
        return;
      }
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
    this.position += data.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAll(this.handle, this.buffer.subarray(0, this.used), this.bufferStart);
    this.bufferStart += this.used;
    this.used = 0;
  }

  /** Overwrites bytes already written at `at` (a local header whose sizes are now known). */
  async patch(at: number, data: Uint8Array): Promise<void> {
    if (at >= this.bufferStart) this.buffer.set(data, at - this.bufferStart);
    else await writeAll(this.handle, data, at);
  }

  /** Moves the end back to `at`, dropping what followed (an entry being redone). */
  async rewind(at: number): Promise<void> {
    await this.flush();
    this.position = at;
    this.bufferStart = at;
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.handle.truncate(this.position);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing entries

interface WriterSettings {
  readonly level: number;
  /** Use a helper thread for small files (see deflate-helper.ts). */
  readonly helperThread: boolean;
  readonly deterministic: boolean;
  readonly signal: AbortSignal | undefined;
  readonly log: Log;
}

interface RunSummary {
  readonly centralOffset: number;
  readonly centralSize: number;
  readonly stored: number;
  readonly deflated: number;
  readonly zip64: boolean;
}

class EntryWriter {
  readonly output: Output;
  onProgress: ((progress: CreateProgress) => void) | undefined;
  private readonly prepared = new Map<number, Promise<PreparedData>>();
  private readonly deflates = new Limiter(PARALLEL_DEFLATES);
  private helper: DeflateHelper | undefined;
  private readonly chunkPool = new ChunkPool();
  private readonly ring = new ReadRing(2 * (PREFETCH_BYTES + SMALL_FILE_LIMIT + 1));
  /** Indexes whose preparation has finished (so waiting for them costs nothing). */
  private readonly settled = new Set<number>();
  private nextToPrepare = 0;
  private current = 0;
  private bytesAhead = 0;
  private bytesDone = 0;
  private bytesTotal = 0;

  constructor(
    handle: FileHandle,
    private readonly entries: readonly PlannedEntry[],
    private readonly settings: WriterSettings,
  ) {
    this.output = new Output(handle);
  }

  async run(bytesTotal: number): Promise<RunSummary> {
    const url = this.settings.helperThread ? helperPath() : undefined;
    if (url && this.entries.some((e) => e.kind === 'file' && e.size <= SMALL_FILE_LIMIT && e.size > 0)) this.helper = new DeflateHelper(url);
    try {
      return await this.writeAll(bytesTotal);
    } finally {
      await this.helper?.close();
    }
  }

  private async writeAll(bytesTotal: number): Promise<RunSummary> {
    this.bytesTotal = bytesTotal;
    // Central records are encoded as each entry is written and kept as bytes: far smaller
    // than keeping every entry's record object until the end.
    const central = new ByteAccumulator();
    let stored = 0;
    let deflated = 0;
    let zip64 = false;
    this.pump();
    for (let i = 0; i < this.entries.length; i++) {
      throwIfAborted(this.settings.signal);
      this.current = i;
      const entry = this.entries[i]!;
      let record: EntryRecord;
      try {
        const pending = this.prepared.get(i);
        if (pending) {
          // While the helper works on this one, deflate files further ahead here.
          while (!this.settled.has(i) && this.pump() > 0) await new Promise((resolve) => setImmediate(resolve));
          const data = await pending;
          this.settled.delete(i);
          this.prepared.delete(i);
          this.bytesAhead -= entry.size;
          record = await this.writeWhole(entry, data);
          if (data.ringStart !== undefined) this.ring.give(data.ringStart);
        } else if (entry.kind === 'file') {
          record = await this.writeStreamed(entry);
        } else {
          record = await this.writeWhole(entry, this.linkOrDirectory(entry));
        }
      } catch (error) {
        if (error instanceof ZipError) throw error.withEntry(entry.name);
        throw ioError(error, entry.sourcePath);
      }
      this.bytesDone += entry.size;
      central.push(centralDirectoryHeader(record));
      if (record.compressionMethod === METHOD_DEFLATED) deflated++;
      else stored++;
      if (record.zip64LocalSizes || record.relativeOffsetOfLocalHeader >= 0xffff_ffff || record.compressedSize >= 0xffff_ffff) zip64 = true;
      this.report(i + 1, entry.name);
      this.pump();
    }
    const centralOffset = this.output.position;
    for (const chunk of central.chunks()) await this.output.write(chunk);
    return { centralOffset, centralSize: this.output.position - centralOffset, stored, deflated, zip64 };
  }

  private report(entriesDone: number, currentEntry: string): void {
    this.onProgress?.({ bytesDone: this.bytesDone, bytesTotal: this.bytesTotal, entriesDone, entriesTotal: this.entries.length, currentEntry });
  }

  /**
   * Reads small files ahead of the writer, within the window, and starts their compression:
   * in batches on the helper thread while it keeps up, else here, a bounded amount per turn.
   */
  private pump(): number {
    let localBudget = LOCAL_BYTES_PER_TURN;
    let started = 0;
    while (
      this.nextToPrepare < this.entries.length &&
      this.nextToPrepare - this.current < PREFETCH_ENTRIES &&
      (this.bytesAhead < PREFETCH_BYTES || this.prepared.size === 0)
    ) {
      const helperFree = this.helper?.usable === true && this.helper.backlog < HELPER_BACKLOG_BYTES;
      if (!helperFree && localBudget <= 0) {
        this.pumpLater();
        break;
      }
      const index = this.nextToPrepare++;
      const entry = this.entries[index]!;
      if (entry.kind !== 'file' || entry.size > SMALL_FILE_LIMIT) continue;
      if (!helperFree) localBudget -= entry.size;
      const pending = this.prepareSmall(entry, helperFree ? this.helper : undefined);
      // Awaited in order later; a job given up early must not leak a rejection.
      pending.then(() => this.settled.add(index), () => undefined);
      this.prepared.set(index, pending);
      this.bytesAhead += entry.size;
      started++;
    }
    this.helper?.flush();
    return started;
  }

  private pumpScheduled = false;

  private pumpLater(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      if (!this.settings.signal?.aborted) this.pump();
    });
  }

  private linkOrDirectory(entry: PlannedEntry): PreparedData {
    const data = entry.linkTarget ?? Buffer.alloc(0);
    return { method: METHOD_STORED, crc32: zlib.crc32(data), data };
  }

  private async prepareSmall(entry: PlannedEntry, helper: DeflateHelper | undefined): Promise<PreparedData> {
    // Runs synchronously up to the first await: the pump reads files in order, right away.
    // One byte more than expected, to notice a file that grew.
    const slot = this.ring.take(entry.size + 1);
    const ringStart = slot?.start;
    const data = readWholeSync(entry, slot?.buffer ?? Buffer.allocUnsafe(entry.size + 1));
    const crc32 = zlib.crc32(data);
    const plan = choosePlan(entry, data, this.settings.level, (at) => data.subarray(at, at + SAMPLE_SIZE));
    if (plan.method === METHOD_STORED) return { method: METHOD_STORED, crc32, data, ringStart };
    // The helper gets a copy (the batch), so the ring slot is only read here.
    const deflated = helper ? await helper.deflate(data, plan.level) : zlib.deflateRawSync(data, { level: plan.level });
    if (deflated.length >= data.length) return { method: METHOD_STORED, crc32, data, ringStart };
    return { method: METHOD_DEFLATED, crc32, data: deflated, ringStart };
  }

  private baseRecord(entry: PlannedEntry): Omit<EntryRecord, 'compressionMethod' | 'crc32' | 'compressedSize' | 'zip64LocalSizes'> {
    const deterministic = this.settings.deterministic;
    const dos = deterministic ? { lastModFileDate: (1 << 5) | 1, lastModFileTime: 0 } : toDosDateTime(new Date(entry.mtimeMs));
    const typeBits = entry.kind === 'directory' ? S_IFDIR : entry.kind === 'symlink' ? S_IFLNK : S_IFREG;
    const mode = (entry.mode & ~S_IFMT & 0xffff) | typeBits;
    return {
      fileName: Buffer.from(entry.name, 'utf8'),
      ...dos,
      modTime: deterministic ? DETERMINISTIC_UNIX_TIME : Math.floor(entry.mtimeMs / 1000),
      uncompressedSize: entry.size,
      externalFileAttributes: mode * 0x1_0000 + (entry.kind === 'directory' ? DOS_ATTR_DIRECTORY : 0),
      relativeOffsetOfLocalHeader: this.output.position,
    };
  }

  private async writeWhole(entry: PlannedEntry, prepared: PreparedData): Promise<EntryRecord> {
    const record: EntryRecord = {
      ...this.baseRecord(entry),
      compressionMethod: prepared.method,
      crc32: prepared.crc32,
      compressedSize: prepared.data.length,
      zip64LocalSizes: false,
    };
    await this.output.write(localFileHeader(record));
    await this.output.write(prepared.data);
    return record;
  }

  /**
   * A large file: local header with placeholder CRC and sizes, the data block by block, then the
   * header patched. If deflating did not shrink it (or would need ZIP64 that the header did not
   * reserve), the entry is rewritten stored.
   */
  private async writeStreamed(entry: PlannedEntry): Promise<EntryRecord> {
    const base = this.baseRecord(entry);
    const zip64LocalSizes = needsZip64Sizes(entry.size);
    const source = await openChecked(entry);
    try {
      const head = await readExactly(source, entry, 0, Math.min(CHUNK_SIZE, entry.size), this.chunkPool.get());
      let plan = choosePlan(entry, head, this.settings.level, (at) => {
        const sample = Buffer.allocUnsafe(SAMPLE_SIZE);
        return sample.subarray(0, readSync(source.fd, sample, 0, SAMPLE_SIZE, at));
      });
      for (;;) {
        const placeholder: EntryRecord = { ...base, compressionMethod: plan.method, crc32: 0, compressedSize: 0, zip64LocalSizes };
        await this.output.write(localFileHeader(placeholder));
        const dataStart = this.output.position;
        const crc32 = plan.method === METHOD_DEFLATED ? await this.streamDeflated(entry, source, head, plan.level) : await this.streamStored(entry, source, head);
        const compressedSize = this.output.position - dataStart;
        if (plan.method === METHOD_DEFLATED && (compressedSize >= entry.size || (!zip64LocalSizes && needsZip64Sizes(compressedSize)))) {
          this.settings.log.debug('deflate did not shrink a file; storing it', { entry: entry.name });
          await this.output.rewind(base.relativeOffsetOfLocalHeader);
          this.bytesDone -= entry.size;
          plan = STORE;
          continue;
        }
        const record: EntryRecord = { ...base, compressionMethod: plan.method, crc32, compressedSize, zip64LocalSizes };
        await this.output.patch(base.relativeOffsetOfLocalHeader, localFileHeader(record));
        await checkUnchanged(entry, source);
        this.bytesDone -= entry.size; // the caller adds the whole entry
        return record;
      }
    } finally {
      await source.close();
    }
  }

  /**
   * The file from the start in 1 MiB chunks (the first is `head`), reading one chunk ahead,
   * checking cancel and that the file neither shrinks nor grows.
   */
  private async *chunks(entry: PlannedEntry, source: FileHandle, head: Buffer): AsyncGenerator<Buffer> {
    let position = 0;
    let chunk = head;
    for (;;) {
      throwIfAborted(this.settings.signal);
      const end = position + chunk.length;
      const want = Math.min(CHUNK_SIZE, entry.size - end);
      const ahead = want > 0 ? readExactly(source, entry, end, want, this.chunkPool.get()) : undefined;
      ahead?.catch(() => undefined);
      yield chunk;
      position = end;
      this.bytesDone += chunk.length;
      this.report(this.current, entry.name);
      this.pump();
      if (!ahead) break;
      chunk = await ahead;
    }
    const probe = Buffer.allocUnsafe(1);
    if ((await source.read(probe, 0, 1, position)).bytesRead !== 0) throw changed(entry, 'grew while it was read');
  }

  private async streamStored(entry: PlannedEntry, source: FileHandle, head: Buffer): Promise<number> {
    let crc = 0;
    for await (const chunk of this.chunks(entry, source, head)) {
      crc = zlib.crc32(chunk, crc);
      await this.output.write(chunk);
      if (chunk !== head) this.chunkPool.put(chunk);
    }
    return crc;
  }

  /**
   * Deflates blocks in parallel (pigz's scheme): each block is primed with the last 32 KiB of
   * the one before as a preset dictionary and ends with a sync flush, the last with the final
   * block, so the outputs concatenate into one deflate stream (RFC 1951 3.2.3, 3.2.4).
   */
  private async streamDeflated(entry: PlannedEntry, source: FileHandle, head: Buffer, level: number): Promise<number> {
    let crc = 0;
    let position = 0;
    let previous: Buffer | undefined;
    const inFlight: { input: Buffer; output: Promise<Buffer> }[] = [];
    const writeOldest = async (): Promise<void> => {
      const oldest = inFlight.shift()!;
      await this.output.write(await oldest.output);
      // Its deflate is done and the next block has already copied its tail as a dictionary.
      if (oldest.input !== head && oldest.input !== previous) this.chunkPool.put(oldest.input);
    };
    for await (const chunk of this.chunks(entry, source, head)) {
      crc = zlib.crc32(chunk, crc);
      position += chunk.length;
      const options: zlib.ZlibOptions = {
        level,
        chunkSize: CHUNK_SIZE + 64 * 1024, // one output buffer per block
        finishFlush: position >= entry.size ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
        ...(previous === undefined ? {} : { dictionary: previous.subarray(Math.max(0, previous.length - DICTIONARY_SIZE)) }),
      };
      previous = chunk;
      const block = this.deflates.run(() => deflateRaw(chunk, options));
      block.catch(() => undefined);
      inFlight.push({ input: chunk, output: block });
      while (inFlight.length >= PARALLEL_DEFLATES) await writeOldest();
    }
    while (inFlight.length > 0) await writeOldest();
    return crc;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading sources, with the "changed or vanished" policy

function changed(entry: PlannedEntry, what: string): ZipError {
  return new ZipError('SOURCE_CHANGED', `${entry.sourcePath} ${what}; archive not written`, { entry: entry.name });
}

async function openChecked(entry: PlannedEntry): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(entry.sourcePath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw changed(entry, 'vanished before it was read');
    throw error;
  }
  try {
    await checkUnchanged(entry, handle);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function checkUnchanged(entry: PlannedEntry, handle: FileHandle): Promise<void> {
  checkStats(entry, await handle.stat());
}

function checkStats(entry: PlannedEntry, now: Stats): void {
  if (now.size !== entry.size) throw changed(entry, `changed size (${entry.size} → ${now.size} bytes)`);
  if (now.mtimeMs !== entry.mtimeMs) throw changed(entry, 'was modified');
}

/** Exactly `length` bytes at `position`, or SOURCE_CHANGED if the file ends first. */
async function readExactly(source: FileHandle, entry: PlannedEntry, position: number, length: number, into: Buffer): Promise<Buffer> {
  const data = into.subarray(0, length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await source.read(data, done, length - done, position + done);
    if (bytesRead === 0) throw changed(entry, 'became shorter while it was read');
    done += bytesRead;
  }
  return data;
}

/** A small file, read whole with plain system calls (we are on the worker thread). */
function readWholeSync(entry: PlannedEntry, data: Buffer): Buffer {
  let fd: number;
  try {
    fd = openSync(entry.sourcePath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw changed(entry, 'vanished before it was read');
    throw error;
  }
  try {
    checkStats(entry, fstatSync(fd));
    let done = 0;
    for (;;) {
      const bytesRead = readSync(fd, data, done, data.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
      if (done === data.length) break;
    }
    if (done !== entry.size) throw changed(entry, done > entry.size ? 'grew while it was read' : 'became shorter while it was read');
    return data.subarray(0, entry.size);
  } finally {
    closeSync(fd);
  }
}

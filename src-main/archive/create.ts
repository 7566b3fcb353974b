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
//   number, others by deflating a 64 KiB sample at level 1, and finally any entry whose deflated
//   form is not smaller than the original.
//
// Speed: small files are read whole and deflated in zlib's thread pool several at a time, in a
// bounded window ahead of the writer (zlib work runs off this thread, so two cores both work);
// large files stream through one deflate stream in 1 MiB chunks. Memory stays bounded by the
// window (PREFETCH_BYTES) plus one chunk.

import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import type { Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
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
import { compileGlobs } from './glob.js';
import { type OnExists, withTempFile } from './temp-file.js';

const deflateRaw = promisify(zlib.deflateRaw);

/** Files up to this size are read whole and deflated in one call; larger ones stream. */
const SMALL_FILE_LIMIT = 2 * 1024 * 1024;
const CHUNK_SIZE = 1024 * 1024;
/** How many source bytes may be read and compressed ahead of the writer. */
const PREFETCH_BYTES = 32 * 1024 * 1024;
const PREFETCH_ENTRIES = 512;
const OUTPUT_BUFFER = 1024 * 1024;
/** Sample deflated at level 1 to decide whether a file is worth compressing. */
const SAMPLE_SIZE = 64 * 1024;
const SAMPLE_MIN_FILE = 128 * 1024;
const SAMPLE_MAX_RATIO = 0.97;
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
  readonly fileName: Buffer;
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
      const writer = new EntryWriter(handle, entries, { level, deterministic: options.deterministic ?? false, signal, log });
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

/** Compares names by their UTF-8 bytes, so order does not depend on the locale. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

async function walk(sources: readonly string[], options: WalkOptions): Promise<PlannedEntry[]> {
  const entries: PlannedEntry[] = [];
  const seen = new Set<string>();

  const add = (entry: Omit<PlannedEntry, 'fileName'>): void => {
    if (seen.has(entry.name)) throw new ZipError('BAD_NAME', `two sources give the same entry name "${entry.name}"`, { entry: entry.name });
    seen.add(entry.name);
    entries.push({ ...entry, fileName: Buffer.from(entry.name, 'utf8') });
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
      let names: string[];
      try {
        names = (await readdir(abs)).sort(byteOrder);
      } catch (error) {
        throw ioError(error, abs);
      }
      const children = await Promise.all(
        names.map(async (child) => {
          const childPath = path.join(abs, child);
          try {
            return { childPath, child, st: await statOf(childPath) };
          } catch (error) {
            throw ioError(error, childPath);
          }
        }),
      );
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

/** Extensions of formats that are already compressed (archives, media, fonts in WOFF). */
const COMPRESSED_EXTENSIONS = new Set(
  (
    'zip jar war ear apk aar whl egg nupkg xpi crx docx xlsx pptx odt ods odp epub cbz 7z rar gz tgz bz2 tbz tbz2 xz txz lz lzma ' +
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
  [0x50, 0x4b, 0x03, 0x04], // zip and friends
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

function looksCompressed(name: string, head: Buffer): boolean {
  const dot = name.lastIndexOf('.');
  if (dot > name.lastIndexOf('/') && COMPRESSED_EXTENSIONS.has(name.slice(dot + 1).toLowerCase())) return true;
  if (COMPRESSED_MAGIC.some((magic) => startsWith(head, magic))) return true;
  if (startsWith(head, ascii('ftyp'), 4)) return true; // mp4 / mov / heic
  if (startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8)) return true;
  return false;
}

/** Whether deflating is worth trying for a file whose first bytes are `head`. */
async function worthDeflating(entry: PlannedEntry, head: Buffer, level: number): Promise<boolean> {
  if (level === 0 || entry.size === 0) return false;
  if (looksCompressed(entry.name, head)) return false;
  if (entry.size < SAMPLE_MIN_FILE) return true;
  const sample = head.subarray(0, SAMPLE_SIZE);
  const deflated = await deflateRaw(sample, { level: 1 });
  return deflated.length < sample.length * SAMPLE_MAX_RATIO;
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
    this.bytesTotal = bytesTotal;
    const records: EntryRecord[] = [];
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
          const data = await pending;
          this.prepared.delete(i);
          this.bytesAhead -= entry.size;
          record = await this.writeWhole(entry, data);
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
      records.push(record);
      if (record.compressionMethod === METHOD_DEFLATED) deflated++;
      else stored++;
      if (record.zip64LocalSizes || record.relativeOffsetOfLocalHeader >= 0xffff_ffff || record.compressedSize >= 0xffff_ffff) zip64 = true;
      this.report(i + 1, entry.name);
      this.pump();
    }
    const centralOffset = this.output.position;
    for (const record of records) await this.output.write(centralDirectoryHeader(record));
    return { centralOffset, centralSize: this.output.position - centralOffset, stored, deflated, zip64 };
  }

  private report(entriesDone: number, currentEntry: string): void {
    this.onProgress?.({ bytesDone: this.bytesDone, bytesTotal: this.bytesTotal, entriesDone, entriesTotal: this.entries.length, currentEntry });
  }

  /** Starts reading and compressing small files ahead of the writer, within the window. */
  private pump(): void {
    while (
      this.nextToPrepare < this.entries.length &&
      this.nextToPrepare - this.current < PREFETCH_ENTRIES &&
      (this.bytesAhead < PREFETCH_BYTES || this.prepared.size === 0)
    ) {
      const index = this.nextToPrepare++;
      const entry = this.entries[index]!;
      if (entry.kind !== 'file' || entry.size > SMALL_FILE_LIMIT) continue;
      const pending = this.prepareSmall(entry);
      pending.catch(() => undefined); // awaited in order later; a job given up early must not leak a rejection
      this.prepared.set(index, pending);
      this.bytesAhead += entry.size;
    }
  }

  private linkOrDirectory(entry: PlannedEntry): PreparedData {
    const data = entry.linkTarget ?? Buffer.alloc(0);
    return { method: METHOD_STORED, crc32: zlib.crc32(data), data };
  }

  private async prepareSmall(entry: PlannedEntry): Promise<PreparedData> {
    const data = await readWhole(entry);
    const crc32 = zlib.crc32(data);
    if (!(await worthDeflating(entry, data, this.settings.level))) return { method: METHOD_STORED, crc32, data };
    const deflated = await deflateRaw(data, { level: this.settings.level });
    if (deflated.length >= data.length) return { method: METHOD_STORED, crc32, data };
    return { method: METHOD_DEFLATED, crc32, data: deflated };
  }

  private baseRecord(entry: PlannedEntry): Omit<EntryRecord, 'compressionMethod' | 'crc32' | 'compressedSize' | 'zip64LocalSizes'> {
    const deterministic = this.settings.deterministic;
    const dos = deterministic ? { lastModFileDate: (1 << 5) | 1, lastModFileTime: 0 } : toDosDateTime(new Date(entry.mtimeMs));
    const typeBits = entry.kind === 'directory' ? S_IFDIR : entry.kind === 'symlink' ? S_IFLNK : S_IFREG;
    const mode = (entry.mode & ~S_IFMT & 0xffff) | typeBits;
    return {
      fileName: entry.fileName,
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
   * A large file: local header with placeholder CRC and sizes, the data in chunks, then the
   * header patched. If deflating did not shrink it (or would need ZIP64 that the header did not
   * reserve), the entry is rewritten stored.
   */
  private async writeStreamed(entry: PlannedEntry): Promise<EntryRecord> {
    const base = this.baseRecord(entry);
    const zip64LocalSizes = needsZip64Sizes(entry.size);
    const source = await openChecked(entry);
    try {
      const head = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, entry.size));
      const { bytesRead } = await source.read(head, 0, head.length, 0);
      if (bytesRead !== head.length) throw changed(entry, 'became shorter while it was read');
      let method = (await worthDeflating(entry, head, this.settings.level)) ? METHOD_DEFLATED : METHOD_STORED;
      for (;;) {
        const placeholder: EntryRecord = { ...base, compressionMethod: method, crc32: 0, compressedSize: 0, zip64LocalSizes };
        await this.output.write(localFileHeader(placeholder));
        const dataStart = this.output.position;
        const crc32 = method === METHOD_DEFLATED ? await this.streamDeflated(entry, source, head) : await this.streamStored(entry, source, head);
        const compressedSize = this.output.position - dataStart;
        if (method === METHOD_DEFLATED && (compressedSize >= entry.size || (!zip64LocalSizes && needsZip64Sizes(compressedSize)))) {
          this.settings.log.debug('deflate did not shrink a file; storing it', { entry: entry.name });
          await this.output.rewind(base.relativeOffsetOfLocalHeader);
          this.bytesDone -= entry.size;
          method = METHOD_STORED;
          continue;
        }
        const record: EntryRecord = { ...base, compressionMethod: method, crc32, compressedSize, zip64LocalSizes };
        await this.output.patch(base.relativeOffsetOfLocalHeader, localFileHeader(record));
        await checkUnchanged(entry, source);
        this.bytesDone -= entry.size; // the caller adds the whole entry
        return record;
      }
    } finally {
      await source.close();
    }
  }

  /** Reads the file from the start in chunks (the first is `head`), checking size and cancel. */
  private async *chunks(entry: PlannedEntry, source: FileHandle, head: Buffer): AsyncGenerator<Buffer> {
    let position = 0;
    let chunk: Buffer = head;
    for (;;) {
      throwIfAborted(this.settings.signal);
      yield chunk;
      position += chunk.length;
      this.bytesDone += chunk.length;
      this.report(this.current, entry.name);
      const want = Math.min(CHUNK_SIZE, entry.size - position);
      if (want === 0) break;
      chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await source.read(chunk, 0, want, position);
      if (bytesRead !== want) throw changed(entry, 'became shorter while it was read');
    }
    const probe = Buffer.allocUnsafe(1);
    if ((await source.read(probe, 0, 1, position)).bytesRead !== 0) throw changed(entry, 'grew while it was read');
  }

  private async streamStored(entry: PlannedEntry, source: FileHandle, head: Buffer): Promise<number> {
    let crc = 0;
    for await (const chunk of this.chunks(entry, source, head)) {
      crc = zlib.crc32(chunk, crc);
      await this.output.write(chunk);
    }
    return crc;
  }

  private async streamDeflated(entry: PlannedEntry, source: FileHandle, head: Buffer): Promise<number> {
    const deflater = zlib.createDeflateRaw({ level: this.settings.level, chunkSize: 256 * 1024 });
    const pending: Buffer[] = [];
    let failure: unknown;
    deflater.on('data', (data: Buffer) => pending.push(data));
    deflater.on('error', (error) => (failure = error));
    const drainOutput = async (): Promise<void> => {
      while (pending.length > 0) await this.output.write(pending.shift()!);
    };
    let crc = 0;
    try {
      for await (const chunk of this.chunks(entry, source, head)) {
        crc = zlib.crc32(chunk, crc);
        if (!deflater.write(chunk)) await once(deflater, 'drain');
        if (failure) throw failure;
        await drainOutput();
      }
      const ended = once(deflater, 'end');
      deflater.end();
      await ended;
      if (failure) throw failure;
      await drainOutput();
      return crc;
    } finally {
      deflater.destroy();
    }
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
  const now = await handle.stat();
  if (now.size !== entry.size) throw changed(entry, `changed size (${entry.size} → ${now.size} bytes)`);
  if (now.mtimeMs !== entry.mtimeMs) throw changed(entry, 'was modified');
}

async function readWhole(entry: PlannedEntry): Promise<Buffer> {
  const handle = await openChecked(entry);
  try {
    // One byte more than expected, to notice a file that grew.
    const data = Buffer.allocUnsafe(entry.size + 1);
    let done = 0;
    for (;;) {
      const { bytesRead } = await handle.read(data, done, data.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
      if (done === data.length) break;
    }
    if (done !== entry.size) throw changed(entry, done > entry.size ? 'grew while it was read' : 'became shorter while it was read');
    await checkUnchanged(entry, handle);
    return data.subarray(0, entry.size);
  } finally {
    await handle.close();
  }
}


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
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
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
import { ByteAccumulator, CHUNK_SIZE, ChunkPool, Output, ReadRing } from './buffers.js';
import { SAMPLE_SIZE, STORE, choosePlan } from './compress-plan.js';
import { compileGlobs } from './glob.js';
import { DeflateHelper, Limiter, helperPath } from './parallel.js';
import { type PlannedEntry, changed, checkUnchanged, ioError, openChecked, readExactly, readWholeSync, throwIfAborted, walk } from './sources.js';
import { type OnExists, withTempFile } from './temp-file.js';

const deflateRaw = promisify(zlib.deflateRaw);

/** Files up to this size are read whole and deflated in one call; larger ones go block by block. */
const SMALL_FILE_LIMIT = CHUNK_SIZE;
/** Deflate calls in zlib's thread pool at once (libuv's pool has four threads by default). */
const PARALLEL_DEFLATES = Math.max(2, Math.min(4, availableParallelism()));
/** Small files go to the helper thread while it has less than this outstanding; otherwise this thread deflates them itself. */
const HELPER_BACKLOG_BYTES = 1024 * 1024;
/** Bytes this thread deflates in one turn of the event loop before it lets messages in. */
const LOCAL_BYTES_PER_TURN = 256 * 1024;
/** How many source bytes may be read and compressed ahead of the writer. */
const PREFETCH_BYTES = 4 * 1024 * 1024;
const PREFETCH_ENTRIES = 128;
/** The deflate window: how much of the previous block primes the next one. */
const DICTIONARY_SIZE = 32 * 1024;
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
  private readonly chunkPool = new ChunkPool(PARALLEL_DEFLATES * 2 + 2);
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


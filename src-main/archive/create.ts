// Creating an archive from files and folders on disk: walk the sources, decide per file whether
// deflating pays, write local headers and data in order, then the central directory and end
// records — all under a temporary name beside the target, renamed only when complete.
//
// Policies (the README states them):
// - Folders are walked depth first, each one's contents in byte order of names; empty folders
//   get an entry. A name that readers would take for another path fails the job (sources.ts).
// - An existing target is replaced only when it is an archive (checkReplaceable).
// - Symlinks are stored as links (Unix mode S_IFLNK, the target as data) unless `followSymlinks`.
//   Other special files (sockets, FIFOs, devices) are skipped, and the result names them.
// - A file that changes (size or mtime differs from the walk, or it grows/shrinks while read),
//   vanishes before it is read, or is no longer a file (a named pipe in its place, never waited
//   on; a link, never followed unless links are) or another file (its device and inode differ from
//   the walk's) fails the whole job with ZipError 'SOURCE_CHANGED'. We never
//   write an archive whose entry disagrees with the file it claims to hold.
// - Files that would not shrink are stored: known compressed formats by extension or magic
//   number, others by deflating three small samples at level 1, and finally any entry whose
//   deflated form is not smaller than the original. Files that shrink only a little (containers
//   such as .jar with stored members) are deflated at level 1: most of the gain for a fraction
//   of the time.
//
// Speed: compression runs on helper threads, one per core (archive/parallel.ts), while this
// thread walks, orders and writes. Small files go to them in batches of about 256 KiB, by name:
// a helper reads, checksums and deflates them and sends back one buffer of results (transferred,
// not copied). Large files are read here in 1 MiB blocks, checksummed, and deflated on the
// helpers pigz-style, ahead of the writer (archive/large-files.ts): each block is primed with the
// previous block's last 32 KiB as a preset dictionary and ends with a sync flush, so the blocks
// concatenate into one valid deflate stream within a fraction of a percent of a serial one.
// Memory stays bounded by the batches and blocks in flight (AHEAD_BYTES, blocksInFlight), and
// the entries found and not yet written (archive/entry-list.ts: some 50 bytes each).

import { Buffer } from 'node:buffer';
import { type Stats } from 'node:fs';
import { type FileHandle, lstat, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { type Log, silentLog } from '../log/types.js';
import { DOS_ATTR_DIRECTORY, DOS_ATTR_READONLY, METHOD_DEFLATED, METHOD_STORED, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from '../zip/constants.js';
import { ZipError, type ZipErrorDetails, isZipError } from '../zip/errors.js';
import { openZip } from '../zip/reader.js';
import {
  type EntryRecord,
  centralDirectoryHeader,
  commentProblem,
  endOfCentralDirectory,
  localFileHeader,
  needsZip64End,
  needsZip64Sizes,
  toDosDateTime,
} from '../zip/writer.js';
import { CHUNK_SIZE, ChunkPool, Output, SpooledBytes } from './buffers.js';
import { STORE } from './compress-plan.js';
import { BATCH_BYTES, type FileTask, type FilesDone } from './compress-work.js';
import { EntryList } from './entry-list.js';
import { compileGlobs } from './glob.js';
import { type LargeFile, LargeFileFeeder, isLargeFile } from './large-files.js';
import { type FileSource, openFileSource } from './file-source.js';
import { systemParams } from './system-words.js';
import { type CompressPool, givePool, helperPath, takePool } from './parallel.js';
import { type PlannedEntry, type SkippedSource, changed, endsWithSeparator, checkStillThere, ioError, readExactly, throwIfAborted, walk } from './sources.js';
import { type Numbered, type OnExists, checkNameFits, tempPathFor, withTempFile } from './temp-file.js';

/** Small files (not isLargeFile) go to a helper in batches of at most BATCH_BYTES or this many files. */
const BATCH_FILES = 256;
/** Source bytes of small files handed out ahead of the writer (the bound on their buffers). */
const AHEAD_BYTES = 3 * 1024 * 1024;
/**
 * Small files handed out ahead of the writer, whatever their bytes: empty files count no bytes,
 * and a million of them all went to the helpers at once, as fast as the walk found them (their
 * batches, answers and bookkeeping took a create of a million empty files to 264 MB).
 */
const AHEAD_FILES = 16 * BATCH_FILES;
/** Blocks of large files being deflated and not yet written, per helper. */
const BLOCKS_PER_HELPER = 2;
/** 1980-01-01T00:00:00Z, the earliest DOS time: the fixed time of deterministic archives. */
const DETERMINISTIC_UNIX_TIME = 315_532_800;


export interface CreateProgress {
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly entriesDone: number;
  readonly entriesTotal: number;
  readonly currentEntry: string;
  /** The walk is still finding entries: the totals are what it has found so far. */
  readonly counting?: boolean;
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
  /** Fixed times (1980-01-01) and permissions (0644/0755), sorted order: the same input gives the same bytes. */
  readonly deterministic?: boolean;
  /** What to do if the target exists when done; default 'replace' (the user named it). */
  readonly onExists?: OnExists;
  /** With 'unique': the target is already a numbered name of this base (temp-file.ts Numbered). */
  readonly numbered?: Numbered;
  /** Other archives (a batch's) to leave out wherever the walk meets them, with their temporary files, as the output is. */
  readonly otherOutputs?: readonly string[];
  /** A folder the command made for its archives inside the sources: left out with all in it (jobs/batch.ts). */
  readonly madeFolder?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CreateProgress) => void;
  /** Called with the temporary output path once it exists. */
  readonly onTempPath?: (tempPath: string, identity: string) => void;
  /** Resolves once that path is recorded: the archive is put in place only after (temp-file.ts TempFileOptions). */
  readonly tempRecorded?: () => Promise<void>;
  readonly log?: Log;
  /** Compress on helper threads (one per core); default true. False compresses on the calling thread. */
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
  /** The first LISTED_SKIPPED paths the walk left out on its own (a socket, a link in a loop), in the order met… */
  readonly skipped: readonly SkippedSource[];
  /** …and how many there were. */
  readonly skippedCount: number;
}

/** Paths left out listed in the result (skippedCount counts them all). */
export const LISTED_SKIPPED = 1000;

interface PreparedData {
  readonly method: number;
  /** A deflated entry's zlib level (the record's bits 1 and 2). */
  readonly level?: number;
  readonly crc32: number;
  readonly data: Uint8Array;
}

export async function createArchive(options: CreateOptions): Promise<CreateResult> {
  const log = (options.log ?? silentLog).child({ module: 'archives', task: 'create' });
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new ZipError('IO', `compression level ${level} is not 0–9`);
  const outputPath = path.resolve(options.outputPath);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const problem = commentProblem(comment);
  if (problem !== undefined) throw new ZipError(comment.length > 0xffff ? 'TOO_LARGE' : 'BAD_COMMENT', problem);
  const signal = options.signal;
  throwIfAborted(signal);
  const onExists = options.onExists ?? 'replace';
  checkNameFits(outputPath);
  if (onExists === 'replace') await checkReplaceable(outputPath, options.sources, options.followSymlinks ?? false);

  // The helpers start while the sources are walked, and the writer starts on the first entries
  // the walk finds: walking a large tree costs a noticeable part of the whole job.
  const helpers = options.helperThread ?? true ? availableParallelism() : 0;
  const pool = takePool(helpers > 0 ? helperPath() : undefined, helpers);
  // A cancel stops the wait for the helpers at once (a level-9 block takes one some 100 ms).
  const abandon = (): void => pool.abandon(new ZipError('CANCELLED', 'cancelled'));
  signal?.addEventListener('abort', abandon, { once: true });
  const list = new EntryList();
  const skipped: SkippedSource[] = [];
  let skippedCount = 0;
  const walking = walk(options.sources, {
    outputPath,
    ...(options.otherOutputs && { otherOutputs: options.otherOutputs }),
    ...(options.madeFolder !== undefined && { madeFolder: options.madeFolder }),
    exclude: compileGlobs(options.excludes ?? []),
    followSymlinks: options.followSymlinks ?? false,
    sorted: options.deterministic ?? false,
    log,
    signal,
    onEntry: (entry) => list.push(entry),
    onSkip: (source) => {
      if (skipped.length < LISTED_SKIPPED) skipped.push(source);
      skippedCount++;
    },
  }).then(
    () => {
      list.finish();
      log.debug('walked sources', { entries: list.length, bytesTotal: list.bytes, helpers: pool.threads });
    },
    (error: unknown) => list.fail(error),
  );
  let result;
  try {
    result = await withTempFile(
      outputPath,
      async (handle) => {
        const writer = new EntryWriter(handle, list, pool, { level, deterministic: options.deterministic ?? false, followSymlinks: options.followSymlinks ?? false, signal, log, spoolPath: tempPathFor(outputPath) });
        writer.onProgress = options.onProgress;
        const summary = await writer.run();
        // An archive of nothing is refused, as zip refuses it ("Nothing to do!"): whatever is at
        // the target stays as it was.
        if (list.length === 0) throw nothingToArchive(skipped[0], skippedCount);
        const end = { entryCount: list.length, offsetOfStartOfCentralDirectory: summary.centralOffset, sizeOfCentralDirectory: summary.centralSize, comment };
        await writer.output.write(endOfCentralDirectory(end));
        await writer.output.finish();
        return { ...summary, zip64: summary.zip64 || needsZip64End(end), outputBytes: writer.output.position };
      },
      { onExists, onTempPath: options.onTempPath, tempRecorded: options.tempRecorded, ...(options.numbered && { numbered: options.numbered }) },
    );
  } finally {
    signal?.removeEventListener('abort', abandon);
    // What a job that failed sent is given up (after a clean end nothing is outstanding): the pool
    // serves the next create.
    pool.abandon(new ZipError('CANCELLED', 'the job ended'));
    list.close(); // a writer that gave up stops the walk
    await walking;
    await givePool(pool);
  }
  return {
    outputPath: result.finalPath,
    entries: list.length,
    inputBytes: list.bytes,
    outputBytes: result.value.outputBytes,
    storedEntries: result.value.stored,
    deflatedEntries: result.value.deflated,
    zip64: result.value.zip64,
    skipped,
    skippedCount,
  };
}

/**
 * A deterministic archive's permission bits, as `tar --mode=go=rX,u+rw,a-s` makes them (the
 * reproducible-builds advice): 0644, or 0755 for a folder and a file anyone may run; a link 0777.
 * The bits on disk are the umask's where the files were made (a checkout under umask 022 has
 * 0644, under 002 0664, under 077 0600), so the same files gave other bytes on another machine.
 */
function deterministicPermissions(entry: PlannedEntry): number {
  if (entry.kind === 'symlink') return 0o777;
  return entry.kind === 'directory' || (entry.mode & 0o111) !== 0 ? 0o755 : 0o644;
}

/**
 * Why a create found nothing to put in the archive: the first path it left out, or the patterns.
 * The window words it by its kind: EXCLUDED, or the first path's reason (LEFT_OUT.FIFO; with
 * how many more were left out, LEFT_OUT_MORE.FIFO).
 */
function nothingToArchive(first: SkippedSource | undefined, count: number): ZipError {
  if (first === undefined) return new ZipError('NOTHING_TO_ARCHIVE', 'nothing to archive: every path is excluded', { kind: 'EXCLUDED', params: {} });
  const more = count - 1;
  const others = more > 0 ? ` (and ${more} more left out)` : '';
  const worded: ZipErrorDetails = more > 0 ? { kind: `LEFT_OUT_MORE.${first.kind}`, params: { name: first.name, more } } : { kind: `LEFT_OUT.${first.kind}`, params: { name: first.name } };
  return new ZipError('NOTHING_TO_ARCHIVE', `nothing to archive: ${first.name} is left out: ${first.reason}${others}`, worded);
}

/**
 * Before a target is replaced: refuses a folder, one of the sources itself (`create notes.txt
 * notes.txt` would archive nothing and lose the file), and a file that is not a ZIP archive (a
 * mistyped name, or a file inside a source folder: the walk leaves the target out). An archive,
 * even one inside a source folder (zipping a folder again), is replaced as asked.
 */
async function checkReplaceable(outputPath: string, sources: readonly string[], followSymlinks: boolean): Promise<void> {
  let target: Stats;
  try {
    target = await lstat(outputPath);
  } catch (error) {
    // Nothing there to replace. No folder to hold it, a file or a link loop on its path: the
    // temporary file's making says so of the folder (temp-file.ts), once, in its own words.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return;
    throw ioError(error, outputPath);
  }
  // The window words each by its kind.
  const refuse = (why: string, kind: string, params: Record<string, string> = {}): ZipError => new ZipError('EXISTS', `${why}; not replaced`, { kind: `NOT_REPLACED.${kind}`, params });
  if (target.isDirectory() || (target.isSymbolicLink() && (await stat(outputPath).then((s) => s.isDirectory(), () => false)))) throw refuse('is a folder', 'FOLDER');
  for (const source of sources) {
    // As the walk takes it (a link given as `link/` is followed there too).
    const follow = followSymlinks || endsWithSeparator(source);
    const st = await (follow ? stat : lstat)(path.resolve(source)).catch(() => undefined);
    if (st !== undefined && st.dev === target.dev && st.ino === target.ino) throw refuse('is also one of the files to archive', 'SOURCE');
  }
  if (target.isSymbolicLink()) return; // the link is replaced, not the file it points to
  if (!target.isFile()) throw refuse('is not a regular file', 'NOT_A_FILE');
  if (target.size === 0) return;
  // One that cannot be read (another user's private archive) is not known to be an archive: it
  // was said to be none.
  const unreadable = (error: unknown): ZipError => {
    const params = systemParams((error as { cause?: unknown }).cause ?? error);
    return refuse(`exists and cannot be read to check that it is a ZIP archive (${params.system})`, 'UNREADABLE', params);
  };
  let source: FileSource;
  try {
    source = await openFileSource(outputPath);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    await openZip(source);
  } catch (error) {
    throw isZipError(error) && error.code !== 'IO' ? refuse('exists and is not a ZIP archive', 'NOT_A_ZIP') : unreadable(error);
  } finally {
    await source.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Writing entries

interface WriterSettings {
  readonly level: number;
  readonly deterministic: boolean;
  readonly followSymlinks: boolean;
  readonly signal: AbortSignal | undefined;
  readonly log: Log;
  /** Where the central directory's records may be spooled (SpooledBytes): a temporary name beside the output. */
  readonly spoolPath: string;
}

interface RunSummary {
  readonly centralOffset: number;
  readonly centralSize: number;
  readonly stored: number;
  readonly deflated: number;
  readonly zip64: boolean;
}

/** Small files handed to a helper together, and how far the writer has taken their results. */
interface Batch {
  readonly done: Promise<FilesDone>;
  readonly bytes: number;
  readonly count: number;
  result: FilesDone | undefined;
  used: number;
  offset: number;
}

/** What an entry's records say before its data is known. */
type BaseRecord = Omit<EntryRecord, 'compressionMethod' | 'crc32' | 'compressedSize' | 'zip64LocalSizes'>;

/**
 * The entry's record once its data is known. Field by field: spreading the base into a new
 * object made a slow, dictionary-mode object of every record, some 2 KB each (a third of what
 * the job's thread allocated while zipping corpus A).
 */
function withData(base: BaseRecord, compressionMethod: number, crc32: number, compressedSize: number, zip64LocalSizes: boolean, deflateLevel?: number): EntryRecord {
  return {
    fileName: base.fileName,
    rawName: base.rawName,
    lastModFileDate: base.lastModFileDate,
    lastModFileTime: base.lastModFileTime,
    modTime: base.modTime,
    uncompressedSize: base.uncompressedSize,
    externalFileAttributes: base.externalFileAttributes,
    relativeOffsetOfLocalHeader: base.relativeOffsetOfLocalHeader,
    compressionMethod,
    crc32,
    compressedSize,
    zip64LocalSizes,
    deflateLevel,
  };
}

class EntryWriter {
  readonly output: Output;
  onProgress: ((progress: CreateProgress) => void) | undefined;
  /** The batch of each small file handed out and not yet written, by entry index. */
  private readonly batchOf = new Map<number, Batch>();
  private readonly chunkPool: ChunkPool;
  private nextToDispatch = 0;
  private aheadBytes = 0;
  private aheadFiles = 0;
  /** The buffer of the batch whose last file is being written. */
  private finished: ArrayBuffer | undefined;
  private current = 0;
  private bytesDone = 0;

  constructor(
    handle: FileHandle,
    private readonly entries: EntryList,
    private readonly pool: CompressPool,
    private readonly settings: WriterSettings,
  ) {
    this.output = new Output(handle);
    this.chunkPool = new ChunkPool(this.blocksInFlight + 3);
  }

  private get blocksInFlight(): number {
    return Math.max(1, this.pool.threads) * BLOCKS_PER_HELPER;
  }

  async run(): Promise<RunSummary> {
    const feeder = new LargeFileFeeder(this.entries, this.pool, this.chunkPool, { level: this.settings.level, signal: this.settings.signal, blocksInFlight: this.blocksInFlight, followSymlinks: this.settings.followSymlinks });
    try {
      return await this.writeEntries(feeder);
    } finally {
      await feeder.close();
    }
  }

  private async writeEntries(feeder: LargeFileFeeder): Promise<RunSummary> {
    // Central records are encoded as each entry is written and kept as bytes (far smaller than
    // every entry's record object), past SPOOL_AFTER of them in a spool file.
    const central = new SpooledBytes(this.settings.spoolPath);
    try {
      return await this.writeEntriesInto(feeder, central);
    } finally {
      await central.close();
    }
  }

  private async writeEntriesInto(feeder: LargeFileFeeder, central: SpooledBytes): Promise<RunSummary> {
    let stored = 0;
    let deflated = 0;
    let zip64 = false;
    for (let i = 0; ; i++) {
      throwIfAborted(this.settings.signal);
      this.current = i;
      this.dispatch(-1);
      const entry = await this.entries.at(i);
      if (entry === undefined) break;
      this.dispatch(i);
      let record: EntryRecord;
      try {
        const batch = this.batchOf.get(i);
        if (batch) {
          this.batchOf.delete(i);
          record = await this.writeWhole(entry, this.take(batch, batch.result ?? (batch.result = await batch.done)));
          // Written (copied or awaited): the batch's buffer can serve another batch.
          if (this.finished) this.pool.giveBack(this.finished);
          this.finished = undefined;
        } else if (entry.kind === 'file') {
          record = await this.writeLarge(feeder, await feeder.take(i));
        } else {
          record = await this.writeWhole(entry, this.linkOrDirectory(entry));
        }
      } catch (error) {
        throwIfAborted(this.settings.signal);
        if (error instanceof ZipError) throw error.withEntry(entry.name);
        throw ioError(error, entry.sourcePath).withEntry(entry.name);
      }
      this.bytesDone += entry.size;
      central.push(centralDirectoryHeader(record));
      if (central.full) await central.spill();
      if (record.compressionMethod === METHOD_DEFLATED) deflated++;
      else stored++;
      if (record.zip64LocalSizes || record.relativeOffsetOfLocalHeader >= 0xffff_ffff || record.compressedSize >= 0xffff_ffff) zip64 = true;
      this.entries.release(i);
      this.report(i + 1, entry.name);
    }
    const centralOffset = this.output.position;
    await central.copyTo(this.output);
    return { centralOffset, centralSize: this.output.position - centralOffset, stored, deflated, zip64 };
  }

  private report(entriesDone: number, currentEntry: string): void {
    // While the walk goes on, the totals are what it has found so far (`counting`): a fraction
    // of them means nothing yet, but a large tree on a slow disk can take minutes to walk.
    const counting = !this.entries.complete;
    this.onProgress?.({ bytesDone: this.bytesDone, bytesTotal: this.entries.bytes, entriesDone, entriesTotal: this.entries.length, currentEntry, ...(counting && { counting }) });
  }

  /**
   * Hands small files ahead of the writer to the helpers, in batches, while fewer than
   * AHEAD_BYTES and AHEAD_FILES of them are out (one batch when compressing on this thread), and
   * always up to entry `needed` (the one the writer is at, or -1).
   */
  private dispatch(needed: number): void {
    const [bytesLimit, filesLimit] = this.pool.threads > 0 ? [AHEAD_BYTES, AHEAD_FILES] : [BATCH_BYTES, BATCH_FILES];
    while (this.nextToDispatch < this.entries.length && ((this.aheadBytes < bytesLimit && this.aheadFiles < filesLimit) || this.nextToDispatch <= needed)) {
      // A batch waits to fill up while the walk is still finding files.
      if (!this.entries.complete && this.entries.length - this.nextToDispatch < BATCH_FILES && this.nextToDispatch > needed) return;
      const files: FileTask[] = [];
      const indexes: number[] = [];
      let bytes = 0;
      while (this.nextToDispatch < this.entries.length && files.length < BATCH_FILES) {
        const entry = this.entries.peek(this.nextToDispatch)!;
        if (entry.kind === 'file' && !isLargeFile(entry)) {
          if (files.length > 0 && bytes + entry.size > BATCH_BYTES) break;
          files.push({ name: entry.name, sourcePath: entry.sourcePath, size: entry.size, mode: entry.mode, mtimeMs: entry.mtimeMs, dev: entry.dev, ino: entry.ino });
          indexes.push(this.nextToDispatch);
          bytes += entry.size;
        }
        this.nextToDispatch++;
      }
      if (files.length === 0) continue;
      const done = this.pool.files({ files, level: this.settings.level, reproducible: this.settings.deterministic, followSymlinks: this.settings.followSymlinks });
      // Awaited in order later; a job given up early must not leak a rejection.
      done.catch(() => undefined);
      const batch: Batch = { done, bytes, count: files.length, result: undefined, used: 0, offset: 0 };
      for (const index of indexes) this.batchOf.set(index, batch);
      this.aheadBytes += bytes;
      this.aheadFiles += files.length;
    }
  }

  /** The next file's data from its batch's results. */
  private take(batch: Batch, done: FilesDone): PreparedData {
    const outcome = done.outcomes[batch.used++];
    if (outcome === undefined) {
      const failure = done.failure ?? { code: 'IO' as const, message: 'compression helper gave no result', name: '' };
      throw new ZipError(failure.code, failure.message, { entry: failure.name, kind: failure.kind, params: failure.params });
    }
    const data = done.data.subarray(batch.offset, batch.offset + outcome.length);
    batch.offset += outcome.length;
    if (batch.used === batch.count) {
      this.aheadBytes -= batch.bytes;
      this.aheadFiles -= batch.count;
      this.finished = done.data.buffer as ArrayBuffer;
    }
    return { method: outcome.method, level: outcome.level, crc32: outcome.crc32, data };
  }

  private linkOrDirectory(entry: PlannedEntry): PreparedData {
    const data = entry.linkTarget ?? Buffer.alloc(0);
    return { method: METHOD_STORED, crc32: zlib.crc32(data), data };
  }

  private baseRecord(entry: PlannedEntry): BaseRecord {
    const deterministic = this.settings.deterministic;
    const dos = deterministic ? { lastModFileDate: (1 << 5) | 1, lastModFileTime: 0 } : toDosDateTime(new Date(entry.mtimeMs));
    const typeBits = entry.kind === 'directory' ? S_IFDIR : entry.kind === 'symlink' ? S_IFLNK : S_IFREG;
    const mode = (deterministic ? deterministicPermissions(entry) : entry.mode & ~S_IFMT & 0xffff) | typeBits;
    return {
      fileName: entry.nameBytes ?? Buffer.from(entry.name, 'utf8'),
      rawName: entry.nameBytes !== undefined,
      lastModFileDate: dos.lastModFileDate,
      lastModFileTime: dos.lastModFileTime,
      modTime: deterministic ? DETERMINISTIC_UNIX_TIME : Math.floor(entry.mtimeMs / 1000),
      uncompressedSize: entry.size,
      // The DOS attributes too, for readers that go by them (Windows' own): a folder, and one its
      // owner cannot write read-only, as Info-ZIP's zip marks it.
      externalFileAttributes: mode * 0x1_0000 + (entry.kind === 'directory' ? DOS_ATTR_DIRECTORY : 0) + ((mode & 0o200) === 0 ? DOS_ATTR_READONLY : 0),
      relativeOffsetOfLocalHeader: this.output.position,
    };
  }

  private async writeWhole(entry: PlannedEntry, prepared: PreparedData): Promise<EntryRecord> {
    const record = withData(this.baseRecord(entry), prepared.method, prepared.crc32, prepared.data.length, false, prepared.level);
    const header = localFileHeader(record);
    // Most entries fit in the output buffer: no promise then.
    if (!this.output.append(header)) await this.output.write(header);
    if (!this.output.append(prepared.data)) await this.output.write(prepared.data);
    return record;
  }

  /**
   * A large file, opened and planned by the feeder: local header with placeholder CRC and sizes,
   * the data, then the header patched. If deflating did not shrink it (or would need ZIP64 that
   * the header did not reserve), the entry is rewritten stored.
   */
  private async writeLarge(feeder: LargeFileFeeder, file: LargeFile): Promise<EntryRecord> {
    const { entry, source } = file;
    const base = this.baseRecord(entry);
    const zip64LocalSizes = needsZip64Sizes(entry.size);
    try {
      let plan = file.plan;
      let head = file.head;
      for (;;) {
        const placeholder = withData(base, plan.method, 0, 0, zip64LocalSizes, plan.level);
        await this.output.write(localFileHeader(placeholder));
        const dataStart = this.output.position;
        const crc32 = plan === file.plan && plan.method === METHOD_DEFLATED ? await this.writeBlocks(feeder, file) : await this.streamStored(entry, source, head!);
        const compressedSize = this.output.position - dataStart;
        if (plan.method === METHOD_DEFLATED && (compressedSize >= entry.size || (!zip64LocalSizes && needsZip64Sizes(compressedSize)))) {
          this.settings.log.debug('deflate did not shrink a file; storing it', { entry: entry.name });
          await this.output.rewind(base.relativeOffsetOfLocalHeader);
          this.bytesDone -= entry.size;
          plan = STORE;
          head = await readExactly(source, entry, 0, Math.min(CHUNK_SIZE, entry.size), this.chunkPool.get());
          continue;
        }
        const record = withData(base, plan.method, crc32, compressedSize, zip64LocalSizes, plan.level);
        await this.output.patch(base.relativeOffsetOfLocalHeader, localFileHeader(record));
        await checkStillThere(entry, source, this.settings.followSymlinks);
        this.bytesDone -= entry.size; // the caller adds the whole entry
        return record;
      }
    } finally {
      await feeder.release(file);
    }
  }

  /** Writes the file's deflated blocks in order as the helpers finish them; returns its CRC-32. */
  private async writeBlocks(feeder: LargeFileFeeder, file: LargeFile): Promise<number> {
    for (;;) {
      throwIfAborted(this.settings.signal);
      const next = await file.blocks.next();
      if ('crc32' in next) return next.crc32;
      const { output, input } = await next.block;
      await this.output.write(output);
      this.chunkPool.put(input);
      feeder.written();
      this.bytesDone += next.length;
      this.report(this.current, file.entry.name);
      this.dispatch(-1);
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
      const length = chunk.length;
      yield chunk;
      position = end;
      this.bytesDone += length;
      this.report(this.current, entry.name);
      this.dispatch(-1);
      if (!ahead) break;
      chunk = await ahead;
    }
    const probe = Buffer.allocUnsafe(1);
    if ((await source.read(probe, 0, 1, position)).bytesRead !== 0) throw changed(entry, 'GREW');
  }

  private async streamStored(entry: PlannedEntry, source: FileHandle, head: Buffer): Promise<number> {
    let crc = 0;
    for await (const chunk of this.chunks(entry, source, head)) {
      crc = zlib.crc32(chunk, crc);
      await this.output.write(chunk);
      this.chunkPool.put(chunk);
    }
    return crc;
  }
}

// Reading entries fast, for extract and test (issue 2; benchmark corpora A, B and C). For extract,
// the plan (names, policy, folders) is settled by archive/extract.ts and this module only does the
// writing; for test, a task only checks its entry. Either is done the same way on the job's thread
// and on the helper thread (archive/extract-helper.ts), so that two cores inflate (and create
// files) side by side.
//
// A batch is a run of small entries that lie next to each other in the archive: it is read with
// one pread into a reused buffer, and each entry's local header, data, size and CRC-32 are
// checked by the reader's own code over that buffer (synchronously, when the entry lies inside).
// A large entry is a batch of its own: read, inflated and checked a megabyte at a time in reused
// buffers (zip/entry-data.ts entryChunks), letting the event loop in every few megabytes.
// For extract, each file is then written with synchronous calls under a temporary name beside
// its final one (open O_EXCL with its mode, write, fchmod when the umask would strip bits,
// futimes, close) and renamed into place only once its data checked: a bad entry leaves nothing
// behind. Synchronous calls, because for thousands of tiny files the thread pool's round trip
// per call costs more than the call, and a large file's chunks, each handed from thread to
// thread through Node's streams and zlib, cost more than reading, inflating and writing them here.

import { Buffer } from 'node:buffer';
import path from 'node:path';
import { closeSync, constants as fsConstants, existsSync, fchmodSync, fstatSync, futimesSync, openSync, readSync, renameSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker, threadId } from 'node:worker_threads';
import { ZipError, bytesText, isZipError, wordedAs, type Worded, type ZipErrorCode } from '../zip/errors.js';
import type { EntryFields, RandomAccessSource, ZipEntry } from '../zip/model.js';
import { entryChunks, plainEntryData, readEntryData, readSmallEntryAt, type EntryStreamOptions, type SyncSource } from '../zip/entry-data.js';
import type { HelperAnswer, HelperData, HelperRequest } from './extract-helper.js';
import type { RangeJob, RangeTally } from './check-ranges.js';
import { endHelper, helperScript } from './helper-script.js';
import { tempStem } from './temp-stem.js';
import { sameFile, type FileIdentity } from './file-source.js';
import { systemParams } from './system-words.js';
import { fileSystemRefused, fileTime, setWhereHeld } from './attributes.js';
import type { CodePage } from '../zip/names.js';

/** Entries up to this size (both sizes) are written from memory in span batches; larger ones stream, each its own batch. */
export const SMALL_FILE = 256 * 1024;
/** A batch's archive span stops growing at this many bytes (its read buffer is reused). */
export const SPAN_BYTES = 1024 * 1024;
/** …or at this many entries, so that both threads get work early and end together. */
export const SPAN_FILES = 256;
/** What a local header may add before the data: the reader's first read is 30 + 512 bytes. */
const LOCAL_HEADER_ROOM = 30 + 512;
/** The longest data descriptor (4.3.9). */
const DESCRIPTOR_ROOM = 24;

/** Where the entry's data must end (EntryStreamOptions.dataEnd); unknown when left out. */
interface DataEnd {
  readonly dataEnd?: number;
}

export interface FileTask extends DataEnd {
  readonly entry: EntryFields;
  /** Absolute path settled by the plan; the temporary name goes beside it. */
  readonly final: string;
  readonly mode: number;
  /** fchmod after creating: the umask would have stripped some of `mode`. */
  readonly restoreMode: boolean;
  /** Modification time in ms since the epoch, or NaN to leave it. */
  readonly modifiedMs: number;
  /** The target folder held open, to find the temporary file by should the folder be moved away (removeTemporary). */
  readonly held: HeldFolder | undefined;
}

/** Test's task: the entry's data is read and checked, and goes nowhere. */
export interface CheckTask extends DataEnd {
  readonly entry: EntryFields;
}

export type SpanTask = FileTask | CheckTask;

export interface SpanBatch {
  readonly id: number;
  /** The archive bytes [start, end) hold every task's local header and data. */
  readonly start: number;
  readonly end: number;
  readonly tasks: SpanTask[];
}

/** Per task, in order: null when written (or checked), else why not. */
export type FileOutcome = ({ readonly code: ZipErrorCode; readonly message: string } & Worded) | null;

export function entryFields(entry: ZipEntry): EntryFields {
  const { index, name, headerNameCrc32, generalPurposeBitFlag, compressionMethod, crc32, compressedSize, uncompressedSize, localHeaderOffset, encrypted, aes, hasDataDescriptor } = entry;
  return { index, name, headerNameCrc32, generalPurposeBitFlag, compressionMethod, crc32, compressedSize, uncompressedSize, localHeaderOffset, encrypted, aes, hasDataDescriptor };
}

/** Data that pays for a helper thread even in few entries (some 50 ms of inflating and writing). */
const HELPER_BYTES = 32 * 1024 * 1024;

/**
 * Whether a helper thread (its start costs some 30 ms and 25 MB) pays for these entries: when
 * there are many, or much data in more than one.
 */
export function helperPays(spans: { readonly count: number; readonly bytesTotal: number }): boolean {
  return spans.count >= 2 * SPAN_FILES || (spans.count >= 2 && spans.bytesTotal >= HELPER_BYTES);
}

export function isSmallFile(entry: Pick<ZipEntry, 'compressedSize' | 'uncompressedSize'>): boolean {
  return entry.compressedSize <= SMALL_FILE && entry.uncompressedSize <= SMALL_FILE;
}

/** Where the bytes the reader may read for this entry end (header guess, data, descriptor). */
export function spanEnd(entry: EntryFields, archiveSize: number): number {
  return Math.min(archiveSize, entry.localHeaderOffset + LOCAL_HEADER_ROOM + entry.compressedSize + DESCRIPTOR_ROOM);
}

/** Groups tasks (sorted by offset) into span batches. */
export class SpanBatcher {
  private tasks: SpanTask[] = [];
  private start = 0;
  private end = 0;
  /** The batch so far is one large entry. */
  private large = false;
  private nextId = 0;

  constructor(
    private readonly archiveSize: number,
    private readonly emit: (batch: SpanBatch) => void,
  ) {}

  add(task: SpanTask): void {
    const offset = task.entry.localHeaderOffset;
    // A large entry streams by itself: a batch of one, with no span to read ahead.
    const large = !isSmallFile(task.entry);
    const end = large ? offset : spanEnd(task.entry, this.archiveSize);
    if (this.tasks.length > 0 && (large || this.large || this.tasks.length >= SPAN_FILES || offset < this.start || Math.max(end, this.end) - this.start > SPAN_BYTES)) this.flush();
    if (this.tasks.length === 0) {
      this.start = offset;
      this.end = end;
      this.large = large;
      // (A batch's array is made with its first task: V8 threw away the code that pushed an
      // object into an empty array, whose first element it had taken to be a small integer.)
      this.tasks = [task];
    } else {
      this.tasks.push(task);
    }
    this.end = Math.max(this.end, end);
  }

  flush(): void {
    if (this.tasks.length === 0) return;
    this.emit({ id: this.nextId++, start: this.start, end: this.end, tasks: this.tasks });
    this.tasks = [];
  }
}

/** The archive through one file descriptor, with one span held in a reused buffer. */
export class SpanReader implements RandomAccessSource, SyncSource {
  private buffer = Buffer.allocUnsafeSlow(SPAN_BYTES + LOCAL_HEADER_ROOM + DESCRIPTOR_ROOM);
  private start = 0;
  private end = 0;

  constructor(
    readonly fd: number,
    readonly size: number,
  ) {}

  /** Reads [start, end) in one call; what the reader asks for inside it is served from memory. */
  load(start: number, end: number): void {
    if (end - start > this.buffer.length) this.buffer = Buffer.allocUnsafeSlow(end - start);
    this.fill(this.buffer, start, end - start);
    this.start = start;
    this.end = end;
  }

  /** The span held now, and where `offset` lies in it; undefined when it lies outside. */
  held(offset: number): { bytes: Buffer; at: number } | undefined {
    if (offset < this.start || offset >= this.end) return undefined;
    return { bytes: this.buffer.subarray(0, this.end - this.start), at: offset - this.start };
  }

  read(offset: number, length: number): Promise<Buffer> {
    try {
      this.checkRange(offset, length);
      if (offset >= this.start && offset + length <= this.end) return Promise.resolve(this.buffer.subarray(offset - this.start, offset - this.start + length));
      const outside = Buffer.allocUnsafe(length);
      this.fill(outside, offset, length);
      return Promise.resolve(outside);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  readInto(into: Buffer, offset: number, length: number): void {
    this.checkRange(offset, length);
    this.fill(into, offset, length);
  }

  close(): void {
    closeSync(this.fd);
  }

  private checkRange(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new ZipError('TRUNCATED', `read of ${bytesText(length)} at offset ${offset} runs past the end of the archive (${this.size} bytes)`, { offset });
    }
  }

  private fill(into: Buffer, offset: number, length: number): void {
    let filled = 0;
    while (filled < length) {
      const read = readSync(this.fd, into, filled, length - filled, offset + filled);
      if (read === 0) throw new ZipError('TRUNCATED', `the file ended at offset ${offset + filled} while reading ${bytesText(length)} at offset ${offset}`, { offset });
      filled += read;
    }
  }
}

/** Entry data is compared strictly with its local header (archive/entry-check.ts), and must end where the task says. */
const STRICT = { strictLocalHeader: true } as const;

function strict(task: DataEnd): EntryStreamOptions {
  return task.dataEnd === undefined ? STRICT : { ...STRICT, dataEnd: task.dataEnd };
}

/**
 * Batches the helper thread holds at once: enough that it never waits while this thread, busy
 * planning or writing, has not yet read its answers (measured on the benchmark's corpora A and C).
 */
const HELPER_IN_HAND = 4;
/** Batches the job's thread leaves queued for the helper when it stops to plan the next ones. */
export const LEFT_FOR_HELPER = 8;

/** A large entry's output between two looks at the event loop (a cancel, the helper's answers). */
const YIELD_BYTES = 8 * 1024 * 1024;

/**
 * Runs every task of the batch: reads and checks its entry, and writes the file for a FileTask.
 * One task's failure is its outcome, not the batch's. Stops early (the rest get CANCELLED
 * outcomes) when `cancelled` says so; a large entry also stops in the middle. While a large
 * entry goes on, `onBytes` hears how many of its bytes are done, every YIELD_BYTES.
 */
export async function runSpanBatch(source: SpanReader, batch: SpanBatch, cancelled: () => boolean = () => false, onBytes?: (bytes: number) => void): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  try {
    if (batch.end > batch.start) source.load(batch.start, batch.end);
  } catch (error) {
    const problem = describe(error);
    return batch.tasks.map(() => problem);
  }
  for (const task of batch.tasks) {
    if (cancelled()) {
      outcomes.push({ code: 'CANCELLED', message: 'cancelled' });
      continue;
    }
    if (!isSmallFile(task.entry)) {
      try {
        if ('final' in task) await streamFile(source, task, cancelled, onBytes);
        else await eachChunk(source, task, cancelled, () => undefined, onBytes);
        outcomes.push(null);
      } catch (error) {
        outcomes.push(describe(error));
      }
      continue;
    }
    try {
      const entry = task.entry as ZipEntry;
      const span = source.held(entry.localHeaderOffset);
      // In the span: checked synchronously from memory. Otherwise (a header longer than the
      // room left for it) the reader reads what it needs.
      const data =
        (span === undefined ? undefined : plainEntryData(entry, span.bytes, span.at, source.size, task.dataEnd) ?? readSmallEntryAt(entry, span.bytes, span.at, source.size, strict(task))) ??
        (await readEntryData(source, entry, { ...strict(task), maxSize: SMALL_FILE }));
      if ('final' in task) writeFile(task, data);
      outcomes.push(null);
    } catch (error) {
      outcomes.push(describe(error));
    }
  }
  return outcomes;
}

/** Temporary name, data, mode and time, then the rename: nothing half-written is ever visible. */
function writeFile(task: FileTask, data: Buffer): void {
  const [temporary, fd] = createTemporary(task);
  let written = false;
  try {
    writeAll(fd, data, 0);
    written = true;
  } finally {
    settleFile(task, temporary, fd, written);
  }
}

/** The same for a large entry, written a checked chunk at a time. */
async function streamFile(source: SpanReader, task: FileTask, cancelled: () => boolean, onBytes: ((bytes: number) => void) | undefined): Promise<void> {
  const [temporary, fd] = createTemporary(task);
  let written = false;
  try {
    let position = 0;
    await eachChunk(
      source,
      task,
      cancelled,
      (chunk) => {
        writeAll(fd, chunk, position);
        position += chunk.length;
      },
      onBytes,
    );
    written = true;
  } finally {
    settleFile(task, temporary, fd, written);
  }
}

/**
 * A written temporary file gets its mode and time, is closed and renamed into place; one that
 * was not (or anything failing on the way) is closed and removed.
 */
function settleFile(task: FileTask, temporary: string, fd: number, written: boolean): void {
  let committed = false;
  try {
    try {
      if (written) restoreModeAndTime(fd, task);
    } finally {
      closeSync(fd);
    }
    if (written) {
      renameInto(temporary, task.final);
      committed = true;
    }
  } finally {
    if (!committed) removeTemporary(temporary, task.held);
  }
}

/** Renames a finished temporary file or link into place (see folderInTheWay). */
export function renameInto(temporary: string, final: string): void {
  try {
    renameSync(temporary, final);
  } catch (error) {
    throw folderInTheWay(error);
  }
}

/** A rename that failed because a folder is at the final path (no rename replaces one), said as such rather than by the temporary name. */
export function folderInTheWay(error: unknown): unknown {
  return (error as NodeJS.ErrnoException).code === 'EISDIR' ? new ZipError('EXISTS', 'a folder is already there; not replaced', { cause: error, kind: 'FOLDER_THERE', params: {} }) : error;
}

/**
 * Hands each checked chunk of a large entry to `use` (synchronously: the chunk's buffer is
 * reused), and every YIELD_BYTES tells `onBytes` and lets the event loop in, stopping there once
 * cancelled.
 */
async function eachChunk(source: SpanReader, task: SpanTask, cancelled: () => boolean, use: (chunk: Buffer) => void, onBytes: ((bytes: number) => void) | undefined): Promise<void> {
  let since = 0;
  for (const chunk of entryChunks(source, task.entry as ZipEntry, strict(task))) {
    use(chunk);
    since += chunk.length;
    if (since >= YIELD_BYTES) {
      onBytes?.(since);
      since = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (cancelled()) throw new ZipError('CANCELLED', 'cancelled', { entry: task.entry.name });
    }
  }
}

/**
 * Writes all of `data` at `position`. One write may write less than it was given (a disk that
 * fills in the middle of it, a file size limit), and says so only by its count: the next write
 * is the one that fails. A short write taken for the whole would rename a cut file into place.
 */
export function writeAll(fd: number, data: Buffer, position: number): void {
  for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at, position + at);
}

function restoreModeAndTime(fd: number, task: FileTask): void {
  if (task.restoreMode) setWhereHeld(() => fchmodSync(fd, task.mode));
  if (!Number.isFinite(task.modifiedMs)) return;
  const time = fileTime(task.modifiedMs);
  setWhereHeld(() => futimesSync(fd, time, time));
}

/** No room left on the file system (or in the user's quota): every later write would fail too. */
export function isDiskFull(code: string | undefined): boolean {
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export const DISK_FULL_WORDS = 'the disk is full';

let temporaryCounter = 0;

/** A name beside `final` that no entry and no other thread (or process) would pick. */
export function temporaryBeside(final: string): string {
  const folder = path.dirname(final);
  return `${folder}${path.sep}.${tempStem(path.basename(final))}.${process.pid}-${threadId}-${++temporaryCounter}.zipdesk-partial`;
}

/**
 * The target folder as an open descriptor reaches it, wherever it has been moved: on Linux,
 * /proc/self/fd/FD is the folder itself, not the path it had. Every temporary file's path begins
 * with the folder's, `pathLength` characters long. Plain data, for the helper thread too (a
 * descriptor is the process's, not a thread's).
 */
export interface HeldFolder {
  readonly fd: number;
  readonly pathLength: number;
}

/**
 * The target folder held open while a run writes in it, made by whoever owns the run and let go
 * once it has ended, however it ended (TargetFolder.open holds it once the folder is made). Only
 * where /proc/self/fd leads to a folder by its descriptor (Linux): elsewhere nothing is held,
 * and a temporary file in a folder moved away is left there.
 */
export class TargetHold {
  private folder: HeldFolder | undefined;

  /** Holds the folder at `root` (a real path, as every temporary path begins); nothing when it cannot be held. */
  hold(root: string): void {
    if (this.folder !== undefined || process.platform !== 'linux' || !existsSync('/proc/self/fd')) return;
    try {
      this.folder = { fd: openSync(root, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY), pathLength: root.length };
    } catch {
      // Not readable: temporary files are found by their paths alone, as before.
    }
  }

  get held(): HeldFolder | undefined {
    return this.folder;
  }

  release(): void {
    if (this.folder !== undefined) closeSync(this.folder.fd);
    this.folder = undefined;
  }
}

/**
 * Removes a temporary file (or link) that was not renamed into place. When the target folder was
 * moved away while it was written (the run then stops: TargetFolder.gone), its path names nothing,
 * and the file is in the folder's new place: it is removed there, through the folder's descriptor.
 * (Had it been left, the moved folder would hold a `.NAME.PID-….zipdesk-partial` for good.) The
 * folder's descriptor, not the file's own: a file is closed before its rename, so that a write
 * error said only at close (NFS) fails the file rather than one at its final name, and the folder
 * may be moved in between; a link has no descriptor at all. Only the name this run made
 * (temporaryBeside) is ever removed, by unlink: never a folder. An error other than a path that
 * names nothing (ENOENT, or ENOTDIR: a file now where a folder on it was) is thrown, as rm's was.
 */
export function removeTemporary(temporary: string, held: HeldFolder | undefined): void {
  try {
    unlinkSync(temporary);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    if (held === undefined) return;
    try {
      unlinkSync(`/proc/self/fd/${held.fd}${temporary.slice(held.pathLength)}`);
    } catch {
      // Not there either: the folder was removed, not moved (or the file with it).
    }
  }
}

/** A temporary name of temporaryBeside, with the process that made it. */
const PARTIAL_NAME = /^\..*\.(\d+)-\d+-\d+\.zipdesk-partial$/;

/**
 * Removes what extraction left half-written under `folder` when it could not clean up itself (its
 * thread or process died): the temporary files of temporaryBeside whose process `owned` says are
 * leftovers. Links are not followed. Asynchronous, a folder at a time: the app's main process
 * walks the target (which may be a large tree) without freezing its window. Resolves with how
 * many were removed; a file that cannot be removed is left (and counted in `failed`).
 */
export async function removePartials(folder: string, owned: (pid: number) => boolean): Promise<{ removed: number; failed: number }> {
  let removed = 0;
  let failed = 0;
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone, or not ours to read
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await visit(full);
      else if (entry.isFile()) {
        const match = PARTIAL_NAME.exec(entry.name);
        if (match === null || !owned(Number(match[1]))) continue;
        try {
          await rm(full, { force: true });
          removed++;
        } catch {
          failed++;
        }
      }
    }
  };
  await visit(folder);
  return { removed, failed };
}

/** 'wx' is O_CREAT|O_EXCL: it also refuses to follow a link planted under the temporary name. */
function createTemporary(task: FileTask): [string, number] {
  for (let attempt = 0; ; attempt++) {
    const temporary = temporaryBeside(task.final);
    try {
      return [temporary, openSync(temporary, 'wx', task.mode)];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw error;
    }
  }
}

function describe(error: unknown): FileOutcome {
  if (isZipError(error)) return { code: error.code, message: error.message, ...wordedAs(error) };
  const code = (error as NodeJS.ErrnoException).code;
  if (isDiskFull(code)) return { code: 'DISK_FULL', message: DISK_FULL_WORDS, params: {} };
  const params = systemParams(error);
  return { code: code === 'EEXIST' ? 'EXISTS' : 'IO', message: params.system, kind: 'SYSTEM', params };
}

/**
 * Runs span batches on this thread and, when asked, on one helper thread too. Batches are queued
 * as the plan makes them; the helper always holds HELPER_IN_HAND of them (from the back of the queue),
 * and this thread takes its share from the front between planning the next central directory
 * batch, so neither thread waits for the other. Front and back, because files are grouped by
 * folder in most archives, and two threads creating files in one folder wait for its lock.
 */
export class SpanRunner {
  private worker: Worker | undefined;
  private helperFailed = false;
  private readonly waiting = new Map<number, { batch: SpanBatch; resolve: (outcomes: FileOutcome[]) => void; reject: (error: Error) => void }>();
  private readonly rangesWaiting = new Map<number, { onBytes: (bytes: number) => void; resolve: (tally: RangeTally) => void; reject: (error: Error) => void }>();
  private readonly timesWaiting = new Map<number, { resolve: (failures: FolderTimeFailure[]) => void; reject: (error: Error) => void }>();
  private timesSent = 0;
  private queue: SpanBatch[] = [];
  private front = 0;
  private helperBusy = 0;
  private helperIdle: (() => void) | undefined;
  /** Set once the job is cancelled; the helper thread, which cannot see the signal, reads it too. */
  private readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  /** Settles when the helper thread has ended. */
  private workerExited: Promise<unknown> | undefined;
  /** Set by close: batches the helper had in hand are not settled after it (they stop, or never came back). */
  private closing = false;
  private readonly onAbort = (): void => void Atomics.store(this.cancelFlag, 0, 1);
  private readonly signal: AbortSignal | undefined;
  private readonly stopped: (() => boolean) | undefined;
  /** Between two files: asks `stopped` too (which may abort the signal: onAbort then sets the flag). */
  readonly cancelled = (): boolean => {
    this.stopped?.();
    return Atomics.load(this.cancelFlag, 0) !== 0;
  };

  constructor(
    /** The archive as this thread reads it. */
    readonly local: SpanReader,
    stop: RunnerStop,
    private readonly settle: (batch: SpanBatch, outcomes: FileOutcome[]) => void,
    private readonly partial: ((batch: SpanBatch, bytes: number) => void) | undefined,
    private readonly codePage: CodePage | undefined,
  ) {
    this.signal = stop.signal;
    this.stopped = stop.stopped;
    if (this.signal?.aborted) this.onAbort();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private get queued(): number {
    return this.queue.length - this.front;
  }

  /** Starts the helper thread; false when there is none to be had (one core, no compiled file). */
  useHelper(): boolean {
    if (this.worker !== undefined) return true;
    if (this.helperFailed || availableParallelism() < 2) return false;
    const url = helperScript('extract-helper.js');
    if (url === undefined) return false;
    const data: HelperData = { fd: this.local.fd, size: this.local.size, cancel: this.cancelFlag.buffer as SharedArrayBuffer, codePage: this.codePage?.name };
    // It holds one batch of small files at a time: a small heap is plenty (peak memory is a target).
    const worker = new Worker(url, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } });
    worker.on('message', (answer: HelperAnswer) => {
      if ('times' in answer) {
        const waiter = this.timesWaiting.get(answer.times);
        this.timesWaiting.delete(answer.times);
        waiter?.resolve(answer.failures);
        return;
      }
      if ('range' in answer) {
        const waiter = this.rangesWaiting.get(answer.range);
        if ('bytes' in answer) return waiter?.onBytes(answer.bytes);
        this.rangesWaiting.delete(answer.range);
        if ('tally' in answer) waiter?.resolve(answer.tally);
        else waiter?.reject(new Error(answer.failed));
        return;
      }
      const waiter = this.waiting.get(answer.id);
      if ('bytes' in answer) {
        if (waiter !== undefined) this.partial?.(waiter.batch, answer.bytes);
        return;
      }
      this.waiting.delete(answer.id);
      waiter?.resolve(answer.outcomes);
    });
    const fail = (error: Error): void => {
      this.helperFailed = true;
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
      for (const waiter of this.rangesWaiting.values()) waiter.reject(error);
      this.rangesWaiting.clear();
      for (const waiter of this.timesWaiting.values()) waiter.reject(error);
      this.timesWaiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`extraction helper thread ended (exit code ${code})`)));
    this.worker = worker;
    // (Not events.once: it rejects on an 'error' event, which a helper's uncaught exception emits before 'exit'.)
    this.workerExited = new Promise((resolve) => worker.once('exit', resolve));
    return true;
  }

  /**
   * Ends the helper thread between two requests. With `stopWork` (the runner closes), the work
   * in hand stops at once too: the cancel flag says nothing more is wanted of it.
   */
  private async endWorker(worker: Worker, stopWork: boolean): Promise<void> {
    await endHelper(worker, this.workerExited!, () => {
      if (stopWork) Atomics.store(this.cancelFlag, 0, 1);
    });
  }

  /** Ends the helper thread if it has not been given work; whether it did. */
  dropHelper(): boolean {
    const worker = this.worker;
    if (worker === undefined || this.helperBusy > 0) return false;
    this.worker = undefined;
    this.helperFailed = true;
    void this.endWorker(worker, false);
    return true;
  }

  add(batches: readonly SpanBatch[]): void {
    // Drop the batches already taken (they hold their tasks and entries).
    this.queue = [...this.queue.slice(this.front), ...batches];
    this.front = 0;
    this.feedHelper();
  }

  /** This thread's share: batches from the front while more than `reserve` are queued. */
  async work(reserve: number): Promise<void> {
    while (this.queued > reserve && !this.cancelled()) {
      const batch = this.queue[this.front++]!;
      this.settle(batch, await runSpanBatch(this.local, batch, this.cancelled, (bytes) => this.partial?.(batch, bytes)));
      // Let the helper's answers in (and hand it more) between our own batches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Everything queued written (or, once cancelled, nothing more started). */
  async finish(): Promise<void> {
    await this.work(0);
    while (this.helperBusy > 0) await new Promise<void>((resolve) => (this.helperIdle = resolve));
  }

  private feedHelper(): void {
    while (this.worker !== undefined && this.helperBusy < HELPER_IN_HAND && this.queued > 0 && !this.cancelled()) {
      const batch = this.queue.pop()!;
      this.helperBusy++;
      void this.send(batch)
        // The helper is gone: this batch (every write of it is idempotent) is done here, without
        // reporting again the bytes the helper had reported. Not once the runner closes: the
        // job has ended (failed), and what the helper still had is not its outcome.
        .catch(() => (this.closing ? undefined : runSpanBatch(this.local, batch, this.cancelled)))
        .then((outcomes) => {
          if (outcomes === undefined || this.closing) return;
          this.settle(batch, outcomes);
          this.helperBusy--;
          this.feedHelper();
          if (this.helperBusy === 0) this.helperIdle?.();
        });
    }
  }

  /** Ends the helper thread and closes the archive. */
  async close(): Promise<void> {
    this.closing = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    const worker = this.worker;
    this.worker = undefined;
    try {
      if (worker !== undefined) await this.endWorker(worker, true);
    } finally {
      this.local.close();
    }
  }

  /** Whether the helper thread is there to take work. */
  get hasHelper(): boolean {
    return this.worker !== undefined;
  }

  /** Has the helper check a range of central records (check-ranges.ts); resolves with its whole tally. */
  sendRange(job: RangeJob, onBytes: (bytes: number) => void): Promise<RangeTally> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new Error('no helper thread'));
    return new Promise((resolve, reject) => {
      this.rangesWaiting.set(job.id, { onBytes, resolve, reject });
      worker.postMessage({ kind: 'range', job } satisfies HelperRequest);
    });
  }

  /** Has the helper thread set these folders' times (setFolderTimes); resolves with those it could not set. */
  setTimes(paths: readonly string[], times: Float64Array): Promise<FolderTimeFailure[]> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new Error('no helper thread'));
    const id = this.timesSent++;
    return new Promise((resolve, reject) => {
      this.timesWaiting.set(id, { resolve, reject });
      worker.postMessage({ kind: 'times', id, paths, times } satisfies HelperRequest);
    });
  }

  private send(batch: SpanBatch): Promise<FileOutcome[]> {
    const worker = this.worker;
    if (worker === undefined) return Promise.reject(new Error('no helper thread'));
    return new Promise((resolve, reject) => {
      this.waiting.set(batch.id, { batch, resolve, reject });
      worker.postMessage({ kind: 'batch', batch } satisfies HelperRequest);
    });
  }
}

/**
 * A span runner over the archive at `archive`, when it can be opened again by that path and is
 * still the file `source` reads (its device, inode, size and time, when the source knows them;
 * its size otherwise); undefined otherwise (then the caller streams every entry).
 */
/**
 * What stops a span runner: its signal, and `stopped`, asked between two files (a cancel another
 * thread flags: it aborts the signal once it is seen; extract.ts ExtractOptions.cancelFlag).
 */
export interface RunnerStop {
  readonly signal: AbortSignal | undefined;
  readonly stopped?: () => boolean;
}

/** A folder whose time could not be set (setFolderTimes): its place in the list, and the system's error. */
export interface FolderTimeFailure {
  readonly index: number;
  readonly code: string | undefined;
  /** The call that failed: the system's words are the message up to it (system-words.ts). */
  readonly syscall: string | undefined;
  readonly message: string;
}

/** Sets each folder's modification and access time to its own (ms since 1970); those that fail. */
export function setFolderTimes(paths: readonly string[], times: Float64Array): FolderTimeFailure[] {
  const failures: FolderTimeFailure[] = [];
  for (let i = 0; i < paths.length; i++) {
    const time = fileTime(times[i]!);
    try {
      utimesSync(paths[i]!, time, time);
    } catch (error) {
      if (fileSystemRefused(error)) continue;
      const { code, syscall, message } = error as NodeJS.ErrnoException;
      failures.push({ index: i, code, syscall, message });
    }
  }
  return failures;
}

/** The error a FolderTimeFailure stands for, as the system gave it (its code, call and message). */
export function folderTimeError(failure: FolderTimeFailure): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(failure.message);
  if (failure.code !== undefined) error.code = failure.code;
  if (failure.syscall !== undefined) error.syscall = failure.syscall;
  return error;
}

export function openSpanRunner(
  archive: string,
  source: RandomAccessSource & { readonly identity?: FileIdentity },
  stop: RunnerStop,
  settle: (batch: SpanBatch, outcomes: FileOutcome[]) => void,
  partial?: (batch: SpanBatch, bytes: number) => void,
  /** The code page the job's reader reads names in: a helper reading central records reads them alike. */
  codePage?: CodePage,
): SpanRunner | undefined {
  let fd: number;
  try {
    fd = openSync(archive, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    const { identity } = source;
    const same = identity === undefined ? stat.size === source.size : sameFile({ dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs }, identity);
    if (stat.isFile() && same) return new SpanRunner(new SpanReader(fd, source.size), stop, settle, partial, codePage);
  } catch {
    // Not ours to read: stream instead.
  }
  closeSync(fd);
  return undefined;
}

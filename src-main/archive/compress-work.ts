// The compression work of a create job, as plain functions over buffers and file paths, so the
// same code runs on a helper thread (archive/deflate-helper.ts) or, without one, on the job's
// own thread (archive/parallel.ts decides). Two kinds of work:
// - a batch of small files: each is read whole, checksummed, judged (compress-plan.ts) and
//   deflated or stored; the results are laid end to end in one buffer that travels back
//   without a copy;
// - one block of a large file: deflated with the previous block's tail as a preset dictionary,
//   ending in a sync flush (or the final block), pigz's scheme (see create.ts).
// Either may name spans of its bytes to copy into stored blocks of the stream as they are (a zip
// container's compressed members, compress-plan.ts): one stream switches level between them.

import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import { METHOD_DEFLATED, METHOD_STORED } from '../zip/constants.js';
import { ZipError, wordedAs, type Worded, type ZipErrorCode } from '../zip/errors.js';
import { choosePlan } from './compress-plan.js';
import { type PlannedEntry, type SourcePath, ioError, readWholeSync } from './sources.js';
import { CHUNK_SIZE, CHUNK_SLACK } from './buffers.js';

/** What the compressing side needs to know of a small file. */
export interface FileTask {
  readonly name: string;
  readonly sourcePath: SourcePath;
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
  /** The walk's device and inode of the file (PlannedEntry). */
  readonly dev?: number;
  readonly ino?: number;
}

export interface FilesBatch {
  readonly files: readonly FileTask[];
  readonly level: number;
  /**
   * Deflate every file with a fresh stream, so that its bytes do not depend on what the thread
   * deflated before (the deterministic option). Otherwise one stream is reset between files.
   */
  readonly reproducible: boolean;
  /** The walk followed links (sources.ts readFlags): a link at a file's path is read through. */
  readonly followSymlinks: boolean;
}

/** One file's outcome: `length` bytes of its data (stored or deflated) in the batch buffer, in order. */
export interface FileOutcome {
  readonly method: number;
  /** The zlib level of a deflated file (its plan's: 1 for data that hardly shrinks). */
  readonly level: number;
  readonly crc32: number;
  readonly length: number;
}

export interface FilesDone {
  /** The files' data end to end. */
  readonly data: Uint8Array;
  readonly outcomes: readonly FileOutcome[];
  /** The first file that could not be read, if any: the outcomes stop before it. */
  readonly failure?: { readonly code: ZipErrorCode; readonly message: string; readonly name: string } & Worded;
}

/**
 * Reads, checksums and compresses a batch of small files. Each file is read straight into the
 * result buffer at its place; a deflated form (never longer: else the file is stored) is
 * copied over it, so stored files cost no copy at all. `spares` are buffers given back.
 */
/** Small files go to a helper in batches of about this many bytes (one larger file goes alone). */
export const BATCH_BYTES = 256 * 1024;

export function compressFiles(batch: FilesBatch, spares: ArrayBuffer[] = []): FilesDone {
  // One spare byte after the last file: each read asks for one byte more, to notice growth.
  // The buffer is a used one given back when it is large enough (fresh memory for every batch
  // costs page faults and collector work on both threads).
  const need = batch.files.reduce((sum, file) => sum + file.size, 0) + 1;
  const spare = spares.findIndex((buffer) => buffer.byteLength >= need);
  const data = Buffer.from(spare === -1 ? new ArrayBuffer(Math.max(need, BATCH_BYTES + 1)) : spares.splice(spare, 1)[0]!);
  const outcomes: FileOutcome[] = [];
  let at = 0;
  for (const file of batch.files) {
    try {
      const entry: PlannedEntry = { ...file, kind: 'file' };
      const source = readWholeSync(entry, data.subarray(at, at + file.size + 1), batch.followSymlinks);
      const crc32 = zlib.crc32(source);
      const plan = choosePlan(entry, source, batch.level, (position, length) => source.subarray(position, position + length));
      let method = METHOD_STORED;
      let length = source.length;
      if (plan.method === METHOD_DEFLATED) {
        const deflated = deflateTransient(source, { level: plan.level, reuse: !batch.reproducible, ...(plan.asIs !== undefined && { asIs: plan.asIs }) });
        if (deflated.length < source.length) {
          data.set(deflated, at);
          method = METHOD_DEFLATED;
          length = deflated.length;
        }
      }
      outcomes.push({ method, level: plan.level, crc32, length });
      at += length;
    } catch (error) {
      const failure = error instanceof ZipError ? error : ioError(error, file.sourcePath);
      return { data: data.subarray(0, at), outcomes, failure: { code: failure.code, message: failure.message, name: file.name, ...wordedAs(failure) } };
    }
  }
  return { data: data.subarray(0, at), outcomes };
}

export interface BlockTask {
  readonly data: Uint8Array;
  /** The previous block's last 32 KiB, if any. */
  readonly dictionary: Uint8Array | undefined;
  readonly level: number;
  readonly last: boolean;
  /** Spans of `data` to store as they are (DeflateOptions.asIs). */
  readonly asIs?: readonly number[];
}

/**
 * One block of a large file, deflated to concatenate with its neighbours (RFC 1951 3.2.3).
 * Transient, as deflateTransient: copy it before this thread deflates again.
 */
export function deflateBlock(task: BlockTask): Buffer {
  return deflateTransient(task.data, {
    level: task.level,
    finishFlush: task.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    ...(task.dictionary === undefined ? {} : { dictionary: task.dictionary }),
    ...(task.asIs !== undefined && { asIs: task.asIs }),
  });
}

interface DeflateOptions {
  readonly level: number;
  readonly finishFlush?: number;
  readonly dictionary?: Uint8Array;
  /** Through this thread's reset stream (see `reusable`); never with a dictionary. */
  readonly reuse?: boolean;
  /**
   * [start, end) pairs of offsets in the data, sorted and disjoint, whose bytes go into stored
   * blocks (level 0) as they are; the stream returns to `level` after each. The stream's window
   * holds them all the same, so what follows may still refer back to what came before.
   */
  readonly asIs?: readonly number[];
}

/** zlib's native handle under a stream: the synchronous call deflateRawSync itself makes. */
type DeflateStream = zlib.DeflateRaw & {
  _handle?: {
    writeSync?(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Buffer, outOffset: number, outLength: number): void;
    params?(level: number, strategy: number): void;
    close?(): void;
  };
  _writeState?: unknown;
};

/** This thread's output buffer, reused by every deflate it makes. */
let scratch: Buffer | undefined;
/** undefined: not checked yet; false: the handle's call is not what we expect (use deflateRawSync). */
let handleWorks: boolean | undefined;
/** Likewise for switching the stream's level around kept spans; without it, spans are deflated like the rest. */
let spansWork: boolean | undefined;

/**
 * Deflates `data` into this thread's scratch buffer: the result is a view of it, to be copied
 * before the next call. deflateRawSync instead allocates its output (a megabyte for a block of a
 * large file) and leaves it to the collector, which frees it late; on the helpers those megabytes
 * piled up in the C allocator's arenas (create of corpus B peaked at 180 MB; 135 MB this way).
 * Node offers no public synchronous call into a buffer of ours, so this makes the call
 * deflateRawSync makes on its stream's handle (as zip/entry-data.ts does to inflate); it is
 * checked once against deflateRawSync, and any surprise falls back to that for good.
 */
export function deflateTransient(data: Uint8Array, options: DeflateOptions): Buffer {
  if (handleWorks === undefined) [handleWorks, spansWork] = selfTest();
  const asked = options.asIs !== undefined && !spansWork ? { ...options, asIs: undefined } : options;
  return (handleWorks && deflateIntoScratch(data, asked)) || zlib.deflateRawSync(data, zlibOptions(options));
}

/**
 * zlib's options for ours. memLevel 9 at level 1 (a hash table and a block twice as large as the
 * default 8's): corpus B's .jar files deflated 17% faster and 0.1% smaller. At level 6 it made
 * binaries 0.6% larger and text no smaller, so other levels keep 8.
 */
function zlibOptions(options: DeflateOptions): zlib.ZlibOptions {
  return {
    level: options.level,
    memLevel: options.level === 1 ? 9 : 8,
    ...(options.finishFlush !== undefined && { finishFlush: options.finishFlush }),
    ...(options.dictionary !== undefined && { dictionary: options.dictionary }),
  };
}

/**
 * This thread's stream for small files, at the level it was made for, reset between files: a
 * stream per small file cost a stream object and zlib's allocation and initialisation of its
 * 256 KiB of state each time (most of a helper's collector work; zipping 100,000 small files
 * took 3.6 s and peaked at 253 MB, now 1.9 s and 138 MB; corpus A 3.05 s, now 2.27 s). The
 * output is as valid, but not always the same bytes: after a reset, Chromium's zlib (Node's)
 * finds some matches through what the stream deflated before (14 of 800 source files came
 * out differently), so the deterministic option does without it.
 */
let reusable: { readonly level: number; readonly stream: DeflateStream } | undefined;

function deflateIntoScratch(data: Uint8Array, options: DeflateOptions): Buffer | undefined {
  const asIs = options.asIs ?? NOTHING_AS_IS;
  // Deflate's output exceeds its input by at most 5 bytes per 16 KiB stored block, and a few
  // more; each switch of level ends a block (a few bytes, and the next one's header).
  const room = data.length + (data.length >> 4) + 1024 + 64 * asIs.length;
  if (scratch === undefined || scratch.length < room) scratch = Buffer.allocUnsafeSlow(Math.max(room, SCRATCH_BYTES));
  const reuse = options.reuse === true && options.dictionary === undefined;
  if (reuse && reusable?.level !== options.level) {
    if (reusable) closeNow(reusable.stream);
    reusable = { level: options.level, stream: newStream(zlibOptions({ level: options.level })) };
  }
  const stream = reuse ? reusable!.stream : newStream(zlibOptions({ level: options.level, ...(options.dictionary !== undefined && { dictionary: options.dictionary }) }));
  const handle = stream._handle;
  const state = stream._writeState;
  const output = scratch;
  let level = options.level;
  let whole = false;
  try {
    if (typeof handle?.writeSync !== 'function' || (asIs.length > 0 && typeof handle.params !== 'function') || !(state instanceof Uint32Array) || state.length < 2) return undefined;
    let used = 0;
    /** Deflates data[from, to) at `at`; false unless all input was taken with room left over. */
    const deflate = (from: number, to: number, at: number, flush: number): boolean => {
      if (at !== level) {
        // zlib ends the block so far (deflateParams; our Z_BLOCK left nothing pending).
        handle.params!(at, zlib.constants.Z_DEFAULT_STRATEGY);
        level = at;
      }
      handle.writeSync!(flush, data, from, to - from, output, used, room - used);
      if (stream.destroyed || state[1] !== 0 || state[0] === 0) return false;
      used = room - state[0]!;
      return true;
    };
    let from = 0;
    for (let i = 0; i + 1 < asIs.length; i += 2) {
      const start = asIs[i]!;
      const end = asIs[i + 1]!;
      if (!(start >= from && end > start && end <= data.length)) break;
      if (start > from && !deflate(from, start, options.level, zlib.constants.Z_BLOCK)) return undefined;
      if (!deflate(start, end, 0, zlib.constants.Z_BLOCK)) return undefined;
      from = end;
    }
    if (!deflate(from, data.length, from < data.length ? options.level : level, options.finishFlush ?? zlib.constants.Z_FINISH)) return undefined;
    whole = true;
    return output.subarray(0, used);
  } finally {
    if (!reuse) closeNow(stream);
    else if (whole) {
      stream.reset();
      // (deflateReset keeps the level the stream was last set to.)
      if (level !== options.level) handle!.params!(options.level, zlib.constants.Z_DEFAULT_STRATEGY);
    } else {
      // Anything unexpected: this stream is not used again.
      closeNow(stream);
      reusable = undefined;
    }
  }
}

const NOTHING_AS_IS: readonly number[] = [];

function newStream(options: zlib.ZlibOptions): DeflateStream {
  // The stream's own output buffer (chunkSize, 16 KiB by default) is never used: we deflate
  // into `scratch`.
  const stream = zlib.createDeflateRaw({ ...options, chunkSize: zlib.constants.Z_MIN_CHUNK }) as DeflateStream;
  // A zlib error destroys the stream (its 'error' event follows, ours to swallow).
  stream.on('error', () => undefined);
  return stream;
}

/**
 * Ends the stream's zlib state at once, as deflateRawSync does with its own. The stream's close()
 * (a destroy) keeps the stream and its buffer until the next turn of the event loop, and a batch
 * of small files is one turn: with a fresh stream per file (the deterministic option) a helper
 * held 256 of them, and its allocator kept the space of their states between batches (a million
 * small files peaked at 258 MB with the deterministic option, 170 MB since).
 */
function closeNow(stream: DeflateStream): void {
  const handle = stream._handle;
  if (typeof handle?.close === 'function') handle.close();
  else stream.close();
}

/** The scratch buffer's least size: a block of a large file and its growth. */
const SCRATCH_BYTES = CHUNK_SIZE + CHUNK_SLACK;

/** A final, empty fixed-code block: ends a stream that ended in a sync flush. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** Whether deflating into the scratch buffer gives what deflateRawSync gives; and with kept spans, data that inflates back. */
function selfTest(): [plain: boolean, spans: boolean] {
  const text = Buffer.from('zipdesk deflates into a buffer of its own, zipdesk deflates '.repeat(40));
  const dictionary = text.subarray(0, 100);
  const same = (options: DeflateOptions): boolean => deflateIntoScratch(text, options)?.equals(zlib.deflateRawSync(text, zlibOptions(options))) === true;
  // After a reset the bytes may differ (see `reusable`); the data they hold may not.
  const resetRoundTrips = (): boolean => {
    const deflated = deflateIntoScratch(text, { level: 6, reuse: true });
    // (Short: deflated at its level again, not left at a stored span's level 0.)
    return deflated !== undefined && deflated.length < text.length / 4 && zlib.inflateRawSync(deflated).equals(text);
  };
  // Stored spans at the start, between deflated runs and at the end, through the reused stream
  // (which must come back at its level) and a fresh one with a dictionary.
  const withSpans = (options: DeflateOptions): boolean => {
    const deflated = deflateIntoScratch(text, options);
    const inflated = deflated && zlib.inflateRawSync(Buffer.concat([deflated, options.finishFlush === undefined ? Buffer.alloc(0) : FINAL_EMPTY_BLOCK]), options.dictionary ? { dictionary: options.dictionary } : {});
    return inflated?.equals(text) === true;
  };
  const asIs = [0, 100, 700, 1000, 2000, text.length];
  /** (A throw: bytes that do not inflate.) */
  const holds = (check: () => boolean): boolean => {
    try {
      return check();
    } catch {
      return false;
    }
  };
  const plain = holds(() => same({ level: 6, reuse: true }) && resetRoundTrips() && same({ level: 1, dictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  const spans =
    plain &&
    holds(() => withSpans({ level: 6, reuse: true, asIs }) && resetRoundTrips() && withSpans({ level: 1, dictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH, asIs: asIs.slice(2) }));
  if (!spans && reusable !== undefined) {
    // It may be left at another level: the next file gets a fresh stream.
    closeNow(reusable.stream);
    reusable = undefined;
  }
  return [plain, spans];
}

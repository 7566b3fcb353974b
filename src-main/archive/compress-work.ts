// The compression work of a create job, as plain functions over buffers and file paths, so the
// same code runs on a helper thread (archive/deflate-helper.ts) or, without one, on the job's
// own thread (archive/parallel.ts decides). Two kinds of work:
// - a batch of small files: each is read whole, checksummed, judged (compress-plan.ts) and
//   deflated or stored; the results are laid end to end in one buffer that travels back
//   without a copy;
// - one block of a large file: deflated with the previous block's tail as a preset dictionary,
//   ending in a sync flush (or the final block), pigz's scheme (see create.ts).

import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import { METHOD_DEFLATED, METHOD_STORED } from '../zip/constants.js';
import { ZipError, type ZipErrorCode } from '../zip/errors.js';
import { SAMPLE_SIZE, choosePlan } from './compress-plan.js';
import { type PlannedEntry, ioError, readWholeSync } from './sources.js';

/** What the compressing side needs to know of a small file. */
export interface FileTask {
  readonly name: string;
  readonly sourcePath: string;
  readonly size: number;
  readonly mode: number;
  readonly mtimeMs: number;
}

export interface FilesBatch {
  readonly files: readonly FileTask[];
  readonly level: number;
}

/** One file's outcome: `length` bytes of its data (stored or deflated) in the batch buffer, in order. */
export interface FileOutcome {
  readonly method: number;
  readonly crc32: number;
  readonly length: number;
}

export interface FilesDone {
  /** The files' data end to end. */
  readonly data: Uint8Array;
  readonly outcomes: readonly FileOutcome[];
  /** The first file that could not be read, if any: the outcomes stop before it. */
  readonly failure?: { readonly code: ZipErrorCode; readonly message: string; readonly name: string };
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
      const source = readWholeSync(entry, data.subarray(at, at + file.size + 1));
      const crc32 = zlib.crc32(source);
      const plan = choosePlan(entry, source, batch.level, (position) => source.subarray(position, position + SAMPLE_SIZE));
      let method = METHOD_STORED;
      let length = source.length;
      if (plan.method === METHOD_DEFLATED) {
        const deflated = zlib.deflateRawSync(source, { level: plan.level });
        if (deflated.length < source.length) {
          data.set(deflated, at);
          method = METHOD_DEFLATED;
          length = deflated.length;
        }
      }
      outcomes.push({ method, crc32, length });
      at += length;
    } catch (error) {
      const failure = error instanceof ZipError ? error : ioError(error, file.sourcePath);
      return { data: data.subarray(0, at), outcomes, failure: { code: failure.code, message: failure.message, name: file.name } };
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
}

/** One block of a large file, deflated to concatenate with its neighbours (RFC 1951 3.2.3). */
export function deflateBlock(task: BlockTask): Buffer {
  return zlib.deflateRawSync(task.data, {
    level: task.level,
    // One output buffer rather than sixty 16 KiB pieces joined at the end (garbage outside the
    // heap, freed late): deflate never grows a block by more than a few bytes per 16 KiB.
    // At least 64 KiB, so it is never carved from Node's shared pool of small buffers.
    chunkSize: Math.max(64 * 1024, task.data.length + (task.data.length >> 4) + 1024),
    finishFlush: task.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    ...(task.dictionary === undefined ? {} : { dictionary: task.dictionary }),
  });
}

// A compression helper thread of a create job (archive/parallel.ts starts them, one per core):
// it reads, checksums and deflates batches of small files, and deflates blocks of large ones,
// with zlib's synchronous calls (Node's asynchronous zlib call costs about 80 µs of stream
// machinery per call, as much as deflating a small source file). Small files are read here, where
// they are compressed, so their bytes are never copied between threads; results travel back as
// transferred buffers. The helpers serve one job at a time (or wait briefly for the next) and end
// themselves when told, between two tasks; they only read files.

import { parentPort, workerData } from 'node:worker_threads';
import { Buffer } from 'node:buffer';
import { type BlockTask, type FilesBatch, compressFiles, deflateBlock } from './compress-work.js';
import { END_MESSAGE, ENDING, SKIP_BELOW } from './helper-script.js';

export interface HelperData {
  /** The flags this helper shares with its pool (HELPER_FLAGS of them, 32-bit: ENDING, SKIP_BELOW). */
  readonly flags: SharedArrayBuffer;
}

export type HelperTask = { readonly id: number } & (
  | { readonly type: 'files'; readonly batch: FilesBatch; readonly spares: readonly ArrayBuffer[] }
  | ({ readonly type: 'block' } & BlockTask)
);

/** Result buffers given back by the writer, kept for the next batches. */
const MAX_SPARES = 2;

export type HelperAnswer =
  | { readonly id: number; readonly type: 'files'; readonly done: ReturnType<typeof compressFiles> }
  | { readonly id: number; readonly type: 'block'; readonly output: Uint8Array; readonly input: Uint8Array };

if (parentPort) {
  const port = parentPort;
  const spares: ArrayBuffer[] = [];
  const flags = new Int32Array((workerData as HelperData).flags);
  port.on('message', (task: HelperTask | typeof END_MESSAGE) => {
    // The pool ends: here, between two tasks, where no zlib stream is half made (endHelper).
    if (task === END_MESSAGE || Atomics.load(flags, ENDING) !== 0) process.exit(0);
    // Given up by its job (CompressPool.abandon): nobody waits for the answer.
    if (task.id < Atomics.load(flags, SKIP_BELOW)) return;
    if (task.type === 'files') {
      for (const spare of task.spares) if (spares.length < MAX_SPARES) spares.push(spare);
      const done = compressFiles(task.batch, spares);
      const answer: HelperAnswer = { id: task.id, type: 'files', done };
      // The batch buffer is this answer's alone: transfer it (its unused tail goes along).
      port.postMessage(answer, [done.data.buffer as ArrayBuffer]);
    } else {
      const deflated = deflateBlock({ ...task, data: Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength) });
      // Back in the input's own buffer when it has room (the input is read by now): the writer
      // then receives no new buffer, only its own to reuse. Otherwise a buffer of its own (the
      // deflated bytes are a view of this thread's scratch buffer, which stays here).
      const fits = deflated.length <= task.data.buffer.byteLength;
      const output = fits ? new Uint8Array(task.data.buffer, 0, deflated.length) : new Uint8Array(deflated.length);
      output.set(deflated);
      const answer: HelperAnswer = { id: task.id, type: 'block', output, input: task.data };
      const transfer = [task.data.buffer as ArrayBuffer];
      if (!fits) transfer.push(output.buffer as ArrayBuffer);
      port.postMessage(answer, transfer);
    }
  });
}

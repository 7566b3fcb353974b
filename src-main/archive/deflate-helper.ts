// A compression helper thread for createArchive: deflates batches of small buffers with zlib's
// synchronous call. Node's asynchronous zlib call costs about 80 µs of stream machinery per
// call, as much as deflating a small source file itself, so thousands of small files go in
// batches to this thread while the job's worker thread deflates others itself: two cores, low
// overhead. The helper belongs to one create job and ends with it; it touches no files.

import { parentPort } from 'node:worker_threads';
import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';

/** The inputs laid end to end in `data` (one copy, one message), each with its length and level. */
export interface DeflateBatch {
  readonly id: number;
  readonly data: Uint8Array;
  readonly lengths: readonly number[];
  readonly levels: readonly number[];
}

/** The outputs laid end to end, with their lengths. */
export interface DeflatedBatch {
  readonly id: number;
  readonly data: Uint8Array;
  readonly lengths: readonly number[];
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (batch: DeflateBatch) => {
    const data = Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength);
    let at = 0;
    const outputs = batch.lengths.map((length, i) => {
      const output = zlib.deflateRawSync(data.subarray(at, at + length), { level: batch.levels[i] });
      at += length;
      return output;
    });
    const joined = Buffer.concat(outputs);
    // The joined buffer is ours alone unless it came from Node's small-buffer pool: transfer it then.
    const own = joined.byteOffset === 0 && joined.byteLength === joined.buffer.byteLength;
    const answer: DeflatedBatch = { id: batch.id, data: joined, lengths: outputs.map((o) => o.length) };
    port.postMessage(answer, own ? [joined.buffer as ArrayBuffer] : []);
  });
}

// The span helper thread (archive/extract-files.ts): runs the span batches it is sent (runs of
// small entries, or one large entry) — checks them for test, writes them for extract — with the
// same code as the job's own thread, and answers each batch with its outcomes. It belongs to one
// extraction or test and ends with it, and stops mid-entry when the job's thread sets the shared
// cancel flag. The main side decides every name; this thread only reads the archive and writes
// the files it was told to.

import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SpanReader, runSpanBatch, type FileOutcome, type SpanBatch } from './extract-files.js';

export interface HelperData {
  readonly archive: string;
  readonly size: number;
  /** A 32-bit flag the job's thread sets when it is cancelled. */
  readonly cancel: SharedArrayBuffer;
}

/** A batch's outcomes, or how many more bytes of its large entry are done. */
export type HelperAnswer = { readonly id: number; readonly outcomes: FileOutcome[] } | { readonly id: number; readonly bytes: number };

if (parentPort) {
  const port = parentPort;
  const { archive, size, cancel } = workerData as HelperData;
  const flag = new Int32Array(cancel);
  const cancelled = (): boolean => Atomics.load(flag, 0) !== 0;
  const fd = openSync(archive, 'r');
  const source = new SpanReader(fd, size);
  // One batch at a time, in the order sent (each is written before the next is read).
  let queue = Promise.resolve();
  port.on('message', (batch: SpanBatch | 'close') => {
    if (batch === 'close') {
      queue = queue.then(() => {
        closeSync(fd);
        port.close();
      });
      return;
    }
    queue = queue.then(async () => {
      const answer: HelperAnswer = { id: batch.id, outcomes: await runSpanBatch(source, batch, cancelled, (bytes) => port.postMessage({ id: batch.id, bytes } satisfies HelperAnswer)) };
      port.postMessage(answer);
    });
  });
}

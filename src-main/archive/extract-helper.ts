// The span helper thread (archive/extract-files.ts): runs the span batches of small entries it
// is sent — checks them for test, writes them for extract — with the same code as the job's own
// thread, and answers each batch with its outcomes. It belongs to one extraction or test and ends
// with it. The main side decides every name; this thread only reads the archive and writes the
// files it was told to.

import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { SpanReader, runSpanBatch, type FileOutcome, type SpanBatch } from './extract-files.js';

export interface HelperData {
  readonly archive: string;
  readonly size: number;
}

export interface HelperAnswer {
  readonly id: number;
  readonly outcomes: FileOutcome[];
}

if (parentPort) {
  const port = parentPort;
  const { archive, size } = workerData as HelperData;
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
      const answer: HelperAnswer = { id: batch.id, outcomes: await runSpanBatch(source, batch) };
      port.postMessage(answer);
    });
  });
}

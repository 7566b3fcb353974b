// The span helper thread (archive/extract-files.ts): runs the span batches it is sent (runs of
// small entries, or one large entry) — checks them for test, writes them for extract — with the
// same code as the job's own thread, and answers each batch with its outcomes. For test of a
// large archive it is sent ranges of central records instead (check-ranges.ts), reads their
// entries with its own reader and answers each range with its tally. At the end of an
// extraction of many folders it may be sent folders' times to set (archive/extract.ts, step 4).
// It belongs to one extraction or test and ends itself when told (endHelper), and stops
// mid-entry when the job's thread sets the shared cancel flag. The main side decides every name;
// this thread only reads the archive and writes the files (and sets the times) it was told to.

import { parentPort, workerData } from 'node:worker_threads';
import { SpanReader, runSpanBatch, setFolderTimes, type FileOutcome, type FolderTimeFailure, type SpanBatch } from './extract-files.js';
import { checkRange, emptyTally, type RangeJob, type RangeTally } from './check-ranges.js';
import { openZip, type ZipReader } from '../zip/reader.js';
import { codePageOf } from '../zip/names.js';
import { END_MESSAGE } from './helper-script.js';

export interface HelperData {
  /** The job thread's descriptor of the archive (it closes it once this thread has ended). */
  readonly fd: number;
  readonly size: number;
  /** A 32-bit flag the job's thread sets when it is cancelled. */
  readonly cancel: SharedArrayBuffer;
  /** The name of the code page the job's reader reads names in (names.ts codePageOf), if any. */
  readonly codePage?: string | undefined;
}

export type HelperRequest =
  | { readonly kind: 'batch'; readonly batch: SpanBatch }
  | { readonly kind: 'range'; readonly job: RangeJob }
  | { readonly kind: 'times'; readonly id: number; readonly paths: readonly string[]; readonly times: Float64Array };

/**
 * A batch's outcomes, or how many more bytes of its large entry are done; a range's whole tally,
 * why it could not be checked, or how many more bytes of a large entry in it are done; the
 * folders of a `times` request whose times could not be set.
 */
export type HelperAnswer =
  | { readonly id: number; readonly outcomes: FileOutcome[] }
  | { readonly id: number; readonly bytes: number }
  | { readonly range: number; readonly tally: RangeTally }
  | { readonly range: number; readonly failed: string }
  | { readonly range: number; readonly bytes: number }
  | { readonly times: number; readonly failures: FolderTimeFailure[] };

if (parentPort) {
  const port = parentPort;
  const { fd, size, cancel, codePage } = workerData as HelperData;
  const flag = new Int32Array(cancel);
  const cancelled = (): boolean => Atomics.load(flag, 0) !== 0;
  const source = new SpanReader(fd, size);
  /** The central directory as this thread reads it, opened with the first range. */
  let reader: Promise<ZipReader> | undefined;
  // One request at a time, in the order sent (each is done before the next is read).
  let queue = Promise.resolve();
  port.on('message', (request: HelperRequest | typeof END_MESSAGE) => {
    // Asked to end (endHelper): after the requests before it, between two of them, where no zlib
    // stream is half made.
    if (request === END_MESSAGE) {
      const exit = (): never => process.exit(0);
      queue = queue.then(exit, exit);
      return;
    }
    queue = queue.then(async () => {
      if (request.kind === 'times') {
        port.postMessage({ times: request.id, failures: setFolderTimes(request.paths, request.times) } satisfies HelperAnswer);
        return;
      }
      if (request.kind === 'batch') {
        const { batch } = request;
        const outcomes = await runSpanBatch(source, batch, cancelled, (bytes) => port.postMessage({ id: batch.id, bytes } satisfies HelperAnswer));
        port.postMessage({ id: batch.id, outcomes } satisfies HelperAnswer);
        return;
      }
      const { job } = request;
      try {
        // Its own reads (a SpanReader that never loads a span), so that the directory chunk it
        // walks is not the buffer the span batches reuse.
        reader ??= openZip(new SpanReader(fd, size), { codePage: codePage === undefined ? undefined : codePageOf(codePage) });
        const whole = emptyTally();
        await checkRange(
          await reader,
          source,
          job,
          cancelled,
          (part) => {
            whole.entries += part.entries;
            whole.bytes += part.bytes;
            for (const problem of part.problems) whole.problems.push(problem);
            for (const refused of part.refused) whole.refused.push(refused);
          },
          (bytes) => port.postMessage({ range: job.id, bytes } satisfies HelperAnswer),
        );
        port.postMessage({ range: job.id, tally: whole } satisfies HelperAnswer);
      } catch (error) {
        port.postMessage({ range: job.id, failed: error instanceof Error ? error.message : String(error) } satisfies HelperAnswer);
      }
    });
  });
}

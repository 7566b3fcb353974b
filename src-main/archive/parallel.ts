// Running deflate on more than one core: a limiter for zlib's thread pool, and the client side
// of the helper thread that deflates batches of small files (archive/deflate-helper.ts).

import { Buffer } from 'node:buffer';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DeflateBatch, DeflatedBatch } from './deflate-helper.js';

/** Small files go to the helper thread in batches of about this many bytes. */
const HELPER_BATCH_BYTES = 256 * 1024;

/** At most `limit` tasks at once, started in the order they asked. */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** The helper thread's compiled entry: beside this file in build/, else the package's build/. */
export function helperPath(): URL | undefined {
  const beside = new URL('./deflate-helper.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../build/src-main/archive/deflate-helper.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

/** Small buffers sent in batches to a helper thread (see deflate-helper.ts). */
export class DeflateHelper {
  /** Source bytes sent and not yet answered. */
  backlog = 0;
  private readonly worker: Worker;
  private nextId = 0;
  private batch: { input: Buffer; level: number; resolve: (b: Buffer) => void; reject: (e: unknown) => void }[] = [];
  private batchBytes = 0;
  private readonly waiting = new Map<number, { bytes: number; items: DeflateHelper['batch'] }>();
  private failure: Error | undefined;

  constructor(url: URL) {
    // It holds one batch in and one out at a time: a small heap is plenty.
    this.worker = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 } });
    this.worker.on('message', (answer: DeflatedBatch) => {
      const sent = this.waiting.get(answer.id);
      if (!sent) return;
      this.waiting.delete(answer.id);
      this.backlog -= sent.bytes;
      const data = Buffer.from(answer.data.buffer, answer.data.byteOffset, answer.data.byteLength);
      let at = 0;
      sent.items.forEach((item, i) => {
        const length = answer.lengths[i]!;
        item.resolve(data.subarray(at, at + length));
        at += length;
      });
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const sent of this.waiting.values()) for (const item of sent.items) item.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`compression helper thread ended (exit code ${code})`)));
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  deflate(input: Buffer, level: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.batch.push({ input, level, resolve, reject });
      this.batchBytes += input.length;
      this.backlog += input.length;
      if (this.batchBytes >= HELPER_BATCH_BYTES) this.flush();
    });
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const id = this.nextId++;
    const items = this.batch;
    this.waiting.set(id, { bytes: this.batchBytes, items });
    this.batch = [];
    this.batchBytes = 0;
    const data = Buffer.concat(items.map((item) => item.input));
    const message: DeflateBatch = { id, data, lengths: items.map((item) => item.input.length), levels: items.map((item) => item.level) };
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
    this.worker.postMessage(message, own ? [data.buffer as ArrayBuffer] : []);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

// Running a create job's compression on every core: a pool of helper threads
// (archive/deflate-helper.ts), one per core, fed batches of small files and blocks of large
// ones, each to the helper with the least work outstanding. The job's own thread only walks,
// orders and writes, so it stays free to answer a cancel. Without a compiled helper (tests run
// from source) the same work runs on the calling thread.
//
// A pool with nothing outstanding when its job ends, cleanly or not, is kept for KEPT_FOR_MS
// (takePool, givePool): starting two helpers costs some 50 ms, and zipping a batch of small
// folders is one job after another (40 folders of two small files took 2.1 s, most of it
// starting helpers; 100 jobs failing for a missing output folder 34.6 s, when a failed job's
// pool was ended whatever it held).

import { Buffer } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BlockTask, type FilesBatch, type FilesDone, compressFiles, deflateBlock } from './compress-work.js';
import type { HelperAnswer, HelperData, HelperTask } from './deflate-helper.js';
import { endHelper, helperScript } from './helper-script.js';

/** The helper thread's compiled entry. */
export function helperPath(): URL | undefined {
  return helperScript('deflate-helper.js');
}

/** Batch buffers kept here between being given back and being sent along with a batch. */
const MAX_SPARES = 4;
/** How long helpers wait for the next create job once one has ended. */
export const KEPT_FOR_MS = 2000;

interface Waiting {
  readonly resolve: (answer: HelperAnswer) => void;
  readonly reject: (error: unknown) => void;
  readonly bytes: number;
}

class Helper {
  /** Source bytes sent and not yet answered. */
  backlog = 0;
  readonly worker: Worker;
  readonly waiting = new Map<number, Waiting>();
  failure: Error | undefined;

  /** Set when the pool ends: the helper then ends at its next task instead of doing it. */
  private readonly ending = new Int32Array(new SharedArrayBuffer(4));
  private readonly exited: Promise<unknown>;

  constructor(url: URL) {
    // A helper holds a batch or a block at a time: a small heap is plenty, and keeps the RSS down.
    const data: HelperData = { ending: this.ending.buffer as SharedArrayBuffer };
    this.worker = new Worker(url, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 } });
    // (Not events.once: it rejects on an 'error' event, which a helper's uncaught exception emits before 'exit'.)
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('message', (answer: HelperAnswer) => {
      const waiting = this.waiting.get(answer.id);
      if (!waiting) return;
      this.waiting.delete(answer.id);
      this.backlog -= waiting.bytes;
      waiting.resolve(answer);
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`compression helper thread ended (exit code ${code})`)));
  }

  /** Ends the thread between two tasks; those sent and not begun are dropped. */
  end(): Promise<void> {
    return endHelper(this.worker, this.exited, () => Atomics.store(this.ending, 0, 1));
  }
}

export class CompressPool {
  private readonly helpers: Helper[] = [];
  private readonly spares: ArrayBuffer[] = [];
  private nextId = 0;

  /** What the pool was made of (takePool hands a kept pool only to a job that asks the same). */
  readonly key: string;

  /** `threads` helpers from `url`; none (the work runs here) when `url` is undefined. */
  constructor(url: URL | undefined, threads: number) {
    if (url) for (let i = 0; i < threads; i++) this.helpers.push(new Helper(url));
    this.key = poolKey(url, threads);
  }

  /** Source bytes handed out and not yet done. */
  get backlog(): number {
    return this.helpers.reduce((sum, helper) => sum + helper.backlog, 0);
  }

  get threads(): number {
    return this.helpers.length;
  }

  async files(batch: FilesBatch): Promise<FilesDone> {
    const bytes = batch.files.reduce((sum, file) => sum + file.size, 0);
    // One back per batch sent: each batch takes one, so none pile up (unused, they would wait for a
    // collection on the helper's heap).
    const spares = this.spares.splice(0, 1);
    const answer = await this.send({ id: 0, type: 'files', batch, spares }, bytes, spares);
    if (answer === undefined) {
      this.spares.push(...spares);
      return compressFiles(batch, this.spares);
    }
    if (answer.type !== 'files') throw new Error('compression helper answered out of kind');
    return answer.done;
  }

  /** Gives back the buffer of a batch whose results are written, for a later batch. */
  giveBack(buffer: ArrayBuffer): void {
    if (this.spares.length < MAX_SPARES) this.spares.push(buffer);
  }

  /**
   * Deflates a block. Its whole ArrayBuffer (the caller's alone) is transferred away, unusable
   * here, and comes back as `input` once done, for reuse.
   */
  async block(task: BlockTask): Promise<{ output: Buffer; input: Buffer }> {
    const answer = await this.send({ id: 0, type: 'block', ...task }, task.data.length, [task.data.buffer as ArrayBuffer]);
    // No helper: deflated here, and copied out of this thread's scratch buffer (the block is written later).
    if (answer === undefined) return { output: Buffer.from(deflateBlock(task)), input: Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength) };
    if (answer.type !== 'block') throw new Error('compression helper answered out of kind');
    const view = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { output: view(answer.output), input: view(answer.input) };
  }

  /** Posts to the least busy helper; undefined when there is none. */
  private send(task: HelperTask, bytes: number, transfer: ArrayBuffer[]): Promise<HelperAnswer> | undefined {
    let best: Helper | undefined;
    for (const helper of this.helpers) if (helper.failure === undefined && (best === undefined || helper.backlog < best.backlog)) best = helper;
    if (best === undefined) {
      const failure = this.helpers.find((helper) => helper.failure)?.failure;
      return failure ? Promise.reject(failure) : undefined;
    }
    const helper = best;
    const id = this.nextId++;
    helper.backlog += bytes;
    return new Promise<HelperAnswer>((resolve, reject) => {
      helper.waiting.set(id, { resolve, reject, bytes });
      helper.worker.postMessage({ ...task, id }, transfer);
    });
  }

  /** Whether every helper is alive and has nothing outstanding: it can serve another job as it is. */
  get reusable(): boolean {
    return this.helpers.every((helper) => helper.failure === undefined && helper.waiting.size === 0);
  }

  /** Whether idle helpers may let the process (or thread) end; they are terminated then. */
  hold(held: boolean): void {
    for (const helper of this.helpers) {
      if (held) helper.worker.ref();
      else helper.worker.unref();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.helpers.map((helper) => helper.end()));
  }
}

function poolKey(url: URL | undefined, threads: number): string {
  return `${threads} ${url?.href ?? ''}`;
}

let kept: { readonly pool: CompressPool; readonly timer: NodeJS.Timeout } | undefined;

/** The helpers a create job takes (createArchive), started ahead of it unless some are kept already. */
export function warmPool(threads = availableParallelism()): void {
  const url = helperPath();
  if (kept !== undefined || url === undefined || threads === 0) return;
  void givePool(new CompressPool(url, threads));
}

/** A pool of `threads` helpers from `url`: the one kept from the last job when it fits, else a new one. */
export function takePool(url: URL | undefined, threads: number): CompressPool {
  const last = kept;
  kept = undefined;
  if (last !== undefined) {
    clearTimeout(last.timer);
    if (last.pool.key === poolKey(url, threads) && last.pool.reusable) {
      last.pool.hold(true);
      return last.pool;
    }
    void last.pool.close();
  }
  return new CompressPool(url, threads);
}

/**
 * After a job: a pool whose helpers are alive and have nothing outstanding is kept for the next,
 * also after a job that failed or was cancelled (nothing it sent can answer into the next job);
 * others end.
 */
export async function givePool(pool: CompressPool): Promise<void> {
  if (pool.threads === 0 || !pool.reusable) return pool.close();
  if (kept !== undefined) {
    clearTimeout(kept.timer);
    void kept.pool.close();
  }
  pool.hold(false);
  const timer = setTimeout(() => {
    if (kept?.pool === pool) kept = undefined;
    void pool.close();
  }, KEPT_FOR_MS);
  timer.unref();
  kept = { pool, timer };
}

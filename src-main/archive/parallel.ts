// Running a create job's compression on every core: a pool of helper threads
// (archive/deflate-helper.ts), one per core, fed batches of small files and blocks of large
// ones, each to the helper with the least work outstanding. The job's own thread only walks,
// orders and writes, so it stays free to answer a cancel. Without a compiled helper (tests run
// from source) the same work runs on the calling thread.
//
// A job that is cancelled or fails gives up what it sent (CompressPool.abandon): it stops waiting
// at once, the helpers skip the tasks they have not begun and finish the one in hand unheard.
// Its pool is then kept for KEPT_FOR_MS like that of a job that ended cleanly (takePool,
// givePool): starting two helpers costs some 50 ms, and zipping a batch of small folders is one
// job after another (40 folders of two small files took 2.1 s, most of it starting helpers; 100
// jobs failing for a missing output folder 34.6 s, when a failed job's pool was ended whatever
// it held). Pools end between two tasks (endHelper), and the jobs worker waits for that before
// it ends itself (endPools): a thread ended while it makes a zlib stream aborts the process.

import { Buffer } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type BlockTask, type FilesBatch, type FilesDone, compressFiles, deflateBlock } from './compress-work.js';
import type { HelperAnswer, HelperData, HelperTask } from './deflate-helper.js';
import { ENDING, HELPER_FLAGS, SKIP_BELOW, endHelper, helperScript } from './helper-script.js';

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

  /** Shared with the thread (helper-script.ts ENDING, SKIP_BELOW). */
  private readonly flags = new Int32Array(new SharedArrayBuffer(HELPER_FLAGS * 4));
  private readonly exited: Promise<unknown>;

  constructor(url: URL) {
    // A helper holds a batch or a block at a time: a small heap is plenty, and keeps the RSS down.
    const data: HelperData = { flags: this.flags.buffer as SharedArrayBuffer };
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

  /**
   * Stops waiting for the answers to tasks before id `below`: each rejects with `error` now; the
   * thread skips those it has not begun, and the answer of the one in hand is not listened to.
   */
  abandon(below: number, error: unknown): void {
    Atomics.store(this.flags, SKIP_BELOW, below);
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.backlog = 0;
  }

  /** Ends the thread between two tasks; those sent and not begun are dropped. */
  async end(): Promise<void> {
    await endHelper(this.worker, this.exited, () => Atomics.store(this.flags, ENDING, 1));
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

  /**
   * Gives up every task sent so far (a job that was cancelled or failed): what waits for one
   * rejects with `error` at once, instead of after the helpers' work in hand (a level-9 block
   * of a large file takes a helper some 100 ms), and the helpers skip the rest.
   */
  abandon(error: unknown): void {
    for (const helper of this.helpers) helper.abandon(this.nextId, error);
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

/** Pools being ended in the background (endPools waits for them). */
const ending = new Set<Promise<void>>();

function endInBackground(pool: CompressPool): void {
  const ended = pool.close();
  ending.add(ended);
  void ended.finally(() => ending.delete(ended));
}

/**
 * Ends the kept pool and waits for every pool being ended: the jobs worker's last step (its
 * helpers end between two tasks; a thread ended by its parent's end may abort the process).
 */
export async function endPools(): Promise<void> {
  if (kept !== undefined) {
    clearTimeout(kept.timer);
    endInBackground(kept.pool);
    kept = undefined;
  }
  await Promise.all(ending);
}

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
    endInBackground(last.pool);
  }
  return new CompressPool(url, threads);
}

/**
 * After a job: a pool whose helpers are alive and have nothing outstanding is kept for the next,
 * also after a job that failed or was cancelled once it has abandoned what it sent (no answer to
 * it can come into the next job: task ids go on rising); others end.
 */
export async function givePool(pool: CompressPool): Promise<void> {
  if (pool.threads === 0 || !pool.reusable) return pool.close();
  if (kept !== undefined) {
    clearTimeout(kept.timer);
    endInBackground(kept.pool);
  }
  pool.hold(false);
  const timer = setTimeout(() => {
    if (kept?.pool === pool) kept = undefined;
    endInBackground(pool);
  }, KEPT_FOR_MS);
  timer.unref();
  kept = { pool, timer };
}

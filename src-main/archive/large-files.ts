// Large files' data for the archive writer (archive/create.ts), made ready ahead of it. Files
// above CHUNK_SIZE are read here 1 MiB at a time and deflated block by block on the helper
// threads (pigz's scheme, see `issueBlocks`). The writer can only write one entry at a time, in
// order; if the blocks of a file were only handed out while the writer was at that file, the
// helpers would wait at every file's end (its last blocks run on one of them), at every file the
// writer copies stored (a .deb, a .gz), and while the writer opens and plans the next one: a
// quarter of their time on the mixed-media corpus B. So this feeder runs ahead of the writer:
// it opens and plans the next large files and hands out their blocks as long as fewer than
// `blocksInFlight` blocks are deflated and not yet written, and the writer takes each file's
// blocks in order when it gets there. Memory stays bounded by those blocks and FILES_AHEAD
// open files (a stored one holds its first chunk).

import { Buffer } from 'node:buffer';
import { readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import zlib from 'node:zlib';
import { METHOD_DEFLATED } from '../zip/constants.js';
import { ZipError } from '../zip/errors.js';
import { CHUNK_SIZE, type ChunkPool } from './buffers.js';
import { choosePlan, type Plan } from './compress-plan.js';
import type { CompressPool } from './parallel.js';
import { type PlannedEntry, changed, openChecked, readExactly } from './sources.js';

/** Large files opened and planned at once: the one being written and those after it. */
const FILES_AHEAD = 3;
/** The deflate window: how much of the previous block primes the next one. */
const DICTIONARY_SIZE = 32 * 1024;

/** Whether an entry is written as a large file (read and deflated in blocks), not in a batch of small files. */
export function isLargeFile(entry: Pick<PlannedEntry, 'kind' | 'size'>): boolean {
  return entry.kind === 'file' && entry.size > CHUNK_SIZE;
}

/** The writer's entries, as far as the walk has found them (create.ts EntryList). */
export interface FoundEntries {
  /** The first index from `from` whose entry is a large file; undefined once the walk ended before one. */
  findLarge(from: number): Promise<number | undefined>;
  peek(index: number): PlannedEntry | undefined;
}

export interface DeflatedBlock {
  readonly output: Buffer;
  /** The block's source chunk, given back for reuse. */
  readonly input: Buffer;
}

/** A large file opened and planned by the feeder, for the writer to take. */
export interface LargeFile {
  readonly index: number;
  readonly entry: PlannedEntry;
  readonly source: FileHandle;
  readonly plan: Plan;
  /** Stored: the first chunk, read for planning. Undefined when deflated (it went to the first block). */
  readonly head: Buffer | undefined;
  /** Deflated: the blocks in order, each with the length of its source chunk. */
  readonly blocks: BlockQueue;
}

/** A file's deflated blocks in order as they are handed out; ends with the file's CRC-32, or fails. */
export class BlockQueue {
  private readonly items: { readonly block: Promise<DeflatedBlock>; readonly length: number }[] = [];
  private head = 0;
  private ended: { crc32: number } | undefined;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;

  push(block: Promise<DeflatedBlock>, length: number): void {
    block.catch(() => undefined); // taken in order later; one never taken must not leak a rejection
    this.items.push({ block, length });
    this.notify();
  }

  end(crc32: number): void {
    this.ended = { crc32 };
    this.notify();
  }

  /** Fails what is not yet taken (nothing, once ended). */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure ??= { error };
    this.notify();
  }

  /** The next block (with its source length), or the CRC-32 once all are taken; rejects with the file's failure. */
  async next(): Promise<{ readonly block: Promise<DeflatedBlock>; readonly length: number } | { readonly crc32: number }> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head]!;
        this.items[this.head++] = undefined!;
        return item;
      }
      if (this.failure) throw this.failure.error;
      if (this.ended) return this.ended;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export interface FeederSettings {
  readonly level: number;
  readonly signal: AbortSignal | undefined;
  /** Blocks deflated (or being deflated) and not yet written, at most. */
  readonly blocksInFlight: number;
  /** The walk followed links (sources.ts readFlags). */
  readonly followSymlinks: boolean;
}

export class LargeFileFeeder {
  /** Files opened and planned, not yet done with by the writer, in entry order. */
  private readonly ahead: LargeFile[] = [];
  /** Blocks handed out and not yet written. */
  private inFlight = 0;
  private stopped = false;
  /** Why the feeder stopped early: a file it could not open (at `index`), or the job's cancel. */
  private failure: { index: number; error: unknown } | undefined;
  private finished = false;
  private wakeFeeder: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;
  private readonly running: Promise<void>;
  private readonly onAbort = (): void => this.stop(new ZipError('CANCELLED', 'cancelled'));

  constructor(
    private readonly entries: FoundEntries,
    private readonly pool: CompressPool,
    private readonly chunkPool: ChunkPool,
    private readonly settings: FeederSettings,
  ) {
    if (settings.signal?.aborted) this.onAbort();
    else settings.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.running = this.run();
  }

  /** The large file at entry `index`, once opened and planned. Rejects with why it could not be. */
  async take(index: number): Promise<LargeFile> {
    for (;;) {
      const file = this.ahead.find((candidate) => candidate.index === index);
      if (file !== undefined) return file;
      if (this.failure !== undefined && this.failure.index <= index) throw this.failure.error;
      if (this.finished) throw new Error(`large file ${index} was never opened`);
      await new Promise<void>((resolve) => (this.wakeWriter = resolve));
    }
  }

  /** A block of a taken file is written: room for another. */
  written(): void {
    this.inFlight--;
    this.notifyFeeder();
  }

  /** The writer is done with the file (written, or failed): it is closed. */
  async release(file: LargeFile): Promise<void> {
    const at = this.ahead.indexOf(file);
    if (at >= 0) this.ahead.splice(at, 1);
    this.notifyFeeder();
    await file.source.close();
  }

  /** Stops the feeder and closes every file it opened that the writer has not released. */
  async close(): Promise<void> {
    this.settings.signal?.removeEventListener('abort', this.onAbort);
    this.stop(new ZipError('CANCELLED', 'cancelled'));
    await this.running;
    await Promise.all(this.ahead.splice(0).map((file) => file.source.close()));
  }

  /** No more feeding: what the writer waits for fails with `error` (what was fed stays). */
  private stop(error: unknown): void {
    this.stopped = true;
    this.failure ??= { index: -1, error };
    for (const file of this.ahead) file.blocks.fail(error);
    this.notifyFeeder();
    this.notifyWriter();
  }

  private async run(): Promise<void> {
    let from = 0;
    try {
      for (;;) {
        // A walk that fails fails the writer, which waits for it too.
        const index = await this.entries.findLarge(from).catch(() => undefined);
        if (index === undefined) return;
        from = index + 1;
        await this.until(() => this.ahead.length < FILES_AHEAD);
        if (this.stopped) return;
        let opened: { file: LargeFile; head: Buffer };
        try {
          opened = await this.open(index, this.entries.peek(index)!);
        } catch (error) {
          this.failure ??= { index, error };
          return;
        }
        const { file, head } = opened;
        if (this.stopped) {
          await file.source.close();
          return;
        }
        this.ahead.push(file);
        this.notifyWriter();
        if (file.plan.method === METHOD_DEFLATED && !(await this.issueBlocks(file, head))) return;
      }
    } finally {
      this.finished = true;
      this.notifyWriter();
    }
  }

  /** Opens and plans the file; `head` is its first chunk. */
  private async open(index: number, entry: PlannedEntry): Promise<{ file: LargeFile; head: Buffer }> {
    const source = await openChecked(entry, this.settings.followSymlinks);
    try {
      const head = await readExactly(source, entry, 0, Math.min(CHUNK_SIZE, entry.size), this.chunkPool.get());
      const plan = choosePlan(entry, head, this.settings.level, (at, length) => {
        if (at + length <= head.length) return head.subarray(at, at + length);
        const bytes = Buffer.allocUnsafe(length);
        return bytes.subarray(0, readSync(source.fd, bytes, 0, length, at));
      });
      // A deflated file's head is its first block's data.
      const file = { index, entry, source, plan, head: plan.method === METHOD_DEFLATED ? undefined : head, blocks: new BlockQueue() };
      return { file, head };
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  /**
   * Deflates the file block by block on the helpers (pigz's scheme): each block is primed with
   * the last 32 KiB of the one before as a preset dictionary and ends with a sync flush, the last
   * with the final block, so the outputs concatenate into one deflate stream (RFC 1951 3.2.3,
   * 3.2.4). A zip container's spans to keep as they are (Plan.asIs) go with each block, cut to
   * it and counted from its start. Reads, checksums and hands out a chunk whenever a block may be
   * in flight; checks that the file neither shrinks nor grows. False when the feeder stopped, or
   * the file failed (its queue then says why, and nothing further is fed: the job fails with it).
   */
  private async issueBlocks(file: LargeFile, head: Buffer): Promise<boolean> {
    const { entry, source, blocks } = file;
    let chunk = head;
    let position = 0;
    let crc = 0;
    let dictionary: Buffer | undefined;
    const asIs = file.plan.asIs ?? [];
    /** The first span of `asIs` that may reach into the next block. */
    let span = 0;
    try {
      for (;;) {
        await this.until(() => this.inFlight < this.settings.blocksInFlight);
        if (this.stopped) return false;
        crc = zlib.crc32(chunk, crc);
        position += chunk.length;
        const last = position >= entry.size;
        // A copy: the chunk itself is handed over to a helper.
        const nextDictionary = last ? undefined : Buffer.from(chunk.subarray(Math.max(0, chunk.length - DICTIONARY_SIZE)));
        const length = chunk.length;
        const blockStart = position - length;
        const blockAsIs: number[] = [];
        while (span < asIs.length && asIs[span + 1]! <= blockStart) span += 2;
        for (let i = span; i < asIs.length && asIs[i]! < position; i += 2) blockAsIs.push(Math.max(asIs[i]!, blockStart) - blockStart, Math.min(asIs[i + 1]!, position) - blockStart);
        const task = { data: chunk, dictionary, level: file.plan.level, last, ...(blockAsIs.length > 0 && { asIs: blockAsIs }) };
        blocks.push(this.pool.block(task), length);
        this.inFlight++;
        dictionary = nextDictionary;
        if (last) break;
        chunk = await readExactly(source, entry, position, Math.min(CHUNK_SIZE, entry.size - position), this.chunkPool.get());
      }
      const probe = Buffer.allocUnsafe(1);
      if ((await source.read(probe, 0, 1, position)).bytesRead !== 0) throw changed(entry, 'GREW');
      blocks.end(crc);
      return true;
    } catch (error) {
      blocks.fail(error);
      return false;
    }
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready() && !this.stopped) await new Promise<void>((resolve) => (this.wakeFeeder = resolve));
  }

  private notifyFeeder(): void {
    const wake = this.wakeFeeder;
    this.wakeFeeder = undefined;
    wake?.();
  }

  private notifyWriter(): void {
    const wake = this.wakeWriter;
    this.wakeWriter = undefined;
    wake?.();
  }
}

// The buffers of writing an archive, reused rather than allocated per file (garbage outside the
// JavaScript heap is freed late, and memory is a target): read buffers for small files, chunks
// for large ones, the central directory's bytes, and the coalescing output writer.

import { Buffer } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';

export const CHUNK_SIZE = 1024 * 1024;
export const OUTPUT_BUFFER = 1024 * 1024;

/** 1 MiB buffers for large files' chunks, reused: garbage outside the heap is freed late. */
export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  /** Keeps at most `keep` free chunks. */
  constructor(private readonly keep: number) {}

  get(): Buffer {
    const buffer = this.free.pop() ?? new ArrayBuffer(CHUNK_SIZE);
    return Buffer.from(buffer, 0, CHUNK_SIZE);
  }

  put(chunk: Buffer): void {
    if (chunk.buffer.byteLength === CHUNK_SIZE && this.free.length < this.keep) this.free.push(chunk.buffer as ArrayBuffer);
  }
}

/** Appends small byte runs into 1 MiB blocks. */
export class ByteAccumulator {
  private readonly blocks: Buffer[] = [];
  private current = Buffer.allocUnsafeSlow(OUTPUT_BUFFER);
  private used = 0;

  push(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.current.length) {
      this.blocks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafeSlow(Math.max(OUTPUT_BUFFER, bytes.length));
      this.used = 0;
    }
    this.current.set(bytes, this.used);
    this.used += bytes.length;
  }

  chunks(): Buffer[] {
    return [...this.blocks, this.current.subarray(0, this.used)];
  }
}

/**
 * Read buffers for small files, carved in order from one reused block and given back in the
 * same order once the entry is written. Allocating a fresh buffer per file made hundreds of
 * megabytes of garbage outside the JavaScript heap, which the collector frees late.
 */
export class ReadRing {
  private readonly block: Buffer;
  private readonly live: { start: number; end: number }[] = [];
  private tail = 0;

  constructor(capacity: number) {
    this.block = Buffer.allocUnsafeSlow(capacity);
  }

  /** `length` bytes, or undefined when the ring is full (the caller allocates). */
  take(length: number): { buffer: Buffer; start: number } | undefined {
    const oldest = this.live[0]?.start;
    let start: number | undefined;
    if (oldest === undefined) start = this.tail + length <= this.block.length ? this.tail : length <= this.block.length ? 0 : undefined;
    else if (this.tail > oldest) start = this.tail + length <= this.block.length ? this.tail : length <= oldest ? 0 : undefined;
    else if (this.tail < oldest) start = this.tail + length <= oldest ? this.tail : undefined;
    if (start === undefined) return undefined;
    this.live.push({ start, end: start + length });
    this.tail = start + length;
    return { buffer: this.block.subarray(start, start + length), start };
  }

  /** Gives back the oldest allocation, which must be the one starting at `start`. */
  give(start: number): void {
    if (this.live[0]?.start !== start) throw new Error(`read ring released out of order (${start})`);
    this.live.shift();
    if (this.live.length === 0) this.tail = 0;
  }
}


export async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Sequential writes coalesced into 1 MiB system calls, plus patching of what was written. */
export class Output {
  position = 0;
  private buffer = Buffer.allocUnsafe(OUTPUT_BUFFER);
  private used = 0;
  private bufferStart = 0;

  constructor(private readonly handle: FileHandle) {}

  async write(data: Uint8Array): Promise<void> {
    if (this.used + data.length > this.buffer.length) {
      await this.flush();
      if (data.length >= this.buffer.length / 2) {
        await writeAll(this.handle, data, this.position);
        this.position += data.length;
        this.bufferStart = this.position;
        return;
      }
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
    this.position += data.length;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeAll(this.handle, this.buffer.subarray(0, this.used), this.bufferStart);
    this.bufferStart += this.used;
    this.used = 0;
  }

  /** Overwrites bytes already written at `at` (a local header whose sizes are now known). */
  async patch(at: number, data: Uint8Array): Promise<void> {
    if (at >= this.bufferStart) this.buffer.set(data, at - this.bufferStart);
    else await writeAll(this.handle, data, at);
  }

  /** Moves the end back to `at`, dropping what followed (an entry being redone). */
  async rewind(at: number): Promise<void> {
    await this.flush();
    this.position = at;
    this.bufferStart = at;
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.handle.truncate(this.position);
  }
}

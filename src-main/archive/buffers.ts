// The buffers of writing an archive, reused rather than allocated per file (garbage outside the
// JavaScript heap is freed late, and memory is a target): chunks for large files, the central
// directory's bytes, and the coalescing output writer. (Small files' buffers travel between the
// job and its helpers: archive/parallel.ts.)

import { Buffer } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { ZipError } from '../zip/errors.js';
import { systemParams } from './system-words.js';

export const CHUNK_SIZE = 1024 * 1024;
export const OUTPUT_BUFFER = 1024 * 1024;

/**
 * Where the output's buffer and the central directory's first block start: they double as they
 * fill, up to OUTPUT_BUFFER. Allocated whole for every job, they were 2 MiB outside the heap for
 * a folder of one file too, and a batch of small folders is thousands of jobs in a row on one
 * thread: their dead buffers waited for the collector, and the C allocator kept the pages.
 */
export const FIRST_OUTPUT_BUFFER = 64 * 1024;

/**
 * Room after a chunk for its deflated form, which a helper writes back over it: deflate grows
 * incompressible data by 5 bytes per 16 KiB stored block at most, plus the stream's ends.
 */
export const CHUNK_SLACK = 1024 + (CHUNK_SIZE >> 10);

/**
 * 1 MiB buffers for large files' chunks, reused: garbage outside the heap is freed late (and a
 * buffer received from another thread counts as such until collected).
 */
export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];

  /** Keeps at most `keep` free chunks. */
  constructor(private readonly keep: number) {}

  get(): Buffer {
    const buffer = this.free.pop() ?? new ArrayBuffer(CHUNK_SIZE + CHUNK_SLACK);
    return Buffer.from(buffer, 0, CHUNK_SIZE);
  }

  put(chunk: Buffer): void {
    if (chunk.buffer.byteLength === CHUNK_SIZE + CHUNK_SLACK && this.free.length < this.keep) this.free.push(chunk.buffer as ArrayBuffer);
  }
}

/** Bytes kept in memory by SpooledBytes before the full blocks go to its spool file. */
export const SPOOL_AFTER = 8 * OUTPUT_BUFFER;

/**
 * Small byte runs appended into 1 MiB blocks (the central directory's records, for after the
 * entries' data), kept in memory up to SPOOL_AFTER bytes and then in a spool file, opened at
 * `spoolPath` and unlinked at once where the system lets an open file go (so nothing of it
 * outlives the job, not even after a crash; elsewhere it is removed by close). A million entries'
 * records are some 90 MB.
 */
export class SpooledBytes {
  private blocks: Buffer[] = [];
  /** Bytes in `blocks`. */
  private held = 0;
  private current = Buffer.allocUnsafeSlow(FIRST_OUTPUT_BUFFER);
  private used = 0;
  private spool: FileHandle | undefined;
  /** Set while the spool file has a name to remove. */
  private named: string | undefined;
  private spooled = 0;

  constructor(private readonly spoolPath: string) {}

  push(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.current.length) {
      this.blocks.push(this.current.subarray(0, this.used));
      this.held += this.used;
      this.current = Buffer.allocUnsafeSlow(Math.max(Math.min(this.current.length * 2, OUTPUT_BUFFER), bytes.length));
      this.used = 0;
    }
    this.current.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Whether the blocks held should go to the spool file (spill). */
  get full(): boolean {
    return this.held >= SPOOL_AFTER;
  }

  /** Moves the full blocks to the spool file. */
  async spill(): Promise<void> {
    if (this.spool === undefined) {
      try {
        this.spool = await open(this.spoolPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_RDWR, 0o600);
      } catch (error) {
        throw new OutputError(error);
      }
      this.named = this.spoolPath;
      await unlink(this.spoolPath).then(
        () => (this.named = undefined),
        () => undefined, // (Windows: removed by close)
      );
    }
    for (const block of this.blocks) {
      await writeAll(this.spool, block, this.spooled);
      this.spooled += block.length;
    }
    this.blocks = [];
    this.held = 0;
  }

  /** All the bytes, in order, to `output`. */
  async copyTo(output: Output): Promise<void> {
    if (this.spool !== undefined) {
      const chunk = Buffer.allocUnsafe(OUTPUT_BUFFER);
      for (let at = 0; at < this.spooled; ) {
        const { bytesRead } = await this.spool.read(chunk, 0, Math.min(chunk.length, this.spooled - at), at);
        if (bytesRead === 0) throw new OutputError(new Error(`the spool file ended at ${at} of ${this.spooled} bytes`));
        await output.write(chunk.subarray(0, bytesRead));
        at += bytesRead;
      }
    }
    for (const block of this.blocks) await output.write(block);
    await output.write(this.current.subarray(0, this.used));
  }

  /** Lets the spool file go. */
  async close(): Promise<void> {
    await this.spool?.close().catch(() => undefined);
    this.spool = undefined;
    if (this.named !== undefined) await unlink(this.named).catch(() => undefined);
    this.named = undefined;
  }
}

export async function writeAll(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  try {
    while (done < data.length) {
      const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  } catch (error) {
    throw new OutputError(error);
  }
}

/**
 * Writing the archive failed (a full disk, most often). The archive's problem, not the entry's
 * whose data was being written: it is never attributed to an entry.
 */
export class OutputError extends ZipError {
  constructor(cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    // Others in words too: a file size limit (ulimit -f) said 'EFBIG: file too large, write'.
    const system = systemParams(cause);
    const [kind, reason] = code === 'ENOSPC' ? ['DISK_FULL', 'the disk is full'] : code === 'EDQUOT' ? ['QUOTA', 'the disk quota is used up'] : ['SYSTEM', system.system];
    super('IO', `cannot write the archive: ${reason}`, { cause, kind: `OUTPUT.${kind}`, params: kind === 'SYSTEM' ? system : {} });
  }

  override withEntry(): ZipError {
    return this;
  }
}

/**
 * Sequential writes coalesced into system calls of up to 1 MiB (the buffer doubles from
 * FIRST_OUTPUT_BUFFER each time it fills), plus patching of what was written.
 */
export class Output {
  position = 0;
  private buffer = Buffer.allocUnsafeSlow(FIRST_OUTPUT_BUFFER);
  private used = 0;
  private bufferStart = 0;

  constructor(private readonly handle: FileHandle) {}

  /** Appends `data` when it fits in the buffer as it is (no flush, no promise); false otherwise. */
  append(data: Uint8Array): boolean {
    if (this.used + data.length > this.buffer.length) return false;
    this.buffer.set(data, this.used);
    this.used += data.length;
    this.position += data.length;
    return true;
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.used + data.length > this.buffer.length) {
      await this.flush();
      if (this.buffer.length < OUTPUT_BUFFER) this.buffer = Buffer.allocUnsafeSlow(Math.min(this.buffer.length * 2, OUTPUT_BUFFER));
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

// The only code that opens an archive file for reading: a RandomAccessSource over a
// fs.promises FileHandle. Small reads (local headers, tiny entries) are served from a 1 MiB
// read-ahead block so that walking 100,000 tiny entries costs a few hundred reads, not 200,000;
// large reads go straight to the file.

import { Buffer } from 'node:buffer';
import { constants as fsConstants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ZipError, bytesText } from '../zip/errors.js';
import type { RandomAccessSource } from '../zip/model.js';
import type { ArchiveIdentity } from '../jobs/protocol.js';

/**
 * Reads up to this many bytes come from the block. Not much more: a range of 1,024 central
 * records (at least 46 KiB; archive/check-ranges.ts) is read on its own, so that its buffer dies
 * with the range. Served from blocks, each block lived through sixteen ranges of a million-entry
 * archive, long enough to be promoted to the old generation, and some 60 MB of them waited there
 * for a full collection (test of 1,000,000 entries peaked at 168 MB; 117 MB this way).
 */
const SMALL_READ = 32 * 1024;
const BLOCK_SIZE = 1024 * 1024;

/** Which file, in which state (device, inode, size, time): a file replaced or rewritten since differs in one of them. */
export type FileIdentity = ArchiveIdentity;

export interface FileSource extends RandomAccessSource {
  readonly path: string;
  readonly identity: FileIdentity;
  /** Whether the open file now differs from `identity`: rewritten, cut short or grown since it was opened. */
  changed(): Promise<boolean>;
  close(): Promise<void>;
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Opens the archive at `path`. With `expected` (the file as it was when the user opened it in the
 * app), a file replaced or rewritten since is refused rather than read: what would be extracted
 * or tested is not what was listed and checked.
 */
export async function openFileSource(path: string, expected?: FileIdentity): Promise<FileSource> {
  let handle: FileHandle;
  try {
    // Without blocking: a named pipe opened for reading waits for a writer, holding one of the
    // four threads of libuv's pool for good (four such, and no file opened any more). It is then
    // refused as not a regular file; a regular file reads the same either way.
    handle = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (expected !== undefined && (e as NodeJS.ErrnoException).code === 'ENOENT') throw new ZipError('IO', 'the archive was moved or deleted since it was opened; open it again', { cause: e, kind: 'ARCHIVE_GONE', params: {} });
    throw ioError(e, `cannot open ${path}`, 'CANNOT_OPEN', { path });
  }
  let size: number;
  let identity: FileIdentity;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ZipError('IO', `${path} is not a regular file`, { kind: 'NOT_A_REGULAR_FILE', params: { path } });
    size = stat.size;
    identity = identityOf(stat);
    if (expected !== undefined && !sameFile(identity, expected)) throw new ZipError('IO', 'the archive was replaced or changed since it was opened; open it again', { kind: 'ARCHIVE_REPLACED', params: {} });
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw e instanceof ZipError ? e : ioError(e, `cannot stat ${path}`, 'CANNOT_STAT', { path });
  }

  let block: Buffer | undefined;
  let blockStart = 0;
  let closed = false;

  async function readExact(offset: number, length: number, buf: Buffer = Buffer.allocUnsafe(length)): Promise<Buffer> {
    let filled = 0;
    while (filled < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buf, filled, length - filled, offset + filled));
      } catch (e) {
        throw ioError(e, `read of ${bytesText(length)} at offset ${offset} failed`, 'READ_FAILED', { length, offset });
      }
      if (bytesRead === 0) {
        const now = await handle.stat().then((stat) => stat.size, () => offset + filled);
        throw new ZipError('TRUNCATED', `the file ends at offset ${now}, before the ${bytesText(length)} at offset ${offset} (it shrank while open?)`, { offset, kind: 'SHRANK', params: { end: now, length, offset } });
      }
      filled += bytesRead;
    }
    return buf;
  }

  function checkRead(offset: number, length: number): void {
    if (closed) throw new ZipError('IO', `${path} is closed`);
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
      throw new ZipError('TRUNCATED', `read of ${bytesText(length)} at offset ${offset} runs past the end of the archive (${size} bytes)`, { offset, kind: 'READ_PAST_END', params: { length, offset, size } });
    }
  }

  return {
    path,
    size,
    identity,
    async read(offset: number, length: number): Promise<Buffer> {
      checkRead(offset, length);
      if (length === 0) return Buffer.alloc(0);
      if (length > SMALL_READ) return readExact(offset, length);
      if (block === undefined || offset < blockStart || offset + length > blockStart + block.length) {
        const start = offset;
        const fresh = await readExact(start, Math.min(BLOCK_SIZE, size - start));
        block = fresh;
        blockStart = start;
      }
      // A view into the block: blocks are never reused, so the view stays valid.
      return block.subarray(offset - blockStart, offset - blockStart + length);
    },
    async readIntoBuffer(target: Buffer, offset: number, length: number): Promise<void> {
      checkRead(offset, length);
      if (length > target.length) throw new RangeError(`read of ${length} bytes into a buffer of ${target.length}`);
      if (length > 0) await readExact(offset, length, target);
    },
    async changed(): Promise<boolean> {
      if (closed) return false;
      const stat = await handle.stat().catch(() => undefined);
      return stat !== undefined && !sameFile(identityOf(stat), identity);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      block = undefined;
      await handle.close();
    },
  };
}

function identityOf(stat: Stats): FileIdentity {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
}

/** `what` failed, said with the system's code ("EACCES"), or its message where it has none; the window words it by `kind`. */
function ioError(e: unknown, what: string, kind: string, params: Record<string, string | number>): ZipError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const system = code ?? (e instanceof Error ? e.message : String(e));
  return new ZipError('IO', `${what}: ${system}`, { cause: e, kind, params: { ...params, system, ...(code !== undefined && { errno: code }) } });
}

// A RandomAccessSource over bytes already in memory: for tests, the fuzzer, and archives
// nested inside archives. No I/O; reads past the end reject with TRUNCATED like a file's would.

import { Buffer } from 'node:buffer';
import { ZipError, bytesText } from './errors.js';
import type { RandomAccessSource } from './model.js';

export function bufferSource(bytes: Uint8Array): RandomAccessSource {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buf.length,
    read(offset: number, length: number): Promise<Buffer> {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > buf.length) {
        return Promise.reject(new ZipError('TRUNCATED', `read of ${bytesText(length)} at offset ${offset} runs past the end of the archive (${buf.length} bytes)`, { offset, kind: 'READ_PAST_END', params: { length, offset, size: buf.length } }));
      }
      return Promise.resolve(buf.subarray(offset, offset + length));
    },
  };
}

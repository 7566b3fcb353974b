// Writing a lot of output without holding it: waits for 'drain' when the stream's buffer is full,
// so `zipdesk list` of a million entries streams at the pace of its reader, and the lines and
// JSON of an archive with hundreds of thousands of bad entries (an overlap bomb) go out in pieces
// instead of piling up in a pipe's write queue (400,000 lines there were 280 MB).

import type { Writable } from 'node:stream';

/** Text gathered before it is written. */
export const PIECE = 64 * 1024;

/** Writes `text`, and waits while the stream's buffer is full; nothing once the stream is closed (a pipe whose reader left). */
export async function writeOut(stream: Writable, text: string | Uint8Array): Promise<void> {
  if (stream.destroyed) return;
  if (!stream.write(text)) await drained(stream);
}

/** Resolves once the stream drains, or closes or fails instead (or `signal` aborts). */
export function drained(stream: Writable, signal?: AbortSignal): Promise<void> {
  if (stream.destroyed || signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
    signal?.addEventListener('abort', done);
  });
}

/** Writes `line(item)` for every item, a piece at a time; resolves once all of it is out of the stream's buffer. */
export async function writeLines<T>(stream: Writable, items: Iterable<T>, line: (item: T) => string): Promise<void> {
  let text = '';
  for (const item of items) {
    text += line(item);
    if (text.length >= PIECE) {
      await writeOut(stream, text);
      text = '';
    }
  }
  await writeThrough(stream, text);
}

/**
 * Writes `text` (it may be empty) and resolves once it and everything before it has left the
 * stream's buffer (or the stream failed): what the caller writes next to another stream, which
 * may share a pipe with this one (2>&1), comes after it.
 */
export function writeThrough(stream: Writable, text: string): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write(text, () => resolve());
  });
}

/**
 * `JSON.stringify(value) + "\n"` for a plain object, written a piece at a time: an array among
 * its values (the problems, one per bad entry; the names skipped) never becomes one string.
 * `begun`: the object's text already written, up to the end of a value (`{"a":[1,2]`); `value`'s
 * keys then follow it.
 */
export async function writeJson(stream: Writable, value: Readonly<Record<string, unknown>>, begun?: string): Promise<void> {
  let text = begun ?? '{';
  let first = begun === undefined;
  for (const [key, item] of Object.entries(value)) {
    if (!Array.isArray(item)) {
      const json = JSON.stringify(item);
      // Left out, as JSON.stringify leaves out undefined values and functions.
      if (json === undefined) continue;
      text += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
      first = false;
      continue;
    }
    text += `${first ? '' : ','}${JSON.stringify(key)}:[`;
    first = false;
    for (let i = 0; i < item.length; i++) {
      text += `${i === 0 ? '' : ','}${JSON.stringify(item[i]) ?? 'null'}`;
      if (text.length >= PIECE) {
        await writeOut(stream, text);
        text = '';
      }
    }
    text += ']';
  }
  await writeOut(stream, text + '}\n');
}

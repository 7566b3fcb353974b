// Writing a lot of output without holding it: waits for 'drain' when the stream's buffer is full,
// so `zipdesk list` of a million entries streams at the pace of its reader.

import { once } from 'node:events';
import type { Writable } from 'node:stream';

export async function writeOut(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

// Where a helper thread's compiled script is. The jobs worker starts helper threads by file, so
// the script must be found wherever this code runs: compiled by tsc into build/src-main/archive/
// (the command line and the tests), bundled by electron-vite into out/main/ with the helpers as
// entries of their own (the app; this module may sit in out/main/chunks/), or from source under
// vitest (then the package's build/ holds them).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

/** The compiled helper `name` (e.g. 'deflate-helper.js'), or undefined when there is none. */
export function helperScript(name: string): URL | undefined {
  for (const relative of [`./${name}`, `../${name}`, `../../build/src-main/archive/${name}`]) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/** The message that asks a helper thread to end (endHelper). */
export const END_MESSAGE = 'end';

/**
 * The 32-bit flags a compression helper shares with its pool (parallel.ts), by index: ENDING,
 * set when the pool ends (the helper then ends at its next task instead of doing it); and
 * SKIP_BELOW, the first task id whose answer is still awaited (the tasks before it were given
 * up by a job that was cancelled or failed: the helper skips them unbegun).
 */
export const ENDING = 0;
export const SKIP_BELOW = 1;
export const HELPER_FLAGS = 2;

/** How long a helper may take to end between two tasks before it is terminated. */
export const END_GRACE_MS = 5000;

/**
 * Ends a helper thread the way it ends itself: `stop` makes the work in hand stop soon (a shared
 * flag the helper reads between tasks or entries), and the helper, told END_MESSAGE, calls
 * process.exit() between two tasks. Not worker.terminate() alone: a thread stopped while it
 * makes a zlib stream (between the stream's native handle and the handle's init) makes Node's
 * cleanup of that thread abort the whole process ("close before init"; seen once in the tests,
 * on a create whose job failed while its helpers deflated a file each with a fresh stream). Only
 * a helper that has not ended by then (a read that hangs) is terminated. `exited` settles
 * when the thread has ended (its 'exit' event, awaited from the thread's start). The jobs
 * worker ends the same way, told its own `message`. Whether the thread ended by itself.
 */
export async function endHelper(worker: Worker, exited: Promise<unknown>, stop: () => void, graceMs = END_GRACE_MS, message: unknown = END_MESSAGE): Promise<boolean> {
  stop();
  worker.postMessage(message);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  const ended = await Promise.race([exited.then(() => true), late.then(() => false)]);
  clearTimeout(timer);
  if (!ended) await worker.terminate();
  return ended;
}

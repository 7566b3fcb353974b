// A full garbage collection, for the jobs worker (jobs/worker.ts) to run between two jobs, and
// for extract (archive/extract.ts) once pass 1 of a large archive is done.
//
// Why: a job leaves garbage whose memory lies outside the JavaScript heap (the buffers of the
// files it read and wrote, zlib's state), which V8 collects late: it counts such memory, and
// collects for its sake once it has grown by some tens of megabytes since the last collection.
// So the next job started with the last one's dead buffers still held, and the process's peak
// grew with the large jobs of a session: creating corpus B three times in one worker, the peak
// so far after each was 133, 159 and 159 MB, and `zipdesk batch` of three such folders peaked at
// 165 MB, where issue 3 asks for 150 at most. Collected between the jobs: 131, 131 and 132 MB
// (130, 134 and 138 in a second run), and 145 MB. Within a job, so did pass 1's arrays of
// extract (its starts and ends of every entry, 16 MB for a million entries): extracting a million
// folders peaked at 133-138 MB, or in one run of six, where V8 happened not to collect its old
// objects for some seconds, at 148-156 MB.
//
// Node offers the call only to a process started with `--expose-gc`, a V8 flag: given on the
// command line (or left set), any V8 flag that differs from its default makes V8 refuse the
// compiled copies of Node's own modules for every thread started after it (bin/zipdesk.js says
// what that costs). So the flag is set only while one context is made that holds V8's `gc`, and
// cleared at once; the function stays usable. (Electron's main process, where the app's worker
// runs, keeps V8's flags changeable as Node does.)

import v8 from 'node:v8';
import vm from 'node:vm';

/** V8's full collection, or undefined where it cannot be had (the caller then leaves it to V8). */
export function fullCollection(): (() => void) | undefined {
  const given = (globalThis as { gc?: unknown }).gc;
  if (typeof given === 'function') return given as () => void;
  let made: unknown;
  try {
    v8.setFlagsFromString('--expose-gc');
    made = vm.runInNewContext('gc');
  } catch {
    made = undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
  return typeof made === 'function' ? (made as () => void) : undefined;
}

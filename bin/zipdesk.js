#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 NODE_EXTRA_CA_CERTS=${ZIPDESK_CA_CERTS} node --max-semi-space-size=4 --max-old-space-size=1024
// The `zipdesk` command line. The TypeScript sources are compiled to build/ by `npm run build:node`
// (npm install runs it through `prepare`).
//
// --max-semi-space-size=4 (MB) bounds this thread's young generation, which V8 otherwise grows to
// 16 MB a half while a command makes many short-lived objects: with it, testing an archive of
// 400,000 hostile entries peaks near 120 MB instead of 150. (`env -S` splits the line: GNU
// coreutils 8.30 and later, macOS; npm's Windows shims read it too; BusyBox's env lacks -S, and
// there `node bin/zipdesk.js` runs the same, without the flag: README.) The flag would also hold for
// every thread made later, overriding the young generation each worker thread asks for
// (jobs/client.ts, archive/parallel.ts: creating an archive took nearly twice as long), so it is
// cleared before any is made; a thread's heap is set up when the thread starts.
//
// --max-old-space-size=1024 (MB) makes V8 collect this thread's old generation sooner: its heap
// controller lets a heap grow by a smaller factor before the next full collection when the heap's
// limit is small, about 1.6× here where Node's default limit (a quarter of the machine's memory,
// up to 4 GB) allows 4× (extracting 100,000 tiny files peaked at 108 MB without it, 92 with it;
// testing the overlap bomb of 400,000 entries 130–136 MB, 111). It is also a hard limit: a
// command whose heap outgrew it would end as V8 ends a process out of memory, as it would at
// Node's default, later; nothing a command reads is kept whole on the heap. The flag is cleared
// too, for the threads' sake: any V8 flag that differs from its default makes V8 refuse the
// compiled copies of Node's own modules that Node ships, and each thread then compiles them
// again (a worker took 72–102 ms to start instead of 38–46). Clearing them keeps what this
// thread's heap was set up with.
//
// NODE_EXTRA_CA_CERTS, where the environment sets it, makes Node read every certificate of that
// file, and build its store of root certificates, at its start, before any of our code: `node -e
// 0` took 70 ms here with it (144 certificates) and 20 without. The command line makes no
// connection, so its first line sets the variable to what ZIPDESK_CA_CERTS holds, which is
// nothing unless set: Node reads no file. (`env -u` would say it more plainly, but npm's Windows
// shims read the line as `env -S`, then `NAME=value` words, then the program, and would take
// `-u` for the program; an assignment they carry over, as `SET NAME=%ZIPDESK_CA_CERTS%`.) The
// line is 142 characters: Linux has read up to 255 of it since 5.1 (2019), macOS 511.
//
// MALLOC_MMAP_THRESHOLD_ (glibc; other C libraries ignore it) keeps every allocation of 128 KiB
// or more in a mapping of its own, returned to the system when freed. By default glibc raises
// that threshold each time such a block is freed, after which the helpers' zlib states (256 KiB
// each, one per large file's block) and megabyte buffers come from its heaps, which keep the
// pages: creating corpus B peaked at 147 MB (mean of four runs), 137 MB with it, and corpus A
// and B together 151 → 144 MB, in the same time. (The app's main process is Electron's, which
// this line does not start: not measured there.)
//
// This file is CommonJS (bin/package.json says so; the project's other .js files are ES
// modules), and it loads the command line, an ES module, with import(). Node compiles its own
// modules from the copies it ships only while V8's flags are as they are by default: an ES module
// as the program made Node load its ES module loader (some twenty of its modules) under the flags
// above, compiling each from its source, before the flags could be cleared. Started as CommonJS,
// the loader comes with the import() below, once they are: `zipdesk list` of a one-entry
// archive took 139 ms and now 134 (medians of 31 interleaved runs). (`node:v8` itself brings
// Node's streams in under the flags; nothing lighter clears them.)
const v8 = require('node:v8');

// Ctrl-C, a kill or a closed terminal that comes while the command's modules load (0.1 s, and
// up to 0.8 s on a loaded machine) is held here and handed on: the command then stops as cleanly
// as it does later on, and says so (with --json in its object), where the process used to end
// at once, saying nothing.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const heard = [];
function heardBeforeStart(signal) {
  heard.push(signal);
}
for (const signal of STOP_SIGNALS) process.on(signal, heardBeforeStart);

v8.setFlagsFromString('--max-semi-space-size=0');
v8.setFlagsFromString('--max-old-space-size=0');
import('../build/src-main/cli/main.js').then(({ runFromProcess }) =>
  runFromProcess(process.argv.slice(2), {
    heard,
    release: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, heardBeforeStart);
    },
  }),
);

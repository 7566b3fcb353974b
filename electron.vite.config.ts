// Three builds (issue 5): main (with the jobs worker and its helpers as further entries, so
// `out/main/worker.js` sits beside `out/main/index.js` inside the packaged app), the preload as ONE CommonJS file
// `out/preload/preload.cjs` (a sandboxed preload cannot be an ES module: TOOLCHAIN trap 5), and
// the Svelte renderer.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;
const workerEntry = resolve(root, 'src-main/jobs/worker.ts');
// The jobs worker's own helper threads load these by name from beside it (archive/parallel.ts,
// archive/extract-files.ts), so each is an entry of its own.
const helperEntries = {
  'deflate-helper': resolve(root, 'src-main/archive/deflate-helper.ts'),
  'extract-helper': resolve(root, 'src-main/archive/extract-helper.ts'),
};

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/main.ts'),
          ...(existsSync(workerEntry) ? { worker: workerEntry, ...helperEntries } : {}),
        },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { preload: resolve(root, 'src-preload/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // Everything from our origin: no inline scripts, so the CSP can say script-src 'self'.
      assetsInlineLimit: 0,
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});

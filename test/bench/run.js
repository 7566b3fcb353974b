#!/usr/bin/env node
// `npm run bench`: runs every benchmark in this folder (each *.js file but this one), one after
// the other, passing the command-line arguments on (e.g. the corpora folder, --runs N).
// Benchmarks print their own ratios against the peer tools measured in the same run.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.js') && name !== 'run.js' && !name.startsWith('_'))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench} ===`);
  const result = spawnSync(process.execPath, [path.join(here, bench), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`${bench} exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;

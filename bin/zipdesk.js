#!/usr/bin/env -S node --max-semi-space-size=4
// The `zipdesk` command line. The TypeScript sources are compiled to build/ by `npm run build:node`
// (npm install runs it through `prepare`).
//
// --max-semi-space-size=4 (MB): reading archives makes many short-lived buffers; a small young
// generation scavenges them early, which keeps peak memory well under 150 MB and saves
// old-generation collections. (`env -S` splits the line; GNU coreutils 8.30 and later.)
import { runFromProcess } from '../build/src-main/cli/main.js';

await runFromProcess();

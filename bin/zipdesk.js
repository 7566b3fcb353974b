#!/usr/bin/env node
// The `zipdesk` command line. The TypeScript sources are compiled to build/ by `npm run build:node`
// (npm install runs it through `prepare`).
//
// No V8 flags here: a flag such as --max-semi-space-size holds for every thread of the process,
// and overrides the young generation each worker thread asks for (jobs/client.ts,
// archive/parallel.ts); with 4 MB, creating an archive took nearly twice as long.
import { runFromProcess } from '../build/src-main/cli/main.js';

await runFromProcess();

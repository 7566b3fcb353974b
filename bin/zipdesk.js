#!/usr/bin/env node
// The `zipdesk` command line. The TypeScript sources are compiled to build/ by `npm run build:node`
// (npm install runs it through `prepare`).
import { runFromProcess } from '../build/src-main/cli/main.js';

await runFromProcess();

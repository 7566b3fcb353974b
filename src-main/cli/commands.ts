// The registry of `zipdesk` subcommands, in the order `zipdesk help` lists them.
// To add a command: write it in its own module exporting a Command, then list it here.

import { batchCommand } from './batch.js';
import type { Command } from './command.js';
import { createCommand } from './create.js';
import { extractCommand } from './extract.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { testCommand } from './test.js';

export const COMMANDS: readonly Command[] = [
  // Read-only commands (issue 2).
  listCommand,
  inspectCommand,
  testCommand,
  extractCommand,
  // Commands that write archives, through the job queue and worker (issue 3).
  createCommand,
  batchCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

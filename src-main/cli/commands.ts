// The registry of `zipdesk` subcommands, in the order `zipdesk help` lists them.
// To add a command: write it in its own module exporting a Command, then list it here.
//
// Each command's module is loaded only when that command runs (or for the help overview): the
// create and batch commands bring the job queue with them, which `zipdesk list` does not need,
// and loading every module costs about as much as listing 100,000 entries.

import type { Command } from './command.js';

const LOADERS: readonly (readonly [string, () => Promise<Command>])[] = [
  // Read-only commands (issue 2).
  ['list', async () => (await import('./list.js')).listCommand],
  ['inspect', async () => (await import('./inspect.js')).inspectCommand],
  ['test', async () => (await import('./test.js')).testCommand],
  ['extract', async () => (await import('./extract.js')).extractCommand],
  // Commands that write archives, through the job queue and worker (issue 3).
  ['create', async () => (await import('./create.js')).createCommand],
  ['batch', async () => (await import('./batch.js')).batchCommand],
];

/** Every command, loaded. */
export function allCommands(): Promise<Command[]> {
  return Promise.all(LOADERS.map(([, load]) => load()));
}

export async function findCommand(name: string): Promise<Command | undefined> {
  return LOADERS.find(([known]) => known === name)?.[1]();
}

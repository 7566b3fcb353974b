// placeholder, replaced below
import type { Command } from './command.js';
export const inspectCommand: Command = { name: 'inspect', usage: 'inspect ARCHIVE [ENTRY]', summary: 'Show every field of the records.', run: async () => 0 };

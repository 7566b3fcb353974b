// `zipdesk test ARCHIVE [--json]`: inflates every entry and checks CRC-32 and sizes. Each bad
// entry gets one line on stderr (`zipdesk: ARCHIVE: ENTRY: what is wrong`); the exit code is 0
// only when every entry is good.

import { EXIT_ARCHIVE_PROBLEM, EXIT_CANCELLED, EXIT_OK, UsageError, type CliContext, type Command } from './command.js';
import { parse, resolvePath } from './args.js';
import { errorLine, problemLine } from './report.js';
import { PIECE, drained, writeOut, writeThrough } from './output.js';
import { testArchive, type EntryProblem } from '../archive/test-archive.js';
import { isZipError } from '../zip/errors.js';
import type { Writable } from 'node:stream';

export const testCommand: Command = {
  name: 'test',
  usage: 'test ARCHIVE [--json]',
  summary: 'Inflate every entry and check its CRC-32 and size; exit 0 only when all are good.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing ARCHIVE' : `unexpected argument '${positionals[1]}'`);
    const archive = positionals[0]!;
    const json = values['json'] === true;
    // Each bad entry's line is written as it is found, in order, a piece at a time; with --json
    // its object too, in the object's "problems" (begun with the first): an archive with a
    // problem per entry (an overlap bomb) never has them all in memory.
    let lines = '';
    let problems: string | undefined;
    const flush = (): void => {
      if (lines !== '') context.stderr.write(lines);
      if (json && problems !== undefined && problems !== '') context.stdout.write(problems);
      lines = '';
      if (problems !== undefined) problems = '';
    };
    let bad = false;
    const onProblem = (problem: EntryProblem): void => {
      if (!bad) context.exitAtLeast?.(EXIT_ARCHIVE_PROBLEM);
      bad = true;
      lines += problemLine(archive, problem);
      if (json) problems = problems === undefined ? `{"archive":${JSON.stringify(archive)},"problems":[${JSON.stringify(problem)}` : `${problems},${JSON.stringify(problem)}`;
      if (lines.length >= PIECE || (problems?.length ?? 0) >= PIECE) flush();
    };
    let result;
    try {
      result = await testArchive(resolvePath(context.cwd, archive), { signal: context.signal, log: context.log, onProblem, problemFlow: flowOf(json ? [context.stderr, context.stdout] : [context.stderr], context.signal) });
    } catch (error) {
      flush();
      if (json && problems !== undefined) context.stdout.write(']}\n');
      context.stderr.write(errorLine(archive, error));
      // Ctrl-C: exit 130 like create and batch (nothing half-written is left behind).
      return isZipError(error) && error.code === 'CANCELLED' ? EXIT_CANCELLED : EXIT_ARCHIVE_PROBLEM;
    }
    flush();
    // The lines before the summary, also where stderr and stdout share a pipe.
    await writeThrough(context.stderr, '');
    if (json) {
      const head = problems === undefined ? `{"archive":${JSON.stringify(archive)},"problems":[` : '';
      const { entriesTotal, entriesTested, bytesTested, ok } = result;
      await writeOut(context.stdout, `${head}],${JSON.stringify({ entriesTotal, entriesTested, bytesTested, ok }).slice(1)}\n`);
    } else if (result.ok) context.stdout.write(`No errors detected in ${archive} (${result.entriesTotal} ${result.entriesTotal === 1 ? 'entry' : 'entries'}, ${result.bytesTested} bytes).\n`);
    else context.stdout.write(`${result.problemCount} of ${result.entriesTotal} entries in ${archive} are bad.\n`);
    return result.ok ? EXIT_OK : EXIT_ARCHIVE_PROBLEM;
  },
};

/** Lines waiting in a stream beyond this many bytes: the test waits for them to go. */
const BEHIND = 1 << 20;

/** Whether any of the streams holds more than BEHIND bytes not yet taken, and a wait for them (or for a cancel). */
function flowOf(streams: readonly Writable[], signal: AbortSignal): { behind(): boolean; caughtUp(): Promise<void> } {
  const full = (): Writable | undefined => streams.find((stream) => !stream.destroyed && stream.writableLength > BEHIND);
  return {
    behind: () => full() !== undefined,
    caughtUp: async () => {
      const stream = full();
      if (stream !== undefined) await drained(stream, signal);
    },
  };
}

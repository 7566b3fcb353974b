// `zipdesk test ARCHIVE [--json]`: inflates every entry and checks CRC-32 and sizes. Each bad
// entry gets one line on stderr (`zipdesk: ARCHIVE: ENTRY: what is wrong`); the exit code is 0
// only when every entry is good.

import { EXIT_ARCHIVE_PROBLEM, EXIT_CANCELLED, EXIT_OK, UsageError, type CliContext, type Command } from './command.js';
import { parse, resolvePath } from './args.js';
import { errorLine, problemLine } from './report.js';
import { writeJson, writeLines } from './output.js';
import { testArchive } from '../archive/test-archive.js';
import { isZipError } from '../zip/errors.js';

export const testCommand: Command = {
  name: 'test',
  usage: 'test ARCHIVE [--json]',
  summary: 'Inflate every entry and check its CRC-32 and size; exit 0 only when all are good.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing ARCHIVE' : `unexpected argument '${positionals[1]}'`);
    const archive = positionals[0]!;
    let result;
    try {
      result = await testArchive(resolvePath(context.cwd, archive), { signal: context.signal, log: context.log });
    } catch (error) {
      context.stderr.write(errorLine(archive, error));
      // Ctrl-C: exit 130 like create and batch (nothing half-written is left behind).
      return isZipError(error) && error.code === 'CANCELLED' ? EXIT_CANCELLED : EXIT_ARCHIVE_PROBLEM;
    }
    await writeLines(context.stderr, result.problems, (problem) => problemLine(archive, problem));
    if (values['json'] === true) await writeJson(context.stdout, { ...result, archive });
    else if (result.ok) context.stdout.write(`No errors detected in ${archive} (${result.entriesTotal} ${result.entriesTotal === 1 ? 'entry' : 'entries'}, ${result.bytesTested} bytes).\n`);
    else context.stdout.write(`${result.problems.length} of ${result.entriesTotal} entries in ${archive} are bad.\n`);
    return result.ok ? EXIT_OK : EXIT_ARCHIVE_PROBLEM;
  },
};

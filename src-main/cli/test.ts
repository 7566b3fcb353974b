// `zipdesk test ARCHIVE [--json]`: inflates every entry and checks CRC-32 and sizes. Each bad
// entry gets one line on stderr (`zipdesk: ARCHIVE: ENTRY: what is wrong`); the exit code is 0
// only when every entry is good. What is off about the archive as a whole, but read around (bytes
// in its central directory after the last record, say: zip/archive-notes.ts), gets a line of its
// own after them, `zipdesk: ARCHIVE: warning: …`, and leaves the exit code alone: every entry was
// still read and checked (unzip, too, tests such an archive and warns).

import { EXIT_ARCHIVE_PROBLEM, EXIT_OK, exitCodeOf, type CliContext, type Command } from './command.js';
import { readingArgs, resolvePath } from './args.js';
import { errorLine, noteLine, printable } from './report.js';
import { ProblemOutput } from './problem-output.js';
import { testArchive } from '../archive/test-archive.js';
import { bytesText, counted } from '../zip/errors.js';

export const testCommand: Command = {
  name: 'test',
  usage: 'test ARCHIVE [--json] [--name-encoding ENCODING]',
  summary: 'Inflate every entry and check its CRC-32 and size; exit 0 only when all are good.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { archive, json, codePage } = readingArgs(args);
    // Each bad entry's line is written as it is found, in order (problem-output.ts).
    const output = new ProblemOutput(context, archive, json);
    let result;
    try {
      result = await testArchive(resolvePath(context.cwd, archive, 'ARCHIVE'), { signal: context.signal, log: context.log, codePage, onProblem: output.hear, problemFlow: output.flow });
    } catch (error) {
      output.abandon(error);
      context.stderr.write(errorLine(archive, error));
      // Ctrl-C: exit 130 like create and batch (nothing half-written is left behind).
      return exitCodeOf(error);
    }
    const { entriesTotal, entriesTested, bytesTested, ok, notes } = result;
    await output.endLines(notes.map((note) => noteLine(archive, note.message)));
    // With --json the summary is the object's other keys.
    if (json) await output.endJson({ entriesTotal, entriesTested, bytesTested, notes, ok });
    else if (result.ok) context.stdout.write(`No errors detected in ${printable(archive)} (${counted(result.entriesTotal, 'entry', 'entries')}, ${bytesText(result.bytesTested)})${notes.length > 0 ? `, with ${counted(notes.length, 'warning', 'warnings')} about the archive` : ''}.\n`);
    else context.stdout.write(`${result.problemCount} of ${counted(result.entriesTotal, 'entry', 'entries')} in ${printable(archive)} ${result.problemCount === 1 ? 'is' : 'are'} bad.\n`);
    return result.ok ? EXIT_OK : EXIT_ARCHIVE_PROBLEM;
  },
};

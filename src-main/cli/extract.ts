// `zipdesk extract ARCHIVE -o DIR [--overwrite skip|replace|rename] [--json] [ENTRY...]`:
// extracts safely into DIR (see archive/extract.ts); names already taken are skipped unless
// told otherwise. Each entry that could not be extracted gets one line on stderr, and the exit
// code is 1 when there was any. What is off about the archive as a whole (zip/archive-notes.ts)
// gets a line of its own after them, `zipdesk: ARCHIVE: warning: …`, as test gives it, and
// leaves the exit code alone: the files are what the reader made of the archive around it (unzip
// warns of a prefix as it extracts, too), and other tools may make something else of it. So does
// how many names it wrote as read in CP437 for want of a mark (the files are there, under names
// that may be garbled: `--name-encoding` names their code page).

import { EXIT_ARCHIVE_PROBLEM, EXIT_OK, UsageError, exitCodeOf, type CliContext, type Command } from './command.js';
import { NAME_ENCODING_OPTION, codePageOption, emptyPath, parse, resolvePath } from './args.js';
import { errorLine, noteLine, printable, problemLine } from './report.js';
import { ProblemOutput } from './problem-output.js';
import { OVERWRITE_POLICIES, extractArchive, type OverwritePolicy } from '../archive/extract.js';
import { bytesText, counted } from '../zip/errors.js';

export const extractCommand: Command = {
  name: 'extract',
  usage: 'extract ARCHIVE -o DIR [--overwrite skip|replace|rename] [--json] [--name-encoding ENCODING] [ENTRY...]',
  summary: 'Extract safely into DIR (all entries, or the ENTRY names given; a folder\'s name selects all under it).',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { values, positionals } = parse(args, {
      output: { type: 'string', short: 'o' },
      overwrite: { type: 'string' },
      json: { type: 'boolean' },
      ...NAME_ENCODING_OPTION,
    });
    const codePage = codePageOption(values);
    const [archive, ...selection] = positionals;
    if (archive === undefined) throw new UsageError('missing ARCHIVE');
    if (archive === '') throw emptyPath('ARCHIVE');
    const output = values['output'];
    if (typeof output !== 'string' || output === '') throw new UsageError('missing -o DIR');
    const overwrite = (values['overwrite'] ?? 'skip') as OverwritePolicy;
    if (!OVERWRITE_POLICIES.includes(overwrite)) throw new UsageError(`--overwrite must be one of ${OVERWRITE_POLICIES.join(', ')}, not '${String(overwrite)}'`);
    const json = values['json'] === true;
    // Each entry that could not be extracted gets its line as soon as the part of the directory
    // it lies in is done (problem-output.ts).
    const problems = new ProblemOutput(context, archive, json);
    let result;
    try {
      result = await extractArchive(resolvePath(context.cwd, archive, 'ARCHIVE'), resolvePath(context.cwd, output, 'DIR'), {
        signal: context.signal,
        log: context.log,
        codePage,
        overwrite,
        onProblem: problems.hear,
        problemFlow: problems.flow,
        ...(selection.length > 0 ? { entries: selection } : {}),
      });
    } catch (error) {
      problems.abandon(error);
      context.stderr.write(errorLine(archive, error));
      // Ctrl-C: exit 130 like create and batch (nothing half-written is left behind).
      return exitCodeOf(error);
    }
    const code = result.ok && result.unmatched.length === 0 && !(selection.length > 0 && result.entriesTotal === 0) ? EXIT_OK : EXIT_ARCHIVE_PROBLEM;
    context.exitAtLeast?.(code);
    // Names that matched nothing are named, as unzip does ("filename not matched"); the rest is extracted.
    await problems.endLines([
      ...result.unmatched.map((name) => problemLine(archive, { entry: name, code: 'BAD_NAME', message: 'no entry by this name' })),
      ...result.notes.map((note) => noteLine(archive, note.message)),
    ]);
    // (With nothing selected there is nothing to sum up, but --json still gives its one object.)
    if (selection.length > 0 && result.entriesTotal === 0 && !json) return EXIT_ARCHIVE_PROBLEM;
    if (json) {
      const { entriesTotal, filesWritten, directoriesCreated, symlinksCreated, bytesWritten, skipped, skippedCount, renamed, renamedCount, unmatched } = result;
      // "ok" says what the exit code says: a name that matched nothing is a problem too. A
      // skipped entry is its name and the reason in English (the kind is for the window).
      const skippedLines = skipped.map(({ entry, reason }) => ({ entry, reason }));
      await problems.endJson({ target: output, entriesTotal, filesWritten, directoriesCreated, symlinksCreated, bytesWritten, skipped: skippedLines, skippedCount, renamed, renamedCount, ok: code === EXIT_OK, unmatched });
    } else {
      const parts = [counted(result.filesWritten, 'file', 'files'), counted(result.directoriesCreated, 'folder', 'folders')];
      if (result.symlinksCreated > 0) parts.push(counted(result.symlinksCreated, 'link', 'links'));
      let line = `Extracted ${parts.join(', ')} (${bytesText(result.bytesWritten)}) to ${printable(output)}`;
      // Skipped for a file already there, or for another entry of the same name.
      if (result.skippedCount > 0) line += `; ${result.skippedCount} skipped (name already taken)`;
      if (result.renamedCount > 0) line += `; ${result.renamedCount} written under new names`;
      if (result.problemCount > 0) line += `; ${result.problemCount} could not be extracted`;
      context.stdout.write(line + '.\n');
    }
    return code;
  },
};

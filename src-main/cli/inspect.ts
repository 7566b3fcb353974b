// `zipdesk inspect ARCHIVE [ENTRY] [--json]`: every field of the records with its offset, raw
// bytes, value and meaning (zip/inspect.ts). For an entry, its central record and local header
// side by side, fields that disagree marked with "≠"; then the extra fields and the data
// descriptor. Without ENTRY, the end records and the safety report (zip/safety.ts).

import { EXIT_OK, exitCodeOf, type CliContext, type Command } from './command.js';
import { readingArgs, resolvePath } from './args.js';
import { writeOut } from './output.js';
import { errorLine, jsonFailure, printable } from './report.js';
import { openFileSource } from '../archive/file-source.js';
import { guessedNamesNote } from '../zip/archive-notes.js';
import { ZipError, counted, integerText } from '../zip/errors.js';
import { extraFieldLabel, inspectArchive, inspectEntry, type FieldRow, type RecordView } from '../zip/inspect.js';
import type { ZipEntry } from '../zip/model.js';
import { openZip, type ZipReader } from '../zip/reader.js';
import { buildSafetyReport, type Finding, type SafetyReport } from '../zip/safety.js';
import { fitStart } from './text-width.js';

export const inspectCommand: Command = {
  name: 'inspect',
  usage: 'inspect ARCHIVE [ENTRY] [--json] [--name-encoding ENCODING]',
  summary: 'Every field of the records with offset and raw bytes; an entry\'s local and central headers side by side; without ENTRY the end records and the safety report.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { archive, names: [entryName], json, codePage } = readingArgs(args, 1);
    /** The one line, and with --json an object saying so (nothing of the inspection was written). */
    const failed = (error: unknown): number => {
      context.stderr.write(errorLine(archive, error));
      if (json && !context.stdout.destroyed) context.stdout.write(`{${jsonFailure(error)}}\n`);
      return exitCodeOf(error);
    };
    let source;
    try {
      source = await openFileSource(resolvePath(context.cwd, archive, 'ARCHIVE'));
    } catch (error) {
      return failed(error);
    }
    try {
      const reader = await openZip(source, { log: context.log.child({ module: 'archives', task: 'inspect' }), codePage });
      if (entryName === undefined) await showArchive(reader, context, json);
      else {
        const { matches, holdsEntries } = await findEntries(reader, entryName);
        if (matches.length === 0) {
          const folder = holdsEntries ? `: a folder with no entry of its own (entries in it are named ${JSON.stringify(folderName(entryName) + '…')})` : '';
          throw new ZipError('BAD_NAME', `no entry named ${JSON.stringify(entryName)}${folder}`);
        }
        await showEntries(reader, matches, context, json);
      }
      return EXIT_OK;
    } catch (error) {
      return failed(error);
    } finally {
      await source.close();
    }
  },
};

/** `dir/` for `dir` or `dir/`. */
function folderName(name: string): string {
  return name.endsWith('/') ? name : `${name}/`;
}

/**
 * Entries with this exact stored name (several when the archive repeats it), and a folder's entry
 * by its name as typed (`dir` for `dir/`, as extract takes it), streaming the directory; and
 * whether entries lie in a folder of that name (one that has no entry of its own, as Python,
 * Explorer and `zip -D` write them).
 */
async function findEntries(reader: ZipReader, name: string): Promise<{ matches: ZipEntry[]; holdsEntries: boolean }> {
  const folder = folderName(name);
  const matches: ZipEntry[] = [];
  let holdsEntries = false;
  for await (const batch of reader.entryBatches()) {
    for (const entry of batch) {
      if (entry.name === name || entry.name === folder) matches.push(entry);
      else if (!holdsEntries && entry.name.startsWith(folder)) holdsEntries = true;
    }
  }
  return { matches, holdsEntries };
}

/** The JSON says meanings and errors in English (`meaning`, `localError`), without the codes and values the window words them by. */
function withoutCodes(key: string, value: unknown): unknown {
  return key === 'meaningClauses' || key === 'localErrorWording' ? undefined : value;
}

async function showArchive(reader: ZipReader, context: CliContext, json: boolean): Promise<void> {
  const inspection = await inspectArchive(reader);
  const safety = await buildSafetyReport(reader, { signal: context.signal });
  if (json) {
    await writeOut(context.stdout, JSON.stringify({ archive: inspection, safety }, withoutCodes) + '\n');
    return;
  }
  const lines: string[] = [];
  lines.push(`Archive: ${inspection.size} bytes, ${counted(inspection.entryCount, 'entry', 'entries')}`);
  // (Data before the archive that its offsets do not count, and data after its end record, are
  // notes of the safety report's, with any other repair of the end record's.)
  if (inspection.zip64Ignored !== undefined) lines.push(inspection.zip64Ignored[0]!.toUpperCase() + inspection.zip64Ignored.slice(1));
  for (const record of [inspection.zip64EndOfCentralDirectory, inspection.zip64EndOfCentralDirectoryLocator, inspection.endOfCentralDirectory]) {
    if (record !== undefined) lines.push('', ...recordLines(record));
  }
  lines.push('', ...safetyLines(safety));
  await writeOut(context.stdout, lines.map((line) => printable(line)).join('\n') + '\n');
}

async function showEntries(reader: ZipReader, entries: ZipEntry[], context: CliContext, json: boolean): Promise<void> {
  const inspections = [];
  for (const entry of entries) inspections.push(await inspectEntry(reader, entry));
  if (json) {
    await writeOut(context.stdout, JSON.stringify({ entries: inspections }, withoutCodes) + '\n');
    return;
  }
  const lines: string[] = [];
  for (const inspection of inspections) {
    if (lines.length > 0) lines.push('');
    lines.push(`Entry ${inspection.index}: ${JSON.stringify(inspection.name)}`);
    lines.push(...sideBySide(inspection.central, inspection.local));
    if (inspection.localError !== undefined) lines.push(`local header: ${inspection.localError.message} (${inspection.localError.code})`);
    for (const [side, record] of [['central', inspection.central], ['local', inspection.local]] as const) {
      for (const extra of record?.extraFields ?? []) {
        lines.push('', `${side} extra field ${extraFieldLabel(extra)}${extra.section ? ` (${extra.section})` : ''} at offset ${extra.offset}, ${extra.length} bytes`);
        lines.push(...extra.fields.map((row) => '  ' + rowText(row)));
      }
    }
    if (inspection.dataOffset !== undefined) lines.push('', `data starts at offset ${inspection.dataOffset}`);
    if (inspection.dataDescriptor !== undefined) lines.push('', ...recordLines(inspection.dataDescriptor));
    if (inspection.mismatches.length > 0) {
      lines.push('', 'The local header disagrees with the central directory:');
      for (const m of inspection.mismatches) lines.push(`  ≠ ${m.field}: local ${mismatchValue(m.local)}, central ${mismatchValue(m.central)}`);
    }
  }
  await writeOut(context.stdout, lines.map((line) => printable(line)).join('\n') + '\n');
}

function recordLines(record: RecordView): string[] {
  const width = Math.max(NAME_WIDTH, ...record.fields.map((row) => row.name.length));
  return [`${record.title} (APPNOTE ${record.section}) at offset ${record.offset}, ${record.length} bytes`, ...record.fields.map((row) => `${row.mismatch ? '≠ ' : '  '}${rowText(row, width)}`)];
}

const NAME_WIDTH = 28;
const CELL_WIDTH = 64;

function cell(row: FieldRow | undefined): string {
  if (row === undefined) return '';
  const value = `${row.value}${row.meaning !== undefined && row.meaning !== String(row.value) ? ` (${row.meaning})` : ''}`;
  return `@${row.offset} ${row.raw} = ${value}`;
}

function rowText(row: FieldRow, width = NAME_WIDTH): string {
  return `${row.name.padEnd(width)} ${cell(row)}`;
}

/** The central record's fields with the local header's beside them, by field name. */
function sideBySide(central: RecordView, local: RecordView | undefined): string[] {
  const localRows = new Map((local?.fields ?? []).map((row) => [row.name, row]));
  const lines = [
    `  ${'field'.padEnd(NAME_WIDTH)} ${fitStart(`central directory header at offset ${central.offset}`, CELL_WIDTH)}  ${local === undefined ? 'local header: unreadable' : `local header at offset ${local.offset}`}`,
  ];
  for (const row of central.fields) {
    const other = localRows.get(row.name);
    const mark = row.mismatch || other?.mismatch ? '≠ ' : '  ';
    lines.push(`${mark}${row.name.padEnd(NAME_WIDTH)} ${fitStart(printable(cell(row)), CELL_WIDTH)}  ${other === undefined ? (local === undefined ? '' : '—') : cell(other)}`);
  }
  return lines;
}

function safetyLines(report: SafetyReport): string[] {
  const lines = [
    `Safety report: ${report.verdict.toUpperCase()}`,
    `  ${counted(report.entries, 'entry', 'entries')} (${counted(report.files, 'file', 'files')}, ${counted(report.directories, 'folder', 'folders')}, ${counted(report.symlinks, 'link', 'links')}), ${counted(report.totalUncompressedSize, 'byte', 'bytes')} uncompressed, ${report.totalCompressedSize} compressed`,
    `  highest compression ratio: ${report.highestCompressionRatio === null ? 'n/a' : `${report.highestCompressionRatio.ratio}:1 (${report.highestCompressionRatio.entry})`}`,
  ];
  if (report.guessedNames > 0) lines.push(`  ${guessedNamesNote(report.guessedNames).message}`);
  for (const sentence of report.summary) lines.push(`  ! ${sentence}`);
  const list = <T>(title: string, finding: Finding<T>, text: (item: T) => string): void => {
    if (finding.count === 0) return;
    lines.push(`  ${title}:`);
    for (const item of finding.items) lines.push(`    ${text(item)}`);
    if (finding.count > finding.items.length) lines.push(`    … and ${finding.count - finding.items.length} more`);
  };
  list('unsafe names', report.unsafeNames, (i) => i.reason);
  // (The target comes quoted as extract quotes it, its bytes that are not UTF-8 as \xNN.)
  list('links refused', report.unsafeSymlinks, (i) => `${JSON.stringify(i.entry)} -> "${i.target}": ${i.reason}`);
  list('overlaps', report.overlaps, (i) => i.message);
  list('local header mismatches', report.localHeaderMismatches, (i) => `${JSON.stringify(i.entry)}: ${i.mismatches.map((m) => `${m.field} local ${mismatchValue(m.local)} central ${mismatchValue(m.central)}`).join('; ')}`);
  list('unreadable headers', report.badLocalHeaders, (i) => `${JSON.stringify(i.entry)}: ${i.message}`);
  const more = (group: { count: number; entries: string[] }): string => (group.count > group.entries.length ? ` … (${group.count} in all)` : '');
  list('duplicate paths', report.duplicateNames, (i) => `${i.path}: ${i.entries.map((e) => JSON.stringify(e)).join(', ')}${more(i)}`);
  // A composed and a decomposed "é" look alike, quoted too: what differs is said.
  const differing = { CASE: '', COMPOSITION: ' (by Unicode composition: é as one character, or as e and an accent)', CASE_AND_COMPOSITION: ' (by case and Unicode composition: é as one character, or as e and an accent)' };
  list('paths differing only by case or Unicode composition', report.caseCollisions, (i) => `${i.entries.map((e) => JSON.stringify(e)).join(', ')}${more(i)}${differing[i.kind]}`);
  list('files that are also folders', report.fileFolderConflicts, (i) =>
    `${JSON.stringify(i.file)} is not a folder, but ${JSON.stringify(i.entry)} lies in ${i.folder === i.path ? 'a folder of that path' : `${JSON.stringify(i.folder)}, the same path but for case (on macOS and Windows)`}`,
  );
  list('encrypted', report.encrypted, (i) => JSON.stringify(i));
  list('names that can look like others', report.disguisedNames, (i) => JSON.stringify(i));
  list('names Windows cannot hold, and what extraction writes instead', report.windowsNames, (i) => `${JSON.stringify(i.entry)} → ${JSON.stringify(i.path)}`);
  list('unsupported methods', report.unsupported, (i) => `${JSON.stringify(i.entry)}: method ${i.method} (${i.methodName})`);
  return lines;
}

/** A value of a header mismatch: a name quoted, a number with all its digits (errors.ts integerText). */
function mismatchValue(value: string | number): string {
  return typeof value === 'number' ? integerText(value) : JSON.stringify(value);
}

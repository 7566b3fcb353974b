// The archives open in the window (issue 5; STYLE: listing is read-only and fast, so it runs in
// the main process without the queue). Each open archive keeps its file source and reader and
// where each entry's central record starts, 8 bytes an entry: rows, the inspector and the names
// of entries to extract are decoded from the records when asked for, a page at a time. (Holding
// every ZipEntry, a million-entry archive kept some 400 MB in the main process.)

import path from 'node:path';
import { SAFETY_WORDINGS, type ArchiveReport, type ArchiveSummary, type EntryInspection, type EntryPage, type SafetyProblem, type SafetyView, type SafetyWording, type Severity } from '../../src-preload/contract.js';
import { openFileSource, type FileSource } from '../archive/file-source.js';
import { silentLog, type Log } from '../log/types.js';
import { ZipError, counted, isZipError } from '../zip/errors.js';
import { isSizeKnown, type ZipEntry } from '../zip/model.js';
import { OffsetColumn } from '../zip/columns.js';
import { METHOD_NAMES } from '../zip/constants.js';
import { openZip, type ZipReader } from '../zip/reader.js';
import { codePageOf, isGuessedName } from '../zip/names.js';
import type { FoldedDifference } from '../zip/paths.js';
import { buildSafetyReport, type SafetyReport, type Worded } from '../zip/safety.js';
import { BridgeError } from './handle.js';
import { endRecords, inspectEntry } from './inspection.js';
import { toRow } from './rows.js';
import type { ArchiveService } from './services.js';

interface OpenArchive {
  readonly id: string;
  readonly path: string;
  readonly source: FileSource;
  readonly reader: ZipReader;
  /** Where each entry's central record starts, by index (where the last ends, the reader finds). */
  readonly records: OffsetColumn;
  readonly count: number;
  report?: Promise<ArchiveReport>;
}

/** Whether the window has a wording of this one (SAFETY_WORDINGS). */
function isSafetyWording(wording: string): wording is SafetyWording {
  return (SAFETY_WORDINGS as readonly string[]).includes(wording);
}

/** Names that fold together (zip/paths.ts foldedDifference), by what they differ in. */
const CASE_COLLISION_WORDINGS = { CASE: 'CASE_COLLISION', COMPOSITION: 'CASE_COLLISION.COMPOSITION', CASE_AND_COMPOSITION: 'CASE_COLLISION.CASE_AND_COMPOSITION' } as const satisfies Record<FoldedDifference, SafetyWording>;
// A composed and a decomposed "é" look alike: the words say what differs, and how two names that
// show the same can differ at all (they were said to differ by case).
const CASE_COLLISION_WORDS: Record<FoldedDifference, string> = {
  CASE: 'names differ only by case',
  COMPOSITION: 'names differ only by Unicode composition (é as one character, or as e and an accent)',
  CASE_AND_COMPOSITION: 'names differ only by case and Unicode composition (é as one character, or as e and an accent)',
};

/**
 * The safety report as the window shows it: a verdict and one line per finding, each in English
 * and, for the window to word it in the user's language, by its code (and kind) with its values.
 */
export function toSafetyView(report: SafetyReport): SafetyView {
  const problems: SafetyProblem[] = [];
  const add = (severity: Severity, wording: SafetyWording, entry: string | null, message: string, params: Readonly<Record<string, string | number>>, more: Pick<SafetyProblem, 'mismatches'> = {}) => {
    const [code, kind] = wording.split('.') as [string, string | undefined];
    problems.push({ severity, code, ...(kind !== undefined && { kind }), entry, message, params, ...more });
  };
  // A problem that is an error of its own (zip/errors.ts) is worded by the kind and values it
  // carries; one that has none (the file could not be read) as main says it.
  const addError = (severity: Severity, code: string, entry: string, message: string, worded: Worded) => {
    const wording = worded.kind === undefined ? code : `${code}.${worded.kind}`;
    if (isSafetyWording(wording) && worded.params !== undefined) add(severity, wording, entry, message, worded.params);
    else problems.push({ severity, code, entry, message });
  };
  // Each kind lists its first LISTED findings and counts them all: what it did not list is counted.
  const findings = [report.unsafeNames, report.unsafeSymlinks, report.overlaps, report.badLocalHeaders, report.localHeaderMismatches, report.duplicateNames, report.caseCollisions, report.fileFolderConflicts, report.encrypted, report.unsupported, report.disguisedNames, report.windowsNames];
  for (const item of report.unsafeNames.items) addError('danger', 'UNSAFE_PATH', item.entry, item.reason, item);
  for (const item of report.unsafeSymlinks.items) {
    // The target after the reason, when there is one to show; an error reading it after what it is.
    const message = item.kind === 'UNREADABLE' ? `the link's target cannot be read: ${item.reason}` : item.target === '' ? item.reason : `${item.reason} (→ ${item.target})`;
    add('danger', `UNSAFE_SYMLINK.${item.kind}`, item.entry, message, item.params ?? {});
  }
  for (const item of report.overlaps.items) {
    if (item.other === null) add('danger', 'OVERLAPPING_ENTRIES.DIRECTORY', item.entry, item.message, { name: item.entry, ...item.params });
    else add('danger', 'OVERLAPPING_ENTRIES.ENTRY', item.entry, item.message, { name: item.entry, other: item.other, ...item.params });
  }
  for (const item of report.badLocalHeaders.items) addError('danger', item.code, item.entry, item.message, item);
  // A CRC in hex, as the inspector and the jobs show it.
  const shown = (field: string, value: string | number): string => (field === 'crc32' && typeof value === 'number' ? `0x${value.toString(16).padStart(8, '0')}` : String(value));
  for (const item of report.localHeaderMismatches.items) {
    const mismatches = item.mismatches.map((m) => ({ field: m.field, local: shown(m.field, m.local), central: shown(m.field, m.central) }));
    add('warning', 'LOCAL_MISMATCH', item.entry, mismatches.map((m) => `${m.field}: local ${m.local}, central ${m.central}`).join('; '), {}, { mismatches });
  }
  for (const item of report.duplicateNames.items) add('warning', 'DUPLICATE_NAME', item.path, `${item.count} entries write to this path`, { count: item.count });
  for (const item of report.caseCollisions.items) {
    const names = item.entries.join(', ');
    add('warning', CASE_COLLISION_WORDINGS[item.kind], item.path, `${CASE_COLLISION_WORDS[item.kind]}: ${names}`, { names });
  }
  for (const item of report.fileFolderConflicts.items) {
    if (item.folder === item.path) add('warning', 'FILE_AND_FOLDER', item.path, `not a folder, but ${item.entry} lies in a folder of this path: extracting cannot make both`, { entry: item.entry });
    else add('warning', 'FILE_AND_FOLDER_CASE', item.path, `not a folder, but ${item.entry} lies in ${item.folder}, the same path but for case: on macOS and Windows, extracting cannot make both`, { entry: item.entry, folder: item.folder });
  }
  for (const entry of report.encrypted.items) add('warning', 'ENCRYPTED', entry, 'entry is encrypted', {});
  for (const item of report.unsupported.items) {
    // A number APPNOTE gives no name is said to be unknown, as extracting it says ('method 4660 (method 4660)' said it twice).
    if (METHOD_NAMES[item.method] === undefined) add('warning', 'UNSUPPORTED_METHOD.UNKNOWN', item.entry, `compression method ${item.method} (unknown) cannot be extracted`, { method: item.method });
    else add('warning', 'UNSUPPORTED_METHOD', item.entry, `compression method ${item.method} (${item.methodName}) cannot be extracted`, { method: item.method, name: item.methodName });
  }
  for (const entry of report.disguisedNames.items) add('warning', 'DISGUISED_NAME', entry, 'the name holds control, invisible or right-to-left override characters (shown escaped), which can make it look like another name', {});
  for (const item of report.windowsNames.items) add('warning', 'WINDOWS_NAME', item.entry, `Windows cannot hold this name: extraction writes it as ${item.path}`, { path: item.path });
  // The archive's own (entry null): the window words them by code, from their numbers.
  for (const note of report.archiveNotes) add('warning', note.code, null, note.message, note.params);
  if (report.guessedNames > 0) add('info', 'NAMES_GUESSED', null, `${counted(report.guessedNames, 'name', 'names')} of unknown encoding, not UTF-8: read as DOS code page 437; if ${report.guessedNames === 1 ? 'it looks' : 'they look'} wrong, choose ${report.guessedNames === 1 ? 'its' : 'their'} code page under Names`, { count: report.guessedNames });
  const ratio = report.highestCompressionRatio;
  if (ratio && ratio.ratio >= 1000) add('danger', 'TOO_LARGE', ratio.entry, `expands ${Math.round(ratio.ratio)} times: a possible decompression bomb`, { times: Math.round(ratio.ratio) });
  return {
    verdict: report.verdict === 'dangerous' ? 'danger' : report.verdict === 'caution' ? 'warning' : 'ok',
    entryCount: report.entries,
    totalUncompressed: report.totalUncompressedSize,
    totalCompressed: report.totalCompressedSize,
    maxRatio: ratio?.ratio ?? 0,
    maxRatioEntry: ratio?.entry ?? null,
    problems,
    unlisted: findings.reduce((sum, finding) => sum + finding.count - finding.items.length, 0),
  };
}

/** The file of an open archive changed since it was opened (`cause`: what it was read as); the window words it by its kind. */
function changedSinceOpened(cause?: Error): ZipError {
  const read = cause === undefined ? '' : ` (${cause.message})`;
  return new ZipError('IO', `the archive changed since it was opened${read}; open it again`, { ...(cause !== undefined && { cause }), kind: 'ARCHIVE_REPLACED', params: {} });
}

export interface ArchiveServiceOptions {
  readonly log?: Log;
}

export function createArchiveService(options: ArchiveServiceOptions = {}): ArchiveService & { closeAll(): Promise<void> } {
  const log = options.log ?? silentLog;
  const open = new Map<string, OpenArchive>();
  const opened = new Set<string>();
  let next = 1;

  function get(archiveId: string): OpenArchive {
    const archive = open.get(archiveId);
    if (!archive) throw new BridgeError('NOT_FOUND', `no open archive ${archiveId}`);
    return archive;
  }

  /** What `make` makes of entries `start` to `start + count` (within the archive), decoded from their records a batch at a time. */
  async function entriesIn<T>(archive: OpenArchive, start: number, count: number, make: (entry: ZipEntry) => T): Promise<T[]> {
    const made: T[] = [];
    if (count <= 0) return made;
    const range = { offset: archive.records.at(start), index: start, count, ...(start + count < archive.count && { end: archive.records.at(start + count) }) };
    for await (const batch of archive.reader.entryBatches(range)) for (const entry of batch) made.push(make(entry));
    return made;
  }

  /**
   * What `read` reads of the archive, given only from the file as it was opened. A file changed
   * since (rewritten, cut short) may fail to read, though its records read without fault when it
   * was opened, or may read without fault as other entries (another program zipped a folder
   * again into it): either way the window says that the archive changed, in its language, as it
   * does for a Test or Extract of such a file; main's English line keeps what a failed read met,
   * for the log. Any other failure (a read that failed; a closed archive) is said as it is.
   */
  async function fromUnchanged<T>(archive: OpenArchive, read: () => Promise<T>): Promise<T> {
    let value: T;
    try {
      value = await read();
    } catch (error) {
      if (isZipError(error) && open.get(archive.id) === archive && (await archive.source.changed())) throw changedSinceOpened(error);
      throw error;
    }
    if (await archive.source.changed()) throw changedSinceOpened();
    return value;
  }

  function checkIndex(archive: OpenArchive, index: number): void {
    if (!(index < archive.count)) throw new BridgeError('NOT_FOUND', `${path.basename(archive.path)} has no entry ${index} (it has ${archive.count})`);
  }

  return {
    async open(file, nameEncoding) {
      const started = performance.now();
      // (The contract's check has made sure main reads it.)
      const codePage = nameEncoding === null ? undefined : codePageOf(nameEncoding);
      const source = await openFileSource(file);
      try {
        const reader = await openZip(source, { log, codePage });
        // Where the records are and the totals, from the spans alone (no names decoded).
        const records = new OffsetColumn(reader.info.entryCount);
        let totalUncompressed = 0;
        let totalCompressed = 0;
        for await (const batch of reader.spanBatches()) {
          for (const span of batch) {
            records.push(span.centralHeaderOffset);
            // A record whose size is not known is left out of both totals, as list leaves it out.
            if (!isSizeKnown(span, span.uncompressedSize) || !isSizeKnown(span, span.compressedSize)) continue;
            totalUncompressed += span.uncompressedSize;
            totalCompressed += span.compressedSize;
          }
        }
        // (Where a record ends is where the next starts; after the last, the reader reads on to the directory's end.)
        const count = records.length;
        const id = `a${next++}`;
        open.set(id, { id, path: file, source, reader, records, count });
        opened.add(file);
        log.info('archive opened', { archive: file, entries: count, ms: Math.round(performance.now() - started) });
        const summary: ArchiveSummary = {
          archiveId: id,
          path: file,
          name: path.basename(file),
          size: reader.info.size,
          entryCount: count,
          comment: reader.info.comment,
          totalUncompressed,
          totalCompressed,
          // (One the reader ignores, contradicting an end record that needs none of its values, does not make it one.)
          zip64: reader.info.zip64EndOfCentralDirectoryOffset !== undefined && !reader.info.zip64EndOfCentralDirectoryIgnored,
          offsetAdjustment: reader.info.offsetAdjustment,
          trailingBytes: reader.info.trailingBytes,
          nameEncoding: codePage?.name ?? null,
        };
        return summary;
      } catch (error) {
        await source.close();
        throw error;
      }
    },
    async close(archiveId) {
      const archive = open.get(archiveId);
      if (!archive) return;
      open.delete(archiveId);
      await archive.source.close();
    },
    async closeAll() {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map((a) => a.source.close()));
    },
    pathOf: (archiveId) => get(archiveId).path,
    identityOf: (archiveId) => get(archiveId).source.identity,
    nameEncodingOf: (archiveId) => get(archiveId).reader.codePage?.name,
    openCount: () => open.size,
    async list(archiveId, start, count): Promise<EntryPage> {
      const archive = get(archiveId);
      let guessedNames = 0;
      const rows = await fromUnchanged(archive, () =>
        entriesIn(archive, start, Math.min(count, archive.count - start), (entry) => {
          if (isGuessedName(entry)) guessedNames++;
          return toRow(entry);
        }),
      );
      return { total: archive.count, start, rows, guessedNames };
    },
    async inspect(archiveId, index): Promise<EntryInspection> {
      const archive = get(archiveId);
      checkIndex(archive, index);
      return fromUnchanged(archive, async () => {
        const [entry] = await entriesIn(archive, index, 1, (entry) => entry);
        return inspectEntry(archive.reader, entry!);
      });
    },
    report(archiveId) {
      const archive = get(archiveId);
      archive.report ??= fromUnchanged(archive, async () => ({
        endRecords: await endRecords(archive.reader),
        safety: toSafetyView(await buildSafetyReport(archive.reader)),
      }));
      return archive.report;
    },
    entryRanges(archiveId, indexes) {
      const archive = get(archiveId);
      for (const index of indexes) checkIndex(archive, index);
      return indexRanges(indexes, archive.count);
    },
    openedPaths: () => [...opened],
  };
}

/**
 * `indexes` as pairs of first and end (exclusive) in ascending order, `[0, 3, 7, 8]` for 0, 1, 2
 * and 7; null when they are every index below `count` (the whole archive).
 */
export function indexRanges(indexes: readonly number[], count: number): number[] | null {
  const sorted = Uint32Array.from(indexes).sort();
  const ranges: number[] = [];
  for (const index of sorted) {
    if (ranges.length > 0 && ranges.at(-1)! >= index) ranges[ranges.length - 1] = Math.max(ranges.at(-1)!, index + 1);
    else ranges.push(index, index + 1);
  }
  return ranges.length === 2 && ranges[0] === 0 && ranges[1] === count ? null : ranges;
}

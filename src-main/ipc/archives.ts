// The archives open in the window (issue 5; STYLE: listing is read-only and fast, so it runs in
// the main process without the queue). Each open archive keeps its file source and reader and
// its entries (read once); rows, the inspector and the safety report are made from them.

import path from 'node:path';
import type { ArchiveReport, ArchiveSummary, EntryInspection, EntryPage, SafetyProblem, SafetyView, Severity } from '../../src-preload/contract.js';
import { openFileSource, type FileSource } from '../archive/file-source.js';
import { silentLog, type Log } from '../log/types.js';
import type { ZipEntry } from '../zip/model.js';
import { openZip, type ZipReader } from '../zip/reader.js';
import { buildSafetyReport, type SafetyReport } from '../zip/safety.js';
import { BridgeError } from './handle.js';
import { endRecords, inspectEntry } from './inspection.js';
import { toRow } from './rows.js';
import type { ArchiveService } from './services.js';

interface OpenArchive {
  readonly id: string;
  readonly path: string;
  readonly source: FileSource;
  readonly reader: ZipReader;
  readonly entries: ZipEntry[];
  report?: Promise<ArchiveReport>;
}

/** The safety report as the window shows it: a verdict and one line per finding. */
export function toSafetyView(report: SafetyReport): SafetyView {
  const problems: SafetyProblem[] = [];
  const add = (severity: Severity, code: string, entry: string | null, message: string, params?: Record<string, string | number>) =>
    problems.push({ severity, code, entry, message, ...(params && { params }) });
  for (const item of report.unsafeNames.items) add('danger', 'UNSAFE_PATH', item.entry, item.reason);
  for (const item of report.unsafeSymlinks.items) add('danger', 'UNSAFE_SYMLINK', item.entry, `${item.reason} (→ ${item.target})`);
  for (const item of report.overlaps.items) add('danger', 'OVERLAPPING_ENTRIES', item.entry, item.message);
  for (const item of report.badLocalHeaders.items) add('danger', item.code, item.entry, item.message);
  for (const item of report.localHeaderMismatches.items) {
    add('warning', 'LOCAL_MISMATCH', item.entry, item.mismatches.map((m) => `${m.field}: local ${m.local}, central ${m.central}`).join('; '));
  }
  for (const item of report.duplicateNames.items) add('warning', 'DUPLICATE_NAME', item.path, `${item.count} entries write to this path`, { count: item.count });
  for (const item of report.caseCollisions.items) add('warning', 'CASE_COLLISION', item.path, `names differ only by case: ${item.entries.join(', ')}`, { names: item.entries.join(', ') });
  for (const entry of report.encrypted.items) add('warning', 'ENCRYPTED', entry, 'entry is encrypted', {});
  for (const item of report.unsupported.items) {
    add('warning', 'UNSUPPORTED_METHOD', item.entry, `compression method ${item.method} (${item.methodName}) cannot be extracted`, { method: item.method, name: item.methodName });
  }
  for (const entry of report.disguisedNames.items) add('warning', 'DISGUISED_NAME', entry, 'the name holds control or right-to-left override characters (shown escaped), which can make it look like another name', {});
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
  };
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

  function entryAt(archive: OpenArchive, index: number): ZipEntry {
    const entry = archive.entries[index];
    if (!entry) throw new BridgeError('NOT_FOUND', `${path.basename(archive.path)} has no entry ${index} (it has ${archive.entries.length})`);
    return entry;
  }

  return {
    async open(file) {
      const started = performance.now();
      const source = await openFileSource(file);
      try {
        const reader = await openZip(source, { log });
        const entries = await reader.readEntries();
        const id = `a${next++}`;
        open.set(id, { id, path: file, source, reader, entries });
        opened.add(file);
        let totalUncompressed = 0;
        let totalCompressed = 0;
        for (const e of entries) {
          totalUncompressed += e.uncompressedSize;
          totalCompressed += e.compressedSize;
        }
        log.info('archive opened', { archive: file, entries: entries.length, ms: Math.round(performance.now() - started) });
        const summary: ArchiveSummary = {
          archiveId: id,
          path: file,
          name: path.basename(file),
          size: reader.info.size,
          entryCount: entries.length,
          comment: reader.info.comment,
          totalUncompressed,
          totalCompressed,
          zip64: reader.info.zip64EndOfCentralDirectoryOffset !== undefined,
          offsetAdjustment: reader.info.offsetAdjustment,
          trailingBytes: reader.info.trailingBytes,
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
    openCount: () => open.size,
    async list(archiveId, start, count): Promise<EntryPage> {
      const archive = get(archiveId);
      const rows = archive.entries.slice(start, start + count).map(toRow);
      return { total: archive.entries.length, start, rows };
    },
    async inspect(archiveId, index): Promise<EntryInspection> {
      const archive = get(archiveId);
      return inspectEntry(archive.reader, entryAt(archive, index));
    },
    report(archiveId) {
      const archive = get(archiveId);
      archive.report ??= (async () => ({
        endRecords: await endRecords(archive.reader),
        safety: toSafetyView(await buildSafetyReport(archive.reader, { entries: archive.entries })),
      }))();
      return archive.report;
    },
    async entryNames(archiveId, indexes) {
      const archive = get(archiveId);
      return indexes.map((i) => entryAt(archive, i).name);
    },
    openedPaths: () => [...opened],
  };
}

// The inspector's records as the contract carries them (issue 5). The reading and the meanings
// are the reader's (zip/inspect.ts, the same views `zipdesk inspect` prints); this only pairs
// the local and central fields row by row for the side-by-side table and turns values into text.

import type { EntryInspection, FieldPair, FieldView, MeaningClause, RecordTitling, RecordView } from '../../src-preload/contract.js';
import { titleCodeOf } from '../zip/record-titles.js';
import { hex } from '../zip/errors.js';
import { isSizeKnown, type ZipEntry } from '../zip/model.js';
import {
  inspectArchive,
  inspectEntry as inspectEntryRecords,
  NO_HEADER_ID,
  type ExtraFieldView,
  type FieldRow,
  type RecordView as ZipRecordView,
} from '../zip/inspect.js';
import type { Meaning } from '../zip/meanings.js';
import type { ZipReader } from '../zip/reader.js';

/** Identifiers rather than quantities: shown in hex. */
const HEX_FIELDS: Readonly<Record<string, number>> = { signature: 8, crc32: 8, headerId: 4 };

export function fieldView(row: FieldRow): FieldView {
  const digits = HEX_FIELDS[row.name];
  const value = typeof row.value === 'number' && digits !== undefined ? hex(row.value, digits) : String(row.value);
  // A meaning that starts by repeating the value ("0x04034b50, as expected") keeps only the rest.
  let meaning = row.meaning ?? '';
  if (meaning === value) meaning = '';
  else if (/^[,;:] /.test(meaning.slice(value.length)) && meaning.startsWith(value)) meaning = meaning.slice(value.length + 2);
  return { name: row.name, offset: row.offset, size: row.size, raw: row.raw, value, meaning, meaningClauses: withoutValue(row.meaningClauses ?? [], value) };
}

/**
 * The clauses without a first part that says the value again (TEXT "0x04034b50" before "as
 * expected"), as the English above. (A code the contract does not have fails to compile here.)
 */
function withoutValue(clauses: Meaning, value: string): MeaningClause[] {
  const [first, ...rest] = clauses;
  if (first === undefined) return [];
  const [lead, ...others] = first;
  if (lead?.code !== 'TEXT' || lead.params?.['text'] !== value) return [...clauses];
  return others.length === 0 ? rest.map((clause) => [...clause]) : [others, ...rest];
}

function recordView(record: ZipRecordView): RecordView {
  return { title: record.title, titled: titling(record.title, null), offset: record.offset, size: record.length, fields: record.fields.map(fieldView) };
}

function extraView(extra: ExtraFieldView): RecordView {
  const headerId = extra.headerId === NO_HEADER_ID ? null : extra.headerId;
  return { title: headerId === null ? extra.title : `${extra.title} (${hex(headerId, 4)})`, titled: titling(extra.title, headerId), offset: extra.offset, size: extra.length, fields: extra.fields.map(fieldView) };
}

/** A title by its code, for the window to word (null: one without, said as it is). */
function titling(title: string, headerId: number | null): RecordTitling | null {
  const titled = titleCodeOf(title);
  return titled === undefined ? null : { ...titled, headerId };
}

/** The local header's and central record's fields in one table, central order, local-only fields kept. */
export function pairFields(local: readonly FieldRow[], central: readonly FieldRow[]): FieldPair[] {
  const localByName = new Map(local.map((f) => [f.name, f]));
  const centralByName = new Map(central.map((f) => [f.name, f]));
  const names = [...central.map((f) => f.name)];
  for (const f of local) if (!centralByName.has(f.name)) names.splice(Math.max(0, names.indexOf('fileName')), 0, f.name);
  return names.map((name) => {
    const l = localByName.get(name);
    const c = centralByName.get(name);
    return { name, local: l ? fieldView(l) : null, central: c ? fieldView(c) : null, mismatch: Boolean(l?.mismatch || c?.mismatch) };
  });
}

export async function inspectEntry(reader: ZipReader, entry: ZipEntry): Promise<EntryInspection> {
  const records = await inspectEntryRecords(reader, entry);
  const show = (field: string, v: string | number) => (field === 'crc32' && typeof v === 'number' ? hex(v) : String(v));
  return {
    index: records.index,
    name: records.name,
    pairs: pairFields(records.local?.fields ?? [], records.central.fields),
    localExtras: (records.local?.extraFields ?? []).map(extraView),
    centralExtras: (records.central.extraFields ?? []).map(extraView),
    dataDescriptor: records.dataDescriptor ? recordView(records.dataDescriptor) : null,
    dataOffset: records.dataOffset ?? null,
    // Not the marker's 4,294,967,295 when the record has no value for it.
    dataLength: isSizeKnown(entry, entry.compressedSize) ? entry.compressedSize : null,
    mismatches: records.mismatches.map((m) => ({ field: m.field, local: show(m.field, m.local), central: show(m.field, m.central) })),
    localError: records.localError ? { ...records.localError, ...records.localErrorWording } : null,
  };
}

/** The ZIP64 end record and locator when present, then the end of central directory record. */
export async function endRecords(reader: ZipReader): Promise<RecordView[]> {
  const archive = await inspectArchive(reader);
  return [archive.zip64EndOfCentralDirectory, archive.zip64EndOfCentralDirectoryLocator, archive.endOfCentralDirectory]
    .filter((r): r is ZipRecordView => r !== undefined)
    .map(recordView);
}

// What the inspector says a field's value means, in the window's two languages: main sends each
// meaning as codes and values (zip/meanings.ts, through the IPC views of ipc/inspection.ts), the
// window words them through its catalog (src-renderer/lib/meanings.ts) with numbers and sizes as
// it says them elsewhere, and the command line keeps its English.

import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { MEANING_CODES, RECORD_TITLES, type FieldView, type RecordView } from '../../src-preload/contract.js';
import { endRecords, inspectEntry } from '../../src-main/ipc/inspection.js';
import { inspectEntry as inspectEntryRows } from '../../src-main/zip/inspect.js';
import { MEANING_ENGLISH } from '../../src-main/zip/meanings.js';
import { RECORD_TITLE_ENGLISH } from '../../src-main/zip/record-titles.js';
import { formatBytes } from '../../src-main/cli/job-progress.js';
import { CATALOGS } from '../../src-renderer/lib/i18n.js';
import { meaningText, recordTitle } from '../../src-renderer/lib/meanings.js';
import { craftZip, extraField } from './craft.js';
import { openBuffer } from './reader-fixtures.js';

/** Codes said alike in both languages: technical text, a size in units, an extra field's id and title, DOS letters, a section. */
const ALIKE = new Set(['TEXT', 'SIZE', 'EXTRA_FIELD', 'DOS_ATTRIBUTES', 'DATA_DESCRIPTOR_SIGNATURE']);

function fieldOf(record: RecordView | undefined, name: string): FieldView {
  const field = record?.fields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`no field ${name}`);
  return field;
}

describe('inspector meanings in the window', () => {
  it('every code the inspector says has an English and a German wording, each value filled in', () => {
    expect([...MEANING_CODES].sort()).toEqual(Object.keys(MEANING_ENGLISH).sort());
    for (const code of MEANING_CODES) {
      const templates = [MEANING_ENGLISH[code], CATALOGS.en[`meaning.${code}`], CATALOGS.de[`meaning.${code}`]];
      const names = new Set(templates.flatMap((text) => [...text.matchAll(/\{(\w+)[|}]/g)].map((m) => m[1]!)));
      const params = Object.fromEntries([...names].map((name) => [name, name === 'size' ? 40_000 : 1234]));
      const field = { meaning: 'unused', meaningClauses: [[{ code, params }]] };
      const english = meaningText(field, 'en');
      const german = meaningText(field, 'de');
      for (const text of [english, german]) expect(text, code).not.toMatch(/\{\w+[|}]|unused/);
      // (Numbers but for their separators: 1,234 and 40.0 KB in English, 1.234 and 40,0 KB in German.)
      if (ALIKE.has(code)) expect(german, code).toBe(english.replaceAll('1,234', '1.234').replaceAll('40.0 KB', '40,0 KB'));
      else expect(german, code).not.toBe(english);
      // A number said as the window says numbers.
      if (/\{(?!size\b)\w+[|}]/.test(CATALOGS.de[`meaning.${code}`])) expect(german, code).toContain('1.234');
    }
  });

  it("an entry's records in German and in English: words, sizes in decimal units and offsets as the window says them; the command line's English stays", async () => {
    const reader = await openBuffer(craftZip([{ name: 'first.txt', data: 'f'.repeat(2000), method: 0 }, { name: 'b', data: 'x'.repeat(40_000) }]));
    const entry = (await reader.readEntries())[1]!;
    const view = await inspectEntry(reader, entry);
    const said = (name: string, language: 'en' | 'de', side: 'local' | 'central' = 'central') => meaningText(view.pairs.find((pair) => pair.name === name)![side]!, language);
    const offset = entry.localHeaderOffset;
    expect(offset).toBeGreaterThan(2000);
    const grouped = { en: offset.toLocaleString('en'), de: offset.toLocaleString('de') };
    expect(grouped.de).toMatch(/^2\.\d{3}$/);
    const expected: [string, string, string][] = [
      ['signature', 'as expected', 'wie erwartet'],
      ['versionMadeBy', 'Unix, spec 3.0', 'Unix, Spezifikation 3.0'],
      ['generalPurposeBitFlag', 'bit 11 UTF-8 names', 'Bit 11 UTF-8-Namen'],
      ['compressionMethod', 'Deflated', 'Deflated'],
      ['lastModFileDate', '2024-03-01 (local time)', '2024-03-01 (Ortszeit)'],
      ['uncompressedSize', '40.0 KB', '40,0 KB'],
      ['fileNameLength', '1 byte', '1 Byte'],
      ['internalFileAttributes', 'binary', 'binär'],
      ['externalFileAttributes', '-rw-r--r-- (100644), no DOS attributes', '-rw-r--r-- (100644), keine DOS-Attribute'],
      ['relativeOffsetOfLocalHeader', `local header at offset ${grouped.en}`, `lokaler Header bei Offset ${grouped.de}`],
      ['fileName', 'UTF-8 (bit 11)', 'UTF-8 (Bit 11)'],
      ['extraField', 'none', 'keine'],
      // Said by the value itself.
      ['crc32', '', ''],
    ];
    for (const [name, english, german] of expected) {
      expect(said(name, 'en'), name).toBe(english);
      expect(said(name, 'de'), name).toBe(german);
    }
    expect(said('fileName', 'de', 'local')).toBe('UTF-8 (Bit 11)');
    // What `zipdesk inspect` prints of the same fields: the window's English.
    const rows = await inspectEntryRows(reader, entry);
    const printed = (name: string) => rows.central.fields.find((f) => f.name === name)!.meaning;
    expect([printed('signature'), printed('fileNameLength'), printed('uncompressedSize'), printed('relativeOffsetOfLocalHeader'), printed('externalFileAttributes')]).toEqual([
      '0x02014b50, as expected',
      '1 byte',
      '40.0 KB',
      `local header at offset ${offset}`,
      '-rw-r--r-- (100644), no DOS attributes',
    ]);
  });

  it('the end records in German: one entry in the singular, a prefix the offsets do not count, bytes after the archive', async () => {
    const prefix = Buffer.alloc(100, 0x4d);
    const plain = craftZip([{ name: 'a.txt', data: 'alpha' }]);
    const reader = await openBuffer(Buffer.concat([prefix, plain, Buffer.from('after')]));
    const [end] = await endRecords(reader);
    const directory = plain.length - 22 - (plain.readUInt32LE(plain.length - 22 + 12));
    expect(meaningText(fieldOf(end, 'totalNumberOfCentralDirectoryRecords'), 'de')).toBe('1 Eintrag');
    expect(meaningText(fieldOf(end, 'totalNumberOfCentralDirectoryRecords'), 'en')).toBe('1 entry');
    expect(fieldOf(end, 'totalNumberOfCentralDirectoryRecords').meaning).toBe('1 entry'); // as the command line says it (it said '1 entries')
    expect(meaningText(fieldOf(end, 'offsetOfStartOfCentralDirectory'), 'de')).toBe(`Offset ${directory}; das Verzeichnis liegt bei ${directory + 100} (100 Bytes vor dem Archiv nicht mitgezählt)`);
    expect(meaningText(fieldOf(end, 'commentLength'), 'de')).toBe('0 Bytes; 5 Bytes nach dem Archiv');
    expect(meaningText(fieldOf(end, 'commentLength'), 'en')).toBe('0 bytes; 5 bytes follow the archive');
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    const relative = view.pairs.find((pair) => pair.name === 'relativeOffsetOfLocalHeader')!.central!;
    expect(meaningText(relative, 'de')).toBe('lokaler Header bei Offset 0; bei 100 nach Hinzuzählen des Präfixes (100 Bytes)');
  });

  it('an ignored ZIP64 end record and its extensible data in German', async () => {
    const reader = await openBuffer(craftZip([{ name: 'a.txt', data: 'alpha' }], '', { zip64End: { count: 7, extensible: Buffer.alloc(8) } }));
    const [zip64] = await endRecords(reader);
    expect(meaningText(fieldOf(zip64, 'signature'), 'de')).toBe(
      'wie erwartet; der ZIP64-Endeintrag widerspricht dem Endeintrag, der keinen seiner Werte braucht: er wird übergangen, und die Werte des Endeintrags gelten',
    );
    expect(meaningText(fieldOf(zip64, 'totalNumberOfCentralDirectoryRecords'), 'de')).toBe('7 Einträge; übergangen');
    expect(meaningText(fieldOf(zip64, 'sizeOfZip64EndOfCentralDirectoryRecord'), 'de')).toBe('52 Bytes nach diesem Feld (davon 8 Bytes erweiterbare Daten)');
    expect(meaningText(fieldOf(zip64, 'sizeOfZip64EndOfCentralDirectoryRecord'), 'en')).toBe('52 bytes after this field (8 bytes of extensible data)');
  });

  it("a local header that disagrees, and one that cannot be read, in German: each field's two values, and the reader's reason as the safety report words it", async () => {
    const { findingText, t } = await import('../../src-renderer/lib/i18n.js');
    const reader = await openBuffer(craftZip([{ name: 'other.txt', data: 'alpha', local: { crc32: 1 } }, { name: 'askew', data: 'x', localHeaderAt: 3 }]));
    const [disagrees, askew] = await reader.readEntries();
    const view = await inspectEntry(reader, disagrees!);
    expect(view.mismatches).toEqual([{ field: 'crc32', local: '0x00000001', central: expect.stringMatching(/^0x[0-9a-f]{8}$/) }]);
    expect(t('safety.mismatchedField', view.mismatches[0]!, 'de')).toMatch(/^crc32: lokal 0x00000001, zentral 0x[0-9a-f]{8}$/);
    const unreadable = (await inspectEntry(reader, askew!)).localError!;
    expect(unreadable).toMatchObject({ code: 'BAD_LOCAL_HEADER', message: expect.stringMatching(/^bad local file header signature 0x[0-9a-f]{8} at offset 3$/) });
    expect(findingText(unreadable, 'en')).toBe(unreadable.message);
    expect(findingText(unreadable, 'de')).toMatch(/^Falsche Signatur 0x[0-9a-f]{8} des lokalen Headers bei Offset 3$/);
  });

  it("a meaning that says the value again leaves it out; one that comes without codes is shown in main's English", async () => {
    const reader = await openBuffer(craftZip([{ name: 'a.txt', data: 'alpha' }]));
    const view = await inspectEntry(reader, (await reader.readEntries())[0]!);
    const signature = view.pairs.find((pair) => pair.name === 'signature')!.local!;
    expect(signature).toMatchObject({ value: '0x04034b50', meaning: 'as expected', meaningClauses: [[{ code: 'AS_EXPECTED' }]] });
    expect(meaningText({ meaning: 'bit 99 from a newer main', meaningClauses: [] }, 'de')).toBe('bit 99 from a newer main');
  });
});

describe("the command line's sizes", () => {
  it('a size that rounds to 1,000 of its unit is said in the next one, as the inspector and the window say it: 999,999 bytes are "1.0 MB", not "1000.0 KB"', () => {
    expect([999, 1000, 999_949, 999_950, 999_999, 1_000_000, 999_999_999].map(formatBytes)).toEqual(['999 B', '1.0 KB', '999.9 KB', '1.0 MB', '1.0 MB', '1.0 MB', '1.0 GB']);
  });

  it('a rate under 1,000 bytes a second is said whole (the bar said "2.980022297063231 B/s"), and one that rounds to 1,000 in KB', () => {
    expect([2.980022297063231, 0.4, 999.4, 999.5].map(formatBytes)).toEqual(['3 B', '0 B', '999 B', '1.0 KB']);
  });
});

describe("records' and extra fields' titles in the window", () => {
  it('every title has an English wording, main\'s, and a German one; proper names alike', () => {
    expect([...RECORD_TITLES].sort()).toEqual(Object.keys(RECORD_TITLE_ENGLISH).sort());
    for (const code of RECORD_TITLES) {
      expect(CATALOGS.en[`record.${code}`], code).toBe(RECORD_TITLE_ENGLISH[code]);
      const german = recordTitle({ title: 'unused', titled: { code, headerId: null, cutShort: false } }, 'de');
      if (code === 'EXTRA_NTFS' || code === 'EXTRA_PKWARE_UNIX') expect(german, code).toBe(RECORD_TITLE_ENGLISH[code]);
      else expect(german, code).not.toBe(RECORD_TITLE_ENGLISH[code]);
    }
  });

  it("an entry's extra fields, its data descriptor and the end records: titled in German, and in English as main titles them", async () => {
    const timestamp = extraField(0x5455, Buffer.from([1, 0, 0, 0, 0]));
    const unknown = extraField(0x6666, Buffer.from('xy'));
    const cut = Buffer.concat([timestamp.subarray(0, 4), Buffer.from([1])]);
    cut.writeUInt16LE(5, 2);
    const archive = craftZip(
      [
        { name: 'a.txt', data: 'alpha', centralExtra: Buffer.concat([timestamp, unknown, Buffer.from([9, 9])]), localExtra: cut, flags: 0b1000, afterData: Buffer.alloc(12) },
        { name: 'b.txt', data: 'beta', method: 0 },
      ],
      '',
      { zip64End: { count: 2, extensible: Buffer.alloc(0) } },
    );
    const reader = await openBuffer(archive);
    const [a, b] = await reader.readEntries();
    const view = await inspectEntry(reader, a!);
    const titles = (records: readonly RecordView[], language: 'en' | 'de') => records.map((record) => recordTitle(record, language));
    for (const records of [view.centralExtras, view.localExtras]) expect(titles(records, 'en')).toEqual(records.map((record) => record.title));
    expect(titles(view.centralExtras, 'de')).toEqual(['erweiterter Zeitstempel (0x5455)', 'unbekanntes Zusatzfeld (0x6666)', 'überzählige Bytes am Ende']);
    expect(titles(view.localExtras, 'de')).toEqual(['erweiterter Zeitstempel (reicht über den Bereich der Zusatzfelder hinaus) (0x5455)']);
    expect(recordTitle(view.dataDescriptor!, 'de')).toBe('Datendeskriptor (ohne Signatur)');
    expect(recordTitle(view.dataDescriptor!, 'en')).toBe(view.dataDescriptor!.title);
    // The extra field area's summary names each field by its title too; the command line's stays English.
    const extras = view.pairs.find((pair) => pair.name === 'extraField')!;
    expect(meaningText(extras.central!, 'de')).toBe('0x5455 erweiterter Zeitstempel; 0x6666 unbekanntes Zusatzfeld; überzählige Bytes am Ende');
    expect(meaningText(extras.central!, 'en')).toBe(extras.central!.meaning);
    expect(meaningText(extras.local!, 'de')).toBe('0x5455 erweiterter Zeitstempel (reicht über den Bereich der Zusatzfelder hinaus)');
    const ends = await endRecords(reader);
    expect(titles(ends, 'en')).toEqual(ends.map((record) => record.title));
    expect(titles(ends, 'de')).toEqual(['ZIP64-Endeintrag des Zentralverzeichnisses', 'Verweis auf den ZIP64-Endeintrag des Zentralverzeichnisses', 'Endeintrag des Zentralverzeichnisses']);
    // A method that says what was done, in German; one of a name of its own, alike.
    const method = async (entry: typeof a, language: 'en' | 'de') => meaningText((await inspectEntry(reader, entry!)).pairs.find((pair) => pair.name === 'compressionMethod')!.central!, language);
    expect([await method(b, 'de'), await method(b, 'en'), await method(a, 'de')]).toEqual(['ohne Kompression (Stored)', 'Stored', 'Deflated']);
  });
});

// What is off about an archive as a whole that the reader reads around, as notes for the user
// (model.ts ArchiveNote): `zipdesk test` prints them, `inspect` and the window show them in the
// safety report. The entries are read all the same, so a note fails no entry; but unzip, 7-Zip,
// bsdtar and Python's zipfile each warn of or refuse such an archive, so saying nothing would
// hide what other tools will make of it.
//
// The central directory (APPNOTE 4.3.6) runs from where the end record puts it for the size the
// end record declares, and the end records follow it. Where the end record is wrong, the reader
// repairs it (reader.ts resolveEnd): data before the archive that the offsets do not count (a
// self-extractor stub whose offsets were not adjusted, or a file put in front) is added to every
// offset; a directory not where the end record puts it is read where its size puts it, before the
// end records; a size the records do not fill, or run past, gives way to the records. Each repair
// is a note, as unzip's "warning [x.zip]: 12 extra bytes at beginning or within zipfile
// (attempting to process anyway)" is. Bytes in the declared size after the last record (padding,
// junk) and bytes between the directory and the end records are read as nothing. A digital
// signature record (4.3.13) that fills the rest of the directory is named as such: it belongs
// there, but it is not checked (and the peers refuse or warn of it all the same). A ZIP64 end
// record that contradicts an end record needing none of its values is ignored (reader.ts): said.
// So is one not where its locator puts it, read right before the locator (see zip64EndMovedNote).
// So is an end record that counts fewer entries than the directory holds: every record within the
// declared size is read (reader.ts records), but unzip -t fails such an archive ("expected central
// file header signature not found", exit 3), 7-Zip lists it with a headers error, and a reader that
// goes by the count lists fewer entries; not a 16-bit count that wrapped past 65,535 entries.
// And bytes before the end record of an empty archive: an end record at the end of a real
// archive's comment is read as that of an empty one (see emptyArchiveNote).
// Bytes after the end record and the comment it counts (another file appended, padding, a
// download's junk) are read as nothing and said too: 7-Zip warns "There are data after the end of
// archive", and a writer that appends to the archive, or a reader that looks for the end record
// only in the last 22 bytes, would make something else of it (unzip, bsdtar and Python read it
// without a word). An end record whose comment runs past the end of the file is another matter:
// the reader refuses it (reader.ts scanForEnd), as 7-Zip does.

import { bytesText, counted, integerText } from './errors.js';
import type { ArchiveNote, RandomAccessSource, ZipArchiveInfo } from './model.js';
import { DIGITAL_SIGNATURE, SIGNATURE } from './records.js';

/** What a walk over the whole central directory found: where its last record ends, and how many records there are. */
export interface WalkedDirectory {
  readonly end: number;
  readonly count: number;
}

/**
 * The notes about the archive of `info`, whose central records the walk `walked` read: those
 * about the directory's end only when it is known (a walk over the whole directory reached it).
 */
export async function archiveNotes(source: RandomAccessSource, info: ZipArchiveInfo, walked: WalkedDirectory | undefined): Promise<ArchiveNote[]> {
  const notes: ArchiveNote[] = [];
  const adjustment = info.offsetAdjustment;
  if (adjustment > 0) {
    notes.push({
      code: 'UNCOUNTED_PREFIX',
      message: `${bytesText(adjustment)} before the archive that its offsets do not count (data put in front of it, or a self-extractor whose offsets were not adjusted): every offset is read ${bytesText(adjustment)} further on`,
      params: { bytes: adjustment },
    });
  } else if (adjustment < 0) {
    notes.push({ code: 'OFFSETS_TOO_LARGE', message: `the archive's offsets count ${bytesText(-adjustment)} that are not there (missing from its start?): every offset is read ${bytesText(-adjustment)} earlier`, params: { bytes: -adjustment } });
  }
  if (info.zip64EndOfCentralDirectoryIgnored && info.zip64EndOfCentralDirectoryOffset !== undefined) {
    // (unzip -t warns of it too; 7-Zip, bsdtar and Python's zipfile read the end record's values, as we do.)
    notes.push({
      code: 'ZIP64_END_IGNORED',
      message: `the ZIP64 end record (at offset ${info.zip64EndOfCentralDirectoryOffset}) gives another entry count or central directory than the end record, which needs none of its values: it is ignored, and the end record read`,
      params: { offset: info.zip64EndOfCentralDirectoryOffset },
    });
  }
  const moved = zip64EndMovedNote(info);
  if (moved !== undefined) notes.push(moved);
  const empty = emptyArchiveNote(info);
  if (empty !== undefined) notes.push(empty);
  const start = info.centralDirectoryOffset;
  const declaredStart = info.declaredCentralDirectoryOffset;
  if (start !== declaredStart + adjustment) {
    notes.push({
      code: 'DIRECTORY_MOVED',
      message: `the end record puts the central directory at offset ${declaredStart}, but it is at ${start}, where its size puts it before the end record${adjustment === 0 ? " (the entries' own offsets are right)" : ''}`,
      params: { declared: declaredStart, offset: start },
    });
  }
  if (walked !== undefined) {
    const note = countNote(info, walked.count);
    if (note !== undefined) notes.push(note);
    notes.push(...(await directoryEndNotes(source, info, walked.end)));
  }
  if (info.trailingBytes > 0) {
    const offset = info.size - info.trailingBytes;
    notes.push({ code: 'TRAILING_DATA', message: `${bytesText(info.trailingBytes)} after the end record (at offset ${offset}, ignored)`, params: { bytes: info.trailingBytes, offset } });
  }
  return notes;
}

/**
 * The note of a listing or an extraction that read `count` names as CP437 for want of anything
 * that says their encoding (names.ts isGuessedName): rows, or files, under names that may be
 * garbled, with nothing else to say so. Not of a test, which writes no name. `inspect` words its
 * report's count the same way; the window words it by the code.
 */
export function guessedNamesNote(count: number): ArchiveNote {
  return { code: 'NAMES_GUESSED', message: `${counted(count, 'name', 'names')} of unknown encoding, not UTF-8: read as code page 437 (--name-encoding names theirs)`, params: { count } };
}

/**
 * The note of a ZIP64 end record that is not where its locator puts it (counting any data before
 * the archive that the offsets do not count) but right before the locator, where the reader found
 * it (reader.ts readZip64End), as Python's zipfile reads it without a word. unzip warns
 * ("End-of-centdir-64 signature not where expected (prepended bytes?)"), 7-Zip refuses the archive
 * with a headers error (exit 2), and bsdtar lists nothing.
 */
function zip64EndMovedNote(info: ZipArchiveInfo): ArchiveNote | undefined {
  const at = info.zip64EndOfCentralDirectoryOffset;
  const declared = info.declaredZip64EndOfCentralDirectoryOffset;
  if (at === undefined || declared === undefined || info.zip64EndOfCentralDirectoryIgnored || at === declared + info.offsetAdjustment) return undefined;
  return {
    code: 'ZIP64_END_MOVED',
    message: `the ZIP64 locator puts the ZIP64 end record at offset ${integerText(declared)}, but it is at ${at}, right before the locator: read there`,
    params: { declared, offset: at },
  };
}

/**
 * The note of an empty archive (no entries, an empty directory) with bytes before its end
 * records: they say nothing of where such an archive starts, so the bytes are read as nothing.
 * But an end record that ends the file wins over one whose comment holds it (reader.ts
 * scanForEnd): a real archive whose comment ends with an empty end record is read as empty.
 * unzip warns of the bytes ("108 extra bytes at beginning or within zipfile") and 7-Zip lists the
 * real archive's entries; Python's zipfile and bsdtar read it as empty, as we do.
 */
function emptyArchiveNote(info: ZipArchiveInfo): ArchiveNote | undefined {
  const endRecords = info.zip64EndOfCentralDirectoryOffset ?? info.endOfCentralDirectoryOffset;
  if (info.entryCount !== 0 || info.centralDirectorySize !== 0 || endRecords === 0) return undefined;
  return {
    code: 'BYTES_BEFORE_EMPTY',
    message: `the archive is empty, but ${bytesText(endRecords)} lie before its end record (from offset 0, ignored): they may hold an archive whose comment ends with this end record`,
    params: { bytes: endRecords },
  };
}

/**
 * The note of an end record that counts fewer entries than the directory holds (reader.ts reads
 * every record within the directory's declared size): none when the count is a 16-bit one that
 * wrapped past 65,535, as writers without ZIP64 store it (the records are those modulo 65,536).
 * (A count higher than the records never gets here: the walk refuses the directory.)
 */
function countNote(info: ZipArchiveInfo, found: number): ArchiveNote | undefined {
  const declared = info.entryCount;
  if (found === declared) return undefined;
  const sixteenBit = info.zip64EndOfCentralDirectoryOffset === undefined || info.zip64EndOfCentralDirectoryIgnored;
  if (sixteenBit && found > 0xffff && found % 0x10000 === declared) return undefined;
  return {
    code: 'COUNT_DIFFERS',
    message: `the end record counts ${counted(declared, 'entry', 'entries')}, but the central directory holds ${found}: all are read (a reader that goes by the count lists ${declared})`,
    params: { declared, found },
  };
}

/** The notes about where the central directory ends (its last record at `recordsEnd`) and what lies between it and the end records. */
async function directoryEndNotes(source: RandomAccessSource, info: ZipArchiveInfo, recordsEnd: number): Promise<ArchiveNote[]> {
  const notes: ArchiveNote[] = [];
  const start = info.centralDirectoryOffset;
  const size = info.centralDirectorySize;
  const declaredEnd = start + size;
  const endRecords = info.zip64EndOfCentralDirectoryOffset ?? info.endOfCentralDirectoryOffset;
  const endRecordName = info.zip64EndOfCentralDirectoryOffset === undefined ? 'the end record' : 'the ZIP64 end record';
  // A size the records run past, or one that runs into the end records: the records are read as they are.
  if (recordsEnd > declaredEnd || declaredEnd > endRecords) {
    const records = recordsEnd - start;
    const past = declaredEnd > endRecords ? `, which runs ${bytesText(declaredEnd - endRecords)} into ${endRecordName},` : '';
    notes.push({ code: 'DIRECTORY_SIZE', message: `the end record declares a central directory of ${bytesText(size)}${past} but its records take ${bytesText(records)}: they are read as they are`, params: { declared: size, bytes: records } });
  }
  // (A declared directory that runs into the end records is another matter: only the bytes before them are the directory's.)
  const slackEnd = Math.min(declaredEnd, endRecords);
  if (recordsEnd < slackEnd) {
    const bytes = slackEnd - recordsEnd;
    const signatureData = await signatureDataLength(source, recordsEnd, bytes);
    if (signatureData !== undefined) {
      notes.push({
        code: 'DIRECTORY_SIGNATURE',
        message: `the central directory ends with a digital signature record (APPNOTE 4.3.13, at offset ${recordsEnd}, ${bytesText(signatureData)} of signature data), which is not checked`,
        params: { bytes: signatureData, offset: recordsEnd },
      });
    } else {
      notes.push({ code: 'DIRECTORY_SLACK', message: `${bytesText(bytes)} after the last central directory record, within the directory the end record declares (at offset ${recordsEnd}, ignored)`, params: { bytes, offset: recordsEnd } });
    }
  }
  // An empty directory says nothing of where the archive starts: bytes before its end record may be a stub.
  const gapStart = Math.max(recordsEnd, declaredEnd);
  if (recordsEnd > start && gapStart < endRecords) {
    const bytes = endRecords - gapStart;
    notes.push({ code: 'DIRECTORY_GAP', message: `${bytesText(bytes)} between the central directory and ${endRecordName} (at offset ${gapStart}, ignored)`, params: { bytes, offset: gapStart } });
  }
  return notes;
}

/** The length of the signature data of a digital signature record that is exactly the `length` bytes at `offset`, else undefined. */
async function signatureDataLength(source: RandomAccessSource, offset: number, length: number): Promise<number | undefined> {
  if (length < DIGITAL_SIGNATURE.size) return undefined;
  const head = await source.read(offset, DIGITAL_SIGNATURE.size);
  if (head.readUInt32LE(0) !== SIGNATURE.DIGITAL_SIGNATURE) return undefined;
  const values = DIGITAL_SIGNATURE.decode(head, 0);
  return DIGITAL_SIGNATURE.lengthOf(values) === length ? values.signatureDataLength : undefined;
}

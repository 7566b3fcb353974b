// `zipdesk list ARCHIVE [--json]`: the entries as a table like `unzip -v`, or as one JSON object
// {"comment", "entries": [{name, size, compressedSize, crc32, method, modified, isDirectory,
// encrypted[, comment]}]} with names exactly as stored and `modified` in ISO 8601 local time without a zone:
// a DOS time as stored, wall-clock fields with no zone (also one the local zone skips, as unzip -v
// shows it), an extended-timestamp or NTFS time, an instant, in the local zone. An entry's own
// comment is a line under its row (as unzip -v shows it), and a "comment" key only where it has one.
// The table's compressed size leaves out the 12-byte header of traditional encryption, as unzip -v
// does (packedSize), and what AES adds; an AES entry shows the method of its data (its 0x9901
// field), as 7-Zip does. The JSON's compressedSize and method are the stored fields as they are.
// Both stream: the central directory is read a chunk at a time and each chunk is written out
// before the next is read, so a million entries list in bounded memory. What is off about the
// archive as a whole (zip/archive-notes.ts: data in front of it, after it, in its directory)
// gets a line of its own on stderr once the listing is done, `zipdesk: ARCHIVE: warning: …`, as
// test gives it (unzip -l warns of a prefix too): the rows are what the reader read around it,
// and other tools may list the archive otherwise. It leaves stdout and the exit code alone. So
// does the last such line: how many names were read as CP437 for want of a mark (names.ts
// isGuessedName), which `--name-encoding` may read as their own code page.

import { Buffer } from 'node:buffer';
import { EXIT_ARCHIVE_PROBLEM, EXIT_OK, exitCodeOf, type CliContext, type Command } from './command.js';
import { readingArgs, resolvePath } from './args.js';
import { writeOut } from './output.js';
import { errorLine, jsonFailure, noteLine, printable } from './report.js';
import { openFileSource } from '../archive/file-source.js';
import { guessedNamesNote } from '../zip/archive-notes.js';
import { isGuessedName } from '../zip/names.js';
import { ZipError, counted, integerText } from '../zip/errors.js';
import { AES_STRENGTHS, BITFLAG_ENCRYPTED, BITFLAG_STRONG_ENCRYPTION, METHOD_AES, TRADITIONAL_ENCRYPTION_HEADER_SIZE, aesName } from '../zip/constants.js';
import { isSizeKnown, type AesFields, type ZipEntry } from '../zip/model.js';
import { dosLocalIsoTime } from '../zip/dostime.js';
import { isDirectoryRecord, isEncryptedFlag, isPlainRecord, openZip, plainRecordUnixTime, type CentralValues, type RecordMaker } from '../zip/reader.js';
import { CENTRAL_DIRECTORY_HEADER } from '../zip/records.js';

export const listCommand: Command = {
  name: 'list',
  usage: 'list ARCHIVE [--json] [--name-encoding ENCODING]',
  summary: 'List the entries: size, method, compressed size, ratio, date, CRC-32, name.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { archive, json, codePage } = readingArgs(args);
    /** The one line for a listing that could not begin; with --json the object too, saying so. */
    const cannotList = (error: unknown): number => {
      context.stderr.write(errorLine(archive, error));
      if (json && !context.stdout.destroyed) context.stdout.write(`{"comment":"","entries":[],${jsonFailure(error)}}\n`);
      return exitCodeOf(error);
    };
    let source;
    try {
      source = await openFileSource(resolvePath(context.cwd, archive, 'ARCHIVE'));
    } catch (error) {
      return cannotList(error);
    }
    try {
      let reader;
      try {
        reader = await openZip(source, { log: context.log.child({ module: 'archives', task: 'list' }), codePage });
      } catch (error) {
        return cannotList(error);
      }
      const listed = json ? await listJson(reader, archive, context) : await listTable(reader, archive, context);
      if ('stopped' in listed) return exitCodeOf(listed.stopped);
      // (The walk reached the directory's end: its notes are all known.) Last, how many names
      // were read as CP437 for want of a mark, as extract says it.
      try {
        const notes = await reader.notes();
        if (listed.guessedNames > 0) notes.push(guessedNamesNote(listed.guessedNames));
        const warnings = notes.map((note) => noteLine(archive, note.message)).join('');
        if (warnings !== '') await writeOut(context.stderr, warnings);
      } catch (error) {
        context.stderr.write(errorLine(archive, error));
        return EXIT_ARCHIVE_PROBLEM;
      }
      return listed.damaged ? EXIT_ARCHIVE_PROBLEM : EXIT_OK;
    } finally {
      await source.close();
    }
  },
};

type Reader = Awaited<ReturnType<typeof openZip>>;

/**
 * Rows are written as bytes straight into a buffer, handed to stdout between batches of records
 * once it holds half a megabyte: no string per row or per column. A million rows of strings (padStart,
 * template pieces, join) cost more in garbage collection than reading the central directory.
 */
class RowWriter {
  private buf: Buffer;
  at = 0;

  constructor(private readonly stdout: CliContext['stdout']) {
    // Set here, not where it is declared: the declaration alone stores it (undefined) once, so
    // this second store tells V8 that the field changes. A field stored once is taken for a
    // constant by the methods V8 optimizes; flush's fresh buffer then threw away the optimized
    // code of every method here and of the row functions it was inlined into, some 7,000 rows
    // into a listing (`zipdesk list` of 100,000 entries took 15–20 ms longer, about 5%).
    this.buf = Buffer.allocUnsafe(OUTPUT_CHUNK);
  }

  /** Makes room for `bytes` more (the buffer grows until the next flush). */
  reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const larger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + bytes));
    this.buf.copy(larger, 0, 0, this.at);
    this.buf = larger;
  }

  async flush(): Promise<void> {
    if (this.at === 0) return;
    const chunk = this.buf.subarray(0, this.at);
    // The stream keeps the chunk until written: the next rows go to a fresh buffer.
    this.buf = Buffer.allocUnsafe(OUTPUT_CHUNK);
    this.at = 0;
    await writeOut(this.stdout, chunk);
  }

  ascii(text: string): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    this.at = at;
  }

  /** A longer run (from some 30 bytes on, TypedArray.set's copy beats a loop). */
  put(bytes: Uint8Array): void {
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** Short byte runs (dates, method names, names): a loop beats TypedArray.set's call overhead. */
  bytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = start; i < end; i++) buf[at++] = bytes[i]!;
    this.at = at;
  }

  /** Text as UTF-8 (the caller made room for three bytes a character). ASCII is copied directly. */
  text(text: string): void {
    const buf = this.buf;
    const start = this.at;
    let at = start;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.at = start + (buf as unknown as Utf8Writer).utf8Write(text, start);
        return;
      }
      buf[at++] = code;
    }
    this.at = at;
  }

  /** A non-negative integer, right-aligned in `width` columns (wider when it needs more). */
  int(value: number, width = 0): void {
    // Past 2^53 the digits below would be those of a double's remainders, made up (an 8-byte
    // size of 0xFFFFFFFFFFFFFFFF was written 18446744073709552046): its exact value, as every
    // message writes it (errors.ts integerText).
    if (value > Number.MAX_SAFE_INTEGER) {
      this.ascii(integerText(value).padStart(width));
      return;
    }
    const buf = this.buf;
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    let at = this.at;
    for (let pad = width - digits; pad > 0; pad--) buf[at++] = 0x20;
    let end = at + digits;
    this.at = end;
    let v = value;
    do {
      buf[--end] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** A 32-bit value as eight lowercase hex digits. */
  hex8(value: number): void {
    const buf = this.buf;
    const at = this.at;
    for (let i = 7; i >= 0; i--) {
      const nibble = value & 0xf;
      buf[at + i] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble;
      value >>>= 4;
    }
    this.at = at + 8;
  }
}

/** Node's unchecked writer behind buf.write(text, offset, 'utf8'): the caller has made room. */
interface Utf8Writer {
  utf8Write(text: string, offset: number): number;
}

/** The row buffer (it grows for a batch that needs more); rows go to stdout once half of it is used. */
const OUTPUT_CHUNK = 1024 * 1024;
/** Room a row needs besides its name (numbers, date, method, punctuation). */
const ROW_FIXED = 256;

/** Names that JSON.stringify would escape (quotes, backslashes, controls, lone surrogates). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The rows of every record, written by `row` as the directory is walked: from the record's own
 * fields and name bytes when isPlainRecord says they tell all (no entry, no name string), else
 * from its entry. A damaged record (ZipEntry.damage) is listed with its raw values, and its
 * problem goes to stderr as one line.
 */
async function writeRows(
  reader: Reader,
  archive: string,
  context: CliContext,
  out: RowWriter,
  /** Gets the record's time and no entry for a plain record, else its entry. */
  row: (buf: Buffer, at: number, values: CentralValues, time: TimeText, entry: ZipEntry | undefined) => void,
  /** Whether the row can also use this plain record's name bytes as they are. */
  nameAsIs: (buf: Buffer, start: number, end: number) => boolean = () => true,
): Promise<Listed> {
  let damaged = false;
  /** Names read as CP437 for want of a mark (names.ts isGuessedName): a plain record's name is ASCII, never one. */
  let guessedNames = 0;
  /** Damaged records' lines not yet written (written between batches, waiting for the stream like the rows). */
  let damageLines = '';
  const each: RecordMaker<void> = (buf, at, values, index, position, offsetAdjustment) => {
    const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
    // (A record with a comment is made an entry, which decodes it, as it decodes the name.)
    const plain = isPlainRecord(buf, at, values) && values.fileCommentLength === 0 && nameAsIs(buf, nameStart, nameStart + values.fileNameLength);
    const entry = plain ? undefined : reader.entryOfRecord(buf, at, values, index, position, offsetAdjustment);
    if (entry !== undefined && isGuessedName(entry)) guessedNames++;
    if (entry?.damage !== undefined) {
      if (!damaged) context.exitAtLeast?.(EXIT_ARCHIVE_PROBLEM);
      damaged = true;
      damageLines += errorLine(archive, entry.damage);
    }
    row(buf, at, values, entry === undefined ? plainRecordTimeText(buf, at, values) : entryTimeText(entry), entry);
  };
  try {
    for await (const _ of reader.recordBatches(each)) {
      if (damageLines !== '') {
        await writeOut(context.stderr, damageLines);
        damageLines = '';
      }
      if (context.signal.aborted) {
        const error = new ZipError('CANCELLED', 'cancelled');
        context.stderr.write(errorLine(archive, error));
        return { stopped: error };
      }
      if (out.at >= OUTPUT_CHUNK / 2) await out.flush();
    }
    return { damaged, guessedNames };
  } catch (error) {
    // Said before the rows read so far are written: if their reader has left (… | head), the
    // process ends at that write, and with this code.
    if (damageLines !== '') context.stderr.write(damageLines);
    damageLines = '';
    context.stderr.write(errorLine(archive, error));
    context.exitAtLeast?.(EXIT_ARCHIVE_PROBLEM);
    return { stopped: error };
  } finally {
    if (damageLines !== '') context.stderr.write(damageLines);
    // Rows read before a damaged record are shown, as unzip does.
    await out.flush();
  }
}

/**
 * How a listing ended: every row written (`damaged`: some of damaged records), with how many
 * names were read as CP437 for want of a mark; or stopped by a cancel or a failure (its line
 * said; the rows so far are written, the table's totals are not).
 */
type Listed = { readonly damaged: boolean; readonly guessedNames: number } | { readonly stopped: unknown };

async function listJson(reader: Reader, archive: string, context: CliContext): Promise<Listed> {
  const out = new RowWriter(context.stdout);
  out.text(`{"comment":${JSON.stringify(reader.info.comment)},"entries":[`);
  let first = true;
  const listed = await writeRows(reader, archive, context, out, (buf, at, values, time, entry) => {
    const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
    const nameEnd = nameStart + values.fileNameLength;
    out.reserve(ROW_FIXED + values.fileNameLength);
    out.ascii(first ? '\n{"name":' : ',\n{"name":');
    first = false;
    if (entry === undefined) {
      out.ascii('"');
      out.bytes(buf, nameStart, nameEnd);
      out.ascii('"');
      const isDirectory = isDirectoryRecord(buf[nameEnd - 1] === 0x2f, values.versionMadeBy, values.externalFileAttributes, values.uncompressedSize !== 0 || values.compressedSize !== 0);
      jsonFields(out, values.uncompressedSize, values.compressedSize, values.crc32, values.compressionMethod, time, isDirectory, isEncryptedFlag(values.generalPurposeBitFlag));
      return;
    }
    const name = entry.name;
    const quoted = JSON_ESCAPED.test(name) ? JSON.stringify(name) : undefined;
    out.reserve(ROW_FIXED + (quoted ?? name).length * 3);
    if (quoted !== undefined) out.text(quoted);
    else {
      out.ascii('"');
      out.text(name);
      out.ascii('"');
    }
    jsonFields(out, entry.uncompressedSize, entry.compressedSize, entry.crc32, entry.compressionMethod, time, entry.isDirectory, entry.encrypted, entry.comment);
  }, (buf, start, end) => !needsJsonEscape(buf, start, end));
  // A stopped listing's object is closed too, saying why (as test's and extract's are).
  await writeOut(context.stdout, 'stopped' in listed ? `\n],${jsonFailure(listed.stopped)}}\n` : '\n]}\n');
  return listed;
}

/** A JSON row after its name; `comment`, the entry's comment, is written only when it has one. */
function jsonFields(out: RowWriter, size: number, compressedSize: number, crc32: number, method: number, time: TimeText, isDirectory: boolean, encrypted: boolean, comment = ''): void {
  out.ascii(',"size":');
  out.int(size);
  out.ascii(',"compressedSize":');
  out.int(compressedSize);
  out.ascii(',"crc32":');
  out.int(crc32);
  out.ascii(',"method":');
  out.int(method);
  // The rest of the row depends on the time and two flags: made once per time and kind.
  const kind = (isDirectory ? 2 : 0) + (encrypted ? 1 : 0);
  const tail = (time.jsonTails[kind] ??= Buffer.from(`,"modified":"${time.isoText}","isDirectory":${isDirectory},"encrypted":${encrypted}`, 'latin1'));
  out.put(tail);
  if (comment !== '') {
    const quoted = JSON.stringify(comment);
    out.reserve(ROW_FIXED + quoted.length * 3);
    out.ascii(',"comment":');
    out.text(quoted);
  }
  out.ascii('}');
}

/** Printable ASCII bytes that JSON must escape: a quote or a backslash. */
function needsJsonEscape(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0x22 || buf[i] === 0x5c) return true;
  return false;
}

const HEADER = ' Length   Method    Size  Cmpr    Date    Time   CRC-32   Name\n--------  ------  ------- ---- ---------- ----- --------  ----\n';

async function listTable(reader: Reader, archive: string, context: CliContext): Promise<Listed> {
  const { stdout } = context;
  if (reader.info.comment !== '') await writeOut(stdout, `${printable(reader.info.comment, true)}\n`);
  await writeOut(stdout, HEADER);
  const out = new RowWriter(stdout);
  let count = 0;
  let size = 0;
  let compressed = 0;
  const listed = await writeRows(reader, archive, context, out, (buf, at, values, time, entry) => {
    count++;
    if (entry === undefined) {
      const nameStart = at + CENTRAL_DIRECTORY_HEADER.size;
      out.reserve(ROW_FIXED + values.fileNameLength);
      const packed = packedSize(values.compressedSize, values.generalPurposeBitFlag, values.compressionMethod);
      tableRowStart(out, values.uncompressedSize, packed, values.compressionMethod, values.generalPurposeBitFlag, time, values.crc32);
      out.bytes(buf, nameStart, nameStart + values.fileNameLength);
      out.ascii(isEncryptedFlag(values.generalPurposeBitFlag) ? ' (encrypted)\n' : '\n');
      size += values.uncompressedSize;
      compressed += packed;
      return;
    }
    const name = printable(entry.name);
    out.reserve(ROW_FIXED + name.length * 3);
    const sizesKnown = isSizeKnown(entry, entry.uncompressedSize) && isSizeKnown(entry, entry.compressedSize);
    const aes = entry.compressionMethod === METHOD_AES ? entry.aes : undefined;
    // An AES entry is shown in the method its data was compressed with (its extra field's), as 7-Zip shows it.
    const method = aes?.compressionMethod ?? entry.compressionMethod;
    const packed = aes !== undefined ? aesPackedSize(entry.compressedSize, aes) : packedSize(entry.compressedSize, entry.generalPurposeBitFlag, entry.compressionMethod);
    if (sizesKnown) tableRowStart(out, entry.uncompressedSize, packed, method, entry.generalPurposeBitFlag, time, entry.crc32);
    else missingSizeRowStart(out, entry, method, packed, time);
    out.text(name);
    out.ascii(!entry.encrypted ? '\n' : entry.compressionMethod === METHOD_AES ? ` (encrypted, ${aesName(aes?.strength)})\n` : ' (encrypted)\n');
    // The entry's comment on a line of its own under its row, as unzip -v shows it.
    if (entry.comment !== '') {
      const comment = printable(entry.comment);
      out.reserve(comment.length * 3 + 1);
      out.text(comment);
      out.ascii('\n');
    }
    // A record whose size is missing is left out of the totals (both, so that their ratio holds).
    if (!sizesKnown) return;
    size += entry.uncompressedSize;
    compressed += packed;
  });
  if ('stopped' in listed) return listed;
  await writeOut(
    stdout,
    '--------          -------  ---                            -------\n' +
      `${integerText(size).padStart(8)}          ${integerText(compressed).padStart(7)} ${ratio(size, compressed).padStart(4)}                            ${counted(count, 'file', 'files')}\n`,
  );
  return listed;
}

/**
 * The table's compressed size: the stored one less the 12-byte header that traditional PKWARE
 * encryption puts before the compressed data (bit 0 without bit 6, and not AES), as unzip -v
 * shows it (its list.c takes 12 off), so that an encrypted entry's size and ratio are those of its
 * compressed data, and one byte stored is 1 byte and 0%, not 13 and -1200%. The JSON gives the
 * stored field as it is. AES (method 99) puts a salt, a verifier and a MAC of its own around the
 * data (aesPackedSize), and strong encryption (bit 6) a header of variable length, shown as stored.
 * (A size shorter than the header, damage, is shown as stored too.)
 */
function packedSize(compressedSize: number, flags: number, method: number): number {
  if ((flags & (BITFLAG_ENCRYPTED | BITFLAG_STRONG_ENCRYPTION)) !== BITFLAG_ENCRYPTED || method === METHOD_AES) return compressedSize;
  return compressedSize >= TRADITIONAL_ENCRYPTION_HEADER_SIZE ? compressedSize - TRADITIONAL_ENCRYPTION_HEADER_SIZE : compressedSize;
}

/**
 * An AES entry's compressed size as the table shows it: the stored one less the salt, password
 * verifier and authentication code the encryption adds (28 bytes for AES-256), so that, as for
 * traditional encryption, its size and ratio are those of its compressed data (unzip -v takes 12
 * off, the traditional header's size; 7-Zip shows the stored one). A strength the specification
 * does not have, or a size shorter than what it adds (damage), is shown as stored.
 */
function aesPackedSize(compressedSize: number, aes: AesFields): number {
  const overhead = AES_STRENGTHS[aes.strength]?.overhead;
  return overhead !== undefined && compressedSize >= overhead ? compressedSize - overhead : compressedSize;
}

/** unzip -v's method column: Stored, Defl:N, or the method's short name. */
function methodColumn(method: number, flags: number): string {
  switch (method) {
    case 0:
      return 'Stored';
    case 8:
      return ['Defl:N', 'Defl:X', 'Defl:F', 'Defl:S'][(flags >> 1) & 0b11]!;
    case 9:
      return 'Def64';
    case 12:
      return 'BZip2';
    case 14:
      return 'LZMA';
    case 93:
      return 'Zstd';
    case 95:
      return 'XZ';
    case 98:
      return 'PPMd';
    case 99:
      return 'AES';
    default:
      return `Unk:${String(method).padStart(3, '0')}`;
  }
}

/** The method column padded to six, by method and the two deflate option bits. */
const methodCache = new Map<number, Uint8Array>();

function methodBytes(method: number, flags: number): Uint8Array {
  const key = method * 4 + (method === 8 ? (flags >> 1) & 0b11 : 0);
  let bytes = methodCache.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(methodColumn(method, flags).padEnd(6), 'latin1');
    methodCache.set(key, bytes);
  }
  return bytes;
}

function ratio(size: number, compressed: number): string {
  if (size === 0) return '0%';
  return `${Math.round((1 - compressed / size) * 100)}%`;
}

/** A table row up to its name. */
function tableRowStart(out: RowWriter, size: number, compressed: number, method: number, flags: number, time: TimeText, crc32: number): void {
  out.int(size, 8);
  out.ascii('  ');
  out.bytes(methodBytes(method, flags));
  out.ascii(' ');
  out.int(compressed, 8);
  out.ascii(' ');
  const percent = size === 0 ? 0 : Math.round((1 - compressed / size) * 100);
  if (percent >= 0) {
    out.int(percent, 3);
    out.ascii('%');
  } else out.ascii(`${percent}%`.padStart(4));
  rowTimeAndCrc(out, time, crc32);
}

/** The row's columns after the ratio, up to the name: date and time, CRC-32. */
function rowTimeAndCrc(out: RowWriter, time: TimeText, crc32: number): void {
  out.ascii(' ');
  out.bytes(time.table);
  out.ascii(' ');
  out.hex8(crc32);
  out.ascii('  ');
}

/**
 * The row of a damaged record whose size is a ZIP64 marker (0xffffffff) with no value for it
 * anywhere, up to its name: that size shows as "?", and so does the ratio. `method`: the method
 * the table shows; `packed`: the compressed size as the table shows it (packedSize), when it is known.
 */
function missingSizeRowStart(out: RowWriter, entry: ZipEntry, method: number, packed: number, time: TimeText): void {
  const shown = (value: number, text = value): string => (isSizeKnown(entry, value) ? integerText(text) : '?');
  out.ascii(`${shown(entry.uncompressedSize).padStart(8)}  `);
  out.bytes(methodBytes(method, entry.generalPurposeBitFlag));
  out.ascii(` ${shown(entry.compressedSize, packed).padStart(8)}    ?`);
  rowTimeAndCrc(out, time, entry.crc32);
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

interface TimeText {
  /** "2024-03-01T13:45:10" */
  readonly isoText: string;
  /** "2024-03-01 13:45" */
  readonly table: Uint8Array;
  /** JSON rows from "modified" on, by isDirectory (2) and encrypted (1). */
  readonly jsonTails: (Uint8Array | undefined)[];
}

/**
 * The texts of the times rows show, each made once: entries of one archive mostly share a
 * handful of times, and making a text (a local-time conversion for an instant) is not cheap.
 */
class TimeTexts {
  private readonly texts = new Map<number, TimeText>();
  private lastKey = Number.NaN;
  private lastText: TimeText | undefined;

  /** `isoOf`: the ISO text of a key. */
  constructor(private readonly isoOf: (key: number) => string) {}

  of(key: number): TimeText {
    if (key === this.lastKey) return this.lastText!;
    let text = this.texts.get(key);
    if (text === undefined) {
      const iso = this.isoOf(key);
      text = { isoText: iso, table: Buffer.from(`${iso.slice(0, 10)} ${iso.slice(11, 16)}`, 'latin1'), jsonTails: [undefined, undefined, undefined, undefined] };
      if (this.texts.size > 100_000) this.texts.clear();
      this.texts.set(key, text);
    }
    this.lastKey = key;
    this.lastText = text;
    return text;
  }
}

/**
 * DOS times by date * 0x10000 + time, as stored: a DOS time is a wall-clock time with no zone,
 * shown as its fields say (as unzip -v and Python show it), never through a Date, which would
 * move a time the local zone skips (02:30 on the day its clocks go forward) an hour on.
 */
const dosTimes = new TimeTexts((key) => dosLocalIsoTime(key >>> 16, key & 0xffff));
/** Instants (extended timestamp, NTFS) by milliseconds since 1970, in the local zone. */
const instants = new TimeTexts((ms) => localIsoTime(new Date(ms)));

/** A plain record's time: its extended timestamp's, else its DOS time (as its entry's would be). */
function plainRecordTimeText(buf: Buffer, at: number, values: CentralValues): TimeText {
  const seconds = plainRecordUnixTime(buf, at, values);
  return seconds === undefined ? dosTimes.of(values.lastModFileDate * 0x10000 + values.lastModFileTime) : instants.of(seconds * 1000);
}

function entryTimeText(entry: ZipEntry): TimeText {
  return entry.modifiedFrom === 'dos' ? dosTimes.of(entry.lastModFileDate * 0x10000 + entry.lastModFileTime) : instants.of(entry.modified.getTime());
}

/** "2024-03-01T13:45:10": ISO 8601 in local time, no zone (what `list --json` promises). */
export function localIsoTime(date: Date): string {
  if (!Number.isFinite(date.getTime())) return '1980-01-01T00:00:00';
  const year = date.getFullYear();
  return `${String(year).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

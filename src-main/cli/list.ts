// `zipdesk list ARCHIVE [--json]`: the entries as a table like `unzip -v`, or as one JSON object
// {"comment", "entries": [{name, size, compressedSize, crc32, method, modified, isDirectory,
// encrypted}]} with names exactly as stored and `modified` in ISO 8601 local time without a zone.
// Both stream: the central directory is read a chunk at a time and each chunk is written out
// before the next is read, so a million entries list in bounded memory.

import { Buffer } from 'node:buffer';
import { once } from 'node:events';
import { EXIT_ARCHIVE_PROBLEM, EXIT_OK, UsageError, type CliContext, type Command } from './command.js';
import { parse, resolvePath } from './args.js';
import { writeOut } from './output.js';
import { errorLine } from './report.js';
import { openFileSource } from '../archive/file-source.js';
import type { ZipEntry } from '../zip/model.js';
import { openZip } from '../zip/reader.js';

export const listCommand: Command = {
  name: 'list',
  usage: 'list ARCHIVE [--json]',
  summary: 'List the entries: size, method, compressed size, ratio, date, CRC-32, name.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing ARCHIVE' : `unexpected argument '${positionals[1]}'`);
    const archive = positionals[0]!;
    let source;
    try {
      source = await openFileSource(resolvePath(context.cwd, archive));
    } catch (error) {
      context.stderr.write(errorLine(archive, error));
      return EXIT_ARCHIVE_PROBLEM;
    }
    try {
      const reader = await openZip(source, { log: context.log });
      if (values['json'] === true) await listJson(reader, context);
      else await listTable(reader, context);
      return EXIT_OK;
    } catch (error) {
      context.stderr.write(errorLine(archive, error));
      return EXIT_ARCHIVE_PROBLEM;
    } finally {
      await source.close();
    }
  },
};

type Reader = Awaited<ReturnType<typeof openZip>>;

/**
 * Rows are written as bytes straight into a 1 MiB buffer, handed to stdout whenever it fills:
 * no string per row or per column. A million rows of strings (padStart, template pieces, join)
 * cost more in garbage collection than reading the central directory itself.
 */
class RowWriter {
  private buf = Buffer.allocUnsafe(OUTPUT_CHUNK);
  at = 0;

  constructor(private readonly stdout: CliContext['stdout']) {}

  /** Makes room for `bytes` more; flushes (and waits for the stream to drain) when full. */
  async room(bytes: number): Promise<void> {
    if (this.at + bytes <= this.buf.length) return;
    await this.flush();
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
  }

  /** Whether `bytes` more fit without a flush (the common case, checked without a promise). */
  fits(bytes: number): boolean {
    return this.at + bytes <= this.buf.length;
  }

  async flush(): Promise<void> {
    if (this.at === 0) return;
    const chunk = this.buf.subarray(0, this.at);
    // The stream keeps the chunk until written: the next rows go to a fresh buffer.
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.at = 0;
    if (!this.stdout.write(chunk)) await once(this.stdout, 'drain');
  }

  ascii(text: string): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    this.at = at;
  }

  /** Short byte runs (dates, method names): a loop beats TypedArray.set's call overhead. */
  bytes(bytes: Uint8Array): void {
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i]!;
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

/** Output is handed to stdout a megabyte at a time. */
const OUTPUT_CHUNK = 1024 * 1024;
/** Room a row needs besides its name (numbers, date, method, punctuation). */
const ROW_FIXED = 256;

/** Names that JSON.stringify would escape (quotes, backslashes, controls, lone surrogates). */
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

function rowRoom(entry: ZipEntry): number {
  return ROW_FIXED + entry.name.length * 3;
}

async function listJson(reader: Reader, context: CliContext): Promise<void> {
  const out = new RowWriter(context.stdout);
  out.text(`{"comment":${JSON.stringify(reader.info.comment)},"entries":[`);
  try {
    await jsonRows(reader, context, out);
  } finally {
    // Rows read before a damaged record are shown, as unzip does.
    await out.flush();
  }
  await writeOut(context.stdout, '\n]}\n');
}

async function jsonRows(reader: Reader, context: CliContext, out: RowWriter): Promise<void> {
  let first = true;
  for await (const batch of reader.entryBatches()) {
    if (context.signal.aborted) break;
    for (const entry of batch) {
      const name = entry.name;
      const quoted = JSON_ESCAPED.test(name) ? JSON.stringify(name) : undefined;
      const room = ROW_FIXED + (quoted ?? name).length * 3;
      if (!out.fits(room)) await out.room(room);
      out.ascii(first ? '\n{"name":' : ',\n{"name":');
      if (quoted !== undefined) out.text(quoted);
      else {
        out.ascii('"');
        out.text(name);
        out.ascii('"');
      }
      out.ascii(',"size":');
      out.int(entry.uncompressedSize);
      out.ascii(',"compressedSize":');
      out.int(entry.compressedSize);
      out.ascii(',"crc32":');
      out.int(entry.crc32);
      out.ascii(',"method":');
      out.int(entry.compressionMethod);
      out.ascii(',"modified":"');
      out.bytes(timeBytes(entry.modified).iso);
      out.ascii(entry.isDirectory ? '","isDirectory":true' : '","isDirectory":false');
      out.ascii(entry.encrypted ? ',"encrypted":true}' : ',"encrypted":false}');
      first = false;
    }
  }
}

const HEADER = ' Length   Method    Size  Cmpr    Date    Time   CRC-32   Name\n--------  ------  ------- ---- ---------- ----- --------  ----\n';

async function listTable(reader: Reader, context: CliContext): Promise<void> {
  const { stdout } = context;
  if (reader.info.comment !== '') await writeOut(stdout, `${reader.info.comment}\n`);
  await writeOut(stdout, HEADER);
  const out = new RowWriter(stdout);
  let count = 0;
  let size = 0;
  let compressed = 0;
  try {
    for await (const batch of reader.entryBatches()) {
      if (context.signal.aborted) break;
      for (const entry of batch) {
        const room = rowRoom(entry);
        if (!out.fits(room)) await out.room(room);
        tableRow(out, entry);
        count++;
        size += entry.uncompressedSize;
        compressed += entry.compressedSize;
      }
    }
  } finally {
    await out.flush();
  }
  await writeOut(
    stdout,
    '--------          -------  ---                            -------\n' +
      `${String(size).padStart(8)}          ${String(compressed).padStart(7)} ${ratio(size, compressed).padStart(4)}                            ${count} ${count === 1 ? 'file' : 'files'}\n`,
  );
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

function methodBytes(entry: ZipEntry): Uint8Array {
  const method = entry.compressionMethod;
  const key = method * 4 + (method === 8 ? (entry.generalPurposeBitFlag >> 1) & 0b11 : 0);
  let bytes = methodCache.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(methodColumn(method, entry.generalPurposeBitFlag).padEnd(6), 'latin1');
    methodCache.set(key, bytes);
  }
  return bytes;
}

function ratio(size: number, compressed: number): string {
  if (size === 0) return '0%';
  return `${Math.round((1 - compressed / size) * 100)}%`;
}

function tableRow(out: RowWriter, entry: ZipEntry): void {
  const size = entry.uncompressedSize;
  const compressed = entry.compressedSize;
  out.int(size, 8);
  out.ascii('  ');
  out.bytes(methodBytes(entry));
  out.ascii(' ');
  out.int(compressed, 8);
  out.ascii(' ');
  const percent = size === 0 ? 0 : Math.round((1 - compressed / size) * 100);
  if (percent >= 0) {
    out.int(percent, 3);
    out.ascii('%');
  } else out.ascii(`${percent}%`.padStart(4));
  out.ascii(' ');
  out.bytes(timeBytes(entry.modified).table);
  out.ascii(' ');
  out.hex8(entry.crc32);
  out.ascii('  ');
  out.text(entry.name);
  out.ascii(entry.encrypted ? ' (encrypted)\n' : '\n');
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

interface TimeText {
  /** "2024-03-01T13:45:10" */
  readonly iso: Uint8Array;
  /** "2024-03-01 13:45" */
  readonly table: Uint8Array;
}

/** Entries of one archive mostly share a handful of times; local-time conversion is not cheap. */
const timeCache = new Map<number, TimeText>();
let lastTime = Number.NaN;
let lastText: TimeText | undefined;

function timeBytes(date: Date): TimeText {
  const time = date.getTime();
  if (time === lastTime) return lastText!;
  let text = timeCache.get(time);
  if (text === undefined) {
    const iso = localIsoTime(date);
    text = { iso: Buffer.from(iso, 'latin1'), table: Buffer.from(`${iso.slice(0, 10)} ${iso.slice(11, 16)}`, 'latin1') };
    if (timeCache.size > 100_000) timeCache.clear();
    timeCache.set(time, text);
  }
  lastTime = time;
  lastText = text;
  return text;
}

/** "2024-03-01T13:45:10": ISO 8601 in local time, no zone (what `list --json` promises). */
export function localIsoTime(date: Date): string {
  if (!Number.isFinite(date.getTime())) return '1980-01-01T00:00:00';
  const year = date.getFullYear();
  return `${String(year).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

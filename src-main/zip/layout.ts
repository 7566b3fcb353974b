// The machinery behind "each record's layout is declared once": a layout is a table of
// little-endian fields in APPNOTE order (Python's struct.unpack('<IHHHHHIIIHH') is the idea).
// From that one table come the decoder, the encoder and the field-by-field view that the
// inspector shows, so reading, writing and showing cannot disagree with each other.
//
// Fixed records (local header, central header, end records, data descriptor) get a decoder
// compiled once (at its first use) from the table into straight-line reads: the reader walks a
// million central records in well under a second. Extra fields are smaller and have optional
// parts (ZIP64's fields exist only for the header values that overflowed), so their fields carry
// a `when`.

import { Buffer } from 'node:buffer';

export type Width = 1 | 2 | 4 | 8;

export interface FieldSpec<N extends string = string> {
  readonly name: N;
  readonly width: Width;
}

/** A variable-length byte run after the fixed part, whose length is another field's value. */
export interface TailSpec<T extends string = string, N extends string = string> {
  readonly name: T;
  readonly lengthField: N;
}

/** One field as the inspector shows it: where it is, its bytes, and its decoded value. */
export interface FieldView {
  readonly name: string;
  /** Absolute offset in the archive. */
  readonly offset: number;
  readonly size: number;
  /** The raw bytes as lowercase hex pairs separated by spaces (long runs are cut with "…"). */
  readonly raw: string;
  /** Integers for numeric fields; byte runs as a Buffer (the caller decodes names). */
  readonly value: number | Buffer;
}

type Values<N extends string> = { [K in N]: number };

const MAX_RAW_SHOWN = 64;

export function rawHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const shown = Math.min(end, start + MAX_RAW_SHOWN);
  const parts: string[] = [];
  for (let i = start; i < shown; i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ') + (end > shown ? ` … (${end - start} bytes)` : '');
}

export function readUInt(buf: Buffer, at: number, width: Width): number {
  switch (width) {
    case 1:
      return buf[at]!;
    case 2:
      return buf.readUInt16LE(at);
    case 4:
      return buf.readUInt32LE(at);
    case 8:
      // Exact up to 2^53; beyond that the value is larger than any file we can open, which is
      // all the reader needs to know to reject it.
      return buf.readUInt32LE(at) + buf.readUInt32LE(at + 4) * 0x1_0000_0000;
  }
}

/** The largest value of each width (8 bytes: the largest integer a number holds exactly). */
const MAX_OF_WIDTH: Readonly<Record<Width, number>> = { 1: 0xff, 2: 0xffff, 4: 0xffff_ffff, 8: Number.MAX_SAFE_INTEGER };

export function writeUInt(buf: Buffer, at: number, width: Width, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_OF_WIDTH[width]) {
    throw new RangeError(`value ${value} does not fit in ${width} bytes`);
  }
  switch (width) {
    case 1:
      buf[at] = value;
      return;
    case 2:
      buf.writeUInt16LE(value, at);
      return;
    case 4:
      buf.writeUInt32LE(value, at);
      return;
    case 8:
      buf.writeUInt32LE(value % 0x1_0000_0000, at);
      buf.writeUInt32LE(Math.floor(value / 0x1_0000_0000), at + 4);
      return;
  }
}

type Decode<N extends string> = (buf: Buffer, at: number) => Values<N>;
type DecodeInto<N extends string> = (buf: Buffer, at: number, values: Values<N>) => Values<N>;
type EncodeFixed<N extends string> = (buf: Buffer, values: Values<N>, tails: Record<string, Uint8Array>, signature: number) => void;

/**
 * A fixed-size record with an optional signature and variable-length tails
 * (file name, extra field, comment) whose lengths are fields of the record.
 */
export class RecordLayout<N extends string, T extends string = never> {
  readonly size: number;
  readonly offsetOf: Readonly<Values<N>>;
  /** Decodes the fixed part at `at`. The caller has checked that `size` bytes are there. */
  readonly decode: Decode<N>;
  /**
   * The same into `values` (one that decode made), which it returns: a walk over a million
   * records that reads each record's values before the next spares a million objects.
   */
  readonly decodeInto: DecodeInto<N>;
  /** Writes the fixed part at 0: the signature given, tail lengths from `tails`, the rest from `values`. */
  private readonly encodeFixed: EncodeFixed<N>;

  constructor(
    /** Spec name, e.g. "central directory file header". */
    readonly title: string,
    /** APPNOTE section, e.g. "4.3.12". */
    readonly section: string,
    readonly signature: number | undefined,
    readonly fields: readonly FieldSpec<N>[],
    readonly tails: readonly TailSpec<T, N>[] = [],
  ) {
    const offsets = {} as Values<N>;
    let size = 0;
    for (const field of fields) {
      offsets[field.name] = size;
      size += field.width;
    }
    this.size = size;
    this.offsetOf = offsets;
    // Each compiled at its first call, which puts it in the stub's place: a command uses a few
    // of the ten layouts' thirty functions, and compiling them all as the module loaded took some
    // 3 ms of every command's start (and of every helper thread's).
    const mutable = this as unknown as { decode: Decode<N>; decodeInto: DecodeInto<N>; encodeFixed: EncodeFixed<N> };
    this.decode = compiledAtFirstCall(
      () => compileDecoder<N>(fields, offsets, false) as Decode<N>,
      (decode) => (mutable.decode = decode),
    );
    this.decodeInto = compiledAtFirstCall(
      () => compileDecoder<N>(fields, offsets, true),
      (decodeInto) => (mutable.decodeInto = decodeInto),
    );
    this.encodeFixed = compiledAtFirstCall(
      () => compileEncoder<N, T>(title, fields, offsets, signature !== undefined, tails),
      (encodeFixed) => (mutable.encodeFixed = encodeFixed),
    );
  }

  /** Total length of the record: the fixed part plus its tails. */
  lengthOf(values: Values<N>): number {
    let length = this.size;
    for (const tail of this.tails) length += values[tail.lengthField];
    return length;
  }

  /** Where each tail starts, relative to the record's start. */
  tailOffsets(values: Values<N>): Record<T, number> {
    const result = {} as Record<T, number>;
    let at = this.size;
    for (const tail of this.tails) {
      result[tail.name] = at;
      at += values[tail.lengthField];
    }
    return result;
  }

  /**
   * Encodes the record. The signature is filled in, and every tail's length field is set from
   * the bytes given, so callers cannot make the two disagree.
   */
  encode(values: Omit<Values<N>, 'signature' | TailLengthFields<N, T>>, tails: { [K in T]: Uint8Array } = {} as never): Buffer {
    let length = this.size;
    for (const tail of this.tails) length += tails[tail.name].length;
    const buf = Buffer.allocUnsafe(length);
    this.encodeFixed(buf, values as Values<N>, tails as Record<string, Uint8Array>, this.signature ?? 0);
    let at = this.size;
    for (const tail of this.tails) {
      const bytes = tails[tail.name];
      buf.set(bytes, at);
      at += bytes.length;
    }
    return buf;
  }

  /** Every field and tail of the record at `at`, for the inspector. `base` is added to offsets. */
  describe(buf: Buffer, at: number, base = 0): FieldView[] {
    const values = this.decode(buf, at);
    const views: FieldView[] = this.fields.map((field) => {
      const offset = at + this.offsetOf[field.name];
      return { name: field.name, offset: base + offset, size: field.width, raw: rawHex(buf, offset, offset + field.width), value: values[field.name] };
    });
    let offset = at + this.size;
    for (const tail of this.tails) {
      const length = values[tail.lengthField];
      const end = Math.min(buf.length, offset + length);
      views.push({ name: tail.name, offset: base + offset, size: length, raw: rawHex(buf, offset, end), value: buf.subarray(offset, end) });
      offset += length;
    }
    return views;
  }
}

/**
 * A stub for `compile()`'s function that makes it at its first call, hands it to `install` (to
 * take the stub's place) and calls it; a caller that kept the stub gets the same function.
 */
function compiledAtFirstCall<F extends (...args: never[]) => unknown>(compile: () => F, install: (compiled: F) => void): F {
  let compiled: F | undefined;
  return ((...args: Parameters<F>) => {
    if (compiled === undefined) {
      compiled = compile();
      install(compiled);
    }
    return compiled(...args);
  }) as F;
}

/** The field names that hold a tail's length; `encode` sets them itself. */
type TailLengthFields<N extends string, T extends string> = [T] extends [never] ? never : N & `${string}Length`;

/**
 * Straight-line writes of the fixed part, compiled once like the decoder (a writer encodes two
 * records per entry, and a field-by-field loop over the table cost as much as the I/O). Every
 * value is still checked to fit its width.
 */
function compileEncoder<N extends string, T extends string>(
  title: string,
  fields: readonly FieldSpec<N>[],
  offsets: Values<N>,
  signed: boolean,
  tails: readonly TailSpec<T, N>[],
): (buf: Buffer, values: Values<N>, tails: Record<string, Uint8Array>, signature: number) => void {
  const lines: string[] = [];
  for (const field of fields) {
    const o = offsets[field.name];
    const tail = tails.find((t) => t.lengthField === field.name);
    const source = signed && field.name === 'signature' ? 'signature' : tail ? `tails[${JSON.stringify(tail.name)}].length` : `values[${JSON.stringify(field.name)}]`;
    const max = field.width === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * field.width) - 1;
    lines.push(`v = ${source};`);
    lines.push(`if (!Number.isInteger(v) || v < 0 || v > ${max}) fail(${JSON.stringify(field.name)}, v);`);
    switch (field.width) {
      case 1:
        lines.push(`buf[${o}] = v;`);
        break;
      case 2:
        lines.push(`buf[${o}] = v & 255; buf[${o + 1}] = v >>> 8;`);
        break;
      case 4:
        lines.push(`buf[${o}] = v & 255; buf[${o + 1}] = (v >>> 8) & 255; buf[${o + 2}] = (v >>> 16) & 255; buf[${o + 3}] = v >>> 24;`);
        break;
      case 8:
        lines.push(`lo = v % 4294967296; hi = Math.floor(v / 4294967296);`);
        lines.push(`buf[${o}] = lo & 255; buf[${o + 1}] = (lo >>> 8) & 255; buf[${o + 2}] = (lo >>> 16) & 255; buf[${o + 3}] = lo >>> 24;`);
        lines.push(`buf[${o + 4}] = hi & 255; buf[${o + 5}] = (hi >>> 8) & 255; buf[${o + 6}] = (hi >>> 16) & 255; buf[${o + 7}] = hi >>> 24;`);
        break;
    }
  }
  const fail = (name: string, value: unknown): never => {
    if (value === undefined) throw new TypeError(`${title}: no value for ${name}`);
    throw new RangeError(`value ${String(value)} does not fit in the ${name} field of ${title}`);
  };
  const body = `let v, lo, hi;\n${lines.join('\n')}`;
  const encode = new Function('fail', 'buf', 'values', 'tails', 'signature', body) as (
    f: typeof fail,
    buf: Buffer,
    values: Values<N>,
    tails: Record<string, Uint8Array>,
    signature: number,
  ) => void;
  return (buf, values, tailBytes, signature) => encode(fail, buf, values, tailBytes, signature);
}

function compileDecoder<N extends string>(fields: readonly FieldSpec<N>[], offsets: Values<N>, into: boolean): (buf: Buffer, at: number, values: Values<N>) => Values<N> {
  // Plain byte arithmetic rather than readUInt16LE/readUInt32LE: the caller has checked the
  // bounds, and skipping Buffer's own checks makes a million-record walk three times faster.
  const u32 = (o: number): string => `((buf[at + ${o}] | buf[at + ${o + 1}] << 8 | buf[at + ${o + 2}] << 16) + buf[at + ${o + 3}] * 16777216)`;
  const read = (field: FieldSpec<N>): string => {
    const o = offsets[field.name];
    switch (field.width) {
      case 1:
        return `buf[at + ${o}]`;
      case 2:
        return `(buf[at + ${o}] | buf[at + ${o + 1}] << 8)`;
      case 4:
        return u32(o);
      case 8:
        return `(${u32(o)} + ${u32(o + 4)} * 4294967296)`;
    }
  };
  const body = into
    ? `${fields.map((f) => `values[${JSON.stringify(f.name)}] = ${read(f)};`).join('\n')}\nreturn values;`
    : `return {\n${fields.map((f) => `  ${JSON.stringify(f.name)}: ${read(f)},`).join('\n')}\n};`;
  return new Function('buf', 'at', 'values', body) as (buf: Buffer, at: number, values: Values<N>) => Values<N>;
}

// ---------------------------------------------------------------------------------------------
// Extra fields (APPNOTE 4.5): header id, data size, then fields, some of them optional.

export interface ExtraContext {
  /** True in a local header, false in a central record (some fields exist only locally). */
  readonly local: boolean;
  /** ZIP64 (4.5.3): which header values were 0xFFFFFFFF / 0xFFFF and so live in the extra field. */
  readonly zip64?: {
    readonly uncompressedSize: boolean;
    readonly compressedSize: boolean;
    readonly relativeOffsetOfLocalHeader: boolean;
    readonly diskNumberStart: boolean;
  };
}

export interface ExtraFieldSpec {
  readonly name: string;
  /** Fixed width, or… */
  readonly width?: Width;
  /** …an unsigned integer whose width is another field's value (Info-ZIP 0x7875's uid/gid), or… */
  readonly widthField?: string;
  /** …a byte run: the rest of the field's data. */
  readonly rest?: true;
  /** Present only when this holds; fields that do not fit in the data are absent too. */
  readonly when?: (values: Readonly<Record<string, number | Buffer>>, context: ExtraContext) => boolean;
}

export interface DecodedExtra {
  readonly values: Record<string, number | Buffer>;
  /** Bytes left over after the last field that fitted (a malformed or newer field). */
  readonly trailing: number;
}

export class ExtraFieldLayout {
  constructor(
    readonly headerId: number,
    readonly title: string,
    readonly section: string,
    readonly fields: readonly ExtraFieldSpec[],
  ) {}

  /** Decodes the field's data (after the 4-byte header). Never reads past `end`. */
  decode(buf: Buffer, start: number, end: number, context: ExtraContext): DecodedExtra {
    return this.walk(buf, start, end, context, undefined);
  }

  /**
   * One number field of the data, as `decode` would give it (undefined when absent), decoding
   * only the fields before it and making no object: for readers that want one field of every
   * record (the extended timestamp's modTime of a million central records). Compiled from the
   * table on first use, as the records' decoders are: the general walk cost more than the rest
   * of listing a plain record.
   */
  numberOf(name: string, buf: Buffer, start: number, end: number, context: ExtraContext): number | undefined {
    let read = this.readers.get(name);
    if (read === undefined) {
      read = compileFieldReader(this.title, this.fields, name);
      this.readers.set(name, read);
    }
    return read(buf, start, end, context);
  }

  private readonly readers = new Map<string, FieldReader>();

  describe(buf: Buffer, start: number, end: number, context: ExtraContext, base = 0): FieldView[] {
    return [
      { name: 'headerId', offset: base + start - 4, size: 2, raw: rawHex(buf, start - 4, start - 2), value: buf.readUInt16LE(start - 4) },
      { name: 'dataSize', offset: base + start - 2, size: 2, raw: rawHex(buf, start - 2, start), value: buf.readUInt16LE(start - 2) },
      ...this.describeData(buf, start, end, context, base),
    ];
  }

  /** The fields of the data in [start, end) alone (a part of a field that has parts of its own, as NTFS attributes are). */
  describeData(buf: Buffer, start: number, end: number, context: ExtraContext, base = 0): FieldView[] {
    const views: FieldView[] = [];
    const decoded = this.walk(buf, start, end, context, (name, at, size, value) => {
      views.push({ name, offset: base + at, size, raw: rawHex(buf, at, at + size), value });
    });
    if (decoded.trailing > 0) {
      views.push({ name: '(unparsed)', offset: base + end - decoded.trailing, size: decoded.trailing, raw: rawHex(buf, end - decoded.trailing, end), value: buf.subarray(end - decoded.trailing, end) });
    }
    return views;
  }

  /**
   * Header id, data size and data, for the writer. Fields without a value are left out.
   * `following` is data after the fields that has a layout of its own (the NTFS field's
   * attributes, NTFS_ATTRIBUTE).
   */
  encode(values: Readonly<Record<string, number | Uint8Array>>, context: ExtraContext, following?: Uint8Array): Buffer {
    return this.encodeInto(4, values, context, following);
  }

  /** The data alone, without the header (an NTFS attribute, which goes in the NTFS field's data). */
  encodeData(values: Readonly<Record<string, number | Uint8Array>>, context: ExtraContext): Buffer {
    return this.encodeInto(0, values, context, undefined);
  }

  private encodeInto(header: 0 | 4, values: Readonly<Record<string, number | Uint8Array>>, context: ExtraContext, following: Uint8Array | undefined): Buffer {
    // Which fields go in and how wide they are first, then one buffer (a writer encodes one or
    // two extra fields per header, tens of thousands of times).
    const present: { width: number; value: number | Uint8Array }[] = [];
    const seen: Record<string, number | Buffer> = {};
    let size = 0;
    for (const field of this.fields) {
      const value = values[field.name];
      if (field.when && !field.when(seen, context)) continue;
      if (value === undefined) continue;
      if (typeof value === 'number') {
        const width = field.width ?? (field.widthField ? (seen[field.widthField] as number) : undefined);
        if (width === undefined) throw new TypeError(`${this.title}: ${field.name} is a byte run, not a number`);
        present.push({ width, value });
        size += width;
        seen[field.name] = value;
      } else {
        present.push({ width: value.length, value });
        size += value.length;
        seen[field.name] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      }
    }
    if (following !== undefined) size += following.length;
    if (size > 0xffff) throw new RangeError(`${this.title}: ${size} bytes do not fit in an extra field`);
    const buf = Buffer.allocUnsafe(header + size);
    if (header === 4) {
      buf.writeUInt16LE(this.headerId, 0);
      buf.writeUInt16LE(size, 2);
    }
    let at = header;
    for (const { width, value } of present) {
      if (typeof value !== 'number') buf.set(value, at);
      else if (width === 1 || width === 2 || width === 4 || width === 8) writeUInt(buf, at, width, value);
      else if (width > 0) buf.writeUIntLE(value, at, width);
      at += width;
    }
    if (following !== undefined) buf.set(following, at);
    return buf;
  }

  private walk(
    buf: Buffer,
    start: number,
    end: number,
    context: ExtraContext,
    visit: ((name: string, at: number, size: number, value: number | Buffer) => void) | undefined,
  ): DecodedExtra {
    const values: Record<string, number | Buffer> = {};
    let at = start;
    for (const field of this.fields) {
      if (field.when && !field.when(values, context)) continue;
      if (field.rest) {
        const value = buf.subarray(at, end);
        values[field.name] = value;
        visit?.(field.name, at, end - at, value);
        at = end;
        continue;
      }
      const width = field.width ?? (values[field.widthField!] as number);
      if (at + width > end) break;
      const value = readWidth(buf, at, width);
      values[field.name] = value;
      visit?.(field.name, at, width, value);
      at += width;
    }
    return { values, trailing: end - at };
  }
}

type FieldReader = (buf: Buffer, start: number, end: number, context: ExtraContext) => number | undefined;

/**
 * Straight-line code for ExtraFieldLayout.numberOf: the fields up to `name` decoded as walk
 * decodes them (each `when` asked with the values before it, a field that does not fit ends the
 * data), into one object kept for every call. Fields of a fixed width or another field's width
 * only: a byte run has no number to give, and none comes before a number in our tables.
 */
function compileFieldReader(title: string, fields: readonly ExtraFieldSpec[], name: string): FieldReader {
  const last = fields.findIndex((field) => field.name === name);
  if (last === -1) throw new TypeError(`${title} has no field ${name}`);
  const lines = ['let at = start, width;'];
  for (const [i, field] of fields.slice(0, last + 1).entries()) {
    const key = JSON.stringify(field.name);
    if (field.rest) throw new TypeError(`${title}: ${field.name} is a byte run, not a number`);
    // (A skipped field is left unset: the `when`s after it see what walk would show them.)
    lines.push(`values[${key}] = undefined;`);
    const decodeIt = [
      field.width !== undefined ? `width = ${field.width};` : `width = values[${JSON.stringify(field.widthField)}];`,
      'if (at + width > end) return undefined;',
      `values[${key}] = readNumber(buf, at, width);`,
      'at += width;',
    ];
    lines.push(field.when ? `if (when[${i}](values, context)) {\n${decodeIt.join('\n')}\n}` : decodeIt.join('\n'));
  }
  lines.push(`return values[${JSON.stringify(name)}];`);
  const when = fields.map((field) => field.when);
  const values: Record<string, number | undefined> = Object.fromEntries(fields.map((field) => [field.name, undefined]));
  const read = new Function('when', 'values', 'readNumber', 'buf', 'start', 'end', 'context', lines.join('\n')) as (
    w: typeof when,
    v: typeof values,
    r: typeof readWidth,
    buf: Buffer,
    start: number,
    end: number,
    context: ExtraContext,
  ) => number | undefined;
  return (buf, start, end, context) => read(when, values, readWidth, buf, start, end, context);
}

/** An extra field's unsigned number of any width it may have (a width field may say 0 to 255). */
function readWidth(buf: Buffer, at: number, width: number): number {
  if (width === 1 || width === 2 || width === 4 || width === 8) return readUInt(buf, at, width);
  if (width === 0) return 0;
  return width <= 6 ? buf.readUIntLE(at, width) : Number.NaN; // 7 or more bytes: shown raw, used by nobody
}

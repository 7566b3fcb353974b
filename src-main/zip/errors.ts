// Every way a ZIP archive can be wrong, as one error type with a stable code.
// Bad input rejects with a ZipError; only programmer misuse throws anything else.
// Messages carry the offending value ("bad central directory signature 0x06054b51 at offset 812"),
// and `entry` names the entry when there is one, so a caller can print one line:
// "ARCHIVE: ENTRY: message".

export type ZipErrorCode =
  | 'NOT_A_ZIP' // no end of central directory record anywhere
  | 'EOCD_NOT_FOUND'
  | 'TRUNCATED' // a record or the data runs past the end of the file
  | 'BAD_SIGNATURE'
  | 'BAD_ZIP64' // ZIP64 locator or end record inconsistent
  | 'MULTI_DISK' // split / spanned archives
  | 'BAD_CENTRAL_DIRECTORY'
  | 'TOO_MANY_ENTRIES' // a declared count the file cannot hold
  | 'BAD_EXTRA_FIELD'
  | 'BAD_LOCAL_HEADER'
  | 'LOCAL_MISMATCH' // local header disagrees with its central record
  | 'OVERLAPPING_ENTRIES'
  | 'UNSUPPORTED_METHOD'
  | 'ENCRYPTED'
  | 'CRC_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'BAD_DEFLATE'
  | 'UNSAFE_PATH'
  | 'UNSAFE_SYMLINK'
  | 'BAD_NAME'
  | 'EXISTS'
  | 'IO'
  | 'CANCELLED'
  | 'SOURCE_CHANGED'
  | 'NOTHING_TO_ARCHIVE' // create: every path found was excluded or left out
  | 'DISK_FULL' // ENOSPC or EDQUOT while writing: extraction stops
  | 'BAD_COMMENT' // create: a comment that other readers would take for the end record
  | 'TOO_LARGE';

/** Where a problem was seen, and what its message is made of. */
export interface ZipErrorDetails {
  readonly entry?: string | undefined;
  readonly offset?: number | undefined;
  readonly cause?: unknown;
  /** Which of the code's messages this is, where it has more than one that another language words apart. */
  readonly kind?: string | undefined;
  /** The values the message is made of, by name. */
  readonly params?: Readonly<Record<string, string | number>> | undefined;
}

export class ZipError extends Error {
  override readonly name = 'ZipError';
  readonly code: ZipErrorCode;
  /** The entry's name, when the problem belongs to one entry. */
  readonly entry: string | undefined;
  /** Byte offset in the archive where the problem was seen, when known. */
  readonly offset: number | undefined;
  /**
   * For the problems the safety report lists (an unsafe name, a local header that cannot be
   * read…) and the common ones of a job's entries (a CRC-32 that differs, a method or encryption
   * that cannot be read, a source file that changed…), which message this is and what it is made
   * of: the window words them in its own language from these (ipc/archives.ts toSafetyView,
   * ipc/jobs.ts). Not set on the rest, which are said in English.
   */
  declare readonly kind?: string;
  declare readonly params?: Readonly<Record<string, string | number>>;

  constructor(code: ZipErrorCode, message: string, details: ZipErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.entry = details.entry;
    this.offset = details.offset;
    if (details.kind !== undefined) this.kind = details.kind;
    if (details.params !== undefined) this.params = details.params;
  }

  /** The same problem, now attributed to an entry. */
  withEntry(entry: string): ZipError {
    if (this.entry !== undefined) return this;
    return new ZipError(this.code, this.message, { entry, offset: this.offset, cause: this.cause, kind: this.kind, params: this.params });
  }
}

/**
 * A ZipError without a stack trace, for problems made by the hundred thousand (one per entry of
 * an overlap bomb) and kept until reported: a captured stack costs about a kilobyte each, and
 * these are never thrown from where they are made.
 */
export function stacklessZipError(code: ZipErrorCode, message: string, details: Omit<ZipErrorDetails, 'cause'> = {}): ZipError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ZipError(code, message, details);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** What an error's message is made of (ZipError.kind, params), to travel where the error does not: a problem kept for later, a message between threads. */
export interface Worded {
  readonly kind?: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** The kind and values of an error's message, where it has them. */
export function wordedAs(error: ZipError): Worded {
  return { ...(error.kind !== undefined && { kind: error.kind }), ...(error.params !== undefined && { params: error.params }) };
}

export function isZipError(e: unknown): e is ZipError {
  return e instanceof ZipError;
}

/**
 * An integer as messages and listings write it: the number's exact value. An 8-byte field past
 * 2^53 is held rounded to the nearest number (the model's values are numbers, layout.ts readUInt),
 * and String() writes the shortest text that reads back as that number, made-up zeros at its end
 * (18446744073709552000 for 2^64): every place wrote its own digits for one value. Its exact value
 * (18446744073709551616) is one integer, the same in every place; `zipdesk inspect`, which reads the
 * field's bytes, shows what was stored (0xFFFFFFFFFFFFFFFF is 18446744073709551615).
 */
export function integerText(value: number): string {
  return Number.isSafeInteger(value) || !Number.isInteger(value) ? String(value) : BigInt(value).toString();
}

/** A count as messages say it: `1 entry`, `2 entries`. */
export function counted(count: number, one: string, more: string): string {
  return `${integerText(count)} ${count === 1 ? one : more}`;
}

/** `1 byte`, `2 bytes`. */
export function bytesText(bytes: number): string {
  return counted(bytes, 'byte', 'bytes');
}

/** 0x06054b51 — how signatures and ids are written in messages. */
export function hex(value: number, digits = 8): string {
  return '0x' + value.toString(16).padStart(digits, '0');
}

// What the header inspector says a field's value means (inspect.ts), as codes with the values
// they are made of, and their English wording, which `zipdesk inspect` prints. The window words
// the same codes in the user's language (its catalog's `meaning.CODE`, MEANING_CODES in the
// contract), so a German window says "wie erwartet" where the command line says "as expected".
//
// A meaning is clauses said one after another ("; "), each of parts (", "): "0x06064b50, as
// expected; the ZIP64 end record contradicts …" is two clauses, the first of two parts. A
// value named `size` is a number of bytes of 1,000 or more, said in decimal units ("40.0 KB");
// every other value is said as it is.

/** The English wording of each code; `{name}` is a value, `{name|one|other}` picks by it. */
export const MEANING_ENGLISH = {
  /** Said alike in every language: a hex value, a version, a method's name, a date, rwx… */
  TEXT: '{text}',
  NONE: 'none',
  AS_EXPECTED: 'as expected',
  BAD_SIGNATURE: 'bad signature: expected {expected}',
  VERSION_MADE_BY: '{host}, spec {spec}',
  VERSION_MADE_BY_HOST_NUMBER: 'host {host}, spec {spec}',
  FLAG_ENCRYPTED: 'bit 0 encrypted',
  FLAG_DATA_DESCRIPTOR: 'bit 3 data descriptor',
  FLAG_ENHANCED_DEFLATING: 'bit 4 enhanced deflating',
  FLAG_PATCHED_DATA: 'bit 5 compressed patched data',
  FLAG_STRONG_ENCRYPTION: 'bit 6 strong encryption',
  FLAG_UTF8: 'bit 11 UTF-8 names',
  FLAG_MASKED_HEADER: 'bit 13 masked local header values',
  FLAG_DEFLATE_MAXIMUM: 'bits 1-2 maximum compression',
  FLAG_DEFLATE_FAST: 'bits 1-2 fast compression',
  FLAG_DEFLATE_SUPER_FAST: 'bits 1-2 super fast compression',
  FLAG_OTHER: 'other bits {bits}',
  METHOD_NUMBER: 'method {method}',
  /** Method names that say what was done (APPNOTE 4.4.5), not a name of their own as Deflated, BZIP2 or LZMA are. */
  METHOD_STORED: 'Stored',
  METHOD_ZSTANDARD_OLD: 'Zstandard (old)',
  DOS_TIME_OUT_OF_RANGE: '{time} (out of range)',
  DOS_DATE: '{date} (local time)',
  DOS_DATE_OUT_OF_RANGE: '{date} (out of range)',
  IN_DATA_DESCRIPTOR: 'in the data descriptor',
  IN_ZIP64_EXTRA_FIELD: 'in the ZIP64 extra field',
  ZIP64_VALUE_MISSING: 'ZIP64 marker, but no ZIP64 extra field value for it',
  IN_ZIP64_END_RECORD: 'in the ZIP64 end record',
  /** A size under 1,000 bytes. */
  BYTES: '{bytes} {bytes|byte|bytes}',
  /** A size of 1,000 bytes or more, in decimal units. */
  SIZE: '{size}',
  /** A length field's (names, extra fields, comments). */
  LENGTH: '{bytes} {bytes|byte|bytes}',
  DECLARED_PRESENT: '{declared} {declared|byte|bytes} declared, {present} present',
  DISK: 'disk {disk}',
  DISKS: '{count} {count|disk|disks}',
  TEXT_DATA: 'text',
  BINARY_DATA: 'binary',
  DOS_ATTRIBUTES: 'DOS {letters}',
  NO_DOS_ATTRIBUTES: 'no DOS attributes',
  LOCAL_HEADER_AT: 'local header at offset {offset}',
  NAME_UTF8_FLAGGED: 'UTF-8 (bit 11)',
  NAME_UNFLAGGED: '{encoding} (no bit 11)',
  EXTRA_FIELD: '{id} {title}',
  EXTRA_FIELD_UNKNOWN: '{id} unknown extra field',
  EXTRA_FIELD_CUT: '{id} {title} (runs past the extra field area)',
  EXTRA_FIELD_UNKNOWN_CUT: '{id} unknown (runs past the extra field area)',
  EXTRA_FIELD_TRAILING_BYTES: 'trailing bytes',
  TIME_MODIFICATION: 'modification',
  TIME_ACCESS: 'access',
  TIME_CREATION: 'creation',
  NO_FILETIME: 'none (0)',
  NO_FILETIME_NOT_USED: 'none (0): not used',
  OUT_OF_RANGE: 'out of range',
  PAST_YEAR_9998: 'past the year 9998: not used',
  UNIX_TIME_NEGATIVE: 'read as negative (before 1970), as the DOS time of 1980-01-01 00:00 says',
  UNIX_TIME_CONTRADICTED: 'or {negative} read as negative: the DOS time says neither, so it is not used',
  NTFS_FILE_TIMES: 'attribute 1: file times',
  NTFS_ATTRIBUTE_UNKNOWN: 'attribute {tag}, unknown',
  NTFS_FILE_TIMES_TOO_SHORT: '{bytes} {bytes|byte|bytes}, too few for the file times (24): not read',
  UNICODE_NAME_CRC_MISMATCH: 'does not match the header name ({crc}): ignored',
  UNICODE_COMMENT_CRC_MISMATCH: 'does not match the file comment ({crc}): ignored',
  UNICODE_NAME_USED: 'matches the header name: used',
  UNICODE_COMMENT_USED: 'matches the file comment: used',
  UNICODE_NAME_VERSION_UNKNOWN: 'matches the header name, but version {version} is unknown: ignored',
  UNICODE_COMMENT_VERSION_UNKNOWN: 'matches the file comment, but version {version} is unknown: ignored',
  UNICODE_NAME_EMPTY: 'matches the header name, but the text is empty: ignored',
  UNICODE_COMMENT_EMPTY: 'matches the file comment, but the text is empty: ignored',
  UNICODE_NAME_NOT_UTF8: 'matches the header name, but the text is not UTF-8: ignored',
  UNICODE_COMMENT_NOT_UTF8: 'matches the file comment, but the text is not UTF-8: ignored',
  NOT_UTF8_ESCAPED: 'not UTF-8: bytes shown as \\xNN',
  VERSION_NUMBER: 'version {version}',
  VERSION_UNKNOWN: 'version {version}, unknown',
  LOCAL_OFFSET_NOT_READ: 'offset {offset}, in a local header: not read',
  LOCAL_DISK_NOT_READ: 'disk {disk}, in a local header: not read',
  AES_STRENGTH_NUMBER: 'strength {strength}',
  DATA_DESCRIPTOR_SIGNATURE: '{signature} (optional, 4.3.9.3)',
  MATCHES_CENTRAL: 'matches the central directory',
  CENTRAL_SAYS: 'central directory says {value}',
  AFTER_PREFIX: 'at {offset} after adding the {prefix}-byte prefix',
  DIRECTORY_AT: 'central directory at offset {offset}',
  DIRECTORY_READ_ELSEWHERE: 'offset {offset}, but the directory was read at {at}, where its size puts it before the end record',
  DIRECTORY_PAST_PREFIX: 'offset {offset}; the directory is at {at} ({prefix} {prefix|byte before the archive is|bytes before the archive are} not counted)',
  ENTRIES: '{count} {count|entry|entries}',
  BYTES_AFTER_ARCHIVE: '{bytes} {bytes|byte follows|bytes follow} the archive',
  OFFSET: 'offset {offset}',
  RECORD_LENGTH: '{bytes} {bytes|byte|bytes} after this field',
  RECORD_LENGTH_EXTENSIBLE: '{bytes} {bytes|byte|bytes} after this field ({extensible} {extensible|byte|bytes} of extensible data)',
  IGNORED: 'ignored',
  ZIP64_END_RECORD_AT: 'ZIP64 end record at offset {offset}',
  ZIP64_END_RECORD_ELSEWHERE: 'offset {offset}; the record is at {at}',
  /** The reader's reasons (reader.ts resolveEnd) for ignoring ZIP64 end records that are there. */
  ZIP64_END_RECORD_IGNORED: "the ZIP64 end record contradicts the end record, which needs none of its values: it is ignored, and the end record's values stand",
  ZIP64_LOCATOR_IGNORED: 'the ZIP64 locator leads to no usable ZIP64 end record, and the end record needs none: it is ignored',
} as const satisfies Readonly<Record<string, string>>;

export type MeaningCode = keyof typeof MEANING_ENGLISH;

export type MeaningParams = Readonly<Record<string, string | number>>;

export interface MeaningPart {
  readonly code: MeaningCode;
  readonly params?: MeaningParams;
}

/** Parts said together, ", " between them. */
export type MeaningClause = readonly MeaningPart[];

/** Clauses said one after another, "; " between them. */
export type Meaning = readonly MeaningClause[];

/** A meaning of one clause of one part. */
export function meaning(code: MeaningCode, params?: MeaningParams): Meaning {
  return [[part(code, params)]];
}

export function part(code: MeaningCode, params?: MeaningParams): MeaningPart {
  return params === undefined ? { code } : { code, params };
}

/** Text said alike in every language. */
export function textPart(text: string): MeaningPart {
  return { code: 'TEXT', params: { text } };
}

/** "600 bytes", or in the decimal units of the listing and the job lines: "40.0 KB". */
export function sizePart(n: number): MeaningPart {
  return n < 1000 ? part('BYTES', { bytes: n }) : part('SIZE', { size: n });
}

/** The English of a meaning, as `zipdesk inspect` prints it. */
export function meaningText(clauses: Meaning): string {
  return clauses.map((clause) => clause.map(partText).join(', ')).join('; ');
}

function partText({ code, params = {} }: MeaningPart): string {
  return MEANING_ENGLISH[code]
    .replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (whole, name: string, one: string, other: string) => (name in params ? (String(params[name]) === '1' ? one : other) : whole))
    .replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return name === 'size' && typeof value === 'number' ? decimalBytes(value) : String(value);
    });
}

/**
 * A number of bytes as the command line's job lines and the inspector say it: whole under 1,000
 * ("600 B"; a rate is not whole: "2.980022297063231 B/s" was shown), else in decimal units with one
 * decimal ("40.0 KB"), onward at 999.95 of a unit, which one decimal would show as 1000.0.
 */
export function decimalBytes(n: number): string {
  if (Math.round(n) < 1000) return `${Math.round(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

// Entry names and comments, bytes to text and back (APPNOTE 4.4.4 bit 11, 4.6.9, appendix D).
// Reading: UTF-8 when general purpose bit 11 says so and the bytes are UTF-8. Else the Info-ZIP
// Unicode path extra field (0x7075) when its CRC matches the header's name bytes, whatever bit 11
// says (yauzl, libarchive and Chromium's minizip read it so; Info-ZIP's unzip and 7-Zip keep a
// flagged header name).
// Else the header's bytes: as UTF-8 when they are valid UTF-8, otherwise as IBM code page 437.
// That last guess is libzip's and the archive comment's (which has no flag at all): Info-ZIP's
// zip on Linux and macOS's Archive Utility store UTF-8 names without the flag, and `unzip`, 7-Zip,
// bsdtar and Go give those names back, where a strict CP437 reading (Python's) makes "日本.txt"
// into "µùÑµ£¼.txt". A real CP437 name with letters past 0x7F is seldom valid UTF-8: its bytes
// would have to put a box-drawing or Greek character before one or more accented letters.
// A code page the user names (codePageOf: `--name-encoding shift_jis`, as 7-Zip's -mcp and
// unzip's -O) reads every name and comment that is not flagged UTF-8 and is not ASCII in its place:
// archives written on Windows in another language than English store their names in the system's
// code page (932 in Japan, 936 in China, 866 in Russia), which nothing in the archive says.
// Writing: ASCII names stay as they are; any other name is stored as UTF-8 with bit 11 set.

import { Buffer, isUtf8 } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { BITFLAG_UTF8 } from './constants.js';
import { DOS_CODE_PAGES, UNDEFINED_BYTE } from './dos-code-pages.js';
import type { NameEncoding } from './model.js';

const CP437_HIGH = DOS_CODE_PAGES['437']!;

export function isAsciiBytes(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** True when every character is 7-bit ASCII, so the name needs neither bit 11 nor a Unicode extra. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

// Node's unchecked slicers (what toString calls after validating its arguments); the callers
// here have bounds-checked already, and a million names make the difference measurable.
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Code page 437 (appendix D), which has a character for every byte. */
export function decodeCp437(bytes: Buffer, start = 0, end = bytes.length): string {
  return decodeSingleByte(bytes, start, end, CP437_HIGH)!;
}

/**
 * Bytes in a code page of one byte a character that is ASCII below 0x80: `high` gives the
 * characters of 0x80–0xFF (dos-code-pages.ts). Undefined where a byte is one it leaves undefined.
 */
function decodeSingleByte(bytes: Buffer, start: number, end: number, high: string): string | undefined {
  if (isAsciiBytes(bytes, start, end)) return (bytes as unknown as Slicers).latin1Slice(start, end);
  let text = '';
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    const character = byte < 0x80 ? String.fromCharCode(byte) : high[byte - 0x80]!;
    if (character === UNDEFINED_BYTE) return undefined;
    text += character;
  }
  return text;
}

/**
 * Header text (name or comment) by the header's own flag: UTF-8 with bit 11, else unflaggedText.
 * Bytes flagged UTF-8 that are not UTF-8 are read as unflagged ones are (as CP437): decoded as
 * UTF-8, each bad byte would become U+FFFD, and "a\xff.txt" and "a\xfe.txt" one name.
 */
export function decodeHeaderText(bytes: Buffer, start: number, end: number, generalPurposeBitFlag: number): string {
  if (start === end) return '';
  if ((generalPurposeBitFlag & BITFLAG_UTF8) !== 0 && isUtf8(bytes.subarray(start, end))) return (bytes as unknown as Slicers).utf8Slice(start, end);
  return unflaggedText(bytes, start, end);
}

/** Text whose encoding nothing states: ASCII as it is, valid UTF-8 as UTF-8, anything else as CP437. */
export function unflaggedText(bytes: Buffer, start = 0, end = bytes.length): string {
  if (isAsciiBytes(bytes, start, end)) return (bytes as unknown as Slicers).latin1Slice(start, end);
  if (isUtf8(bytes.subarray(start, end))) return (bytes as unknown as Slicers).utf8Slice(start, end);
  return decodeCp437(bytes, start, end);
}

/**
 * Whether a name was read as CP437 for want of anything that says what its bytes are: not ASCII,
 * not UTF-8 (whatever bit 11 says), and not text in the code page named, if one was. Such names
 * are often in another code page (Windows writes its own: 932 in Japan, 852 in Poland), which the
 * user can name (codePageOf); the window and `inspect` say how many there are.
 */
export function isGuessedName(entry: { readonly name: string; readonly nameEncoding: NameEncoding }): boolean {
  return entry.nameEncoding === 'cp437' && !isAscii(entry.name);
}

/** A code page names are read in (codePageOf). */
export interface CodePage {
  /** Its name, as the WHATWG Encoding Standard spells it ("shift_jis"), or "cp437". */
  readonly name: string;
  /** The text of bytes holding some that are not ASCII, or undefined when they are not text in this code page. */
  decode(bytes: Buffer, start: number, end: number): string | undefined;
}

/** Windows' code page numbers (7-Zip's -mcp, `cp932`) for the encodings Node reads under another name. */
const CODE_PAGE_NUMBERS: Readonly<Record<string, string>> = {
  '866': 'ibm866',
  '874': 'windows-874',
  '932': 'shift_jis',
  '936': 'gbk',
  '949': 'euc-kr',
  '950': 'big5',
  '20866': 'koi8-r',
  '21866': 'koi8-u',
  '54936': 'gb18030',
};

/** The code pages of one byte a character that Node's TextDecoder does not read, by their numbers: DOS's (cp437 is the APPNOTE's). */
const SINGLE_BYTE: ReadonlyMap<string, CodePage> = new Map(
  Object.entries(DOS_CODE_PAGES).map(([number, high]): [string, CodePage] => [number, { name: `cp${number}`, decode: (bytes, start, end) => decodeSingleByte(bytes, start, end, high) }]),
);

/**
 * The code page a label names: one of the WHATWG Encoding Standard's labels that Node's
 * TextDecoder reads ("shift_jis", "gbk", "windows-1251", "koi8-r", "ibm866"), a DOS code page
 * ("cp437", "cp850", "cp852": dos-code-pages.ts), or a Windows code page number, with or without
 * "cp" ("932", "cp1251"). Undefined for any other label, and for UTF-16, whose names would hold
 * NUL bytes in ASCII.
 */
export function codePageOf(label: string): CodePage | undefined {
  const key = label.trim().toLowerCase();
  const number = /^(?:cp|ibm|windows-)?(\d+)$/.exec(key)?.[1];
  const dos = number === undefined ? undefined : SINGLE_BYTE.get(number);
  if (dos !== undefined) return dos;
  const encoding = number === undefined ? key : (CODE_PAGE_NUMBERS[number] ?? `windows-${number}`);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    return undefined;
  }
  if (decoder.encoding.startsWith('utf-16')) return undefined;
  return {
    name: decoder.encoding,
    decode(bytes, start, end) {
      try {
        return decoder.decode(bytes.subarray(start, end));
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Header text in the code page the user named, where that decides it (not ASCII, not flagged
 * UTF-8 and UTF-8): undefined where it does not, and where the bytes are not text in that code
 * page (then the usual reading stands: decodeHeaderText).
 */
export function codePageText(bytes: Buffer, start: number, end: number, generalPurposeBitFlag: number, codePage: CodePage | undefined): string | undefined {
  if (codePage === undefined || isAsciiBytes(bytes, start, end)) return undefined;
  if ((generalPurposeBitFlag & BITFLAG_UTF8) !== 0 && isUtf8(bytes.subarray(start, end))) return undefined;
  return codePage.decode(bytes, start, end);
}

/** CRC-32 of the header's name bytes, as the Unicode path/comment extra fields record it (4.6.9). */
export function nameCrc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
}

/**
 * The Unicode path (or comment) extra field's text, if its version is 1, it holds some UTF-8 text,
 * and its CRC matches the header bytes it stands for; otherwise undefined (the header was changed by
 * a tool that did not know the extra field, so the extra field is stale — 4.6.9).
 */
export function unicodeExtraText(version: number | Buffer | undefined, recordedCrc: number | Buffer | undefined, text: number | Buffer | undefined, headerBytes: Uint8Array): string | undefined {
  if (version !== 1 || typeof recordedCrc !== 'number' || !Buffer.isBuffer(text) || text.length === 0) return undefined;
  if (recordedCrc !== nameCrc32(headerBytes)) return undefined;
  // Text that is not UTF-8 is no Unicode name: the header's name stands (decoded, it would hold U+FFFD).
  if (!isUtf8(text)) return undefined;
  return text.toString('utf8');
}

/**
 * Bytes shown as text: UTF-8 as it is, each byte that is not part of UTF-8 as \xNN (U+FFFD for
 * each would hide which, and that they are not). `shown` gives each run of UTF-8 its form (a
 * message quotes it as JSON does).
 */
export function utf8OrEscaped(bytes: Buffer, shown: (text: string) => string = (text) => text): string {
  if (isUtf8(bytes)) return shown(bytes.toString('utf8'));
  let text = '';
  let run = 0;
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length > 0 && i + length <= bytes.length && isUtf8(bytes.subarray(i, i + length))) {
      i += length;
      continue;
    }
    text += `${shown(bytes.toString('utf8', run, i))}\\x${lead.toString(16).padStart(2, '0')}`;
    run = ++i;
  }
  return text + shown(bytes.toString('utf8', run));
}

/**
 * Bytes as the inside of a JSON string: their UTF-8 escaped as JSON escapes it, each byte that is
 * not UTF-8 as \xNN (utf8OrEscaped). How messages and the safety report quote a link's target.
 */
export function jsonEscapedBytes(bytes: Buffer): string {
  return utf8OrEscaped(bytes, (text) => JSON.stringify(text).slice(1, -1));
}

/** The bytes to store for a name, and whether bit 11 (UTF-8) must be set. */
export function encodeName(name: string): { bytes: Buffer; utf8: boolean } {
  if (isAscii(name)) return { bytes: Buffer.from(name, 'latin1'), utf8: false };
  return { bytes: Buffer.from(name, 'utf8'), utf8: true };
}

// Entry names and comments, bytes to text and back (APPNOTE 4.4.4 bit 11, 4.6.9, appendix D).
// Reading: UTF-8 when general purpose bit 11 says so, else the Info-ZIP Unicode path extra
// field (0x7075) when its CRC matches the header's name bytes, else IBM code page 437 — the
// same order Info-ZIP and Python's zipfile use. Writing: ASCII names stay as they are; any
// other name is stored as UTF-8 with bit 11 set.

import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { BITFLAG_UTF8 } from './constants.js';
import type { NameEncoding } from './model.js';

/** Code page 437, bytes 0x80–0xFF (appendix D); bytes below 0x80 are ASCII. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

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

export function decodeCp437(bytes: Buffer, start = 0, end = bytes.length): string {
  if (isAsciiBytes(bytes, start, end)) return (bytes as unknown as Slicers).latin1Slice(start, end);
  let text = '';
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    text += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80]!;
  }
  return text;
}

/** Header text (name or comment) by the header's own flag: UTF-8 with bit 11, else CP437. */
export function decodeHeaderText(bytes: Buffer, start: number, end: number, generalPurposeBitFlag: number): string {
  if (start === end) return '';
  if ((generalPurposeBitFlag & BITFLAG_UTF8) !== 0) return (bytes as unknown as Slicers).utf8Slice(start, end);
  return decodeCp437(bytes, start, end);
}

/** The encoding decodeHeaderText used, before any Unicode extra field is considered. */
export function headerEncoding(generalPurposeBitFlag: number): NameEncoding {
  return (generalPurposeBitFlag & BITFLAG_UTF8) !== 0 ? 'utf8' : 'cp437';
}

/** CRC-32 of the header's name bytes, as the Unicode path/comment extra fields record it (4.6.9). */
export function nameCrc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
}

/**
 * The Unicode path (or comment) extra field's text, if its version is 1, it holds some text, and
 * its CRC matches the header bytes it stands for; otherwise undefined (the header was changed by
 * a tool that did not know the extra field, so the extra field is stale — 4.6.9).
 */
export function unicodeExtraText(version: number | Buffer | undefined, recordedCrc: number | Buffer | undefined, text: number | Buffer | undefined, headerBytes: Uint8Array): string | undefined {
  if (version !== 1 || typeof recordedCrc !== 'number' || !Buffer.isBuffer(text) || text.length === 0) return undefined;
  if (recordedCrc !== nameCrc32(headerBytes)) return undefined;
  return text.toString('utf8');
}

/** The bytes to store for a name, and whether bit 11 (UTF-8) must be set. */
export function encodeName(name: string): { bytes: Buffer; utf8: boolean } {
  if (isAscii(name)) return { bytes: Buffer.from(name, 'latin1'), utf8: false };
  return { bytes: Buffer.from(name, 'utf8'), utf8: true };
}

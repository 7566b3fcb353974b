// Numbers as the window shows them, in the user's locale.

import type { EntryRow } from '../../src-preload/contract.js';
import { exactInteger, locale, t, type Locale } from './i18n.js';

// Both locales' (the window's, and the other one's for a test that words a text in both).
const integer = { en: new Intl.NumberFormat('en', { maximumFractionDigits: 0 }), de: new Intl.NumberFormat('de', { maximumFractionDigits: 0 }) } satisfies Record<Locale, Intl.NumberFormat>;
const oneDecimal = {
  en: new Intl.NumberFormat('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
  de: new Intl.NumberFormat('de', { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
} satisfies Record<Locale, Intl.NumberFormat>;
// The year in full: dateStyle 'short' wrote 1/1/80 for 1980 and 1/1/07 for 2107 (DOS dates run
// from 1980 to 2107), which read alike.
const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit' };
const dateTime = new Intl.DateTimeFormat(locale, DATE_TIME);
// A DOS time comes as the UTC time with its parts (EntryRow.modified): shown in UTC, which skips
// no hour, it is what the archive stores.
const wallClock = new Intl.DateTimeFormat(locale, { ...DATE_TIME, timeZone: 'UTC' });
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** "versionNeededToExtract" → ["version", "Needed", "To", "Extract"]: break points for long field names. */
export function camelParts(name: string): string[] {
  return name.split(/(?=[A-Z])/);
}

/** One decimal, in the user's locale (1025,8 in German). */
export function formatDecimal(value: number, language: Locale = locale): string {
  return oneDecimal[language].format(value);
}

export function formatCount(value: number, language: Locale = locale): string {
  return integer[language].format(exactInteger(value));
}

/** 1.2 MB (decimal units, like file managers on Linux and macOS); "?" for a size not known (EntryRow.size). */
export function formatBytes(value: number | null, language: Locale = locale): string {
  if (value === null) return '?';
  // Whole under 1,000 (a rate is not whole), and 999.5 on is 1.0 KB, not "1,000 B".
  if (Math.round(value) < 1000) return `${integer[language].format(value)} B`;
  let unit = 1;
  let scaled = value / 1000;
  // Onward at 999.95, which one decimal would show as 1,000.0 (the command line's rule too).
  while (scaled >= 999.95 && unit < UNITS.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return `${oneDecimal[language].format(scaled)} ${UNITS[unit]}`;
}

/** Space saved, as zip -v shows it: 1 - packed/size. */
export function formatRatio(size: number | null, packed: number | null): string {
  if (size === null || packed === null) return '?';
  if (size === 0) return '—';
  return `${integer[locale].format(Math.round((1 - packed / size) * 100))}%`;
}

/** WinZip AE-x: the ciphers by the key strength an AES extra field stores, as main names them (zip/constants.ts AES_STRENGTHS; test/unit/ipc.test.ts holds the two to the same names). */
const AES_CIPHERS: Readonly<Record<number, string>> = { 1: 'AES-128', 2: 'AES-192', 3: 'AES-256' };

/**
 * A row's method as the Method column says it: a name as main gives it ("Deflated", "BZIP2": names
 * are not translated), one that describes in the window's language ("ohne Kompression" for
 * Stored, as the inspector says "ohne Kompression (Stored)"), then an AES entry's cipher.
 */
export function methodText(row: Pick<EntryRow, 'method' | 'methodName' | 'aes'>, language: Locale = locale): string {
  const { method, methodName, aes } = row;
  const name = methodName !== '' ? methodName : method === 0 ? t('method.stored', {}, language) : method === 20 ? t('method.zstandardOld', {}, language) : t('method.number', { method: String(method) }, language);
  return aes === null ? name : t('method.encrypted', { method: name, cipher: AES_CIPHERS[aes] ?? 'AES' }, language);
}

export function formatCrc(crc: number): string {
  return crc.toString(16).padStart(8, '0');
}

/** A row's time: an instant in the local zone, a DOS time as stored (EntryRow.modified). */
export function formatDate(ms: number, dosTime = false): string {
  return Number.isFinite(ms) ? (dosTime ? wallClock : dateTime).format(new Date(ms)) : '—';
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function formatPercent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((done / total) * 100));
}

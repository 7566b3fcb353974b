// MS-DOS date and time (APPNOTE 4.4.6): local time, two-second resolution, years 1980–2107.
// The reader turns them into Dates (and prefers the UTC times of the extended timestamp and
// NTFS extra fields when an entry has them); the writer turns Dates back into them.

/** Milliseconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;

/**
 * The DOS date and time as a local-time Date. Each part out of its range is taken for the nearest
 * in it, so the time stays in its day and the date in its month and year: a month or day of 0
 * (an all-zero date, which some writers store for "no date") is 1 (it rolled back to 1979-11-30),
 * a month past 12 is 12, a day past the month's last (31 February) its last, an hour past 23 is
 * 23 (hour 24 rolled into the next day), a minute past 59 is 59, and a second past 58 is 58.
 * A time the local zone skips (02:30 on the day its clocks go forward) has no instant: the Date
 * is the one the zone gives it, an hour later (03:30); dosLocalIsoTime gives the time as stored.
 */
export function dosDateTimeToDate(date: number, time: number): Date {
  return new Date(...dosParts(date, time));
}

/**
 * The DOS date and time as ISO 8601 without a zone ("2021-03-28T02:30:00"), each part read as
 * dosDateTimeToDate reads it, but through no Date: the wall-clock time as stored, also where the
 * local zone skips it (`zipdesk list` shows it so, as unzip -v and Python's date_time do).
 */
export function dosLocalIsoTime(date: number, time: number): string {
  const [year, monthIndex, day, hours, minutes, seconds] = dosParts(date, time);
  return `${year}-${twoDigits(monthIndex + 1)}-${twoDigits(day)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}`;
}

/**
 * The DOS date and time as the milliseconds of the UTC time with its parts (each read as
 * dosDateTimeToDate reads it): the wall-clock time as stored, in a number, for the window to show
 * as UTC, which skips no time (EntryRow.modified). A local Date would hold 02:30 on the day the
 * clocks go forward as 03:30.
 */
export function dosWallClockMs(date: number, time: number): number {
  return Date.UTC(...dosParts(date, time));
}

/** Year, month (0–11, as Date takes it), day, hours, minutes and seconds, each out of its range taken for the nearest in it (above). */
function dosParts(date: number, time: number): [number, number, number, number, number, number] {
  const year = dosYear(date);
  const month = dosMonth(date);
  return [year, month - 1, dosDay(date, year, month), dosHour(time), dosMinute(time), dosSecond(time)];
}

// The parts of a DOS date and time, each out of its range taken for the nearest in it (above).
function dosYear(date: number): number {
  return 1980 + (date >>> 9);
}

function dosMonth(date: number): number {
  return Math.min(Math.max((date >>> 5) & 0b1111, 1), 12);
}

function dosDay(date: number, year: number, month: number): number {
  const day = Math.max(date & 0b11111, 1);
  return day > 28 ? Math.min(day, daysInMonth(year, month)) : day;
}

function dosHour(time: number): number {
  return Math.min(time >>> 11, 23);
}

function dosMinute(time: number): number {
  return Math.min((time >>> 5) & 0b11_1111, 59);
}

function dosSecond(time: number): number {
  return Math.min((time & 0b1_1111) * 2, 58);
}

/** Days in `month` (1–12) of `year`, Gregorian (2100, within DOS years, is no leap year). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Whether each part is in range (month 1–12, day 1–31, hour < 24, minute < 60, second < 60). */
export function isValidDosDateTime(date: number, time: number): boolean {
  const month = (date >>> 5) & 0b1111;
  const day = date & 0b11111;
  return month >= 1 && month <= 12 && day >= 1 && time >>> 11 < 24 && ((time >>> 5) & 0b11_1111) < 60 && (time & 0b1_1111) < 30;
}

/** "2024-05-17 13:45:08" from the raw fields, exactly as stored (no rollover), for the inspector. */
export function formatDosDateTime(date: number, time: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${1980 + (date >>> 9)}-${two((date >>> 5) & 0b1111)}-${two(date & 0b11111)} ${two(time >>> 11)}:${two((time >>> 5) & 0b11_1111)}:${two((time & 0b1_1111) * 2)}`;
}

export function formatDosDate(date: number): string {
  return formatDosDateTime(date, 0).slice(0, 10);
}

export function formatDosTime(time: number): string {
  return formatDosDateTime(0, time).slice(11);
}

/**
 * A Date as DOS date and time in local time, clamped to what the format can hold
 * (1980-01-01 00:00:00 to 2107-12-31 23:59:58); odd seconds round down.
 */
export function dateToDosDateTime(value: Date): { date: number; time: number } {
  let year = value.getFullYear();
  if (Number.isNaN(year) || year < 1980) return { date: (1 << 5) | 1, time: 0 };
  if (year > 2107) {
    year = 2107;
    return { date: ((year - 1980) << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 };
  }
  return {
    date: ((year - 1980) << 9) | ((value.getMonth() + 1) << 5) | value.getDate(),
    time: (value.getHours() << 11) | (value.getMinutes() << 5) | (value.getSeconds() >>> 1),
  };
}

/** Unix seconds (extended timestamp 0x5455) to a Date. */
export function unixSecondsToDate(seconds: number): Date {
  return new Date(seconds * 1000);
}

/** 1980-01-01 as a DOS date: with the time 00:00:00, where writers clamp an earlier time. */
const DOS_DATE_MINIMUM = (1 << 5) | 1;
/** 2038-01-18 as a DOS date: a 32-bit Unix time of 2^31 or more (2038-01-19 03:14:08 UTC on) has a DOS date from this day on, in any time zone. */
const DOS_DATE_2038_01_18 = ((2038 - 1980) << 9) | (1 << 5) | 18;

/**
 * An extended timestamp's time (its 4 bytes read unsigned) as Unix seconds, or undefined where
 * the entry's DOS date and time contradict it. Info-ZIP's extra field notes call it signed, and
 * its zip writes a time before 1970 as a negative number; 7-Zip, libarchive and our writer take
 * it as unsigned, up to 2106. Values below 2^31 read alike; for the others the DOS time decides,
 * as UnZip decides: clamped to 1980-01-01 00:00:00, the value is negative (a file of 1965 listed
 * as 2101 in 7-Zip and bsdtar); from 2038-01-18 on, it is as read; anything else fits neither,
 * and the DOS time stands (UnZip too leaves such a field out).
 */
export function extendedTimestampSeconds(value: number, dosDate: number, dosTime: number): number | undefined {
  if (value < 0x8000_0000) return value;
  if (dosDate === DOS_DATE_MINIMUM && dosTime === 0) return value - 0x1_0000_0000;
  return dosDate >= DOS_DATE_2038_01_18 ? value : undefined;
}

/** A Date as unsigned 32-bit Unix seconds for the extended timestamp, clamped to its range. */
export function dateToUnixSeconds(value: Date): number {
  const seconds = Math.floor(value.getTime() / 1000);
  return Math.min(0xffff_ffff, Math.max(0, seconds));
}

/** The last FILETIME read as a time: the end of 9998 (in any time zone still a four-digit year). */
export const MAX_FILETIME = (Date.UTC(9998, 11, 31, 23, 59, 59) + FILETIME_EPOCH_OFFSET_MS) * 10_000;

/** NTFS FILETIME (100 ns ticks since 1601-01-01 UTC) to a Date. */
export function filetimeToDate(ticks: number): Date {
  return new Date(Math.floor(ticks / 10_000) - FILETIME_EPOCH_OFFSET_MS);
}

export function dateToFiletime(value: Date): number {
  return (value.getTime() + FILETIME_EPOCH_OFFSET_MS) * 10_000;
}

/**
 * Unix seconds as an NTFS FILETIME for the writer, exact: every FILETIME after 1629 is past 2^53,
 * so it is a BigInt. Undefined where the reader would not take it for a time: at 1601-01-01
 * 00:00:00 UTC or before (a FILETIME of 0 says "no time"), or after the end of 9998.
 */
export function unixSecondsToFiletime(seconds: number): bigint | undefined {
  if (!Number.isInteger(seconds) || seconds * 1000 <= -FILETIME_EPOCH_OFFSET_MS || seconds * 1000 > Date.UTC(9998, 11, 31, 23, 59, 59)) return undefined;
  return (BigInt(seconds) * 1000n + BigInt(FILETIME_EPOCH_OFFSET_MS)) * 10_000n;
}

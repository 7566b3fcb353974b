// Names and times, both directions: CP437 against python's codec, the encoder the writer
// uses, and DOS date/time conversions with their clamping.

import { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_FILETIME, dateToDosDateTime, dateToFiletime, dateToUnixSeconds, dosDateTimeToDate, extendedTimestampSeconds, dosLocalIsoTime, dosWallClockMs, filetimeToDate, formatDosDateTime, isValidDosDateTime, unixSecondsToFiletime } from '../../src-main/zip/dostime.js';
import { localIsoTime } from '../../src-main/cli/list.js';
import { decodeCp437, decodeHeaderText, encodeName, isAscii, nameCrc32, unicodeExtraText } from '../../src-main/zip/names.js';
import { python } from './reader-fixtures.js';

describe('names', () => {
  it('decodes all 256 CP437 bytes as python does', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const reference = python(`import sys; sys.stdout.buffer.write(bytes(range(256)).decode('cp437').encode('utf-8'))`, tmpdir());
    expect(decodeCp437(all)).toBe(reference);
    expect(decodeHeaderText(all, 0x80, 0x83, 0)).toBe('Çüé');
    expect(decodeHeaderText(Buffer.from('żółw', 'utf8'), 0, 7, 0x800)).toBe('żółw');
    // Flagged UTF-8 but not UTF-8: read as CP437, so two such names stay two (as UTF-8 both were "a\uFFFD.txt").
    expect(decodeHeaderText(Buffer.from('a\xff.txt', 'latin1'), 0, 6, 0x800)).toBe('a\u00a0.txt');
    expect(decodeHeaderText(Buffer.from('a\xfe.txt', 'latin1'), 0, 6, 0x800)).toBe('a■.txt');
  });

  it('encodes ASCII names as they are and others as UTF-8 with bit 11', () => {
    expect(isAscii('dir/file-1.txt')).toBe(true);
    expect(isAscii('naïve')).toBe(false);
    expect(encodeName('a/b.txt')).toEqual({ bytes: Buffer.from('a/b.txt'), utf8: false });
    expect(encodeName('ünï/€.txt')).toEqual({ bytes: Buffer.from('ünï/€.txt', 'utf8'), utf8: true });
  });

  it('computes name CRCs as the Unicode path extra field records them', () => {
    const name = Buffer.from('caf?.txt');
    const crc = Number(python(`import zlib; print(zlib.crc32(b'caf?.txt'))`, tmpdir()).trim());
    expect(nameCrc32(name)).toBe(crc);
    expect(nameCrc32(Buffer.from('xxcaf?.txtyy'), 2, 10)).toBe(crc);
    expect(unicodeExtraText(1, crc, Buffer.from('café.txt'), name)).toBe('café.txt');
    expect(unicodeExtraText(1, crc ^ 1, Buffer.from('café.txt'), name)).toBeUndefined();
    expect(unicodeExtraText(2, crc, Buffer.from('café.txt'), name)).toBeUndefined();
    expect(unicodeExtraText(1, crc, Buffer.alloc(0), name)).toBeUndefined();
    // Text that is not UTF-8 is no Unicode name: the header's name stands.
    expect(unicodeExtraText(1, crc, Buffer.from('caf\xe9.txt', 'latin1'), name)).toBeUndefined();
  });
});

describe('DOS date and time', () => {
  it('round-trips local times at two-second resolution', () => {
    const date = new Date(2024, 1, 29, 23, 59, 59);
    const dos = dateToDosDateTime(date);
    expect(dosDateTimeToDate(dos.date, dos.time).getTime()).toBe(new Date(2024, 1, 29, 23, 59, 58).getTime());
    expect(formatDosDateTime(dos.date, dos.time)).toBe('2024-02-29 23:59:58');
    expect(isValidDosDateTime(dos.date, dos.time)).toBe(true);
  });

  it('clamps to the years the format holds and flags impossible fields', () => {
    expect(formatDosDateTime(dateToDosDateTime(new Date(1970, 0, 1)).date, 0)).toBe('1980-01-01 00:00:00');
    const late = dateToDosDateTime(new Date(2200, 5, 1));
    expect(formatDosDateTime(late.date, late.time)).toBe('2107-12-31 23:59:58');
    expect(isValidDosDateTime(0, 0)).toBe(false); // month 0, day 0
    expect(formatDosDateTime(0, 0)).toBe('1980-00-00 00:00:00');
    // Read as a time, an all-zero date is the format's first day (it rolled back to 1979-11-30); a month past 12 stays in its year.
    expect(dosDateTimeToDate(0, 0)).toEqual(new Date(1980, 0, 1));
    expect(dosDateTimeToDate((40 << 9) | (15 << 5) | 3, 0)).toEqual(new Date(2020, 11, 3));
    // Nor do a day past the month's last, an hour past 23 or a minute or second past 59 leave their day.
    expect(dosDateTimeToDate((41 << 9) | (2 << 5) | 31, (31 << 11) | (63 << 5) | 31)).toEqual(new Date(2021, 1, 28, 23, 59, 58));
    expect(dosDateTimeToDate((40 << 9) | (2 << 5) | 30, (24 << 11) | (60 << 5) | 30)).toEqual(new Date(2020, 1, 29, 23, 59, 58));
    expect(dosDateTimeToDate((44 << 9) | (4 << 5) | 31, (12 << 11) | (30 << 5))).toEqual(new Date(2024, 3, 30, 12, 30));
  });

  it('gives the stored wall-clock time as text, each part read as the Date reads it: the same text as the Date\'s wherever the local zone has the time', () => {
    expect(dosLocalIsoTime((41 << 9) | (3 << 5) | 28, (2 << 11) | (30 << 5))).toBe('2021-03-28T02:30:00');
    expect(dosLocalIsoTime(0, 0)).toBe('1980-01-01T00:00:00');
    expect(dosLocalIsoTime((41 << 9) | (2 << 5) | 31, (31 << 11) | (63 << 5) | 31)).toBe('2021-02-28T23:59:58');
    expect(dosWallClockMs((41 << 9) | (3 << 5) | 28, (2 << 11) | (30 << 5))).toBe(Date.UTC(2021, 2, 28, 2, 30));
    // Every month's last day from 1980 to 2107 (2000 a leap year, 2100 not), and days past it.
    for (let year = 1980; year <= 2107; year++) {
      for (let month = 1; month <= 12; month++) {
        for (const day of [28, 29, 30, 31]) {
          const date = ((year - 1980) << 9) | (month << 5) | day;
          const time = (12 << 11) | (34 << 5) | 28;
          expect(dosLocalIsoTime(date, time)).toBe(localIsoTime(dosDateTimeToDate(date, time)));
          // The window's number for it (EntryRow.modified) holds the same parts, as UTC.
          expect(new Date(dosWallClockMs(date, time)).toISOString()).toBe(`${dosLocalIsoTime(date, time)}.000Z`);
        }
      }
    }
  });

  it('converts Unix seconds and NTFS FILETIMEs', () => {
    const when = new Date('2021-06-01T12:34:56.789Z');
    expect(dateToUnixSeconds(when)).toBe(1622550896);
    expect(dateToUnixSeconds(new Date(-1000))).toBe(0);
    expect(filetimeToDate(dateToFiletime(when)).getTime()).toBe(when.getTime());
    expect(filetimeToDate(116444736000000000).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it("reads an extended timestamp's time of 2^31 or more by the DOS time: negative where it is clamped to 1980, as it is from 2038 on, not at all otherwise", () => {
    const dos = (year: number, month: number, day: number) => ((year - 1980) << 9) | (month << 5) | day;
    const noon = 12 << 11;
    expect(extendedTimestampSeconds(0, dos(1980, 1, 1), 0)).toBe(0);
    expect(extendedTimestampSeconds(0x7fff_ffff, dos(2001, 2, 3), noon)).toBe(0x7fff_ffff);
    // Info-ZIP's zip, a file of 1965-03-04 05:06:07 UTC: the value's 32 bits read unsigned.
    expect(extendedTimestampSeconds(0xf6ea_b1bf, dos(1980, 1, 1), 0)).toBe(Date.UTC(1965, 2, 4, 5, 6, 7) / 1000);
    expect(extendedTimestampSeconds(0xffff_ffff, dos(1980, 1, 1), 0)).toBe(-1);
    // 1980-01-01 at any other time is a real DOS time, not a clamped one.
    expect(extendedTimestampSeconds(0xf6ea_b1bf, dos(1980, 1, 1), noon)).toBeUndefined();
    expect(extendedTimestampSeconds(0x8000_0000, dos(2038, 1, 18), 0)).toBe(0x8000_0000);
    expect(extendedTimestampSeconds(0xffff_ffff, dos(2106, 2, 7), noon)).toBe(0xffff_ffff);
    expect(extendedTimestampSeconds(0x8000_0000, dos(2038, 1, 17), noon)).toBeUndefined();
    expect(extendedTimestampSeconds(0xf6ea_b1bf, dos(2001, 2, 3), noon)).toBeUndefined();
  });

  it('gives the writer exact FILETIMEs for the times the reader takes for times: after 1601, to the end of 9998', () => {
    expect(unixSecondsToFiletime(0)).toBe(116444736000000000n);
    const firstSecond = -11_644_473_600; // 1601-01-01 00:00:00 UTC, FILETIME 0: "no time"
    expect(unixSecondsToFiletime(firstSecond)).toBeUndefined();
    expect(unixSecondsToFiletime(firstSecond + 1)).toBe(10_000_000n);
    const lastSecond = Date.UTC(9998, 11, 31, 23, 59, 59) / 1000;
    expect(Number(unixSecondsToFiletime(lastSecond))).toBe(MAX_FILETIME);
    expect(unixSecondsToFiletime(lastSecond + 1)).toBeUndefined();
    expect(unixSecondsToFiletime(1.5)).toBeUndefined();
    // Past 2^53, and still exact: what the reader makes of it is the second written.
    for (const iso of ['1965-03-04T05:06:07Z', '2200-07-08T09:10:11Z', '1601-01-01T00:00:01Z']) {
      const seconds = Date.parse(iso) / 1000;
      const ticks = unixSecondsToFiletime(seconds)!;
      expect(ticks > BigInt(Number.MAX_SAFE_INTEGER) || iso.startsWith('1601')).toBe(true);
      expect(ticks % 10_000_000n).toBe(0n);
      expect(filetimeToDate(Number(ticks)).getTime()).toBe(seconds * 1000);
    }
  });
});

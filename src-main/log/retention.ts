// Which files in the log folder are ours, and keeping them to the settings: maxFiles and
// zippedArchive. file-stream-rotator does this from an audit file that it holds in memory and
// rewrites whole, so two processes sharing a folder (the app and a CLI run) overwrite each
// other's list and files pile up past maxFiles for good; a burst of rotations within one tick
// leaves files it could not see yet; a damaged audit turns retention off; it gzips on its own
// rotations only, never at start; and with an audit it reads our folder's path as a regular
// expression. So the rotator is given neither maxFiles nor zippedArchive (it then keeps no audit),
// and this sweep, run at start, after each rotation and at close, looks at the folder itself.
//
// The sweep touches only names the settings make (name, date of the date pattern's shape, the
// rotator's ".N" count, extension, ".gz"), never a file this process still writes, gzips no file
// of a date still written (today's, or that of a file this process writes), and takes a file that
// vanished meanwhile (another process's sweep) as done.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { processAlive } from '../process-alive.js';

export interface LogFileNames {
  /** The file name without its extension, with %DATE% where the date goes. */
  readonly stem: string;
  readonly extension: string;
  readonly datePattern: string;
}

/**
 * The names file-stream-rotator makes from these settings: `stem` with %DATE% replaced (or
 * `stem.DATE` when it has none), then `.N` after a rotation by size, then the extension; `.gz`
 * once gzipped. Group 1 is the date, group 2 the count.
 */
export function logFilePattern({ stem, extension, datePattern }: LogFileNames): RegExp {
  const dated = stem.includes('%DATE%') ? stem : `${stem}.%DATE%`;
  const [first = '', ...rest] = dated.split('%DATE%');
  // Every %DATE% becomes the same date: the later ones are back-references to the first.
  const named = escapeRegExp(first) + rest.map((part, index) => (index === 0 ? `(${dateShape(datePattern)})` : '\\1') + escapeRegExp(part)).join('');
  return new RegExp(`^${named}(?:\\.(\\d+))?${escapeRegExp(extension)}(?:\\.gz)?$`, 'u');
}

/**
 * What a date formatted by `datePattern` (moment.js tokens) can look like: digits for numeric
 * tokens (YYYY, MM, DD, HH, …), letters and digits for names (MMM, ddd, Do, A, ZZ), bracketed and
 * other text as itself. A first sieve: with names, "zipdesk-notes.log" has that shape too, so a
 * date is ours only once the date library reads it back and writes it the same (isWrittenDate).
 */
function dateShape(datePattern: string): string {
  const pieces: string[] = [];
  for (const [, literal, letters, other] of datePattern.matchAll(/\[([^\]]*)\]|([A-Za-z]+)|([^A-Za-z[]+|\[)/g)) {
    if (literal !== undefined) pieces.push(escapeRegExp(literal));
    else if (other !== undefined) pieces.push(escapeRegExp(other));
    else for (const token of letters?.match(/([A-Za-z])\1*/g) ?? []) pieces.push(isNumericToken(token) ? '\\d+' : '[\\p{L}\\p{N}+\\-]+');
  }
  // Adjacent numeric tokens (YYYYMMDD) make one run of digits, not nested quantifiers.
  return pieces.filter((piece, index) => !(piece === '\\d+' && pieces[index - 1] === '\\d+')).join('');
}

function isNumericToken(token: string): boolean {
  const letter = token[0] ?? '';
  if (letter === 'M') return token.length <= 2; // MMM, MMMM: month names
  if (letter === 'd') return token.length === 1; // dd, ddd, dddd: day names
  return 'YDHhkmsSXxWwEeQGg'.includes(letter);
}

interface Moment {
  isValid(): boolean;
  format(pattern: string): string;
}
interface MomentLibrary {
  (time: number): Moment;
  (text: string, pattern: string, strict: boolean): Moment;
}
let rotatorMoment: MomentLibrary | undefined;

/**
 * The copy of moment.js that file-stream-rotator names its files with, reached as it reaches it
 * (through winston-daily-rotate-file): its words and locale are those of the names.
 */
function dates(): MomentLibrary {
  if (rotatorMoment === undefined) {
    const transport = createRequire(import.meta.url).resolve('winston-daily-rotate-file');
    const rotator = createRequire(transport).resolve('file-stream-rotator');
    rotatorMoment = createRequire(rotator)('moment') as MomentLibrary;
  }
  return rotatorMoment;
}

/** A time as the rotator writes it in file names (local time). */
export function writtenDate(time: number, datePattern: string): string {
  return dates()(time).format(datePattern);
}

/**
 * Whether `text` is a date as the rotator writes it: read by `datePattern` strictly, and written
 * back the same. With "dddd" any word had the shape of a name, and the user's zipdesk-backup.log
 * in the log folder was deleted, zipdesk-notes.log gzipped; "monday" is read as a day but written
 * "Monday", "2026-1-07" is no date of "YYYY-M-D".
 */
export function isWrittenDate(text: string, datePattern: string): boolean {
  const date = dates()(text, datePattern, true);
  return date.isValid() && date.format(datePattern) === text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export interface SweepSettings {
  readonly folder: string;
  readonly pattern: RegExp;
  /** The moment.js format of the dates in the names: the sweep writes today's with it. */
  readonly datePattern: string;
  /** Keep this many files, or those written within "Nd" days; null keeps all. */
  readonly maxFiles: number | string | null;
  readonly zippedArchive: boolean;
  /** Files this process still writes (or still has writes in flight to): never deleted or gzipped. */
  readonly inUse: ReadonlySet<string>;
  /**
   * Files this process rotated away from and whose writes are done: when it left them and when
   * their writes were done (ms), which orders them. They are not gzipped while their date is in
   * use: another process (the app, a CLI run) may be writing the same file, as the rotator goes
   * on writing a file of today's date that it finds at its start.
   */
  readonly leftBehind: ReadonlyMap<string, LeftFile>;
}

export interface LeftFile {
  readonly leftAt: number;
  readonly doneAt: number;
}

export interface SweepResult {
  readonly removed: string[];
  readonly archived: string[];
  readonly problems: unknown[];
}

interface LogFile {
  readonly file: string;
  readonly date: string;
  readonly count: number;
  readonly gzipped: boolean;
  readonly modified: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Newest first: files this process left by the time it left them (those of a burst of rotations
 * are opened and written out of order, so their modification times are not), any other by when
 * it was last written. Not by name: a date pattern need not sort, and after a restart the
 * rotator numbers a date's files from the first free name again, so a low number can be the
 * file another process writes now.
 */
function newestFirst(leftBehind: ReadonlyMap<string, LeftFile>): (a: LogFile, b: LogFile) => number {
  const time = (entry: LogFile): number => ownLeft(entry, leftBehind)?.leftAt ?? entry.modified;
  return (a, b) => time(b) - time(a) || b.count - a.count || (a.file < b.file ? 1 : a.file > b.file ? -1 : 0);
}

/**
 * Deletes our files past maxFiles (the most recently written are kept, the files in use counted
 * among them) or older than its days, then gzips the plain ones that are done with. Never throws:
 * what failed is in `problems`.
 */
export async function sweepLogFolder(settings: SweepSettings, now: number = Date.now()): Promise<SweepResult> {
  const result: SweepResult = { removed: [], archived: [], problems: [] };
  const files = await listLogFiles(settings, result.problems);
  files.sort(newestFirst(settings.leftBehind));
  const kept: LogFile[] = [];
  const limit = typeof settings.maxFiles === 'number' ? settings.maxFiles : undefined;
  const days = typeof settings.maxFiles === 'string' ? Number.parseInt(settings.maxFiles, 10) : undefined;
  let room = (limit ?? Infinity) - files.filter((entry) => settings.inUse.has(entry.file)).length;
  for (const entry of files) {
    const inUse = settings.inUse.has(entry.file);
    const keep = inUse || (days !== undefined ? entry.modified >= now - days * DAY_MS : room-- > 0);
    if (keep) kept.push(entry);
    else if (await removed(entry.file, result.problems)) result.removed.push(entry.file);
  }
  if (!settings.zippedArchive) return result;
  // Files of a date still written are left plain, whichever process left them: another may share
  // the file (the rotator goes on writing one of today's date that it finds at its start, and its
  // rotation by size appends to a ".N" file that exists), and a file gzipped under it took all
  // that process wrote after with it, unlinked: a CLI run's records were lost so. The dates in
  // use are today's and those of this process's files, read from their names: such a file may be
  // gone from the folder by now (another process's sweep), and when the dates came only from the
  // files still there, a CLI run whose file had gone gzipped the file the app was writing.
  const datesInUse = new Set([writtenDate(now, settings.datePattern)]);
  for (const file of settings.inUse) {
    const date = path.dirname(file) === settings.folder ? settings.pattern.exec(path.basename(file))?.[1] : undefined;
    if (date !== undefined) datesInUse.add(date);
  }
  for (const entry of kept) {
    if (entry.gzipped || settings.inUse.has(entry.file) || datesInUse.has(entry.date)) continue;
    try {
      const archive = await gzipInPlace(entry.file, entry.modified);
      if (archive !== undefined) result.archived.push(archive);
    } catch (error) {
      result.problems.push(error);
    }
  }
  return result;
}

/** When this process left the file (or the file it is the archive of), unless it was written since. */
function ownLeft(entry: LogFile, leftBehind: ReadonlyMap<string, LeftFile>): LeftFile | undefined {
  const left = leftBehind.get(entry.file.replace(/\.gz$/, ''));
  return left !== undefined && entry.modified <= left.doneAt ? left : undefined;
}

/** What gzipInPlace names a log file it claimed (group 1), and the archive it writes (with group 3). */
const CLAIMED = /^\.(.+)\.(\d+)\.gzipping(\.partial)?$/u;

/**
 * A process that ended while it gzipped a log file (killed, the machine off) left it under its
 * hidden claimed name, out of sight and out of retention: put back under its own name, for
 * this sweep to gzip or keep (the partial archive beside it is removed). Where a new file has
 * that name by now, the old one is added to the archive of that name, or, when files are not
 * gzipped, left as it is. Claims of a process still alive are its own business. Whether there
 * was any of a process that ended.
 */
async function takeBackClaims(settings: SweepSettings, names: readonly string[], problems: unknown[]): Promise<boolean> {
  let found = false;
  for (const name of names) {
    const match = CLAIMED.exec(name);
    const [, original = '', pid = ''] = match ?? [];
    if (match === null || !settings.pattern.test(original) || original.endsWith('.gz') || processAlive(Number(pid))) continue;
    found = true;
    const left = path.join(settings.folder, name);
    const file = path.join(settings.folder, original);
    try {
      if (match[3] !== undefined) {
        await fsp.rm(left, { force: true });
        continue;
      }
      // Claimed again, by this process: of two sweeps at once, one takes it (the other: ENOENT).
      const claimed = claimedName(file);
      await fsp.rename(left, claimed);
      if (await linkedBack(claimed, file)) await fsp.unlink(claimed);
      else if (settings.zippedArchive) await gzipClaimed(claimed, file, (await fsp.stat(claimed)).mtimeMs);
      else await fsp.rename(claimed, left);
    } catch (error) {
      if (!isMissing(error)) problems.push(error);
    }
  }
  return found;
}

/** Whether `claimed` is now also `file` (false when `file` exists). */
async function linkedBack(claimed: string, file: string): Promise<boolean> {
  try {
    await fsp.link(claimed, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function listLogFiles(settings: SweepSettings, problems: unknown[]): Promise<LogFile[]> {
  let names: string[];
  try {
    names = await fsp.readdir(settings.folder);
  } catch (error) {
    if (!isMissing(error)) problems.push(error);
    return [];
  }
  // Mostly none: no time goes by here then between the listing and the files' stats.
  if (names.some((name) => CLAIMED.test(name)) && (await takeBackClaims(settings, names, problems))) names = await fsp.readdir(settings.folder).catch(() => names);
  const files: LogFile[] = [];
  for (const name of names) {
    const match = settings.pattern.exec(name);
    if (match === null || !isWrittenDate(match[1] ?? '', settings.datePattern)) continue;
    const file = path.join(settings.folder, name);
    try {
      const info = await fsp.lstat(file);
      if (info.isFile()) files.push({ file, date: match[1] ?? '', count: Number(match[2] ?? 0), gzipped: name.endsWith('.gz'), modified: info.mtimeMs });
    } catch (error) {
      if (!isMissing(error)) problems.push(error);
    }
  }
  return files;
}

async function removed(file: string, problems: unknown[]): Promise<boolean> {
  try {
    await fsp.unlink(file);
    return true;
  } catch (error) {
    if (!isMissing(error)) problems.push(error);
    return false;
  }
}

/**
 * `file` → `file.gz`, keeping its modification time (the sweep orders by it). The file is first
 * renamed to a hidden name of this process, so that of two processes sweeping one folder only one
 * gzips it. A name used again (the rotator numbers a date's files from the first free name) may
 * have an archive already: the new one is added to it as a second gzip member, which gunzip and
 * zcat read as one file. Returns undefined when another process took the file first.
 */
async function gzipInPlace(file: string, modified: number): Promise<string | undefined> {
  const claimed = claimedName(file);
  try {
    await fsp.rename(file, claimed);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  return gzipClaimed(claimed, file, modified);
}

/** The hidden name under which this process gzips `file` (CLAIMED). */
function claimedName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.gzipping`);
}

/** gzipInPlace once `file` is `claimed`: into `file.gz`, or back under its name when that fails. */
async function gzipClaimed(claimed: string, file: string, modified: number): Promise<string> {
  const archive = `${file}.gz`;
  const partial = `${claimed}.partial`;
  try {
    try {
      await fsp.copyFile(archive, partial);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    await pipeline(fs.createReadStream(claimed), zlib.createGzip(), fs.createWriteStream(partial, { flags: 'a' }));
    await fsp.utimes(partial, modified / 1000, modified / 1000);
    await fsp.rename(partial, archive);
    await fsp.unlink(claimed);
    return archive;
  } catch (error) {
    await fsp.rm(partial, { force: true }).catch(() => undefined);
    // Back under its name to be tried again, unless a new file has that name by now.
    await fsp
      .link(claimed, file)
      .then(() => fsp.unlink(claimed))
      .catch(() => undefined);
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

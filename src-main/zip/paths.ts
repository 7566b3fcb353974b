// Turning an entry's stored name into a relative path that is safe to create under a target
// folder, or refusing it (issue 2, "Safe by default"). This is the one place that decides what
// a name means on disk: extract, the safety report and the command line all ask here.
//
// The rules, in order:
//   - NUL anywhere, or a name that is empty, is refused (a NUL cuts the name short in C APIs).
//   - Backslashes are separators: APPNOTE 4.4.17 demands "/", but Windows writers (PowerShell's
//     Compress-Archive, old PKZIP) store "\", and "..\..\x" is the classic traversal trick.
//   - A name that starts with "/" (also "//server/share") or a drive letter ("C:", "C:/", "C:x")
//     is absolute and refused.
//   - "." and empty segments are dropped, "a/../b" becomes "b"; a ".." that would climb above
//     the target is refused.
// What is left is a list of plain segments; joined with "/" it names the file under the target.
// Under Windows' rules (NameRules: on Windows, and where the target's file system refuses what
// Windows refuses), a segment Windows cannot hold is then changed into one it can (forWindows), as
// 7-Zip and WinRAR change it there: extract reports the entry as written under a new name.

import { Buffer, isUtf8 } from 'node:buffer';
import { ZipError } from './errors.js';

export interface SafePath {
  /** Plain segments: none empty, none "." or "..", none holding "/", "\\" or NUL. */
  readonly segments: readonly string[];
  /** The segments joined with "/" (the form used to compare names for collisions). */
  readonly path: string;
  /** The stored name ended in a separator: the entry names a folder. */
  readonly trailingSlash: boolean;
  /** A segment was changed to a name Windows can hold (forWindows): the path is not the stored name's. */
  readonly changedForWindows?: true;
}

const DRIVE_LETTER = /^[A-Za-z]:/;
const SLASH = 0x2f;
const DOT = 0x2e;

/**
 * Whether the name is already its own normal form (most are): segments joined by single "/"
 * (one more may end it), none empty, "." or "..", no "\\" or NUL, and no ":" second (a drive
 * letter). One pass over the characters instead of normalize's split, filter and join.
 */
function isPlain(name: string): boolean {
  if (name.charCodeAt(1) === 0x3a) return false;
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    const code = i === name.length ? SLASH : name.charCodeAt(i);
    if (code === 0x5c || code === 0) return false;
    if (code !== SLASH) continue;
    const length = i - start;
    // An empty segment is only allowed as the end of a name with a trailing slash.
    if (length === 0 && !(i === name.length && start > 0)) return false;
    if (length === 1 && name.charCodeAt(start) === DOT) return false;
    if (length === 2 && name.charCodeAt(start) === DOT && name.charCodeAt(start + 1) === DOT) return false;
    start = i + 1;
  }
  return true;
}

/** Why a stored name is unsafe, or undefined when it is safe. */
export function unsafeNameReason(name: string): string | undefined {
  const result = normalize(name);
  return result instanceof UnsafeName ? result.reason : undefined;
}

/**
 * Characters that make a name read as another: controls (a line feed, ESC starting a terminal
 * sequence), the bidirectional marks, overrides and isolates ("invoice\u202Efdp.exe" shows as
 * "invoiceexe.pdf"), and characters that show as nothing: the zero-width space, soft hyphen, byte
 * order mark, word joiner and invisible operators, Mongolian vowel separator, line and paragraph
 * separators, and tags ("a\u200Bb.txt" looks like "ab.txt"). A zero-width joiner is one too,
 * but not where it changes what is shown: between two pictographs, where it joins an emoji
 * sequence ("👨‍👩‍👧"); after a virama of the Indic scripts, Myanmar and Khmer, where it asks for
 * a half form or a chillu ("क्‍ष", "അവന്‍"); and beside a letter of the joining scripts (Arabic,
 * Syriac, N'Ko, Mongolian), where it asks for a joined form ("ه‍"). (Flagged there, Hindi and
 * Malayalam names were all warned of.) The renderer's lib/visible.ts escapes the same set.
 */
export const DISGUISING =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u{e0000}-\u{e007f}]|(?<!\p{Extended_Pictographic}[\u{1f3fb}-\u{1f3ff}\ufe0f]?)(?<![\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d\u0dca\u1039\u103a\u17d2\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}])\u200d(?![\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}])|(?<=\p{Extended_Pictographic}[\u{1f3fb}-\u{1f3ff}\ufe0f]?)\u200d(?!\p{Extended_Pictographic})/u;

/** Whether a name holds a character that makes it show as another name (see DISGUISING). */
export function hasDisguisingCharacters(name: string): boolean {
  return DISGUISING.test(name);
}

/** Whether the file systems here take names that differ only in case for one name, by default (macOS, Windows). */
export const CASE_INSENSITIVE_BY_DEFAULT = process.platform === 'darwin' || process.platform === 'win32';

/**
 * Whether a folder entry's name is the target folder itself: "./" or "." (bsdtar stores one when
 * it archives "."), nothing but "." and empty segments. Nothing to make; not unsafe either.
 */
export function namesTargetItself(name: string): boolean {
  if (name.length === 0 || name.charCodeAt(0) === SLASH || name.charCodeAt(0) === 0x5c) return false;
  // Each segment (between "/" or "\\") empty or one dot.
  let dot = false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === SLASH || code === 0x5c) dot = false;
    else if (code === DOT && !dot) dot = true;
    else return false;
  }
  return true;
}

/** The safe relative form of a stored name (under `rules`: see NAME_RULES); rejects with ZipError UNSAFE_PATH. */
export function safeEntryPath(name: string, rules: NameRules = NAME_RULES): SafePath {
  const result = pathOnDisk(name, rules);
  if (result instanceof UnsafeName) throw unsafeNameError(name, result);
  return result;
}

/** Like safeEntryPath, but hands back the error instead of throwing it (for loops over many names). */
export function trySafeEntryPath(name: string, rules: NameRules = NAME_RULES): SafePath | ZipError {
  const result = pathOnDisk(name, rules);
  return result instanceof UnsafeName ? unsafeNameError(name, result) : result;
}

/**
 * Which names a file system can hold: any but "/" and NUL ('posix'), or only those Windows allows
 * ('windows'). NAME_RULES are this system's: Windows' own, and anywhere with
 * ZIPDESK_NAME_RULES=windows in the environment. (Extract also asks its target folder's file
 * system, archive/name-probe.ts: a FAT or exFAT drive or an SMB share refuses those characters.)
 */
export type NameRules = 'posix' | 'windows';
export const NAME_RULES: NameRules = process.platform === 'win32' || process.env['ZIPDESK_NAME_RULES'] === 'windows' ? 'windows' : 'posix';

/** The path a stored name is extracted to under `rules`, or why it is refused. */
function pathOnDisk(name: string, rules: NameRules = NAME_RULES): SafePath | UnsafeName {
  const result = normalize(name);
  return rules === 'windows' && !(result instanceof UnsafeName) ? forWindows(result) : result;
}

/**
 * What Windows refuses in a segment: the characters < > : " | ? * and the controls (NUL is refused
 * before this); a "." or " " at the end (Windows drops them, so "a." and "a" would be one name, and
 * most programs cannot open a file whose name keeps them); and the names of devices, alone or
 * before an extension ("CON", "nul.txt", "COM1.log"), which name no file there.
 */
const WINDOWS_CHARACTER = String.raw`[<>:"|?*\u0001-\u001f]`;
const WINDOWS_DEVICE_NAME = String.raw`(?:con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *`;
/** Whether a path (segments joined by "/") has a segment Windows refuses. */
const WINDOWS_REFUSES = new RegExp(String.raw`${WINDOWS_CHARACTER}|[. ](?:/|$)|(?:^|/)${WINDOWS_DEVICE_NAME}(?:\.|/|$)`, 'i');
const WINDOWS_CHARACTERS = new RegExp(WINDOWS_CHARACTER, 'g');
/** A segment that is a device's name (with nothing, or an extension, after it). */
const WINDOWS_DEVICE = new RegExp(String.raw`^${WINDOWS_DEVICE_NAME}(?:\.|$)`, 'i');

/**
 * A safe path whose every segment Windows can hold: each character it refuses becomes "_", as
 * does a "." or " " at a segment's end, and a device's name gets "_" before it ("CON.txt" →
 * "_CON.txt"). Neither makes a segment empty, "." or "..", nor adds a separator: the path stays
 * safe. (Two names may then become one, "a?" and "a*": extract settles that by its policy, as for
 * any two entries of one path.)
 */
export function forWindows(safe: SafePath): SafePath {
  if (!WINDOWS_REFUSES.test(safe.path)) return safe;
  const segments = safe.segments.map(segmentForWindows);
  return { segments, path: segments.join('/'), trailingSlash: safe.trailingSlash, changedForWindows: true };
}

function segmentForWindows(segment: string): string {
  let kept = segment.replace(WINDOWS_CHARACTERS, '_');
  const last = kept.at(-1);
  if (last === '.' || last === ' ') kept = kept.slice(0, -1) + '_';
  return WINDOWS_DEVICE.test(kept) ? '_' + kept : kept;
}

/**
 * A symbolic link's target as a link made under Windows' rules holds it: each name in it changed
 * as forWindows changes an entry's ("what?.txt" → "what_.txt"), so that a link to an entry written
 * under a name Windows can hold leads to it; "." and ".." as they are (neither is changed into
 * one, so symlinkTargetStaysInside's answer for the target stands); "/" and "\\" both separators,
 * joined by `separator` (Windows' "\\": its links do not take "/"). Bytes in, bytes out: UTF-8
 * where the target is UTF-8, else each byte a character (the rules' characters are all ASCII).
 */
export function linkTargetForWindows(target: Buffer, separator: string): Buffer {
  const encoding = isUtf8(target) ? 'utf8' : 'latin1';
  const names = target.toString(encoding).split(/[/\\]/);
  return Buffer.from(names.map((name) => (name === '' || name === '.' || name === '..' ? name : segmentForWindows(name))).join(separator), encoding);
}

/** Which rule refuses a name (normalize): the error's kind, which the window's safety report words in its language. */
export type UnsafeNameKind = 'EMPTY' | 'NUL' | 'ABSOLUTE' | 'DRIVE_LETTER' | 'CLIMBS_OUT' | 'EMPTY_AFTER_NORMALIZATION';

/** A name normalize refuses: by which rule, why in words, and the drive letter it starts with. */
class UnsafeName {
  constructor(
    readonly kind: UnsafeNameKind,
    readonly reason: string,
    readonly drive?: string,
  ) {}
}

function unsafeNameError(name: string, unsafe: UnsafeName): ZipError {
  const quoted = JSON.stringify(name);
  const params: Record<string, string> = unsafe.drive === undefined ? { name: quoted } : { name: quoted, drive: unsafe.drive };
  return new ZipError('UNSAFE_PATH', `unsafe name ${quoted}: ${unsafe.reason}`, { entry: name, kind: unsafe.kind, params });
}

/**
 * Why a name taken from files on disk cannot be stored as an entry that readers take for those
 * files, or undefined. Writing keeps to the names that reading (normalize) takes as they are: a
 * backslash would be read as a folder separator (`a\b` extracts as a/b, `..\x` is refused), and
 * a name that begins like a drive letter (`C:x`) is refused as absolute.
 */
export function nameProblemForWriting(name: string): NameProblem | undefined {
  if (name.includes('\\')) return { reason: 'the name holds a backslash, which ZIP readers take for a folder separator', kind: 'BACKSLASH', params: {} };
  const read = normalize(name);
  if (read instanceof UnsafeName) return { reason: read.reason, kind: read.kind, params: read.drive === undefined ? {} : { drive: read.drive } };
  if (read.path.length + (read.trailingSlash ? 1 : 0) === name.length) return undefined;
  const readBack = JSON.stringify(read.path);
  return { reason: `the name would be read back as ${readBack}`, kind: 'READ_BACK', params: { readBack } };
}

/** Why a name cannot be written: in English, and by its kind and values, which the window words. */
export interface NameProblem {
  readonly reason: string;
  readonly kind: UnsafeNameKind | 'BACKSLASH' | 'READ_BACK';
  readonly params: Readonly<Record<string, string>>;
}

/** A name that is its own normal form: its segments are split off only when asked for (extracting most files needs the path alone). */
class PlainPath implements SafePath {
  constructor(
    readonly path: string,
    readonly trailingSlash: boolean,
  ) {}

  get segments(): readonly string[] {
    return this.path.split('/');
  }
}

function normalize(name: string): SafePath | UnsafeName {
  if (name.length === 0) return new UnsafeName('EMPTY', 'the name is empty');
  if (isPlain(name)) {
    const trailingSlash = name.charCodeAt(name.length - 1) === SLASH;
    return new PlainPath(trailingSlash ? name.slice(0, -1) : name, trailingSlash);
  }
  if (name.includes('\0')) return new UnsafeName('NUL', 'the name holds a NUL character');
  const slashed = name.replaceAll('\\', '/');
  if (slashed.startsWith('/')) return new UnsafeName('ABSOLUTE', 'the name is an absolute path');
  if (DRIVE_LETTER.test(slashed)) return new UnsafeName('DRIVE_LETTER', `the name starts with the drive letter ${slashed.slice(0, 2)}`, slashed.slice(0, 2));
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return new UnsafeName('CLIMBS_OUT', 'the name climbs out of the target folder with ".."');
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return new UnsafeName('EMPTY_AFTER_NORMALIZATION', 'the name is empty after normalization');
  return { segments, path: segments.join('/'), trailingSlash: slashed.endsWith('/') };
}

// ---------------------------------------------------------------------------------------------
// Path keys, for telling which paths an archive names more than once (archive/archive-paths.ts).
// Equal paths have equal keys; two paths may share a key by chance, so a shared key only says
// "compare the paths themselves".

/** FNV-1a in one 32-bit lane and a multiply-xorshift in another, 53 bits together (exact as a number). */
const KEY_SEED_A = 0x811c9dc5;
const KEY_SEED_B = 0x9747b28c;

function keyOf(a: number, b: number): number {
  return (a >>> 0) * 0x20_0000 + ((b ^ (b >>> 15)) >>> 11);
}

/**
 * Hears the key of each folder a path lies in (each part before a "/"), as the path's own key is
 * worked out: the key of a prefix is the state of the hash where that prefix ends.
 */
export type FolderKeySink = (key: number) => void;

/** The key of a safe path (SafePath.path); `folders` hears the keys of the folders it lies in. */
export function pathKey(path: string, folders?: FolderKeySink): number {
  let a = KEY_SEED_A;
  let b = KEY_SEED_B;
  for (let i = 0; i < path.length; i++) {
    const unit = path.charCodeAt(i);
    if (unit === SLASH && folders !== undefined) folders(keyOf(a, b));
    a = Math.imul(a ^ unit, 0x0100_0193);
    b = Math.imul(b ^ unit, 0x5bd1_e995);
  }
  return keyOf(a, b);
}

/**
 * How a file system compares names, for keys and for names already taken: undefined compares them
 * as they are (Linux); foldCase as the file systems of macOS and Windows do by default, where
 * "A.txt" and "a.txt", or "é" composed and decomposed, name one file.
 */
export type PathFold = (path: string) => string;

/**
 * Case and Unicode composition folded: composed (NFC), lowered, then raised, so that letters with
 * two small forms or two capitals fold together as NTFS (which compares names upper-cased) and
 * APFS (case-folded) take them: "ς" and "σ", "ı" and "i", "ſ" and "s", the Kelvin sign and "k".
 * A letter whose capital is two letters ("ß" → "SS", "ﬁ" → "FI") stays lowered: neither file
 * system takes "ß" and "ss" for one name. Where the two file systems differ ("ı" and "i" are one
 * name on NTFS, two on APFS; composed and decomposed letters the other way round), this folds
 * them together: two names kept apart that the disk takes for one would silently replace a file,
 * while two taken for one are only settled by the policy.
 */
export const foldCase: PathFold = (path) => foldLetterCase(path.normalize('NFC'));

/** foldCase without composing: case alone folded, a decomposed "é" left two characters. */
function foldLetterCase(path: string): string {
  const lower = path.toLowerCase();
  const upper = lower.toUpperCase();
  if (upper.length === lower.length) return upper;
  let folded = '';
  for (const char of lower) {
    const capital = char.toUpperCase();
    folded += capital.length === char.length ? capital : char;
  }
  return folded;
}

/**
 * What paths that fold together (foldCase) differ by: their case ("README", "readme"), their
 * Unicode composition ("café" with "é" one character and with "e" and an accent, which look
 * alike), or both, one pair by one and another by the other. The safety report says which: it
 * said of two names that look the same that they "differ only by case".
 */
export type FoldedDifference = 'CASE' | 'COMPOSITION' | 'CASE_AND_COMPOSITION';

export function foldedDifference(paths: readonly string[]): FoldedDifference {
  const same = (folded: string[]) => folded.every((path) => path === folded[0]);
  if (same(paths.map((path) => path.normalize('NFC')))) return 'COMPOSITION';
  return same(paths.map(foldLetterCase)) ? 'CASE' : 'CASE_AND_COMPOSITION';
}

/**
 * pathKey(foldCase(path), folders), without making the folded string of an ASCII path (most are),
 * whose fold raises a–z alone. (`folders` may hear the keys of some folders twice.)
 */
export function foldedPathKey(path: string, folders?: FolderKeySink): number {
  let a = KEY_SEED_A;
  let b = KEY_SEED_B;
  for (let i = 0; i < path.length; i++) {
    let unit = path.charCodeAt(i);
    if (unit > 0x7f) return pathKey(foldCase(path), folders);
    if (unit === SLASH && folders !== undefined) folders(keyOf(a, b));
    if (unit >= 0x61 && unit <= 0x7a) unit -= 0x20;
    a = Math.imul(a ^ unit, 0x0100_0193);
    b = Math.imul(b ^ unit, 0x5bd1_e995);
  }
  return keyOf(a, b);
}

/** The key of the path a stored name is extracted to under `rules` (folded by `fold`), or NaN when the name is refused. */
export function namePathKey(name: string, folders?: FolderKeySink, fold?: PathFold, rules: NameRules = NAME_RULES): number {
  const safe = pathOnDisk(name, rules);
  if (safe instanceof UnsafeName) return Number.NaN;
  return pathKey(fold === undefined ? safe.path : fold(safe.path), folders);
}

/**
 * The same key straight from a stored name's bytes, without making a string, when those bytes
 * are their own safe path as text: printable ASCII (so UTF-8 and CP437 read them alike), no "\\"
 * or ":", no segment that is empty (but for one trailing "/") or starts with "." (which covers
 * "." and ".."). Such a name is plain (isPlain), so its path is the name without the trailing
 * "/". Undefined for any other name: decode it and ask namePathKey. (The caller knows whether a
 * Unicode path extra field renames the entry; then the bytes are not the name. Nor are they the
 * path under Windows' rules, which may change a printable name: the caller asks namePathKey then.)
 * `folders` may hear some folder keys of a name that then turns out not to be plain.
 */
export function plainNamePathKey(bytes: Uint8Array, start: number, end: number, folders?: FolderKeySink): number | undefined {
  if (end === start) return undefined;
  const last = end - 1;
  if (bytes[last] === SLASH && end - start > 1) end = last;
  let a = KEY_SEED_A;
  let b = KEY_SEED_B;
  let segmentStart = true;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 || byte > 0x7e || byte === 0x5c || byte === 0x3a) return undefined;
    if (segmentStart && (byte === SLASH || byte === DOT)) return undefined;
    segmentStart = byte === SLASH;
    if (segmentStart && folders !== undefined) folders(keyOf(a, b));
    a = Math.imul(a ^ byte, 0x0100_0193);
    b = Math.imul(b ^ byte, 0x5bd1_e995);
  }
  if (segmentStart) return undefined; // "x//" leaves an empty segment at the end
  return keyOf(a, b);
}

/**
 * Why no link can be made of `target` (its bytes as stored) wherever it points, in words; undefined
 * when one can. An empty target is none (symlink(2) refuses it), and the system's calls take a path
 * up to its first NUL (Node refuses one that holds it): neither points anywhere, outside or in.
 */
export function unusableLinkTarget(target: Uint8Array): string | undefined {
  if (target.length === 0) return 'symbolic link target is empty';
  if (target.includes(0)) return 'symbolic link target holds a NUL byte, which no path may hold';
  return undefined;
}

/**
 * Whether a symbolic link stored at `linkPath` (a safe relative path) with text `target` stays
 * inside the target folder. Absolute targets never do. A relative target may climb with leading
 * ".." segments, no higher than the link's own folder, and then only descend: "x/../y" is refused,
 * because "x" may itself be a link to a shallower folder (lexical ".." after a link escapes).
 * Descending through other links is safe as long as every link is checked with this same rule.
 */
export function symlinkTargetStaysInside(linkPath: SafePath, target: string): boolean {
  if (target.length === 0 || target.includes('\0')) return false;
  const slashed = target.replaceAll('\\', '/');
  if (slashed.startsWith('/') || DRIVE_LETTER.test(slashed)) return false;
  let depth = linkPath.segments.length - 1;
  let descended = false;
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (descended || depth === 0) return false;
      depth--;
      continue;
    }
    descended = true;
  }
  return true;
}

// How the command line words a failure: one line, `zipdesk: ARCHIVE: ENTRY: what is wrong`,
// never a stack trace (issue 2). ZipErrors carry their own words; system errors (a missing
// file, a full disk) are put in plain ones.

import { isZipError, stacklessZipError, type ZipErrorCode } from '../zip/errors.js';
import { DISGUISING } from '../zip/paths.js';

const SYSTEM_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
  EROFS: 'read-only file system',
};

/** The words for an error, without the archive or entry in front. */
export function describeError(error: unknown): string {
  if (isZipError(error)) {
    // The file source says "cannot open /full/path: ENOENT"; the line already names the archive.
    const system = /^cannot (open|stat) (.*): (E[A-Z]+)$/s.exec(error.message);
    if (error.code === 'IO' && system !== null) {
      // A name that is not UTF-8 lost its bytes when Node read the command line (as UTF-8, the
      // bytes it could not read becoming U+FFFD), so the file by that name is not found.
      const lost = system[3] === 'ENOENT' && system[2]!.includes('\uFFFD') ? ' (if its name is not UTF-8, it cannot be given as a path: Node reads the command line as UTF-8; rename the file)' : '';
      return `cannot ${system[1]}: ${SYSTEM_WORDS[system[3]!] ?? system[3]}${lost}`;
    }
    // The file source says "/full/path is not a regular file" (a folder, a pipe, a device).
    if (error.code === 'IO' && error.message.endsWith(' is not a regular file')) return 'not a regular file';
    return error.message;
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && SYSTEM_WORDS[code] !== undefined) return SYSTEM_WORDS[code];
    return error.message.split('\n')[0] ?? String(error);
  }
  return String(error);
}

/**
 * A command's failure as the `--json` outputs end with it: `"ok":false,"error":{"code","message"}`
 * (the code a ZipError's, IO for a system error).
 */
export function jsonFailure(error: unknown): string {
  const code = isZipError(error) ? error.code : 'IO';
  return `"ok":false,"error":${JSON.stringify({ code, message: describeError(error) })}`;
}

/** `zipdesk: ARCHIVE: ENTRY: what is wrong` (the entry part only when there is one), printable (see `printable`). */
export function errorLine(archive: string | undefined, error: unknown, entry?: string): string {
  const parts = ['zipdesk'];
  if (archive !== undefined) parts.push(archive);
  const entryName = entry ?? (isZipError(error) ? error.entry : undefined);
  if (entryName !== undefined) parts.push(entryName);
  parts.push(describeError(error));
  return printable(parts.join(': ')) + '\n';
}

/** A warning about the archive as a whole (a note the reader read around): `zipdesk: ARCHIVE: warning: what is off`, printable. */
export function noteLine(archive: string, message: string): string {
  return printable(`zipdesk: ${archive}: warning: ${message}`) + '\n';
}

/** The line of a bad entry: errorLine's words for its code and message. */
export function problemLine(archive: string, problem: { readonly entry: string; readonly code: ZipErrorCode; readonly message: string }): string {
  return errorLine(archive, stacklessZipError(problem.code, problem.message), problem.entry);
}

/**
 * The characters a terminal would act on rather than show, that reorder what follows them, or
 * that show as nothing (zip/paths.ts DISGUISING: controls, DEL, bidirectional marks, overrides
 * and isolates, zero-width and other invisible characters): a name holding "\n" must not make a
 * second line that reads like another message, nor an ESC sequence recolour the terminal.
 */
const UNPRINTABLE = new RegExp(DISGUISING.source, `${DISGUISING.flags}g`);

/**
 * The text with those characters shown as unzip shows controls, `^J` for a line feed, `^[` for
 * ESC, `^?` for DEL, and the rest as `\u009b` (`\u{e0041}` past U+FFFF). With `keepLines`, line
 * feeds and tabs stay (a comment of several lines).
 */
export function printable(text: string, keepLines = false): string {
  if (!DISGUISING.test(text)) return text;
  return text.replace(UNPRINTABLE, (char) => {
    if (keepLines && (char === '\n' || char === '\t')) return char;
    const code = char.codePointAt(0)!;
    if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
    if (code === 0x7f) return '^?';
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// A mode or a time set on a file we wrote, where the file system may have nowhere to keep it.
//
// A FAT or exFAT drive on Linux (a USB stick, an SD card) keeps no permission bits: its kernel
// drivers say EPERM to a mode their mount options cannot hold (a file's 664 under a umask of
// 022), FUSE's drivers may say ENOSYS, a share ENOTSUP. The file is then kept as the file system
// made it: its data is whole and checked. `unzip`, 7-Zip and bsdtar keep it too (each says so for
// every file, and exits with an error); we say nothing, as the drive has no place for the bits.
// Before, extract did not write such a file at all, and create could not replace an archive there.
// What is set is always a file or folder this run made, so EPERM is not a missing right.

/** Runs `set`, a chmod or a utimes; where the file system refuses it (throwUnlessRefused), nothing is said. */
export function setWhereHeld(set: () => void): void {
  try {
    set();
  } catch (error) {
    throwUnlessRefused(error);
  }
}

/** For a mode or a time that could not be set: rethrows, unless the file system has nowhere to keep it. */
export function throwUnlessRefused(error: unknown): void {
  if (!fileSystemRefused(error)) throw error;
}

/**
 * Whether the file system refused what it has no place for: a mode or a time here, a symbolic
 * link in extract.ts (on Windows, EPERM there means a missing right instead).
 */
export function fileSystemRefused(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'ENOSYS' || code === 'ENOTSUP' || code === 'EOPNOTSUPP';
}

/**
 * A modification time (ms since 1970) as utimes and futimes are to be given it. Node passes a Date
 * on as its milliseconds divided by 1000, and libuv keeps whole microseconds of that, dropping the
 * rest: 1509509517.244 is a double a hair below, so a file of .244 got .243999, earlier than the
 * archive says (7-Zip and unzip set .244000). Half a microsecond more lands on the millisecond.
 * A time before 1970 stays a Date: Node takes a negative number of seconds for "now".
 */
export function fileTime(ms: number): number | Date {
  return ms >= 0 ? ms / 1000 + 5e-7 : new Date(ms);
}

// The app's small JSON files in its configuration folder (recent.json, name-encodings.json): read
// whole, and written whole under a temporary name that is then renamed over the file, so that a
// crash or a full disk mid-write leaves the last good file. Both are conveniences: their owners
// log a save that fails and go on (a full disk or a read-only home must not stop an archive from
// opening).

import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The file's JSON value; undefined when it is missing, unreadable or not JSON. */
export function readSettingsFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Throws what the file system said; the temporary file of a write that failed is removed first. */
export function writeSettingsFile(file: string, value: unknown): void {
  writeAtomically(file, JSON.stringify(value, null, 2));
}

/**
 * `text` as the whole of `file`, written as `FILE.PID.tmp` and renamed over it (pending-jobs.json
 * too, whose store removes such a file a crashed process left). Throws what the file system said,
 * the temporary file removed first.
 */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to remove
    }
    throw error;
  }
}

// The app's small JSON files in its configuration folder (recent.json, name-encodings.json): read
// whole, and written whole under a temporary name that is then renamed over the file, so that a
// crash or a full disk mid-write leaves the last good file.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The file's JSON value; undefined when it is missing, unreadable or not JSON. */
export function readSettingsFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function writeSettingsFile(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(value, null, 2));
  renameSync(temp, file);
}

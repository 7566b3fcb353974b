// Shared by the reader, inspect, interop and fuzz tests: temp folders, real tools, python's
// listing to compare with, and `messWith` for corrupted variants made in code.

import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { isZipError, type ZipErrorCode } from '../../src-main/zip/errors.js';
import type { ZipEntry } from '../../src-main/zip/model.js';
import { bufferSource, openZip, type ZipReader } from '../../src-main/zip/reader.js';

export function makeTempDir(prefix = 'zipdesk-reader-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a real tool; its output as text. */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }).toString();
}

export function python(script: string, cwd: string, args: readonly string[] = []): string {
  return run('python3', ['-c', script, ...args], cwd);
}

/** A copy of the archive with `change` applied to its bytes. */
export function messWith(archive: Buffer, change: (bytes: Buffer) => void): Buffer {
  const copy = Buffer.from(archive);
  change(copy);
  return copy;
}

export function openBuffer(bytes: Buffer): Promise<ZipReader> {
  return openZip(bufferSource(bytes));
}

/** Opens, lists, and reads every entry; resolves to the entries and their contents. */
export async function readAll(bytes: Buffer): Promise<{ reader: ZipReader; entries: ZipEntry[]; contents: Map<string, Buffer> }> {
  const reader = await openBuffer(bytes);
  const entries = await reader.readEntries();
  const contents = new Map<string, Buffer>();
  for (const entry of entries) if (!entry.isDirectory) contents.set(entry.name, await reader.readEntry(entry));
  return { reader, entries, contents };
}

export async function expectCode(promise: Promise<unknown>, code: ZipErrorCode, message?: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  if (!isZipError(caught)) throw new Error(`expected ZipError ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  expect(caught.code, caught.message).toBe(code);
  if (message) expect(caught.message).toMatch(message);
}

export interface PythonEntry {
  /** Python's reading: UTF-8 with bit 11, else CP437 (it does not guess, and 3.11 ignores 0x7075). */
  name: string;
  /** The name as stored, hex. */
  nameBytes: string;
  utf8Flag: boolean;
  size: number;
  compressedSize: number;
  crc32: number;
  isDirectory: boolean;
  method: number;
}

/** Python's zipfile listing of an archive: the reference the interop tests compare with. */
export function pythonListing(archive: string): { comment: string; entries: PythonEntry[] } {
  const script = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({'comment': z.comment.decode('utf-8', 'replace'), 'entries': [
        {'name': i.filename, 'nameBytes': i.orig_filename.encode('utf-8' if i.flag_bits & 0x800 else 'cp437').hex(),
         'utf8Flag': bool(i.flag_bits & 0x800), 'size': i.file_size, 'compressedSize': i.compress_size, 'crc32': i.CRC,
         'isDirectory': i.is_dir(), 'method': i.compress_type} for i in z.infolist()]}))
`;
  return JSON.parse(run('python3', ['-c', script, archive], path.dirname(archive))) as { comment: string; entries: PythonEntry[] };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The name Zipdesk should read where Python reads `name` (zip/names.ts): the stored bytes as
 * UTF-8 also without bit 11 when they are valid UTF-8 (Python reads them as CP437).
 */
export function expectedName(entry: PythonEntry): string {
  if (entry.utf8Flag) return entry.name;
  try {
    return strictUtf8.decode(Buffer.from(entry.nameBytes, 'hex'));
  } catch {
    return entry.name;
  }
}

/** Where the peer archives are (BRIEF.md), or undefined when this machine has none. */
export function peerZipsDir(): string | undefined {
  const candidates = [process.env['ZIPDESK_PEER_ZIPS'], path.resolve(process.cwd(), '../shared/peer-zips'), '/work/shared/peer-zips'];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(path.join(dir, 'MANIFEST.md')));
}

/** The 4-byte little-endian signature positions of a record type in an archive. */
export function signatureOffsets(bytes: Buffer, signature: number): number[] {
  const found: number[] = [];
  const needle = Buffer.alloc(4);
  needle.writeUInt32LE(signature);
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) found.push(at);
  return found;
}

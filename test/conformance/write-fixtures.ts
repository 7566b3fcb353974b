// Source trees for the writer's tests, and the peer tools that judge what we write.
// Not a test file itself: interop-write.test.ts and writer*.test.ts import it.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync, lutimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export function tempDir(prefix = 'zipdesk-write-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** 2001-02-03 04:05:06 local time: an even second, so DOS time keeps it exactly. */
export const FIXED_MTIME = new Date(2001, 1, 3, 4, 5, 6);

export interface TreeFile {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'symlink';
  readonly data?: Buffer;
  readonly target?: string;
  readonly mode?: number;
}

/** Writes `files` under `root/top`, every mtime set to FIXED_MTIME (parents after children). */
export function writeTree(root: string, top: string, files: readonly TreeFile[]): string {
  const base = path.join(root, top);
  mkdirSync(base, { recursive: true });
  for (const file of files) {
    const p = path.join(base, file.name);
    mkdirSync(path.dirname(p), { recursive: true });
    if (file.kind === 'directory') mkdirSync(p, { recursive: true, mode: file.mode ?? 0o755 });
    else if (file.kind === 'symlink') symlinkSync(file.target!, p);
    else writeFileSync(p, file.data ?? Buffer.alloc(0), { mode: file.mode ?? 0o644 });
  }
  // Directory mtimes last, deepest first, since creating children touches them.
  const all = [...files].sort((a, b) => b.name.split('/').length - a.name.split('/').length);
  for (const file of all) {
    const p = path.join(base, file.name);
    if (file.kind === 'symlink') lutimesSync(p, FIXED_MTIME, FIXED_MTIME);
    else utimesSync(p, FIXED_MTIME, FIXED_MTIME);
  }
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) utimesSync(path.join(base, d), FIXED_MTIME, FIXED_MTIME);
  utimesSync(base, FIXED_MTIME, FIXED_MTIME);
  return base;
}

/** A text that deflates well, of about `size` bytes. */
export function text(size: number, seed = 1): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  let out = '';
  let x = seed;
  while (out.length < size) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += words[x % words.length] + (x % 13 === 0 ? '\n' : ' ');
  }
  return Buffer.from(out.slice(0, size));
}

export const random = (size: number): Buffer => randomBytes(size);

export interface ToolResult {
  readonly tool: string;
  readonly ok: boolean;
  readonly output: string;
}

/** Runs the four peer checkers on an archive. */
export function peerChecks(archive: string): ToolResult[] {
  const run = (tool: string, cmd: string, args: string[]): ToolResult => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { tool, ok: r.status === 0, output: (r.stdout ?? '').slice(-2000) + (r.stderr ?? '').slice(-2000) };
  };
  return [
    run('unzip -t', 'unzip', ['-tqq', archive]),
    run('7z t', '7z', ['t', archive]),
    run('python zipfile.testzip', 'python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nbad=z.testzip()\nsys.exit(1 if bad else 0)', archive]),
    run('bsdtar -tf', 'bsdtar', ['-tf', archive]),
  ];
}

export interface PythonEntry {
  readonly name: string;
  readonly mode: number;
  readonly dateTime: [number, number, number, number, number, number];
  readonly utf8Flag: boolean;
  readonly method: number;
  /** The entry's data as hex (file content, or a link's target). */
  readonly dataHex: string;
}

/** Python's view of every entry, after it also extracted the archive to `into`. */
export function pythonRead(archive: string, into: string): { entries: PythonEntry[]; comment: string } {
  const script = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2])
out = []
for i in z.infolist():
    out.append({"name": i.filename, "mode": i.external_attr >> 16, "dateTime": list(i.date_time),
                "utf8Flag": bool(i.flag_bits & 0x800), "method": i.compress_type, "dataHex": z.read(i).hex()})
json.dump({"entries": out, "comment": z.comment.decode("utf-8")}, sys.stdout)
`;
  const json = execFileSync('python3', ['-c', script, archive, into], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return JSON.parse(json) as { entries: PythonEntry[]; comment: string };
}

export function dosTuple(date: Date): [number, number, number, number, number, number] {
  return [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds() - (date.getSeconds() % 2)];
}

// Types for scripts/fuzz-core.js, so the TypeScript fuzz test can use the same engine.
import type { Buffer } from 'node:buffer';

export interface FuzzApi {
  openZip: (source: any) => Promise<any>;
  bufferSource: (bytes: Uint8Array) => any;
  findOverlaps: (entries: any[], info: any) => unknown;
  inspectArchive: (reader: any) => Promise<unknown>;
  inspectEntry: (reader: any, entry: any) => Promise<unknown>;
  ZipError: abstract new (...args: any[]) => { code: string };
  /** With these two, each case also holds test's plain path to the full one (comparePlainPath). */
  plainEntryData?: (fields: any, bytes: Buffer, at: number, size: number) => Buffer | undefined;
  readSmallEntryAt?: (entry: any, bytes: Buffer, at: number, size: number, options: { strictLocalHeader: boolean }) => Buffer | undefined;
}

export interface Finding {
  case: number;
  seed: string;
  description: string;
  error: string;
  bytes: Buffer;
}

export function prng(seed: number): () => number;
export function mutate(seed: Buffer, random: () => number): { bytes: Buffer; description: string };
export const LIMITS: { entries: number; inspected: number; bytesPerCase: number };
export function exercise(bytes: Buffer, api: FuzzApi): Promise<string[]>;
export function comparePlainPath(
  bytes: Buffer,
  reader: any,
  entries: readonly any[],
  api: Pick<FuzzApi, 'ZipError'> & Required<Pick<FuzzApi, 'plainEntryData' | 'readSmallEntryAt'>>,
): Promise<{ accepted: number; fellBack: number; refusedByBoth: number }>;
export function fuzz(options: {
  seeds: readonly { name: string; bytes: Buffer }[];
  seed: number;
  iterations: number;
  api: FuzzApi;
  onFinding?: (finding: Finding) => void;
  check?: (bytes: Buffer) => Promise<string[]>;
}): Promise<{ counts: Map<string, number>; findings: Finding[] }>;
export function extractCase(
  bytes: Buffer,
  work: string,
  api: {
    testArchive: (archive: string) => Promise<{ ok: boolean }>;
    extractArchive: (archive: string, target: string) => Promise<{ ok: boolean }>;
    ZipError: abstract new (...args: any[]) => { code: string };
  },
): Promise<{ outcomes: string[]; wrong: string[] }>;

// Types for scripts/create-fuzz-core.js, so the TypeScript test can use the same engine.
import type { Buffer } from 'node:buffer';

export interface CreateFuzzApi {
  createArchive: (options: any) => Promise<any>;
  openZip: (source: any) => Promise<any>;
  openFileSource: (path: string) => Promise<any>;
  testArchive: (path: string) => Promise<any>;
  extractArchive: (archive: string, target: string) => Promise<any>;
  ZipError: abstract new (...args: any[]) => { code: string };
}

export function createCase(
  seed: number,
  work: string,
  api: CreateFuzzApi,
  containers?: readonly Buffer[],
  chosen?: { readonly followSymlinks?: boolean; readonly deterministic?: boolean },
): Promise<{ outcome: string; wrong: string[] }>;
export function makeContainers(dir: string): Buffer[];

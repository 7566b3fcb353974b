// Types for scripts/extract-fuzz-core.js, so the TypeScript test can use the same engine.
import type { OverwritePolicy } from '../src-main/archive/extract.js';

export interface ExtractIntoApi {
  extractArchive: (archive: string, target: string, options: any) => Promise<any>;
  testArchive: (archive: string) => Promise<any>;
  ZipError: abstract new (...args: any[]) => { code: string; message: string };
  /** zip/writer.ts: the record writers the case's archive is made with. */
  writer: {
    localFileHeader: (entry: any) => Buffer;
    centralDirectoryHeader: (entry: any) => Buffer;
    endOfCentralDirectory: (end: any) => Buffer;
    toDosDateTime: (date: Date) => { lastModFileDate: number; lastModFileTime: number };
  };
}

export function extractIntoCase(seed: number, work: string, api: ExtractIntoApi, chosen?: { readonly overwrite?: OverwritePolicy }): Promise<{ outcome: OverwritePolicy; happened: string[]; wrong: string[] }>;

// Types for scripts/peer-fuzz-core.js, so the TypeScript test can use the same engine.
import type { Buffer } from 'node:buffer';

export interface PeerFuzzApi {
  openZip: (source: any) => Promise<any>;
  openFileSource: (path: string) => Promise<any>;
  extractArchive: (archive: string, target: string) => Promise<any>;
}

export const TOOLS: Record<'zip' | 'bsdtar' | '7z' | 'python', { readonly times: 'exact' | 'dos' }>;
export function peerCase(seed: number, work: string, tool: keyof typeof TOOLS, api: PeerFuzzApi, containers?: readonly Buffer[]): Promise<{ entries: number; wrong: string[] }>;

// The only user of `window.zipdesk` (STYLE). Each call unwraps the bridge's coded result:
// a value, or an ApiFailure with the code and the readable message from main.

import type { ApiError, InvokeMethod, InvokeMethods, ZipdeskApi } from '../../src-preload/contract.js';

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  readonly code: string;
  /** As main sent it, with the kind and values the window words it by (lib/fatal.ts describeError). */
  readonly apiError: ApiError;
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.apiError = error;
  }
}

function bridge(): ZipdeskApi {
  const api = (window as unknown as { zipdesk?: ZipdeskApi }).zipdesk;
  if (!api) throw new Error('window.zipdesk is missing: the preload did not run');
  return api;
}

async function call<M extends InvokeMethod>(method: M, ...args: InvokeMethods[M]['args']): Promise<InvokeMethods[M]['result']> {
  const fn = bridge()[method] as (...a: InvokeMethods[M]['args']) => ReturnType<ZipdeskApi[M]>;
  const result = await fn(...args);
  if (!result.ok) throw new ApiFailure(result.error);
  return result.value as InvokeMethods[M]['result'];
}

export const api = {
  chooseArchive: () => call('chooseArchive'),
  openArchive: (path: string, nameEncoding: string | null = null, chosen = false) => call('openArchive', path, nameEncoding, chosen),
  closeArchive: (archiveId: string) => call('closeArchive', archiveId),
  listEntries: (archiveId: string, start: number, count: number) => call('listEntries', archiveId, start, count),
  inspectEntry: (archiveId: string, index: number) => call('inspectEntry', archiveId, index),
  archiveReport: (archiveId: string) => call('archiveReport', archiveId),
  chooseFolders: () => call('chooseFolders'),
  enqueueBatch: (...args: InvokeMethods['enqueueBatch']['args']) => call('enqueueBatch', ...args),
  extract: (...args: InvokeMethods['extract']['args']) => call('extract', ...args),
  test: (archiveId: string) => call('test', archiveId),
  cancelJob: (jobId: string) => call('cancelJob', jobId),
  listJobs: () => call('listJobs'),
  revealPath: (path: string) => call('revealPath', path),
  classifyPaths: (paths: string[]) => call('classifyPaths', paths),
  log: (...args: InvokeMethods['log']['args']) => call('log', ...args),
  pathsForDroppedFiles: (files: readonly File[]) => bridge().pathsForDroppedFiles(files),
  onJobEvent: (listener: Parameters<ZipdeskApi['onJobEvent']>[0]) => bridge().onJobEvent(listener),
  onOpenArchive: (listener: (path: string) => void) => bridge().onOpenArchive(listener),
  onMenuCommand: (listener: Parameters<ZipdeskApi['onMenuCommand']>[0]) => bridge().onMenuCommand(listener),
};

// One plain function per contract method, over the Services (issue 5). They receive arguments
// that handle() has already checked, and return plain data; errors are thrown as ZipError or
// BridgeError and become coded results in the wrapper. No electron here: tests and the
// end-to-end harness call them under Node.

import path from 'node:path';
import type { InvokeMethod } from '../../src-preload/contract.js';
import { classifyPaths } from './classify.js';
import { BridgeError, type Handler } from './handle.js';
import type { Services } from './services.js';

export type Handlers = { readonly [M in InvokeMethod]: Handler<M> };

export function createHandlers(services: Services): Handlers {
  const { archives, jobs, dialogs } = services;

  /** Paths the window may ask the file manager to show: what jobs produced, what was opened. */
  function revealable(target: string): boolean {
    const normalized = path.resolve(target);
    if (archives.openedPaths().some((p) => path.resolve(p) === normalized)) return true;
    return jobs.list().some((job) => job.outcome?.output != null && path.resolve(job.outcome.output) === normalized);
  }

  return {
    chooseArchive: () => dialogs.chooseArchive(),
    async openArchive(target) {
      const summary = await archives.open(target);
      services.opened?.(summary.path);
      return summary;
    },
    closeArchive: (archiveId) => archives.close(archiveId),
    listEntries: (archiveId, start, count) => archives.list(archiveId, start, count),
    inspectEntry: (archiveId, index) => archives.inspect(archiveId, index),
    archiveReport: (archiveId) => archives.report(archiveId),
    chooseFolders: () => dialogs.chooseFolders(),
    enqueueBatch: (request) => jobs.batch(request.folders, request.outputDir, request.level),
    async extract(request) {
      const archivePath = archives.pathOf(request.archiveId);
      const outputDir = request.outputDir ?? (await dialogs.chooseExtractFolder(path.basename(archivePath)));
      if (outputDir === null) return null;
      const names = request.entries === null ? null : await archives.entryNames(request.archiveId, request.entries);
      return jobs.extract(archivePath, names, outputDir, request.overwrite);
    },
    test: (archiveId) => jobs.test(archives.pathOf(archiveId)),
    cancelJob: (jobId) => jobs.cancel(jobId),
    listJobs: () => jobs.list(),
    revealPath(target) {
      if (!revealable(target)) throw new BridgeError('NOT_FOUND', `not an output of this session: ${target}`);
      services.shell.showItemInFolder(target);
    },
    classifyPaths: (paths) => classifyPaths(paths),
    log(level, message, meta) {
      services.logRecord(level, message, meta);
    },
  };
}

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
  const { archives, jobs, dialogs, grants } = services;

  /**
   * A path the user did not give the window is refused, whatever it is. What is used is the path
   * as checked, resolved: `granted/link/../x` reads as the granted `granted/x`, but the system
   * follows `link` before the `..`, to a folder never given.
   */
  function granted(target: string): string {
    if (!grants.allows(target)) throw new BridgeError('FORBIDDEN_PATH', `not a path you opened, chose or dropped: ${target}`);
    return path.resolve(target);
  }

  /** Paths the window may ask the file manager to show: what jobs produced, what was opened. */
  function revealable(target: string): boolean {
    const normalized = path.resolve(target);
    if (archives.openedPaths().some((p) => path.resolve(p) === normalized)) return true;
    return jobs.list().some((job) => job.outcome?.output != null && path.resolve(job.outcome.output) === normalized);
  }

  return {
    async chooseArchive() {
      const chosen = await dialogs.chooseArchive();
      if (chosen !== null) grants.grant(chosen);
      return chosen;
    },
    async openArchive(target, nameEncoding, chosen) {
      const file = granted(target);
      // The code page chosen under Names for this archive before, unless one is asked for now.
      const remembered = chosen || nameEncoding !== null ? undefined : services.nameChoices?.get(file);
      const summary = await archives.open(file, nameEncoding ?? remembered ?? null);
      try {
        if (chosen) services.nameChoices?.set(file, nameEncoding);
        services.opened?.(summary.path);
      } catch (error) {
        // The window is told the open failed and never learns the archive's id: kept open, it
        // would hold its file handle until the app quits, one more at each try.
        await archives.close(summary.archiveId);
        throw error;
      }
      return summary;
    },
    async closeArchive(archiveId) {
      await archives.close(archiveId);
      services.closed?.(archives.openCount());
    },
    listEntries: (archiveId, start, count) => archives.list(archiveId, start, count),
    inspectEntry: (archiveId, index) => archives.inspect(archiveId, index),
    archiveReport: (archiveId) => archives.report(archiveId),
    async chooseFolders() {
      const chosen = await dialogs.chooseFolders();
      grants.grantAll(chosen);
      return chosen;
    },
    enqueueBatch: (request) => jobs.batch(request.folders.map(granted), request.outputDir === null ? null : granted(request.outputDir), request.level),
    async extract(request) {
      const archivePath = archives.pathOf(request.archiveId);
      // By index, not by name: the rows are entries, and two entries may have one name. As
      // ranges: a million selected rows are a few numbers, not a million names in the request.
      const ranges = request.entries === null ? null : archives.entryRanges(request.archiveId, request.entries);
      // The file as it was listed and checked: the job refuses it if it was replaced since.
      // Its names as the window reads them: the job reads them in the same code page.
      // (All taken before the folder dialog: the window may open another archive meanwhile, and close this one.)
      const identity = archives.identityOf(request.archiveId);
      const nameEncoding = archives.nameEncodingOf(request.archiveId);
      const outputDir = request.outputDir === null ? await dialogs.chooseExtractFolder(path.basename(archivePath)) : granted(request.outputDir);
      if (outputDir === null) return null;
      return jobs.extract(archivePath, ranges, outputDir, request.overwrite, identity, nameEncoding);
    },
    test: (archiveId) => jobs.test(archives.pathOf(archiveId), archives.identityOf(archiveId), archives.nameEncodingOf(archiveId)),
    cancelJob: (jobId) => jobs.cancel(jobId),
    listJobs: () => jobs.list(),
    revealPath(target) {
      if (!revealable(target)) throw new BridgeError('NOT_FOUND', `not an output of this session: ${target}`);
      services.shell.showItemInFolder(path.resolve(target));
    },
    classifyPaths: (paths) => classifyPaths(paths.map(granted)),
    log(level, message, meta) {
      // The page's records are the page's: a `module` it names (jobs, worker) is not taken.
      const { module: _named, ...rest } = meta;
      services.logRecord(level, message, rest);
    },
  };
}

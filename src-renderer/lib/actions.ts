// What the buttons, the menu and drops do, in one place, so every way in behaves the same.

import { MAX_PATHS_AT_ONCE, type ArchiveSummary, type JobKind } from '../../src-preload/contract.js';
import { api } from './api.js';
import { archive } from './archive.svelte.js';
import { confirm } from './confirm.svelte.js';
import { baseName, planDrop } from './drop.js';
import { describeError } from './fatal.js';
import { formatCount } from './format.js';
import { t } from './i18n.js';
import { jobs } from './jobs.svelte.js';
import { notices } from './notices.svelte.js';

/** Deflate level for batches started from the window (the writer's default). */
const BATCH_LEVEL = 6;

function failed(error: unknown): void {
  notices.push('error', describeError(error));
}

/** Whether `count` paths are more than one drop or batch may hold, which is then said (`drop.tooMany`, `batch.tooMany`). */
function tooMany(count: number, message: 'drop.tooMany' | 'batch.tooMany'): boolean {
  if (count <= MAX_PATHS_AT_ONCE) return false;
  notices.push('error', t(message, { count: formatCount(count), max: formatCount(MAX_PATHS_AT_ONCE) }));
  return true;
}

/**
 * What the user started, said once from the Jobs panel's line as a job's end is: 'Test a.zip:
 * Started', a batch of many folders by its count ('Zip 3 folders: Started'), 'Queued' behind
 * other jobs. The cards came in silence. Not said of jobs that have ended already.
 */
function sayStarted(kind: JobKind, what: string, jobIds: readonly string[]): void {
  // (What came for the jobs before this answer, applied: they may have ended already.)
  jobs.flush();
  if (!jobIds.length || jobs.ended(jobIds)) return;
  const started = new Set(jobIds);
  const waiting = jobs.active().some((job) => !started.has(job.jobId));
  jobs.say(t('jobs.ended', { kind: t(`jobs.kind.${kind}`), title: what, state: t(waiting ? 'jobs.queued' : 'jobs.started') }));
}

/**
 * The archive the window shows, to extract or test, or null. While another is read, the one
 * before is still held but no longer shown: File › Test Archive then tested it, under "Reading
 * next.zip…", and Extract All extracted it.
 */
function shownArchive(): ArchiveSummary | null {
  return archive.state === 'loaded' ? archive.summary : null;
}

async function open(path: string | null): Promise<void> {
  await archive.open(path);
}

async function batch(folders: string[]): Promise<void> {
  if (!folders.length || tooMany(folders.length, 'batch.tooMany')) return;
  try {
    const jobIds = await api.enqueueBatch({ folders, outputDir: null, level: BATCH_LEVEL });
    sayStarted('batch', jobIds.length === 1 ? baseName(folders[0]!) : t('jobs.folders', { count: formatCount(jobIds.length) }), jobIds);
  } catch (error) {
    failed(error);
  }
}

async function newArchive(): Promise<void> {
  try {
    await batch(await api.chooseFolders());
  } catch (error) {
    failed(error);
  }
}

/** Extract all, or the selection; the safety report comes first when something is off. */
async function extract(selectedOnly: boolean): Promise<void> {
  const summary = shownArchive();
  if (!summary) return;
  try {
    const report = await archive.loadReport();
    if (report.safety.verdict !== 'ok' && !(await confirm.ask(summary.name, report.safety))) return;
    const entries = selectedOnly ? archive.selectedIndexes() : null;
    const jobId = await api.extract({ archiveId: summary.archiveId, entries, outputDir: null, overwrite: archive.overwrite });
    if (jobId !== null) sayStarted('extract', summary.name, [jobId]);
  } catch (error) {
    failed(error);
  }
}

async function test(): Promise<void> {
  const summary = shownArchive();
  if (!summary) return;
  try {
    sayStarted('test', summary.name, [await api.test(summary.archiveId)]);
  } catch (error) {
    failed(error);
  }
}

/** Dropped files: paths from the preload, kinds from main, then open / batch / explain. */
async function drop(files: readonly File[]): Promise<void> {
  try {
    const paths = api.pathsForDroppedFiles(files);
    if (tooMany(paths.length, 'drop.tooMany')) return;
    const plan = planDrop(await api.classifyPaths(paths));
    if (plan.rejected.length) notices.push('error', t('drop.rejected', { names: plan.rejected.map(baseName).join(', ') }));
    if (plan.missing.length) notices.push('error', t('drop.missing', { names: plan.missing.map(baseName).join(', ') }));
    if (plan.extraZips.length && plan.open) notices.push('info', t('drop.oneZip', { name: baseName(plan.open) }));
    await batch(plan.batch);
    if (plan.open) await open(plan.open);
  } catch (error) {
    failed(error);
  }
}

async function reveal(path: string): Promise<void> {
  try {
    await api.revealPath(path);
  } catch (error) {
    failed(error);
  }
}

async function cancel(jobId: string): Promise<void> {
  try {
    await api.cancelJob(jobId);
  } catch (error) {
    failed(error);
  }
}

export const actions = { open, newArchive, extract, test, drop, reveal, cancel };

// The app end to end in Chromium (issue 5): the built renderer against the real main-process
// handlers, reader, queue and worker, on real files made by real tools. Every wait is for a
// state the page shows (data-* attributes, rows, dialogs); nothing sleeps. Screenshots of each
// state go to test-artifacts/e2e/.

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { craftZip, tree, twoBadEntries, withBytesBeforeEnd } from '../unit/craft.js';
import { besideInspector, canRunE2e, hasTool, jobEnds, openInWindow, PROJECT_ROOT, startHarness, wordsOfSize, type Harness } from './harness.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts/e2e');

const runnable = canRunE2e && hasTool('zip') && hasTool('unzip');

function makeFolder(root: string, name: string, files: Record<string, Buffer | string>): string {
  const folder = path.join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(folder, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return folder;
}

/**
 * An archive by Info-ZIP's zip of the files of `folder` (made here), their names stored in
 * `encoding`'s bytes (Python encodes them) without the UTF-8 flag, as zip keeps names on disk.
 */
function zipWithNamesIn(encoding: string, folder: string, archive: string, files: Record<string, string>): void {
  mkdirSync(folder);
  for (const [name, data] of Object.entries(files)) {
    const bytes = execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.argv[2].encode(sys.argv[1]))', encoding, name]);
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), bytes]), data);
  }
  execFileSync('zip', ['-q', '-r', archive, '.'], { cwd: folder });
}

describe.skipIf(!runnable)('Zipdesk in Chromium', () => {
  let harness: Harness;
  let work: string;
  const shot = (name: string) => harness.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-'));
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the empty window says what it accepts', async () => {
    const zone = harness.page.getByTestId('drop-zone');
    await zone.waitFor();
    expect(await zone.textContent()).toContain('.zip');
    expect(await harness.page.evaluate(() => document.documentElement.lang)).toBe('en');
    await shot('01-empty');
  });

  test('opens a real archive made by zip and shows its rows', async () => {
    const source = makeFolder(work, 'project', {
      'README.md': '# Project\n\nA small project zipped by Info-ZIP.\n'.repeat(20),
      'src/main.c': wordsOfSize(40_000, 1),
      'src/util.h': '#pragma once\n',
      'docs/guide.txt': wordsOfSize(9_000, 2),
      'empty.txt': '',
    });
    const archive = path.join(work, 'project.zip');
    execFileSync('zip', ['-r', '-q', archive, 'project'], { cwd: work });
    harness.dialogs.archives.push(archive);
    await harness.page.getByRole('button', { name: 'Open…' }).click();
    await harness.page.waitForSelector('[data-archive-state="loaded"]');
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('project.zip');

    const names = await harness.page.locator('[data-testid="row"] .name .text').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['project/README.md', 'project/src/main.c', 'project/src/util.h', 'project/docs/guide.txt', 'project/empty.txt']));
    const main = harness.page.locator('[data-testid="row"]', { hasText: 'project/src/main.c' });
    expect(await main.textContent()).toContain('Deflated');
    // The CRC-32 column shows what unzip -v shows for the entry.
    const crc = execFileSync('unzip', ['-v', archive, 'project/src/main.c'], { encoding: 'utf8' }).match(/\b([0-9a-f]{8})\s+project\/src\/main\.c/)?.[1];
    expect(crc).toBeDefined();
    expect(await main.textContent()).toContain(crc!);
    await shot('02-archive-open');

    // Sort by size, descending: the largest entry first.
    await harness.page.getByRole('columnheader', { name: 'Size' }).click();
    await harness.page.getByRole('columnheader', { name: 'Size' }).click();
    await expect.poll(() => harness.page.locator('[data-testid="row"] .name .text').first().textContent()).toBe('project/src/main.c');

    // Filter, then the by-folder view.
    await harness.page.getByRole('searchbox', { name: 'Filter names' }).fill('src/');
    await expect.poll(() => harness.page.locator('[data-testid="row"]').count()).toBe(3);
    await harness.page.getByRole('searchbox', { name: 'Filter names' }).fill('');
    await harness.page.getByRole('radio', { name: 'By folder' }).click();
    // A lone top folder opens by itself; its sub-folders come first, then its files.
    await expect.poll(() => harness.page.locator('[data-testid="row"] .name .text').allTextContents()).toEqual(['project', 'src', 'docs', 'README.md', 'empty.txt']);
    await shot('03-by-folder');
    await harness.page.getByRole('radio', { name: 'Flat' }).click();
  });

  test('the inspector shows the local and central records field by field', async () => {
    const row = harness.page.locator('[data-testid="row"]', { hasText: 'project/src/main.c' });
    await row.dblclick();
    const pairs = harness.page.getByTestId('field-pairs');
    await pairs.waitFor();
    const method = pairs.locator('tr[data-field="compressionMethod"]');
    expect(await method.textContent()).toContain('Deflated');
    expect(await pairs.locator('tr[data-field="signature"]').textContent()).toContain('50 4b 03 04');
    expect(await pairs.locator('tr[data-field="signature"]').textContent()).toContain('50 4b 01 02');
    expect(await pairs.locator('tr[data-field="fileName"]').textContent()).toContain('project/src/main.c');
    expect(await pairs.locator('tr.mismatch').count()).toBe(0);
    // zip writes the extended timestamp and Info-ZIP Unix extra fields: decoded, not raw.
    expect(await harness.page.getByTestId('inspector').textContent()).toContain('extended timestamp (0x5455)');
    // Values and meanings wrap between words, not inside them: the narrow columns broke
    // '2026-12-05 (local time)' after 'tim' and '(10.6 KiB)' after 'Ki'.
    const brokenWords = await pairs.evaluate((table) => {
      const broken: string[] = [];
      for (const cell of table.querySelectorAll('td .value')) {
        for (const node of cell.childNodes) {
          const text = node.textContent ?? '';
          for (const word of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            const textNode = node.nodeType === Node.TEXT_NODE ? node : node.firstChild;
            if (textNode === null) continue;
            range.setStart(textNode, word.index);
            range.setEnd(textNode, word.index + word[0].length);
            if (range.getClientRects().length > 1) broken.push(word[0]);
          }
        }
      }
      return broken;
    });
    expect(brokenWords).toEqual([]);
    expect(await pairs.locator('tr[data-field="uncompressedSize"] .meaning').first().textContent()).toBe('40.0 KB');
    await shot('04-inspector');

    // Keyboard: Escape closes it; arrows move the focus in the listing, Enter opens the next one.
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Home');
    await harness.page.keyboard.press('ArrowDown');
    await harness.page.keyboard.press('Enter');
    const second = await harness.page.locator('[data-testid="row"]').nth(1).getAttribute('data-entry-index');
    await expect.poll(() => harness.page.getByTestId('inspector').locator('h2').textContent()).toBe(
      await harness.page.locator(`[data-testid="row"][data-entry-index="${second}"] .name .text`).textContent(),
    );
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
  });

  test('an archive the OS hands over (open-file, second instance) and the File menu reach the window', async () => {
    const archive = path.join(work, 'project.zip');
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('project.zip');
    // File ▸ Open Archive… goes through the same dialog as the toolbar button.
    const many = path.join(work, 'second.zip');
    execFileSync('zip', ['-q', many, 'project/README.md'], { cwd: work });
    harness.dialogs.archives.push(many);
    await harness.emit('menuCommand', 'open-archive');
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('second.zip');
  });

  test('the archive report shows the end record and the safety report', async () => {
    await harness.page.getByRole('button', { name: 'Archive report' }).click();
    const report = harness.page.getByTestId('archive-report');
    await report.getByTestId('safety').waitFor();
    expect(await report.getByTestId('safety').getAttribute('data-verdict')).toBe('ok');
    expect(await report.textContent()).toContain('end of central directory record');
    expect(await report.textContent()).toContain('totalNumberOfCentralDirectoryRecords');
    await shot('05-archive-report');
    await harness.page.getByRole('button', { name: 'Close inspector' }).click();
  });

  test('dropping two folders zips each into its own archive, with progress, and both pass unzip -t', async () => {
    const photos = makeFolder(work, 'photos', { 'a.txt': wordsOfSize(3_000_000, 3), 'b/c.txt': wordsOfSize(2_000_000, 4) });
    const notes = makeFolder(work, 'notes', { 'todo.md': '- ship it\n'.repeat(1000), 'ideas/one.txt': wordsOfSize(2_500_000, 5) });
    // A named pipe is never read: left out, and the finished job says so.
    execFileSync('mkfifo', [path.join(notes, 'pipe')]);
    await harness.setDropPaths({ photos, notes });
    const progressSeen = new Set<string>();
    const stop = harness.jobs.onEvent((event) => {
      if (event.type === 'progress') progressSeen.add(event.jobId);
    });
    await harness.drop(['photos', 'notes']);
    const jobs = harness.page.locator('[data-testid="job"][data-job-state="done"]');
    await expect.poll(() => jobs.count(), { timeout: 30_000 }).toBe(2);
    stop();
    await shot('06-two-jobs-done');
    expect(progressSeen.size).toBe(2);
    for (const zip of [path.join(work, 'photos.zip'), path.join(work, 'notes.zip')]) {
      expect(existsSync(zip)).toBe(true);
      expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toContain('No errors detected');
    }
    expect(execFileSync('unzip', ['-Z1', path.join(work, 'photos.zip')], { encoding: 'utf8' })).toContain('photos/b/c.txt');
    expect(execFileSync('unzip', ['-Z1', path.join(work, 'notes.zip')], { encoding: 'utf8' })).not.toContain('pipe');
    const notesJob = harness.page.locator('[data-testid="job"]', { hasText: 'notes.zip' });
    await expect.poll(() => notesJob.locator('.problems li').allTextContents()).toEqual(['notes/pipe: skipped: a named pipe (FIFO), not a file, folder or link']);
    expect(await harness.page.locator('[data-testid="job"]', { hasText: 'photos.zip' }).locator('.problems').count()).toBe(0);

    // Show in folder goes to the file manager with the archive's path.
    await harness.page.locator('[data-testid="job"]', { hasText: 'photos.zip' }).getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => harness.revealed).toContain(path.join(work, 'photos.zip'));
  });

  test('while the files to zip are still being found, the job counts them on a moving bar', async () => {
    // Many folders: the walk yields at each, and progress goes out while it still counts.
    const many = makeFolder(work, 'many', Object.fromEntries(Array.from({ length: 800 }, (_, i) => [`d${i}/f.txt`, wordsOfSize(200, i)])));
    await harness.setDropPaths({ many });
    // What the page showed, as it showed it: the counting state may last a moment only.
    await harness.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { countingSeen: string[] }).countingSeen = seen;
      new MutationObserver(() => {
        const job = document.querySelector('[data-testid="job"][data-counting="true"]');
        if (job) seen.push(`${job.querySelector('[role="progressbar"]')?.hasAttribute('aria-valuenow')}|${job.textContent}`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    let countingEvents = 0;
    const stop = harness.jobs.onEvent((event) => {
      if (event.type === 'progress' && event.progress.counting) countingEvents++;
    });
    await harness.drop(['many']);
    const done = harness.page.locator('[data-testid="job"][data-job-state="done"]', { hasText: 'many.zip' });
    await done.waitFor({ timeout: 30_000 });
    stop();
    expect(countingEvents).toBeGreaterThan(0);
    const seen = await harness.page.evaluate(() => (window as unknown as { countingSeen: string[] }).countingSeen);
    expect(seen.length).toBeGreaterThan(0);
    // No value on the bar (indeterminate), and what was found so far instead of a percentage.
    expect(seen[0]).toMatch(/^false\|.*Finding files: [\d,]+ entr(y|ies),/);
    expect(seen.every((s) => !s.includes('%'))).toBe(true);
    expect(execFileSync('unzip', ['-Z1', path.join(work, 'many.zip')], { encoding: 'utf8' }).trim().split('\n')).toHaveLength(1 + 800 * 2);
  });

  test('a running job and a queued one can be cancelled, leaving nothing behind', async () => {
    const big = makeFolder(work, 'big', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`part${i}.txt`, wordsOfSize(4_000_000, 10 + i)])));
    const later = makeFolder(work, 'later', { 'x.txt': 'x' });
    await harness.setDropPaths({ big, later });
    await harness.drop(['big', 'later']);
    const running = harness.page.locator('[data-testid="job"][data-job-state="running"]', { hasText: 'big.zip' });
    await running.waitFor();
    const queued = harness.page.locator('[data-testid="job"][data-job-state="queued"]', { hasText: 'later.zip' });
    await queued.waitFor();
    await shot('07-job-running');
    await queued.getByRole('button', { name: 'Cancel' }).click();
    await running.getByRole('button', { name: 'Cancel' }).click();
    const cancelled = harness.page.locator('[data-testid="job"][data-job-state="cancelled"]');
    await expect.poll(() => cancelled.count(), { timeout: 20_000 }).toBe(2);
    await harness.client.onIdle();
    await shot('08-jobs-cancelled');
    expect(existsSync(path.join(work, 'big.zip'))).toBe(false);
    expect(existsSync(path.join(work, 'later.zip'))).toBe(false);
    // No temporary output left beside the target either.
    expect(readdirSync(work).filter((f) => f.startsWith('big') && f !== 'big')).toEqual([]);
  });

  test('dropping something that is neither a folder nor a .zip says what is accepted', async () => {
    const text = path.join(work, 'notes.txt');
    writeFileSync(text, 'hello');
    await harness.setDropPaths({ 'notes.txt': text });
    await harness.drop(['notes.txt']);
    const notice = harness.page.getByTestId('notice').filter({ hasText: 'Not accepted: notes.txt' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Drop a .zip archive to open it, or folders to zip each one');
    await shot('09-drop-refused');
  });

  test('files dragged over the window show the drop overlay until they leave it or drop; a drag of text does not', async () => {
    // The drag crosses a child of the window: an enter and a leave for each element it passes.
    const overlays = () => harness.page.evaluate(() => document.querySelectorAll('.overlay').length);
    const drag = (type: string, on: 'window' | 'child', kind: 'files' | 'text') =>
      harness.page.evaluate(
        ([type, on, kind]) => {
          const transfer = new DataTransfer();
          if (kind === 'files') transfer.items.add(new File([], 'photos'));
          else transfer.setData('text/plain', 'some words');
          const app = document.querySelector('.app')!;
          const target = on === 'window' ? app : app.querySelector('main')!;
          target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
        },
        [type, on, kind] as const,
      );
    await drag('dragenter', 'window', 'text');
    expect(await overlays()).toBe(0);
    await drag('dragenter', 'window', 'files');
    await drag('dragenter', 'child', 'files');
    await drag('dragleave', 'window', 'files');
    expect(await overlays()).toBe(1);
    await drag('dragleave', 'child', 'files');
    expect(await overlays()).toBe(0);
    await drag('dragenter', 'window', 'files');
    expect(await overlays()).toBe(1);
    // A drop of no files (the drag's files were read already) leaves the overlay, and does nothing else.
    await harness.page.evaluate(() => {
      document.querySelector('.app')!.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() }));
    });
    expect(await overlays()).toBe(0);
  });

  test('a damaged archive gives a clear message, not a blank window', async () => {
    const damaged = path.join(work, 'damaged.zip');
    // Its own archive, so that it runs alone too (-t).
    makeFolder(work, 'to-damage', { 'notes.txt': wordsOfSize(4_000, 3), 'empty.txt': '' });
    const good = path.join(work, 'to-damage.zip');
    execFileSync('zip', ['-r', '-q', good, 'to-damage'], { cwd: work });
    // Cut the archive short: the end record is gone.
    const bytes = execFileSync('head', ['-c', '300', good]);
    writeFileSync(damaged, bytes);
    harness.dialogs.archives.push(damaged);
    await harness.page.getByRole('button', { name: 'Open…' }).click();
    const panel = harness.page.getByTestId('error-panel');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Could not open');
    expect(await panel.getAttribute('data-code')).toMatch(/^(NOT_A_ZIP|EOCD_NOT_FOUND|TRUNCATED)$/);
    // The archive shown before is no longer shown: main let go of it (and of every one before).
    await expect.poll(() => harness.openArchives()).toBe(0);
    await shot('10-damaged-archive');
    await panel.getByRole('button').click();
    await harness.page.getByTestId('drop-zone').waitFor();
  });

  test('names that can look like others show escaped; Shift ranges shrink; By folder opens the next archive\'s lone folder too', async () => {
    const tricky = path.join(work, 'tricky.zip');
    execFileSync('python3', ['-c', `
import zipfile
with zipfile.ZipFile('tricky.zip', 'w') as z:
    for name in ['top/invoice\\u202efdp.exe', 'top/line\\nbreak.txt'] + ['top/f%d.txt' % i for i in range(8)]:
        z.writestr(name, name)
`], { cwd: work });
    harness.dialogs.archives.push(tricky);
    await harness.page.getByRole('button', { name: 'Open…' }).click();
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('tricky.zip');
    const names = await harness.page.locator('[data-testid="row"] .name .text').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['top/invoice\\u202efdp.exe', 'top/line\\u000abreak.txt']));
    expect(names.join('')).not.toMatch(/[\u202e\n]/);

    // Click the first row, Shift-click the seventh, then the fourth: four rows stay selected.
    const rows = harness.page.locator('[data-testid="row"]');
    await rows.nth(0).click();
    await rows.nth(6).click({ modifiers: ['Shift'] });
    await expect.poll(() => harness.page.locator('[data-testid="row"][aria-selected="true"]').count()).toBe(7);
    await rows.nth(3).click({ modifiers: ['Shift'] });
    await expect.poll(() => harness.page.locator('[data-testid="row"][aria-selected="true"]').count()).toBe(4);

    // By folder, then another archive with one top folder: it opens by itself, as the first did.
    // Notices of earlier tests close first: one may lie over the toolbar's right end.
    for (const close of await harness.page.locator('button[aria-describedby^="notice-"]').all()) await close.click();
    await harness.page.getByRole('radio', { name: 'By folder' }).click();
    await expect.poll(() => harness.page.locator('[data-testid="row"] .name .text').count()).toBeGreaterThan(1);
    const next = path.join(work, 'next.zip');
    execFileSync('python3', ['-c', "import zipfile\nwith zipfile.ZipFile('next.zip', 'w') as z:\n  z.writestr('proj2/a.txt', 'a'); z.writestr('proj2/b.txt', 'b')"], { cwd: work });
    harness.dialogs.archives.push(next);
    await harness.page.getByRole('button', { name: 'Open…' }).click();
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('next.zip');
    await expect.poll(() => harness.page.locator('[data-testid="row"] .name .text').allTextContents()).toEqual(['proj2', 'a.txt', 'b.txt']);
    expect(harness.openArchives()).toBe(1);
    await harness.page.getByRole('radio', { name: 'Flat' }).click();
  });

  test('extracting an archive with an unsafe name shows the safety report first', async () => {
    const risky = path.join(work, 'risky.zip');
    execFileSync('python3', [
      '-c',
      'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  z.writestr("ok.txt", "fine")\n  z.writestr("../escape.txt", "outside")',
      risky,
    ]);
    harness.dialogs.archives.push(risky);
    await harness.page.getByRole('button', { name: 'Open…' }).click();
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('risky.zip');
    const jobsBefore = harness.jobs.list().length;

    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    const dialog = harness.page.getByTestId('confirm-extract');
    await dialog.getByTestId('safety').waitFor();
    expect(await dialog.getByTestId('safety').getAttribute('data-verdict')).toBe('danger');
    expect(await dialog.textContent()).toContain('../escape.txt');
    await shot('10b-safety-before-extract');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByTestId('safety').waitFor({ state: 'detached' });
    expect(harness.jobs.list().length).toBe(jobsBefore);

    // Extract anyway: the job is queued for the folder the user picks.
    const target = path.join(work, 'risky-out');
    harness.dialogs.extractFolders.push(target);
    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    await dialog.getByRole('button', { name: 'Extract anyway' }).click();
    const job = harness.page.locator('[data-testid="job"]', { hasText: 'risky.zip' });
    await job.waitFor();
    // The safe entry is extracted, the unsafe one refused: the job fails and names it.
    await jobEnds(job, 'failed');
    expect(await job.textContent()).toContain('../escape.txt');
    // …and says what it wrote all the same, which stays, with the way to it.
    expect(await job.getByTestId('job-outcome').textContent()).toContain('1 entry · 4 B written');
    await job.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => harness.revealed.at(-1)).toBe(target);
    expect(readFileSync(path.join(target, 'ok.txt'), 'utf8')).toBe('fine');
    expect(existsSync(path.join(work, 'escape.txt'))).toBe(false);
    await shot('10c-extract-refused-entry');
  });

  test('Test and Extract all on a good archive: both jobs end done, the files come back byte for byte', async () => {
    const archive = path.join(work, 'project.zip');
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('project.zip');
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'TEST' }).filter({ hasText: 'project.zip' });
    await jobEnds(testJob, 'done');

    const target = path.join(work, 'project-out');
    harness.dialogs.extractFolders.push(target);
    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    const extractJob = harness.page.locator('[data-testid="job"]', { hasText: `project.zip → ${target}` });
    await jobEnds(extractJob, 'done');
    for (const file of ['project/README.md', 'project/src/main.c', 'project/docs/guide.txt', 'project/empty.txt']) {
      expect(readFileSync(path.join(target, file))).toEqual(readFileSync(path.join(work, file)));
    }
    await shot('10d-test-and-extract-done');
    await extractJob.getByRole('button', { name: 'Show in folder' }).click();
    await expect.poll(() => harness.revealed).toContain(target);

    // Extract selected: Ctrl+click two rows, only those two are written.
    const partial = path.join(work, 'project-some');
    harness.dialogs.extractFolders.push(partial);
    await harness.page.locator('[data-testid="row"]', { hasText: 'project/README.md' }).click();
    await harness.page.locator('[data-testid="row"]', { hasText: 'project/src/util.h' }).click({ modifiers: ['Control'] });
    await expect.poll(() => harness.page.locator('[data-testid="row"][aria-selected="true"]').count()).toBe(2);
    await harness.page.getByRole('button', { name: 'Extract selected…' }).click();
    const partialJob = harness.page.locator('[data-testid="job"]', { hasText: `project.zip → ${partial}` });
    await jobEnds(partialJob, 'done');
    const written = readdirSync(partial, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(partial, path.join(d.parentPath, d.name))).sort();
    expect(written).toEqual(['project/README.md', 'project/src/util.h']);

    // Again into the same folder: by default the files there are kept, and the job says so; with
    // "Keep both" the archive's copy is written beside them.
    harness.dialogs.extractFolders.push(partial);
    await harness.page.getByRole('button', { name: 'Extract selected…' }).click();
    // The newest job of a kind is listed first.
    const partialJobs = harness.page.locator('[data-testid="job"]', { hasText: `project.zip → ${partial}` });
    await expect.poll(() => partialJobs.count()).toBe(2);
    const again = partialJobs.first();
    await jobEnds(again, 'done');
    expect(await again.textContent()).toContain('project/README.md: skipped: project/README.md already exists');
    await harness.page.getByTestId('overwrite').selectOption('rename');
    harness.dialogs.extractFolders.push(partial);
    await harness.page.getByRole('button', { name: 'Extract selected…' }).click();
    await expect.poll(() => partialJobs.count()).toBe(3);
    const both = partialJobs.first();
    await jobEnds(both, 'done');
    expect(await both.textContent()).toContain('project/README.md: written as project/README (1).md');
    expect(readFileSync(path.join(partial, 'project/README (1).md'))).toEqual(readFileSync(path.join(work, 'project/README.md')));
    await harness.page.getByTestId('overwrite').selectOption('skip');
  });

  test('Test on an archive with two bad entries: the job fails naming the first, and lists both', async () => {
    const archive = path.join(work, 'two-bad.zip');
    writeFileSync(archive, twoBadEntries());
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('two-bad.zip');
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'TEST' }).filter({ hasText: 'two-bad.zip' });
    await jobEnds(testJob, 'failed');
    expect(await testJob.getByTestId('job-failure').textContent()).toMatch(/bad1\.txt: bad entry: CRC-32 .*\(and 1 more of 3 entries\)/);
    expect(await testJob.locator('.problems li').allTextContents()).toEqual([expect.stringMatching(/^bad1\.txt: CRC-32 /), expect.stringMatching(/^bad2\.txt: CRC-32 /)]);
    await shot('10e-test-failed-lines');
  });

  test('junk in the central directory and a file that is also a folder: the archive report says both, and a Test job ends done with the warning listed', async () => {
    const archive = path.join(work, 'odd.zip');
    const entries = craftZip([{ name: 'x', data: 'a file' }, { name: 'x/y', data: 'under the file' }, { name: 'ok.txt', data: 'fine' }]);
    writeFileSync(archive, withBytesBeforeEnd(entries, Buffer.alloc(16), true));
    const junkAt = entries.length - 22;
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('odd.zip');
    await harness.page.getByRole('button', { name: 'Archive report' }).click();
    const safety = harness.page.getByTestId('archive-report').getByTestId('safety');
    await safety.waitFor();
    expect(await safety.getAttribute('data-verdict')).toBe('warning');
    const lines = await safety.locator('.problems li').allTextContents();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\s*FILE_AND_FOLDER\s*x\s*not a folder, but x\/y lies in a folder of this path: extracting cannot make both\s*$/),
        expect.stringMatching(new RegExp(`^\\s*DIRECTORY_SLACK\\s*16 bytes after the last central directory record, within the directory the end record declares \\(at offset ${junkAt}, ignored\\)\\s*$`)),
      ]),
    );
    expect(lines).toHaveLength(2);
    await shot('05b-archive-report-notes');
    await harness.page.getByRole('button', { name: 'Close inspector' }).click();

    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'TEST' }).filter({ hasText: 'odd.zip' });
    await jobEnds(testJob, 'done');
    expect(await testJob.locator('.problems li').allTextContents()).toEqual([`warning: 16 bytes after the last central directory record, within the directory the end record declares (at offset ${junkAt}, ignored)`]);
  });

  test('data after the end record: Test and Extract all both end done and list the warning, as the archive report says it', async () => {
    const archive = path.join(work, 'tail.zip');
    execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  z.writestr("kept.txt", "kept")', archive]);
    const end = readFileSync(archive).length;
    writeFileSync(archive, Buffer.alloc(16, 0x2a), { flag: 'a' });
    const warning = `warning: 16 bytes after the end record (at offset ${end}, ignored)`;
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('tail.zip');
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'TEST' }).filter({ hasText: 'tail.zip' });
    await jobEnds(testJob, 'done');
    expect(await testJob.locator('.problems li').allTextContents()).toEqual([warning]);
    // (One entry: it said "All 1 entries OK".)
    expect(await testJob.locator('.details').first().textContent()).toMatch(/^1 entry OK · /);

    const target = path.join(work, 'tail-out');
    harness.dialogs.extractFolders.push(target);
    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    await harness.page.getByTestId('confirm-extract').getByRole('button', { name: 'Extract anyway' }).click();
    const extractJob = harness.page.locator('[data-testid="job"]', { hasText: `tail.zip → ${target}` });
    await jobEnds(extractJob, 'done');
    expect(await extractJob.locator('.problems li').allTextContents()).toEqual([warning]);
    expect(readFileSync(path.join(target, 'kept.txt'), 'utf8')).toBe('kept');
    await shot('10f-extract-archive-note');
  });

  test('a bad entry and data after the end record: Test and Extract all both fail naming the entry, and list the warning as a job that ends done does', async () => {
    const folder = makeFolder(work, 'flipped', { 'good.txt': 'good and whole', 'bad.txt': 'BAD ENTRY, ONE BYTE FLIPPED' });
    const archive = path.join(work, 'flipped.zip');
    // Stored (-0), so the entry's bytes are its text: one flipped fails its CRC-32, not the inflate.
    execFileSync('zip', ['-q', '-0', '-r', archive, 'good.txt', 'bad.txt'], { cwd: folder });
    const bytes = readFileSync(archive);
    bytes[bytes.indexOf('BAD ENTRY')]! ^= 0x20;
    writeFileSync(archive, Buffer.concat([bytes, Buffer.alloc(7, 0x2a)]));
    const warning = `warning: 7 bytes after the end record (at offset ${bytes.length}, ignored)`;
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('flipped.zip');
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'TEST' }).filter({ hasText: 'flipped.zip' });
    await jobEnds(testJob, 'failed');
    expect(await testJob.getByTestId('job-failure').textContent()).toMatch(/bad\.txt: bad entry: CRC-32 /);
    expect(await testJob.locator('.problems li').allTextContents()).toEqual([warning]);

    const target = path.join(work, 'flipped-out');
    harness.dialogs.extractFolders.push(target);
    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    await harness.page.getByTestId('confirm-extract').getByRole('button', { name: 'Extract anyway' }).click();
    const extractJob = harness.page.locator('[data-testid="job"]', { hasText: `flipped.zip → ${target}` });
    await jobEnds(extractJob, 'failed');
    expect(await extractJob.getByTestId('job-failure').textContent()).toMatch(/bad\.txt: could not extract: CRC-32 /);
    expect(await extractJob.locator('.problems li').allTextContents()).toEqual([warning]);
    expect(readFileSync(path.join(target, 'good.txt'), 'utf8')).toBe('good and whole');
    await shot('10g-failed-jobs-archive-note');
  });

  test('a dropped .zip opens; 100,000 entries are listed with only the visible rows in the page', async () => {
    const many = path.join(work, 'many.zip');
    execFileSync('python3', [
      '-c',
      'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  for i in range(100000): z.writestr(f"dir{i // 1000:03d}/file{i:06d}.txt", str(i))',
      many,
    ]);
    await harness.setDropPaths({ 'many.zip': many });
    await harness.drop(['many.zip']);
    const listing = harness.page.getByTestId('listing');
    await expect.poll(() => listing.getAttribute('data-row-count'), { timeout: 30_000 }).toBe('100000');
    await harness.page.getByRole('columnheader', { name: 'Name' }).click();
    await expect.poll(() => harness.page.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('ascending');
    expect(await harness.page.locator('[data-testid="row"]').count()).toBeLessThan(100);
    // Scroll to the end: the last entry is rendered, still only a window of rows.
    await listing.click();
    await harness.page.keyboard.press('End');
    await harness.page.locator('[data-testid="row"]', { hasText: 'dir099/file099999.txt' }).waitFor();
    expect(await harness.page.locator('[data-testid="row"]').count()).toBeLessThan(100);
    // The toolbar's summary line is whole and clear of the buttons after it (it ran under
    // 'Extract all…' from a box too narrow for it).
    const summary = harness.page.getByTestId('archive-summary');
    expect(await summary.textContent()).toContain('100,000 entries');
    expect(await summary.evaluate((span) => span.scrollWidth <= span.clientWidth)).toBe(true);
    const summaryBox = (await summary.boundingBox())!;
    const extractBox = (await harness.page.getByRole('button', { name: 'Extract all…' }).boundingBox())!;
    expect(summaryBox.x + summaryBox.width).toBeLessThanOrEqual(extractBox.x);
    await shot('11-hundred-thousand');
  });

  test('a folder entry shows no size, ratio, method or CRC; one that holds data shows them all', async () => {
    const archive = path.join(work, 'folders.zip');
    // Python's zipfile writes what it is given: a folder entry with 9 bytes of data, beside an empty one.
    execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n  z.writestr("empty/", b"")\n  z.writestr("full/", b"some data")', archive]);
    await openInWindow(harness, archive);
    const cells = async (name: string): Promise<string[]> => (await harness.page.locator('[data-testid="row"]', { hasText: name }).getByRole('gridcell').allTextContents()).slice(1, 6).map((cell) => cell.trim());
    expect(await cells('empty/')).toEqual(['', '', '', '', '']);
    const crc = execFileSync('python3', ['-c', 'import zlib; print("%08x" % zlib.crc32(b"some data"))'], { encoding: 'utf8' }).trim();
    expect(await cells('full/')).toEqual(['9 B', expect.stringMatching(/^\d+ B$/), expect.stringMatching(/^-?\d+%$/), expect.stringMatching(/^Deflated/), crc]);
  });

  test('names written on a Japanese Windows read garbled until their code page is chosen under the listing; Extract all then writes them so', async () => {
    // Info-ZIP's zip stores the file names' bytes, here Shift-JIS, without the UTF-8 flag.
    const archive = path.join(work, 'sjis.zip');
    zipWithNamesIn('shift_jis', path.join(work, 'sjis'), archive, { '日本語.txt': 'data of 日本語.txt', 'ソース.c': 'data of ソース.c' });
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('sjis.zip');
    const names = () => harness.page.locator('[data-testid="row"] .name .text').allTextContents();
    // As CP437, ソ's second byte (0x5C) is a backslash.
    await expect.poll(async () => (await names()).sort()).toEqual(['ô·û{îΩ.txt', 'â\\ü[âX.c'].sort());
    // Beside the choice, how many names nothing says the encoding of; the choice is described by it.
    const guessed = harness.page.getByTestId('names-guessed');
    expect(await guessed.textContent()).toBe('2 names of unknown encoding, read as DOS (437)');
    const choice = harness.page.getByRole('combobox', { name: 'Names' });
    expect(await choice.getAttribute('aria-describedby')).toBe(await guessed.getAttribute('id'));
    await shot('03a-names-guessed');
    expect(await choice.inputValue()).toBe('');
    await choice.selectOption({ label: 'Japanese (Shift-JIS, 932)' });
    await expect.poll(async () => (await names()).sort()).toEqual(['ソース.c', '日本語.txt']);
    expect(await choice.inputValue()).toBe('shift_jis');
    expect(await guessed.count()).toBe(0);
    expect(await choice.getAttribute('aria-describedby')).toBeNull();
    // Read in a code page they are not text in (Shift-JIS's bytes are not all CP720's), said so.
    await choice.selectOption({ label: 'Arabic, DOS (720)' });
    await expect.poll(() => guessed.textContent()).toBe('1 name is not text in this code page: read as DOS (437)');
    await choice.selectOption({ label: 'Japanese (Shift-JIS, 932)' });
    await expect.poll(async () => (await names()).sort()).toEqual(['ソース.c', '日本語.txt']);
    await shot('03b-names-in-shift-jis');
    // The choice is remembered for this archive: opened again after another one, it reads so.
    const other = path.join(work, 'sjis-other.zip');
    copyFileSync(archive, other); // the same names, in an archive of its own: read as usual
    await harness.emit('openArchive', other);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('sjis-other.zip');
    await expect.poll(async () => (await names()).sort()).toEqual(['ô·û{îΩ.txt', 'â\\ü[âX.c'].sort());
    expect(await choice.inputValue()).toBe('');
    await harness.emit('openArchive', archive);
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('sjis.zip');
    await expect.poll(async () => (await names()).sort()).toEqual(['ソース.c', '日本語.txt']);
    expect(await choice.inputValue()).toBe('shift_jis');
    const target = path.join(work, 'sjis-out');
    harness.dialogs.extractFolders.push(target);
    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    const job = harness.page.locator('[data-testid="job"]', { hasText: `sjis.zip → ${target}` });
    await jobEnds(job, 'done');
    expect(readdirSync(target).sort()).toEqual(['ソース.c', '日本語.txt']);
    expect(readFileSync(path.join(target, 'ソース.c'), 'utf8')).toBe('data of ソース.c');
    expect(await job.textContent()).not.toContain('unknown encoding');
    // Back to the usual reading; the next archive opens with it too. An Extract all then writes
    // the names as read, and its job says so where it ends.
    await choice.selectOption('');
    await expect.poll(async () => (await names()).sort()).toEqual(['ô·û{îΩ.txt', 'â\\ü[âX.c'].sort());
    const garbled = path.join(work, 'sjis-garbled');
    harness.dialogs.extractFolders.push(garbled);
    await harness.page.getByRole('button', { name: 'Extract all…' }).click();
    const guessedJob = harness.page.locator('[data-testid="job"]', { hasText: `sjis.zip → ${garbled}` });
    await jobEnds(guessedJob, 'done');
    expect(await guessedJob.locator('.problems li').allTextContents()).toEqual(['warning: 2 names of unknown encoding, not UTF-8: read as DOS code page 437; if they look wrong, choose their code page under Names']);
    expect(tree(garbled)).toEqual(['â/', 'â/ü[âX.c', 'ô·û{îΩ.txt']);
    await shot('03c-extract-names-guessed');
  });

  test('the strict CSP held: no violation during the whole run', async () => {
    expect(await harness.cspViolations()).toEqual([]);
  });

  test('the page may name only paths the user gave it', async () => {
    const result = await harness.page.evaluate(() => (window as unknown as { zipdesk: { openArchive(p: string, e: string | null, c: boolean): Promise<unknown> } }).zipdesk.openArchive('/etc/passwd', null, false));
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_PATH', message: 'not a path you opened, chose or dropped: /etc/passwd' } });
  });

  test('a page from another origin gets nothing from main: every call is FORBIDDEN_SENDER', async () => {
    // The same files, served to an origin that is not our window's (localhost vs 127.0.0.1).
    await harness.page.goto(harness.url.replace('127.0.0.1', 'localhost'));
    await harness.page.waitForSelector('html[data-ready="true"]');
    const result = await harness.page.evaluate(() => (window as unknown as { zipdesk: { listJobs(): Promise<unknown> } }).zipdesk.listJobs());
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    // The window says so instead of going blank.
    await harness.page.getByTestId('notice').filter({ hasText: 'refused a call' }).waitFor();
    await shot('14-foreign-origin-refused');
  });
});

describe.skipIf(!runnable)('Zipdesk in Chromium, dark and German', () => {
  test('follows the OS colour scheme and language', async () => {
    const harness = await startHarness({ colorScheme: 'dark', locale: 'de-DE' });
    try {
      const zone = harness.page.getByTestId('drop-zone');
      await zone.waitFor();
      expect(await zone.textContent()).toContain('Ordner ablegen');
      // The page says its language, so that a screen reader speaks it as German (it said "en").
      expect(await harness.page.evaluate(() => document.documentElement.lang)).toBe('de');
      const background = await harness.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(background).toBe('rgb(23, 24, 28)');
      await harness.page.screenshot({ path: path.join(ARTIFACTS, '12-dark-german.png') });

      const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-dark-'));
      try {
        // Python's zipfile sets the UTF-8 flag (bit 11) for non-ASCII names; the Flags column shows it.
        execFileSync('python3', [
          '-c',
          'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n  z.writestr("fotos/urlaub/strand.txt", "Sand und Meer " * 2000)\n  z.writestr("fotos/größe.txt", "ä" * 300)',
          path.join(dir, 'fotos.zip'),
        ]);
        await harness.emit('openArchive', path.join(dir, 'fotos.zip'));
        await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('fotos.zip');
        expect(await harness.page.getByRole('columnheader', { name: 'Größe' }).count()).toBe(1);
        expect(await harness.page.getByRole('columnheader', { name: 'Verhältnis' }).count()).toBe(1);
        // Each column's German name fits its header, with the sort arrow beside it: "Verhältnis" ran
        // into "Gepackt" (to the left, being right-aligned, where scrollWidth does not see it).
        const headers = harness.page.getByRole('columnheader');
        const overflowing = () =>
          headers.evaluateAll((all) =>
            all
              .filter((header) => {
                const contents = document.createRange();
                contents.selectNodeContents(header);
                const style = getComputedStyle(header);
                return contents.getBoundingClientRect().width > header.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
              })
              .map((header) => header.textContent?.trim()),
          );
        for (const header of [...(await headers.all()).slice(1), headers.first()]) {
          await header.click();
          expect(await overflowing()).toEqual([]);
        }
        await harness.page.locator('[data-testid="row"]', { hasText: 'größe.txt' }).dblclick();
        await harness.page.getByTestId('field-pairs').waitFor();
        await harness.page.screenshot({ path: path.join(ARTIFACTS, '13-dark-german-inspector.png') });

        // The safety report in German: problems it knows by their code, numbers with a decimal comma.
        execFileSync('python3', [
          '-c',
          'import sys, warnings, zipfile\nwarnings.simplefilter("ignore")\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n  z.writestr("doppelt.txt", "eins")\n  z.writestr("doppelt.txt", "zwei")\n  z.writestr("nullen.bin", bytes(3_000_000))\n  z.writestr("../draußen.txt", "raus")',
          path.join(dir, 'riskant.zip'),
        ]);
        await harness.emit('openArchive', path.join(dir, 'riskant.zip'));
        await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('riskant.zip');
        await harness.page.getByRole('button', { name: 'Archivbericht' }).click();
        const safety = harness.page.getByTestId('safety');
        await safety.waitFor();
        const text = (await safety.textContent()) ?? '';
        expect(text).toContain('2 Einträge schreiben an diesen Pfad');
        // (It is said from 1,000 times on, grouped: "1.026-mal"; it said "1026-mal".)
        expect(text).toMatch(/wird \d{1,3}(\.\d{3})+-mal größer: möglicherweise eine Dekompressionsbombe/);
        // (An unsafe name was said in English.)
        expect(text).toContain('unsicherer Name "../draußen.txt": der Name steigt mit „..“ aus dem Zielordner hinaus');
        expect(text).toMatch(/Höchstes Kompressionsverhältnis\s*1\.0\d\d,\d : 1/);
        await harness.page.getByRole('button', { name: 'Inspektor schließen' }).click();

        // What is off about the archive as a whole, in a Test and an Extract job: in German too.
        const tail = path.join(dir, 'anhang.zip');
        execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  z.writestr("bleibt.txt", "bleibt")', tail]);
        const end = readFileSync(tail).length;
        writeFileSync(tail, Buffer.alloc(1, 0x2a), { flag: 'a' });
        await harness.emit('openArchive', tail);
        await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('anhang.zip');
        await harness.page.getByRole('button', { name: 'Prüfen', exact: true }).click();
        const warning = `Warnung: 1 Byte nach dem Endeintrag (bei Offset ${end}, übergangen)`;
        const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'PRÜFEN' }).filter({ hasText: 'anhang.zip' });
        await jobEnds(testJob, 'done');
        expect(await testJob.locator('.problems li').allTextContents()).toEqual([warning]);
        expect(await testJob.locator('.details').first().textContent()).toMatch(/^1 Eintrag in Ordnung · /);
        harness.dialogs.extractFolders.push(path.join(dir, 'anhang'));
        await harness.page.getByRole('button', { name: 'Alles entpacken…' }).click();
        await harness.page.getByTestId('confirm-extract').getByRole('button', { name: 'Trotzdem entpacken' }).click();
        const extractJob = harness.page.locator('[data-testid="job"]', { hasText: 'ENTPACKEN' }).filter({ hasText: 'anhang.zip' });
        await jobEnds(extractJob, 'done');
        expect(await extractJob.locator('.problems li').allTextContents()).toEqual([warning]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await harness.close();
    }
  });

  test('names of unknown encoding are counted beside the Names choice, in German, without pushing the choice off a window of the least width; the report says so too', async () => {
    const harness = await startHarness({ locale: 'de-DE' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-names-'));
    try {
      // Names stored in Shift-JIS bytes without the UTF-8 flag, as Info-ZIP's zip keeps them.
      const archive = path.join(dir, 'namen.zip');
      zipWithNamesIn('shift_jis', path.join(dir, 'namen'), archive, { '日本語.txt': '日本語.txt', 'ソース.c': 'ソース.c', 'plain.txt': 'plain.txt' });
      // The window's least width (window.ts minWidth).
      await harness.page.setViewportSize({ width: 720, height: 600 });
      await openInWindow(harness, archive);
      const guessed = harness.page.getByTestId('names-guessed');
      expect(await guessed.textContent()).toBe('2 Namen unbekannter Kodierung, als DOS (437) gelesen');
      // The code page of names on a German Windows is offered beside them (not theirs here).
      expect(await harness.page.getByTestId('names-offered').textContent()).toBe('Als Westeuropäisch, DOS (850) lesen');
      expect(await guessed.getAttribute('title')).toBe('Das Archiv sagt nicht, wie diese Namen kodiert sind, und sie sind kein UTF-8. Sehen sie falsch aus, wählen Sie unter „Namen“ die Sprache, in der sie geschrieben wurden.');
      await harness.page.screenshot({ path: path.join(ARTIFACTS, '13b-german-names-guessed-narrow.png') });
      // The hint wraps: the footer is no wider than the window, and the choice is on it.
      const footer = harness.page.locator('footer.status');
      expect(await footer.evaluate((e) => [e.scrollWidth, e.clientWidth])).toEqual([720, 720]);
      const box = await harness.page.getByRole('combobox', { name: 'Namen' }).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(720);
      const offered = await harness.page.getByTestId('names-offered').boundingBox();
      expect(offered!.x + offered!.width).toBeLessThanOrEqual(720);
      // With the inspector open, the listing keeps to its column, at the least width and the
      // default one: before, it stayed as wide as this footer's line (714 px) and hid the inspector's title.
      await harness.page.locator('[data-testid="row"]', { hasText: 'plain.txt' }).dblclick();
      await harness.page.getByTestId('field-pairs').waitFor();
      for (const width of [720, 1200]) {
        await harness.page.setViewportSize({ width, height: 600 });
        const { namesRight, ...at } = await besideInspector(harness.page);
        expect({ width, ...at }).toEqual({ width, listingRight: at.inspectorLeft, footerRight: at.inspectorLeft, footerOverflow: 0, inspectorLeft: at.inspectorLeft, atTitle: 'inspector' });
        expect(namesRight).toBeLessThanOrEqual(at.inspectorLeft);
      }
      await harness.page.screenshot({ path: path.join(ARTIFACTS, '13b-german-names-guessed-inspector.png') });
      await harness.page.getByRole('button', { name: 'Inspektor schließen' }).click();
      await harness.page.getByRole('button', { name: 'Archivbericht' }).click();
      const safety = harness.page.getByTestId('safety');
      await safety.waitFor();
      expect(await safety.getAttribute('data-verdict')).toBe('ok');
      expect(await safety.locator('li.info').textContent()).toContain('2 Namen unbekannter Kodierung, kein UTF-8: als DOS-Codepage 437 gelesen; sehen sie falsch aus, wählen Sie ihre Codepage unter „Namen“');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.close();
    }
  });

  test("on a Russian system, names of unknown encoding are offered in Windows' Cyrillic code page, one click away, which is then kept for the archive", async () => {
    // The window's words are English (it has English and German); the offer follows the system's language.
    const harness = await startHarness({ locale: 'ru-RU' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-cyrillic-'));
    try {
      // Names stored in CP866 bytes without the UTF-8 flag, as a Russian Windows wrote them.
      const archive = path.join(dir, 'cyrillic.zip');
      zipWithNamesIn('cp866', path.join(dir, 'files'), archive, { 'Отчёт.txt': 'Отчёт.txt', 'Привет.c': 'Привет.c' });
      await openInWindow(harness, archive);
      const names = () => harness.page.locator('[data-testid="row"] .name .text').allTextContents();
      const cp437 = (name: string): string => execFileSync('python3', ['-c', 'import sys; print(sys.argv[1].encode("cp866").decode("cp437"), end="")', name], { encoding: 'utf8' });
      expect((await names()).sort()).toEqual([cp437('Отчёт.txt'), cp437('Привет.c')].sort());
      const offered = harness.page.getByTestId('names-offered');
      expect(await offered.textContent()).toBe('Read as Cyrillic, DOS (866)');
      await offered.click();
      await expect.poll(async () => (await names()).sort()).toEqual(['Отчёт.txt', 'Привет.c'].sort());
      const choice = harness.page.getByRole('combobox', { name: 'Names' });
      expect(await choice.inputValue()).toBe('ibm866');
      expect(await offered.count()).toBe(0);
      expect(await harness.page.getByTestId('names-guessed').count()).toBe(0);
      // Kept for the archive: after another one (the same names, read as usual and offered
      // again), it opens again in CP866.
      const other = path.join(dir, 'other.zip');
      copyFileSync(archive, other);
      await harness.emit('openArchive', other);
      await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('other.zip');
      await expect.poll(async () => (await names()).sort()).toEqual([cp437('Отчёт.txt'), cp437('Привет.c')].sort());
      expect(await choice.inputValue()).toBe('');
      expect(await offered.count()).toBe(1);
      await harness.page.screenshot({ path: path.join(ARTIFACTS, '13c-russian-system-names-offered.png') });
      await harness.emit('openArchive', archive);
      await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('cyrillic.zip');
      await expect.poll(async () => (await names()).sort()).toEqual(['Отчёт.txt', 'Привет.c'].sort());
      expect(await choice.inputValue()).toBe('ibm866');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.close();
    }
  });

  test("the inspector says what each value means in German, numbers and sizes as the window says them", async () => {
    const harness = await startHarness({ locale: 'de-DE' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-meanings-'));
    try {
      // A first entry of 2,000 bytes, stored, puts the second's local header past offset 2,000.
      const archive = path.join(dir, 'bedeutung.zip');
      writeFileSync(archive, craftZip([{ name: 'vorne.txt', data: 'v'.repeat(2000), method: 0 }, { name: 'b', data: 'x'.repeat(40_000) }]));
      await openInWindow(harness, archive);
      // The Method column: Stored worded as the inspector words it (before: "Stored"), Deflated a name that stays.
      const methodCell = (name: string) => harness.page.locator('[data-testid="row"]').filter({ has: harness.page.locator('.name .text', { hasText: new RegExp(`^${name}$`) }) }).getByRole('gridcell').nth(4);
      expect((await methodCell('vorne\\.txt').textContent())?.trim()).toBe('ohne Kompression');
      expect((await methodCell('b').textContent())?.trim()).toBe('Deflated normal');
      await harness.page.locator('[data-testid="row"]').filter({ has: harness.page.locator('.name .text', { hasText: /^b$/ }) }).dblclick();
      const pairs = harness.page.getByTestId('field-pairs');
      await pairs.waitFor();
      // Each field's meaning beside its central value (English main-process text, before: "as expected", "(local time)", "40.0 KB").
      const central = async (field: string) => (await pairs.locator(`tr[data-field="${field}"] td`).nth(1).locator('.meaning').textContent()) ?? '';
      expect(await central('signature')).toBe('wie erwartet');
      expect(await central('lastModFileDate')).toBe('2024-03-01 (Ortszeit)');
      expect(await central('uncompressedSize')).toBe('40,0 KB');
      expect(await central('fileNameLength')).toBe('1 Byte');
      expect(await central('generalPurposeBitFlag')).toBe('Bit 11 UTF-8-Namen');
      expect(await central('externalFileAttributes')).toBe('-rw-r--r-- (100644), keine DOS-Attribute');
      expect(await central('relativeOffsetOfLocalHeader')).toMatch(/^lokaler Header bei Offset 2\.\d{3}$/);
      expect(await central('versionMadeBy')).toBe('Unix, Spezifikation 3.0');
      await harness.page.getByRole('button', { name: 'Inspektor schließen' }).click();

      // A local header that disagrees, and one that cannot be read: each said in German too.
      const headers = path.join(dir, 'kopf.zip');
      writeFileSync(headers, craftZip([{ name: 'anders.txt', data: 'alpha', local: { crc32: 1 } }, { name: 'schief', data: 'x', localHeaderAt: 3 }]));
      await openInWindow(harness, headers);
      const entryRow = (name: string) => harness.page.locator('[data-testid="row"]').filter({ has: harness.page.locator('.name .text', { hasText: new RegExp(`^${name}$`) }) });
      await entryRow('anders.txt').dblclick();
      const mismatches = harness.page.getByTestId('mismatches');
      await mismatches.waitFor();
      expect(await mismatches.locator('li').allTextContents()).toEqual([expect.stringMatching(/^crc32: lokal 0x00000001, zentral 0x[0-9a-f]{8}$/)]);
      await harness.page.getByRole('button', { name: 'Inspektor schließen' }).click();
      await entryRow('schief').dblclick();
      const unreadable = harness.page.getByTestId('inspector').getByRole('alert');
      await expect.poll(() => unreadable.textContent()).toMatch(/^Der lokale Header ist nicht lesbar: Falsche Signatur 0x[0-9a-f]{8} des lokalen Headers bei Offset 3 \(BAD_LOCAL_HEADER\)$/);
      await harness.page.getByRole('button', { name: 'Inspektor schließen' }).click();

      // The end records in the archive report (its record tables), with one entry and bytes after the archive.
      const trailing = path.join(dir, 'anhang.zip');
      writeFileSync(trailing, Buffer.concat([craftZip([{ name: 'eins.txt', data: 'eins' }]), Buffer.from('danach')]));
      await openInWindow(harness, trailing);
      await harness.page.getByRole('button', { name: 'Archivbericht' }).click();
      const end = harness.page.getByTestId('record').last();
      await end.waitFor();
      // Its title too (before: "end of central directory record").
      expect(await end.locator('caption').textContent()).toMatch(/^Endeintrag des Zentralverzeichnisses @\d+ · 22 B$/);
      const row = async (field: string) => (await end.locator('tr', { hasText: field }).locator('.meaning').textContent()) ?? '';
      expect(await row('totalNumberOfCentralDirectoryRecords')).toBe('1 Eintrag');
      expect(await row('signature')).toBe('wie erwartet');
      expect(await row('commentLength')).toBe('0 Bytes; 6 Bytes nach dem Archiv');
      expect(await row('offsetOfStartOfCentralDirectory')).toMatch(/^Zentralverzeichnis bei Offset \d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.close();
    }
  });

  test('an archive that cannot be opened says why in German: cut short, not a ZIP, a folder', async () => {
    const harness = await startHarness({ locale: 'de-DE' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-unreadable-'));
    try {
      const good = craftZip([{ name: 'eins.txt', data: 'eins' }, { name: 'zwei.txt', data: 'zwei' }]);
      const panel = harness.page.getByTestId('error-panel');
      /** The panel's message for this file, dismissed after. */
      const said = async (file: string): Promise<string> => {
        await harness.emit('openArchive', file);
        await panel.waitFor();
        const message = (await panel.locator('.message').textContent()) ?? '';
        await panel.getByRole('button', { name: 'Schließen' }).click();
        await harness.page.getByTestId('drop-zone').waitFor();
        return message;
      };
      // (Before: "cut short or damaged: it starts as a ZIP archive does (a local header), but has no end of central directory record …".)
      const cut = path.join(dir, 'gekuerzt.zip');
      writeFileSync(cut, good.subarray(0, good.length - 22));
      expect(await said(cut)).toBe(`Gekürzt oder beschädigt: Die Datei beginnt wie ein ZIP-Archiv (mit einem lokalen Header), hat aber keinen Endeintrag des Zentralverzeichnisses (Signatur 0x06054b50) in den letzten ${good.length - 22} Bytes`);
      const text = path.join(dir, 'text.zip');
      writeFileSync(text, 'kein Archiv, nur ein wenig Text');
      expect(await said(text)).toBe('Kein ZIP-Archiv: kein Endeintrag des Zentralverzeichnisses (Signatur 0x06054b50) in den letzten 31 Bytes');
      const folder = path.join(dir, 'ordner.zip');
      mkdirSync(folder);
      expect(await said(folder)).toBe(`${folder} ist keine gewöhnliche Datei`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.close();
    }
  });

  test('a Test that meets bad entries says what is wrong in German, the job and each entry', async () => {
    const harness = await startHarness({ locale: 'de-DE' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-problems-'));
    try {
      const archive = path.join(dir, 'zwei-schlecht.zip');
      writeFileSync(archive, twoBadEntries());
      await openInWindow(harness, archive);
      await harness.page.getByRole('button', { name: 'Prüfen', exact: true }).click();
      const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'PRÜFEN' }).filter({ hasText: 'zwei-schlecht.zip' });
      await jobEnds(testJob, 'failed');
      // (Before: "bad1.txt: bad entry: CRC-32 is …, the central directory says … (and 1 more of 3 entries)".)
      expect(await testJob.getByTestId('job-failure').textContent()).toMatch(/bad1\.txt: fehlerhafter Eintrag: CRC-32 ist 0x[0-9a-f]{8}, laut Zentralverzeichnis 0x12345678 \(und noch 1 von 3 Einträgen\)$/);
      expect(await testJob.locator('.problems li').allTextContents()).toEqual([
        expect.stringMatching(/^bad1\.txt: CRC-32 ist 0x[0-9a-f]{8}, laut Zentralverzeichnis 0x12345678$/),
        expect.stringMatching(/^bad2\.txt: CRC-32 ist 0x[0-9a-f]{8}, laut Zentralverzeichnis 0x12345678$/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.close();
    }
  });

  test('an Extract that skips a file already there says why in German, and a Test of an archive changed since it was opened why it stopped', async () => {
    const harness = await startHarness({ locale: 'de-DE' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-skipped-'));
    try {
      const archive = path.join(dir, 'eins.zip');
      writeFileSync(archive, craftZip([{ name: 'da.txt', data: 'aus dem Archiv' }, { name: 'neu.txt', data: 'neu' }]));
      const target = path.join(dir, 'ziel');
      mkdirSync(target);
      writeFileSync(path.join(target, 'da.txt'), 'schon da');
      await openInWindow(harness, archive);
      harness.dialogs.extractFolders.push(target);
      await harness.page.getByRole('button', { name: 'Alles entpacken…' }).click();
      const extractJob = harness.page.locator('[data-testid="job"]', { hasText: `eins.zip → ${target}` });
      await jobEnds(extractJob, 'done');
      // (Before: "da.txt: übersprungen: da.txt already exists".)
      expect(await extractJob.locator('.problems li').allTextContents()).toEqual(['da.txt: übersprungen: da.txt ist schon vorhanden']);
      expect(readFileSync(path.join(target, 'da.txt'), 'utf8')).toBe('schon da');

      // A job that stops: a Test of the archive rewritten since the window opened it.
      writeFileSync(archive, craftZip([{ name: 'da.txt', data: 'jetzt anders' }]));
      await harness.page.getByRole('button', { name: 'Prüfen', exact: true }).click();
      const testJob = harness.page.locator('[data-testid="job"]', { hasText: 'PRÜFEN' }).filter({ hasText: 'eins.zip' });
      await jobEnds(testJob, 'failed');
      // (Before: "…/eins.zip: the archive was replaced or changed since it was opened; open it again".)
      expect(await testJob.getByTestId('job-failure').textContent()).toBe(`${archive}: Das Archiv wurde ersetzt oder geändert, seit es geöffnet wurde; bitte erneut öffnen`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await harness.close();
    }
  });
});

// The window as a keyboard and screen reader user meets it, in Chromium against the real services
// (see harness.ts): where the focus goes, what the accessibility tree names and says, and the
// contrast of text on its background in both themes. Found by an accessibility hunt; each test
// here failed before its fix.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { canRunE2e, hasTool, noticeDismiss, openInWindow, pythonZip, startHarness, wordsOfSize, type Harness } from './harness.js';

describe.skipIf(!canRunE2e || !hasTool('python3'))('The window by keyboard and screen reader', () => {
  let harness: Harness;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-a11y-'));
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the window is a document: no role "application" keeps a screen reader from reading the inspector in browse mode', async () => {
    const archive = path.join(work, 'plain.zip');
    pythonZip(archive, ['a.txt', 'b.txt'], { deflated: true });
    await openInWindow(harness, archive);
    expect(await harness.page.getByRole('application').count()).toBe(0);
    // The landmarks are there without it.
    expect(await harness.page.getByRole('banner').count()).toBe(1);
    expect(await harness.page.getByRole('main').count()).toBe(1);
  });

  test('the listing, which takes the keys, has a name to say on focus: "Entries" (By folder too)', async () => {
    // It had none, and a screen reader said only "grid" as the keyboard came to it.
    expect(await harness.page.getByRole('grid', { name: 'Entries', exact: true }).count()).toBe(1);
    await harness.page.getByRole('radio', { name: 'By folder' }).click();
    await expect.poll(() => harness.page.getByRole('treegrid', { name: 'Entries', exact: true }).count()).toBe(1);
    await harness.page.getByRole('radio', { name: 'Flat' }).click();
    await expect.poll(() => harness.page.getByRole('grid').count()).toBe(1);
  });

  test("the inspector is a landmark named for what it shows: the entry's name, or Archive report", async () => {
    await harness.page.locator('[data-testid="row"]', { hasText: 'b.txt' }).dblclick();
    await harness.page.getByTestId('field-pairs').waitFor();
    expect(await harness.page.getByRole('complementary', { name: 'b.txt', exact: true }).count()).toBe(1);
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
    await harness.page.getByRole('button', { name: 'Archive report' }).click();
    await harness.page.getByTestId('archive-report').getByTestId('safety').waitFor();
    expect(await harness.page.getByRole('complementary', { name: 'Archive report', exact: true }).count()).toBe(1);
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
  });

  test('a value and its meaning are two words, not one run together: "8 Deflated", not "8Deflated"; "Deflated normal"', async () => {
    // The Method cell of a row (the deflate level after the method).
    const row = harness.page.locator('[data-testid="row"]', { hasText: 'a.txt' });
    expect(await row.ariaSnapshot()).toContain('gridcell "Deflated normal"');
    // The inspector's fields: a DOS time '42235' and its meaning '20:39:54' read as '4223520:39:54'.
    await row.dblclick();
    const pairs = harness.page.getByTestId('field-pairs');
    await pairs.waitFor();
    expect(await pairs.locator('tr[data-field="compressionMethod"]').ariaSnapshot()).toContain('cell "8 Deflated 08 00"');
    expect(await pairs.locator('tr[data-field="lastModFileTime"] td').first().textContent()).toMatch(/^\d+ \d\d:\d\d:\d\d /);
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
    // The archive report: the end record's fields, the highest ratio and its entry.
    await harness.page.getByRole('button', { name: 'Archive report' }).click();
    const report = harness.page.getByTestId('archive-report');
    await report.getByTestId('safety').waitFor();
    expect(await report.getByTestId('record').first().ariaSnapshot()).toContain('cell "0x06054b50 as expected"');
    expect(await report.getByTestId('safety').locator('dd').last().textContent()).toMatch(/^[\d.]+ : 1 [ab]\.txt$/);
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
  });

  test('the keyboard is never left on the page: an archive opened takes it in its listing, Close archive gives it to Open archive…, and a failed open to the message', async () => {
    const focused = (name: string) => harness.page.getByRole('button', { name, exact: true }).evaluate((button) => button === document.activeElement);
    await harness.page.getByRole('button', { name: 'Close archive' }).focus();
    await harness.page.keyboard.press('Enter');
    await harness.page.getByTestId('drop-zone').waitFor();
    expect(await focused('Open archive…')).toBe(true);

    harness.dialogs.archives.push(path.join(work, 'plain.zip'));
    await harness.page.keyboard.press('Enter');
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('plain.zip');
    expect(await harness.page.evaluate(() => document.activeElement?.id)).toBe('listing');
    await harness.page.keyboard.press('End');
    await expect.poll(() => harness.page.locator('[data-testid="row"][aria-selected="true"] .name .text').allTextContents()).toEqual(['b.txt']);

    // An archive that cannot be opened, from the empty window: the message's Dismiss, then back.
    await harness.page.getByRole('button', { name: 'Close archive' }).click();
    await harness.page.getByTestId('drop-zone').waitFor();
    const broken = path.join(work, 'broken.zip');
    writeFileSync(broken, 'not a zip');
    harness.dialogs.archives.push(broken);
    await harness.page.getByRole('button', { name: 'Open archive…' }).press('Enter');
    await harness.page.getByTestId('error-panel').waitFor();
    expect(await focused('Dismiss')).toBe(true);
    await harness.page.keyboard.press('Enter');
    await harness.page.getByTestId('drop-zone').waitFor();
    expect(await focused('Open archive…')).toBe(true);
  });

  test('while an archive is read, the keyboard is on the line that says so ("Reading …"), not on the page', async () => {
    // The window of the test before: empty.
    await harness.page.getByTestId('drop-zone').waitFor();
    // Where the focus is each time the window changes while the line is there.
    await harness.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { whileReading: string[] }).whileReading = seen;
      new MutationObserver(() => {
        const line = [...document.querySelectorAll('main [role="status"]')].find((e) => e.textContent?.startsWith('Reading '));
        if (line) seen.push(document.activeElement === line ? 'line' : (document.activeElement?.tagName ?? 'none'));
      }).observe(document.body, { subtree: true, childList: true });
    });
    harness.dialogs.archives.push(path.join(work, 'plain.zip'));
    await harness.page.getByRole('button', { name: 'Open archive…' }).press('Enter');
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('plain.zip');
    const seen = await harness.page.evaluate(() => (window as unknown as { whileReading: string[] }).whileReading);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['line']));
    expect(await harness.page.evaluate(() => document.activeElement?.id)).toBe('listing');
  });

  test('the line while an archive is read says its name, "Reading reading.zip…" ("reading.zip wird gelesen…"), its path in the tooltip', async () => {
    // It said the whole path, heard folder by folder before the name. Each state of the line as
    // it is there: its words, its own name (a title on it would be its name, the path again), and
    // the titles in it.
    const watchLine = (h: Harness) =>
      h.page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { readingLines: string[] }).readingLines = seen;
        new MutationObserver(() => {
          const line = document.querySelector('main .loading[role="status"]');
          const titles = [...(line?.querySelectorAll('[title]') ?? [])].map((e) => e.getAttribute('title'));
          if (line) seen.push(JSON.stringify({ text: line.textContent?.trim(), name: line.getAttribute('aria-label') ?? line.getAttribute('title'), titles }));
        }).observe(document.body, { subtree: true, childList: true });
      });
    const linesSeen = async (h: Harness) => new Set(await h.page.evaluate(() => (window as unknown as { readingLines: string[] }).readingLines));
    const archive = path.join(work, 'reading.zip');
    pythonZip(archive, ['a.txt']);
    await watchLine(harness);
    harness.dialogs.archives.push(archive);
    await harness.page.getByRole('button', { name: 'Open…', exact: true }).click();
    await expect.poll(() => harness.page.getByTestId('archive-name').textContent()).toBe('reading.zip');
    expect(await linesSeen(harness)).toEqual(new Set([JSON.stringify({ text: 'Reading reading.zip…', name: null, titles: [archive] })]));

    const german = await startHarness({ locale: 'de-DE' });
    try {
      await watchLine(german);
      await german.emit('openArchive', archive);
      await expect.poll(() => german.page.getByTestId('archive-name').textContent()).toBe('reading.zip');
      expect(await linesSeen(german)).toEqual(new Set([JSON.stringify({ text: 'reading.zip wird gelesen…', name: null, titles: [archive] })]));
    } finally {
      await german.close();
    }
  });

  test('a column header is named by its words alone ("Name"), its order said by aria-sort, not again in its name', async () => {
    // A screen reader says a cell's column header as it moves across a row: it said "Name sorted ascending" each time.
    const name = harness.page.getByRole('columnheader', { name: 'Name', exact: true });
    expect(await name.count()).toBe(1);
    expect(await name.getAttribute('aria-sort')).toBe('ascending');
  });

  test('By folder, a screen reader hears whether a folder is open and how deep a row is (a treegrid); the ▸ is not a button named "+"', async () => {
    const archive = path.join(work, 'folders.zip');
    pythonZip(archive, ['proj/docs/a.txt', 'proj/src/c.txt', 'top.txt'], { deflated: true });
    await openInWindow(harness, archive);
    await harness.page.getByRole('radio', { name: 'By folder' }).click();
    const grid = harness.page.getByRole('treegrid');
    await expect.poll(() => grid.count()).toBe(1);
    const proj = grid.getByRole('row', { name: /^proj\b/ });
    expect(await proj.getAttribute('aria-expanded')).toBe('false');
    expect(await proj.getAttribute('aria-level')).toBe('1');
    expect(await harness.page.getByRole('button', { name: '+' }).count()).toBe(0);
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Home');
    await harness.page.keyboard.press('ArrowRight');
    await expect.poll(() => proj.getAttribute('aria-expanded')).toBe('true');
    expect(await grid.getByRole('row', { name: /^docs\b/, level: 2, expanded: false }).count()).toBe(1);
    expect(await grid.getByRole('row', { name: /^top\.txt\b/, level: 1 }).getAttribute('aria-expanded')).toBeNull();
    // Flat, it is a grid again, its rows without levels.
    await harness.page.getByRole('radio', { name: 'Flat' }).click();
    await expect.poll(() => harness.page.getByRole('grid').count()).toBe(1);
    expect(await harness.page.locator('[data-testid="row"][aria-level]').count()).toBe(0);
  });

  test('a click on a folder\'s ▸ leaves the keys with the listing: the next arrow moves', async () => {
    await openInWindow(harness, path.join(work, 'folders.zip'));
    await harness.page.getByRole('radio', { name: 'By folder' }).click();
    const selected = () => harness.page.locator('[data-testid="row"][aria-selected="true"] .name .text').allTextContents();
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Home');
    await expect.poll(selected).toEqual(['proj']);
    await harness.page.locator('[data-testid="row"]', { hasText: 'proj' }).locator('.twisty').click();
    await expect.poll(() => harness.page.locator('[data-testid="row"] .name .text').allTextContents()).toEqual(['proj', 'docs', 'src', 'top.txt']);
    await harness.page.keyboard.press('ArrowDown');
    await expect.poll(selected).toEqual(['docs']);
    await harness.page.getByRole('radio', { name: 'Flat' }).click();
  });

  test('a job that ends is said to a screen reader, also with the Jobs panel folded: "Test folders.zip: Done"', async () => {
    const panel = harness.page.getByTestId('jobs-panel');
    const said = panel.getByRole('status');
    // The live region is there before the job, empty: what comes into it is announced.
    expect(await said.count()).toBe(1);
    expect((await said.textContent())?.trim()).toBe('');
    await panel.getByRole('button', { name: 'Jobs' }).press('Enter');
    await expect.poll(() => panel.getByRole('button', { name: 'Jobs' }).getAttribute('aria-expanded')).toBe('false');
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('Test folders.zip: Done');
    // Again: the same words are a new line, said again.
    const first = await said.locator('span').elementHandle();
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => first!.evaluate((span) => span.isConnected)).toBe(false);
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('Test folders.zip: Done');
    await panel.getByRole('button', { name: 'Jobs' }).press('Enter');
  });

  test("a button that goes with what it removes leaves the keyboard in place: Clear finished to the Jobs panel's button, a notice's ✕ to the listing", async () => {
    // The jobs of the test before are finished.
    const panel = harness.page.getByTestId('jobs-panel');
    await panel.getByRole('button', { name: 'Clear finished' }).focus();
    await harness.page.keyboard.press('Enter');
    await expect.poll(() => panel.getByRole('button', { name: 'Clear finished' }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: 'Jobs' }).evaluate((button) => button === document.activeElement)).toBe(true);
    const text = path.join(work, 'notes.txt');
    writeFileSync(text, 'hello');
    await harness.setDropPaths({ 'notes.txt': text });
    await harness.drop(['notes.txt']);
    const notice = harness.page.getByTestId('notice').filter({ hasText: 'Not accepted: notes.txt' });
    await (await noticeDismiss(harness.page, notice)).focus();
    await harness.page.keyboard.press('Enter');
    await notice.waitFor({ state: 'detached' });
    expect(await harness.page.evaluate(() => document.activeElement?.id)).toBe('listing');
  });

  test('By folder, ← on a closed folder or a file goes to its folder, → on an open folder to its first row (a tree\'s keys)', async () => {
    await openInWindow(harness, path.join(work, 'folders.zip'));
    await harness.page.getByRole('radio', { name: 'By folder' }).click();
    const selected = () => harness.page.locator('[data-testid="row"][aria-selected="true"] .name .text').allTextContents();
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Home');
    // proj opened, then into it: docs, opened, then its a.txt.
    for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight']) await harness.page.keyboard.press(key);
    await expect.poll(selected).toEqual(['a.txt']);
    await harness.page.keyboard.press('ArrowLeft');
    await expect.poll(selected).toEqual(['docs']);
    // docs is open: ← closes it and stays; again, to proj.
    await harness.page.keyboard.press('ArrowLeft');
    await expect.poll(() => harness.page.getByRole('row', { name: /^docs\b/ }).getAttribute('aria-expanded')).toBe('false');
    expect(await selected()).toEqual(['docs']);
    await harness.page.keyboard.press('ArrowLeft');
    await expect.poll(selected).toEqual(['proj']);
    // At the top level ← closes, and then stays.
    await harness.page.keyboard.press('ArrowLeft');
    await harness.page.keyboard.press('ArrowLeft');
    expect(await selected()).toEqual(['proj']);
    await harness.page.getByRole('radio', { name: 'Flat' }).click();
  });

  test('a notice hides no control the keyboard can reach (WCAG 2.4.11): the toolbar\'s and the inspector\'s stay in sight', async () => {
    // An error notice stays until dismissed; the inspector open beside the listing.
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Home');
    await harness.page.keyboard.press('Enter');
    await harness.page.getByTestId('field-pairs').waitFor();
    await harness.drop(['notes.txt']);
    const notice = harness.page.getByTestId('notice').filter({ hasText: 'Not accepted: notes.txt' });
    await notice.waitFor();
    const covered = await harness.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, input, select, [tabindex="0"]')]
        .filter((control) => !control.closest('[data-testid="notice"]') && control.getClientRects().length > 0)
        .filter((control) => {
          const box = control.getBoundingClientRect();
          return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)?.closest('[data-testid="notice"]');
        })
        .map((control) => control.getAttribute('aria-label') ?? control.textContent?.trim()),
    );
    expect(covered).toEqual([]);
    await (await noticeDismiss(harness.page, notice)).click();
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
  });

  test('each notice is said once, by the one live region it appears in, there before it: an error assertively, information politely', async () => {
    // An error was role "alert" inside a polite live region: said as an alert, and again by some
    // screen readers as the region's news.
    const page = harness.page;
    const text = path.join(work, 'said-once.txt');
    writeFileSync(text, 'hello');
    const [a, b] = [path.join(work, 'said-a.zip'), path.join(work, 'said-b.zip')];
    pythonZip(a, ['x.txt']);
    pythonZip(b, ['y.txt']);
    await harness.setDropPaths({ 'said-once.txt': text, 'said-a.zip': a, 'said-b.zip': b });
    await page.evaluate(() => {
      (window as unknown as { liveBefore: Element[] }).liveBefore = [...document.querySelectorAll('[aria-live], [role]')];
    });
    await harness.drop(['said-once.txt', 'said-a.zip', 'said-b.zip']);
    const error = page.getByTestId('notice').filter({ hasText: 'Not accepted: said-once.txt' });
    const info = page.getByTestId('notice').filter({ hasText: 'Only one archive opens at a time; opened said-a.zip.' });
    await error.waitFor();
    await info.waitFor();
    // The notice and what holds it that make it news, each as loud as it says (the roles' own, or aria-live's).
    const liveAround = (notice: Element) => {
      const implicit: Record<string, string> = { alert: 'assertive', status: 'polite', log: 'polite', marquee: 'off', timer: 'off' };
      const before = (window as unknown as { liveBefore: Element[] }).liveBefore;
      const found: { politeness: string; before: boolean }[] = [];
      for (let e: Element | null = notice; e; e = e.parentElement) {
        const politeness = e.getAttribute('aria-live') ?? implicit[e.getAttribute('role') ?? ''];
        if (politeness && politeness !== 'off') found.push({ politeness, before: before.includes(e) });
      }
      return found;
    };
    expect(await error.evaluate(liveAround)).toEqual([{ politeness: 'assertive', before: true }]);
    expect(await info.evaluate(liveAround)).toEqual([{ politeness: 'polite', before: true }]);
    await (await noticeDismiss(page, error)).click();
    await (await noticeDismiss(page, info)).click();
    await expect.poll(() => page.getByTestId('notice').count()).toBe(0);
  });

  test("a notice's live region holds its message alone, not its ✕: the button, out of the region, sits in the notice's top right corner, named Dismiss and described by the message", async () => {
    // The ✕ was inside the region, and came into it with the message: a screen reader could say 'Dismiss' (or '✕') after it.
    const page = harness.page;
    const [a, b] = [path.join(work, 'corner-a.zip'), path.join(work, 'corner-b.zip')];
    pythonZip(a, ['x.txt']);
    pythonZip(b, ['y.txt']);
    const text = path.join(work, 'corner.txt');
    writeFileSync(text, 'hello');
    await harness.setDropPaths({ 'corner.txt': text, 'corner-a.zip': a, 'corner-b.zip': b });
    await harness.drop(['corner.txt', 'corner-a.zip', 'corner-b.zip']);
    const messages = {
      assertive: 'Not accepted: corner.txt. Drop a .zip archive to open it, or folders to zip each one.',
      polite: 'Only one archive opens at a time; opened corner-a.zip.',
    };
    for (const [politeness, message] of Object.entries(messages)) {
      const region = page.locator(`[aria-live="${politeness}"]`).filter({ has: page.getByTestId('notice') });
      await region.waitFor();
      expect(await region.evaluate((r) => [r.textContent?.trim(), r.querySelectorAll('button').length])).toEqual([message, 0]);
      const notice = region.getByTestId('notice');
      const dismiss = await noticeDismiss(page, notice);
      expect(await dismiss.getAttribute('aria-label')).toBe('Dismiss');
      expect(await dismiss.evaluate((button) => button.closest('[aria-live]'))).toBeNull();
      expect(await dismiss.evaluate((button) => document.getElementById(button.getAttribute('aria-describedby') ?? '')?.textContent)).toBe(message);
      // Where it was: inside the notice, top right, beside the words.
      const [card, words, button] = await Promise.all([notice.boundingBox(), notice.locator('span').boundingBox(), dismiss.boundingBox()]);
      expect(button!.x + button!.width).toBeLessThanOrEqual(card!.x + card!.width - 8);
      expect(button!.x).toBeGreaterThanOrEqual(words!.x + words!.width);
      expect(button!.y).toBeGreaterThanOrEqual(card!.y + 8);
      expect(button!.y + button!.height).toBeLessThanOrEqual(card!.y + card!.height);
      await dismiss.click();
      await notice.waitFor({ state: 'detached' });
    }
  });

  test('a job\'s Cancel leaves the keyboard on the job\'s card, named as it ends: "Zip big → big.zip: Cancelled"', async () => {
    // Enough to deflate that the first job is still running when its Cancel is pressed, and the second still queued.
    const big = path.join(work, 'big');
    mkdirSync(big);
    for (let i = 0; i < 12; i++) writeFileSync(path.join(big, `part${i}.txt`), wordsOfSize(4_000_000, i));
    const later = path.join(work, 'later');
    mkdirSync(later);
    writeFileSync(path.join(later, 'x.txt'), 'x');
    await harness.setDropPaths({ big, later });
    await harness.drop(['big', 'later']);
    const panel = harness.page.getByTestId('jobs-panel');
    const card = (name: string) => panel.getByTestId('job').filter({ hasText: name });
    const focusedCard = () => harness.page.evaluate(() => document.activeElement?.closest('[data-testid="job"]')?.getAttribute('aria-label') ?? document.activeElement?.tagName);
    await card('later.zip').and(harness.page.locator('[data-job-state="queued"]')).waitFor();
    expect((await buttonDescriptions(harness, 'Cancel')).sort()).toEqual(['big → big.zip', 'later → later.zip']);
    for (const name of ['later', 'big']) {
      await card(`${name}.zip`).getByRole('button', { name: 'Cancel' }).focus();
      await harness.page.keyboard.press('Enter');
      await card(`${name}.zip`).and(harness.page.locator('[data-job-state="cancelled"]')).waitFor({ timeout: 20_000 });
      await expect.poll(focusedCard).toBe(`Zip ${name} → ${name}.zip: Cancelled`);
      expect(await harness.page.evaluate(() => document.activeElement?.matches('[data-testid="job"]'))).toBe(true);
    }
    await harness.client.onIdle();
  });

  test("a job's buttons say which job they are for: Cancel or Show in folder, described by the job's title", async () => {
    // The two jobs of the test before, cancelled, and two that end with an archive to show.
    for (const name of ['one', 'two']) {
      mkdirSync(path.join(work, name));
      writeFileSync(path.join(work, name, 'f.txt'), name);
    }
    await harness.setDropPaths({ one: path.join(work, 'one'), two: path.join(work, 'two') });
    await harness.drop(['one', 'two']);
    const done = harness.page.locator('[data-testid="job"][data-job-state="done"]');
    await expect.poll(() => done.count()).toBe(2);
    // The same name for each, a description to tell them apart.
    expect((await buttonDescriptions(harness, 'Show in folder')).sort()).toEqual(['one → one.zip', 'two → two.zip']);
  });

  test('a job that ends by itself while its Cancel has the focus leaves it on its card too: "Zip quick → quick.zip: Done"', async () => {
    const slow = path.join(work, 'slow');
    mkdirSync(slow);
    for (let i = 0; i < 4; i++) writeFileSync(path.join(slow, `part${i}.txt`), wordsOfSize(4_000_000, 20 + i));
    const quick = path.join(work, 'quick');
    mkdirSync(quick);
    writeFileSync(path.join(quick, 'q.txt'), 'q');
    await harness.setDropPaths({ slow, quick });
    await harness.drop(['slow', 'quick']);
    const card = harness.page.getByTestId('job').filter({ hasText: 'quick.zip' });
    await card.and(harness.page.locator('[data-job-state="queued"]')).waitFor();
    await card.getByRole('button', { name: 'Cancel' }).focus();
    await card.and(harness.page.locator('[data-job-state="done"]')).waitFor({ timeout: 20_000 });
    await expect.poll(() => harness.page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName)).toBe('Zip quick → quick.zip: Done');
  });

  test('Flat and By folder are two choices of a group named View, not of one named By folder', async () => {
    const group = harness.page.getByRole('radiogroup', { name: 'View', exact: true });
    expect(await group.count()).toBe(1);
    expect(await group.getByRole('radio').allTextContents()).toEqual(['Flat', 'By folder']);
  });

  test('a screen reader hears what the filter leaves, "1 of 3 shown" or "No entry matches “alzz”.", once typing rests', async () => {
    const archive = path.join(work, 'filter.zip');
    pythonZip(archive, ['alpha.txt', 'beta.txt', 'gamma.txt']);
    await openInWindow(harness, archive);
    const said = harness.page.getByRole('region', { name: 'filter.zip' }).getByTestId('filter-said');
    // There, empty, before the filter: what comes into it is said.
    expect(await said.getAttribute('role')).toBe('status');
    expect((await said.textContent())?.trim()).toBe('');
    // Every line the region is given, to check that 'a' (3 of 3) is not said on the way to 'al'.
    await said.evaluate((region) => {
      const lines: string[] = [];
      (window as unknown as { filterLines: string[] }).filterLines = lines;
      new MutationObserver(() => lines.push(region.textContent?.trim() ?? '')).observe(region, { subtree: true, childList: true, characterData: true });
    });
    await harness.page.getByRole('searchbox', { name: 'Filter names' }).focus();
    await harness.page.keyboard.type('al', { delay: 150 });
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('1 of 3 shown');
    expect(await harness.page.evaluate(() => (window as unknown as { filterLines: string[] }).filterLines)).toEqual(['1 of 3 shown']);
    await harness.page.keyboard.type('zz');
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('No entry matches “alzz”.');
    await harness.page.keyboard.press('Escape');
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('');
  });

  test('a selection made by keyboard is heard: Ctrl+A "3 selected", Shift+↓ "2 selected"', async () => {
    // The archive of the test before (alpha, beta, gamma).
    const said = harness.page.getByRole('region', { name: 'filter.zip' }).getByTestId('selection-said');
    expect(await said.getAttribute('role')).toBe('status');
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Control+a');
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('3 selected');
    await harness.page.keyboard.press('Home');
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('1 selected');
    await harness.page.keyboard.press('Shift+ArrowDown');
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('2 selected');
  });

  test('Enter on a row is heard: "beta.txt in the inspector", from a line that was there before', async () => {
    // The archive of the test before, its filter cleared.
    const listing = harness.page.getByRole('region', { name: 'filter.zip' });
    const said = listing.getByTestId('inspector-said');
    expect((await said.textContent())?.trim()).toBe('');
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Home');
    await harness.page.keyboard.press('ArrowDown');
    await harness.page.keyboard.press('Enter');
    await harness.page.getByTestId('field-pairs').waitFor();
    expect(await said.getAttribute('role')).toBe('status');
    await expect.poll(async () => (await said.textContent())?.trim()).toBe('beta.txt in the inspector');
    await harness.page.keyboard.press('Escape');
    await harness.page.getByTestId('inspector').waitFor({ state: 'detached' });
    expect((await said.textContent())?.trim()).toBe('');
  });

  test.skipIf(!hasTool('zip'))('an arrow on the Names choice, which chooses the next code page at once, leaves the keys there: the next arrow the next code page, not a row; the inspector stays', async () => {
    // Names in Shift-JIS bytes without the UTF-8 flag, as Info-ZIP's zip keeps them on Linux.
    const folder = path.join(work, 'sjis');
    mkdirSync(folder);
    for (const name of ['日本語.txt', 'ソース.c']) {
      const bytes = execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write(sys.argv[1].encode("shift_jis"))', name]);
      writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), bytes]), name);
    }
    const archive = path.join(work, 'sjis.zip');
    execFileSync('zip', ['-q', '-r', archive, '.'], { cwd: folder });
    await openInWindow(harness, archive);
    const names = () => harness.page.locator('[data-testid="row"] .name .text').allTextContents();
    const garbled = await names();
    await harness.page.getByTestId('listing').focus();
    await harness.page.keyboard.press('Enter');
    await harness.page.getByTestId('field-pairs').waitFor();

    const choice = harness.page.getByRole('combobox', { name: 'Names' });
    const onChoice = () => choice.evaluate((select) => select === document.activeElement);
    await choice.focus();
    // Chromium on Linux and Windows chooses with an arrow on a closed select: the archive is read again.
    await harness.page.keyboard.press('ArrowDown');
    await expect.poll(names).toEqual(expect.arrayContaining(['日本語.txt', 'ソース.c']));
    expect(await choice.inputValue()).toBe('shift_jis');
    expect(await onChoice()).toBe(true);
    await harness.page.getByTestId('inspector').getByTestId('field-pairs').waitFor();
    await harness.page.keyboard.press('ArrowDown');
    await expect.poll(names).not.toEqual(expect.arrayContaining(['日本語.txt']));
    expect(await choice.inputValue()).toBe('gbk');
    expect(await onChoice()).toBe(true);
    // A re-read leaves no row selected: one would be the arrow's, gone to the listing.
    expect(await harness.page.locator('[data-testid="row"][aria-selected="true"]').count()).toBe(0);
    expect(await harness.page.getByTestId('inspector').count()).toBe(1);
    // Back to Automatic, by keyboard too.
    await harness.page.keyboard.press('Home');
    await expect.poll(names).toEqual(garbled);
    expect(await onChoice()).toBe(true);
    await harness.page.keyboard.press('Escape');
  });

  // The archive of the test before.
  test.skipIf(!hasTool('zip'))("the button that reads names in the system's code page gives the keys to the Names choice as it goes: \"Als Westeuropäisch, DOS (850) lesen\"", async () => {
    const german = await startHarness({ locale: 'de-DE' });
    try {
      await openInWindow(german, path.join(work, 'sjis.zip'));
      const offered = german.page.getByRole('button', { name: 'Als Westeuropäisch, DOS (850) lesen' });
      await offered.focus();
      await german.page.keyboard.press('Enter');
      await offered.waitFor({ state: 'detached' });
      const choice = german.page.getByRole('combobox', { name: 'Namen' });
      expect(await choice.inputValue()).toBe('cp850');
      await expect.poll(() => choice.evaluate((select) => select === document.activeElement)).toBe(true);
    } finally {
      await german.close();
    }
  });

  test('the Extract question says why it asks: its description is the safety report\'s verdict', async () => {
    const archive = path.join(work, 'climbs.zip');
    pythonZip(archive, ['../up.txt', 'ok.txt']);
    await openInWindow(harness, archive);
    await harness.page.getByRole('button', { name: 'Extract all…' }).press('Enter');
    const dialog = harness.page.getByTestId('confirm-extract');
    await dialog.getByRole('button', { name: 'Cancel' }).waitFor();
    // As Chromium gives it to a screen reader.
    const cdp = await harness.page.context().newCDPSession(harness.page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; name?: { value: string }; description?: { value: string } }[] };
    const node = nodes.find((n) => n.role?.value === 'dialog');
    expect(node?.name?.value).toBe('Extract climbs.zip?');
    expect(node?.description?.value).toBe('This archive has problems that can harm your files if extracted carelessly.');
    await cdp.detach();
    await harness.page.keyboard.press('Escape');
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
  });

  test('the View group is one Tab stop, its checked choice, and the arrows move and choose in it', async () => {
    const archive = path.join(work, 'view.zip');
    pythonZip(archive, ['dir/a.txt', 'b.txt']);
    await openInWindow(harness, archive);
    const page = harness.page;
    const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim());
    const checked = () => page.getByRole('radio', { checked: true }).allTextContents();
    await page.getByRole('searchbox', { name: 'Filter names' }).focus();
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Flat');
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Close archive');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName()).toBe('Flat');
    await page.keyboard.press('ArrowRight');
    expect(await focusedName()).toBe('By folder');
    expect(await checked()).toEqual(['By folder']);
    await expect.poll(() => page.getByRole('treegrid').count()).toBe(1);
    // The group is entered at its checked choice, now By folder, from either side.
    await page.keyboard.press('Tab');
    expect(await focusedName()).toBe('Close archive');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName()).toBe('By folder');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedName()).toBe('Filter names');
    await page.keyboard.press('Tab');
    // ← back, and round: → from the last choice is the first.
    await page.keyboard.press('ArrowLeft');
    expect(await checked()).toEqual(['Flat']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focusedName()).toBe('Flat');
    expect(await checked()).toEqual(['Flat']);
    await expect.poll(() => page.getByRole('grid').count()).toBe(1);
  });

  test("Escape in the Jobs panel is the panel's: the inspector stays open and the keyboard where it was; from the listing it closes the inspector", async () => {
    const archive = path.join(work, 'escape.zip');
    pythonZip(archive, ['a.txt', 'b.txt']);
    await openInWindow(harness, archive);
    const page = harness.page;
    await page.locator('[data-testid="row"]', { hasText: 'a.txt' }).dblclick();
    await page.getByTestId('field-pairs').waitFor();
    const jobsButton = page.getByTestId('jobs-panel').getByRole('button', { name: 'Jobs' });
    await jobsButton.focus();
    await page.keyboard.press('Escape');
    // (It closed the inspector and took the keyboard to the listing, away from the panel.)
    expect(await jobsButton.evaluate((button) => button === document.activeElement)).toBe(true);
    expect(await page.getByTestId('inspector').count()).toBe(1);
    await page.getByTestId('listing').focus();
    await page.keyboard.press('Escape');
    await page.getByTestId('inspector').waitFor({ state: 'detached' });
  });

  test('after the mouse wheel scrolls the listing, aria-activedescendant names a row there or none, and the keys bring the active row back into view', async () => {
    const archive = path.join(work, 'long.zip');
    pythonZip(archive, Array.from({ length: 400 }, (_, i) => `file${String(i).padStart(3, '0')}.txt`));
    await openInWindow(harness, archive);
    const page = harness.page;
    const listing = page.getByTestId('listing');
    // What the grid names as active: whether that row is in the page, and its whole height in view below the header.
    const active = () =>
      listing.evaluate((grid) => {
        const id = grid.getAttribute('aria-activedescendant');
        const row = id === null ? null : document.getElementById(id);
        const view = grid.getBoundingClientRect();
        const header = grid.querySelector('[role="row"]')!.getBoundingClientRect();
        const box = row?.getBoundingClientRect();
        return { id, exists: row !== null, inView: box !== undefined && box.top >= header.bottom - 1 && box.bottom <= view.bottom + 1, name: row?.querySelector('.name .text')?.textContent ?? null };
      });
    await listing.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toMatchObject({ exists: true, inView: true, name: 'file001.txt' });
    // The wheel takes the list far from row 1: the row is gone from the page.
    const box = (await listing.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 6000);
    await expect.poll(() => page.locator('[data-testid="row"]', { hasText: 'file001.txt' }).count()).toBe(0);
    const afterWheel = await active();
    expect(afterWheel.id === null || afterWheel.exists).toBe(true);
    // An arrow goes on from the active row, and brings it back.
    await page.keyboard.press('ArrowDown');
    expect(await active()).toMatchObject({ exists: true, inView: true, name: 'file002.txt' });
    await expect.poll(() => page.locator('[data-testid="row"][aria-selected="true"] .name .text').allTextContents()).toEqual(['file002.txt']);
    // Down to the end: the grid names the last row at once, with no moment naming none (heard as
    // the grid again) while the rows wait for the scroll event.
    await listing.evaluate((grid) => {
      const named: (string | null)[] = [];
      (window as unknown as { activeNamed: typeof named }).activeNamed = named;
      new MutationObserver(() => named.push(grid.getAttribute('aria-activedescendant'))).observe(grid, { attributes: true, attributeFilter: ['aria-activedescendant'] });
    });
    await page.keyboard.press('End');
    expect(await active()).toMatchObject({ exists: true, inView: true, name: 'file399.txt' });
    expect(await page.evaluate(() => (window as unknown as { activeNamed: (string | null)[] }).activeNamed)).toEqual([(await active()).id]);
    await page.mouse.wheel(0, -20000);
    await expect.poll(() => page.locator('[data-testid="row"]', { hasText: 'file399.txt' }).count()).toBe(0);
    const atTop = await active();
    expect(atTop.id === null || atTop.exists).toBe(true);
    // Space acts on the active row: it too is brought into view, to be seen (and heard) selected.
    await page.keyboard.press('Control+ArrowUp');
    expect(await active()).toMatchObject({ exists: true, inView: true, name: 'file398.txt' });
    await page.mouse.wheel(0, -20000);
    await expect.poll(() => page.locator('[data-testid="row"]', { hasText: 'file398.txt' }).count()).toBe(0);
    await page.keyboard.press('Space');
    expect(await active()).toMatchObject({ exists: true, inView: true, name: 'file398.txt' });
  });

  test('a job the user starts is said once, from the Jobs panel\'s line: "Test started.zip: Started", a batch by its count, "Zip 3 folders: Started"', async () => {
    // Test, Extract… and New archive… were silent until "…: Done".
    const page = harness.page;
    const archive = path.join(work, 'started.zip');
    pythonZip(archive, ['a.txt', 'b.txt']);
    await openInWindow(harness, archive);
    const said = page.getByTestId('jobs-panel').getByTestId('jobs-announce');
    expect(await said.getAttribute('role')).toBe('status');
    // Every line the region is given.
    await said.evaluate((region) => {
      const lines: string[] = [];
      (window as unknown as { jobLines: string[] }).jobLines = lines;
      new MutationObserver(() => lines.push(region.textContent?.trim() ?? '')).observe(region, { subtree: true, childList: true, characterData: true });
    });
    // Those since the last step's.
    let heard = 0;
    const allLines = async () => (await page.evaluate(() => (window as unknown as { jobLines: string[] }).jobLines)).filter((line) => line !== '');
    const lines = async () => (await allLines()).slice(heard);
    const nextStep = async () => {
      heard = (await allLines()).length;
    };
    const done = page.locator('[data-testid="job"][data-job-state="done"]');
    const doneBefore = await done.count();

    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => done.count()).toBe(doneBefore + 1);
    await expect.poll(lines).toEqual(['Test started.zip: Started', 'Test started.zip: Done']);
    await nextStep();

    const target = path.join(work, 'started-out');
    mkdirSync(target);
    harness.dialogs.extractFolders.push(target);
    await page.getByRole('button', { name: 'Extract all…' }).click();
    await expect.poll(() => done.count()).toBe(doneBefore + 2);
    await expect.poll(lines).toEqual(['Extract started.zip: Started', `Extract started.zip → ${target}: Done`]);
    await nextStep();

    // Three folders: one line for the three as they start, and one as the last of them ends
    // (a batch of 50 folders said 50 lines).
    const folders = ['s1', 's2', 's3'].map((name) => path.join(work, name));
    for (const folder of folders) {
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'f.txt'), folder);
    }
    harness.dialogs.folderLists.push(folders);
    await page.getByRole('button', { name: 'New archive…' }).click();
    await expect.poll(() => done.count()).toBe(doneBefore + 5);
    await expect.poll(lines).toEqual(['Zip 3 folders: Started', 'Zip 3 folders: Done']);
    await nextStep();

    // One of two that fails (its folder is gone) is said with its batch, whose line counts what was done.
    mkdirSync(path.join(work, 's4'));
    writeFileSync(path.join(work, 's4', 'f.txt'), 's4');
    harness.dialogs.folderLists.push([path.join(work, 's4'), path.join(work, 'gone')]);
    await page.getByRole('button', { name: 'New archive…' }).click();
    await expect.poll(lines).toEqual(['Zip 2 folders: Started', 'Zip 2 folders: 1 of 2 done']);
    await nextStep();

    // A job behind another waits, and is said to.
    const slow = path.join(work, 'started-slow');
    mkdirSync(slow);
    for (let i = 0; i < 4; i++) writeFileSync(path.join(slow, `part${i}.txt`), wordsOfSize(4_000_000, 40 + i));
    harness.dialogs.folderLists.push([slow]);
    await page.getByRole('button', { name: 'New archive…' }).click();
    await page.locator('[data-testid="job"][data-job-state="running"]').waitFor();
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.locator('[data-testid="job"][data-job-state="queued"]').waitFor();
    expect(await lines()).toEqual(['Zip started-slow: Started', 'Test started.zip: Queued']);
    await page.getByTestId('job').filter({ hasText: 'started-slow.zip' }).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('[data-testid="job"]:is([data-job-state="running"], [data-job-state="queued"])').count(), { timeout: 20_000 }).toBe(0);
  });

  test('the Jobs panel has a heading a screen reader can go to, "Jobs", which holds the button that folds the panel', async () => {
    // It was an h2 inside the button. A button's content is presentational (WAI-ARIA): Chromium
    // hands a screen reader the button as a leaf, so the heading was in no list of headings.
    const nodes = await axNodes(harness);
    // (Named 'Jobs 1 active' while a job runs.)
    const headings = nodes.filter((n) => n.role?.value === 'heading' && /^Jobs\b/.test(n.name?.value ?? ''));
    expect(headings.length).toBe(1);
    const ancestors = (node: AxNode): AxNode[] => {
      const parent = nodes.find((n) => n.nodeId === node.parentId);
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    expect(ancestors(headings[0]!).map((n) => n.role?.value)).not.toContain('button');
    expect(headings[0]!.properties?.find((p) => p.name === 'level')?.value.value).toBe(2);
    const inside = (node: AxNode): AxNode[] => (node.childIds ?? []).flatMap((id) => nodes.filter((n) => n.nodeId === id)).flatMap((child) => [child, ...inside(child)]);
    const button = inside(headings[0]!).find((n) => n.role?.value === 'button');
    expect(button?.name?.value).toMatch(/^Jobs( \d+ active)?$/);
    expect(button?.properties?.find((p) => p.name === 'expanded')?.value.value).toBe(true);
    // The panel is still a region named Jobs, and the button still folds it.
    const panel = harness.page.getByRole('region', { name: 'Jobs', exact: true });
    await panel.getByRole('button', { name: 'Jobs' }).click();
    await expect.poll(() => panel.getByRole('button', { name: 'Jobs' }).getAttribute('aria-expanded')).toBe('false');
    await panel.getByRole('button', { name: 'Jobs' }).click();
    await expect.poll(() => panel.getByRole('button', { name: 'Jobs' }).getAttribute('aria-expanded')).toBe('true');
  });

  test('a job that fails is said assertively with its reason, also with the Jobs panel folded: "Test flipped.zip: Failed. … bad.txt: bad entry: CRC-32 …"', async () => {
    // Its card's alert was all that said it, and a folded panel has no cards: only "Started" was heard.
    const archive = path.join(work, 'flipped.zip');
    flippedZip(archive);
    const failFolded = async (h: Harness, names: { jobs: string; test: string }) => {
      await openInWindow(h, archive);
      const toggle = h.page.getByTestId('jobs-panel').getByRole('button', { name: names.jobs });
      await toggle.press('Enter');
      await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
      await watchSaid(h);
      await h.page.getByRole('button', { name: names.test, exact: true }).click();
      await expect.poll(() => h.jobs.list().at(-1)?.state, { timeout: 20_000 }).toBe('failed');
      await expect.poll(async () => (await saidSince(h)).length).toBe(2);
      const said = await saidSince(h);
      await toggle.press('Enter');
      return said;
    };
    expect(await failFolded(harness, { jobs: 'Jobs', test: 'Test' })).toEqual([
      'polite: Test flipped.zip: Started',
      expect.stringMatching(/^assertive: Test flipped\.zip: Failed\. \/.*\/flipped\.zip: bad\.txt: bad entry: CRC-32 is 0x[0-9a-f]{8}, the central directory says 0x[0-9a-f]{8}$/),
    ]);
    // The line that said it started does not stay on "Started".
    expect((await harness.page.getByTestId('jobs-announce').textContent())?.trim()).toBe('');

    const german = await startHarness({ locale: 'de-DE' });
    try {
      expect(await failFolded(german, { jobs: 'Aufträge', test: 'Prüfen' })).toEqual([
        'polite: Prüfen flipped.zip: Gestartet',
        expect.stringMatching(/^assertive: Prüfen flipped\.zip: Fehlgeschlagen\. \/.*\/flipped\.zip: bad\.txt: fehlerhafter Eintrag: CRC-32 ist 0x[0-9a-f]{8}, laut Zentralverzeichnis 0x[0-9a-f]{8}$/),
      ]);
    } finally {
      await german.close();
    }
  });

  test('a failure is said once, as it comes: an old one is plain text in its card, not an alert again as the panel unfolds', async () => {
    // The card's failure line was an alert: a new card made each time the panel unfolded said
    // every failure in it again. The archive of the test before, whose Test failed, and a second.
    const toggle = harness.page.getByTestId('jobs-panel').getByRole('button', { name: 'Jobs' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await watchSaid(harness);
    const failed = harness.page.locator('[data-testid="job"][data-job-state="failed"]');
    const failedBefore = await failed.count();
    await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(failedBefore + 1);
    await expect.poll(async () => (await saidSince(harness)).length).toBe(2);
    await toggle.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.press('Enter');
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => failed.count()).toBe(failedBefore + 1);
    expect(await saidSince(harness)).toEqual(['polite: Test flipped.zip: Started', expect.stringMatching(/^assertive: Test flipped\.zip: Failed\. .*bad\.txt: bad entry: CRC-32 /)]);
    // The cards still show why.
    expect(await failed.first().getByTestId('job-failure').textContent()).toMatch(/bad\.txt: bad entry: CRC-32 /);
  });

  test('Show more, when it shows the last of the jobs, leaves the keyboard on the first card it revealed, not on the page', async () => {
    // It went with its paragraph, and the next Tab started again at the toolbar.
    const panel = harness.page.getByTestId('jobs-panel');
    // The jobs of the tests before, if they ran, go first.
    const clear = panel.getByRole('button', { name: 'Clear finished' });
    if ((await clear.count()) > 0) await clear.click();
    // One more than the panel shows at first.
    const folders = Array.from({ length: 101 }, (_, i) => {
      const folder = path.join(work, 'more', `m${i}`);
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'a.txt'), `folder ${i}\n`);
      return folder;
    });
    await harness.jobs.batch(folders, null, 6);
    await harness.client.onIdle();
    const more = panel.getByTestId('jobs-more');
    await expect.poll(() => more.textContent(), { timeout: 30_000 }).toContain('1 more job not shown');
    await more.getByRole('button', { name: 'Show 1 more' }).focus();
    await harness.page.keyboard.press('Enter');
    const cards = panel.getByTestId('job');
    await expect.poll(() => cards.count()).toBe(101);
    expect(await more.count()).toBe(0);
    await expect.poll(() => harness.page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
    expect(await cards.nth(100).evaluate((card) => card === document.activeElement)).toBe(true);
    expect(await cards.nth(100).getAttribute('aria-label')).toMatch(/^Zip m\d+ → m\d+\.zip: Done$/);
  });
});

describe.skipIf(!canRunE2e || !hasTool('python3'))('A notice that fades', () => {
  let harness: Harness;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-notice-'));
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('stays 12 s, and for as long as the pointer or the keyboard is on it (WCAG 2.2.1); a screen reader hears it', async () => {
    const page = harness.page;
    // The page's clock runs on, and the test moves it on by minutes at once.
    await page.clock.install();
    const [a, b] = [path.join(work, 'a.zip'), path.join(work, 'b.zip')];
    pythonZip(a, ['x.txt']);
    pythonZip(b, ['y.txt']);
    await harness.setDropPaths({ 'a.zip': a, 'b.zip': b });
    // The live regions there before the notice: one of them holds it, so that it is said.
    await page.evaluate(() => {
      (window as unknown as { liveBefore: Element[] }).liveBefore = [...document.querySelectorAll('[aria-live], [role="status"], [role="alert"]')];
    });
    const notice = page.getByTestId('notice').filter({ hasText: 'Only one archive opens at a time; opened a.zip.' });
    const shown = () => notice.count();
    await harness.drop(['a.zip', 'b.zip']);
    await notice.waitFor();
    expect(await notice.evaluate((n) => (window as unknown as { liveBefore: Element[] }).liveBefore.some((r) => r !== n && r.contains(n)))).toBe(true);
    await page.clock.runFor(11_000);
    expect(await shown()).toBe(1);
    // The pointer on it: it stays; off it, it has the whole time again.
    await notice.hover();
    await page.clock.runFor(60_000);
    expect(await shown()).toBe(1);
    await page.mouse.move(5, 400);
    await page.clock.runFor(11_000);
    expect(await shown()).toBe(1);
    await page.clock.runFor(2_000);
    expect(await shown()).toBe(0);

    // The keyboard on its ✕: it stays, also when the pointer comes and goes.
    await harness.drop(['a.zip', 'b.zip']);
    await notice.waitFor();
    await (await noticeDismiss(harness.page, notice)).focus();
    await page.clock.runFor(60_000);
    expect(await shown()).toBe(1);
    await notice.hover();
    await page.mouse.move(5, 400);
    await page.clock.runFor(60_000);
    expect(await shown()).toBe(1);
    await page.getByTestId('listing').focus();
    await page.clock.runFor(11_000);
    expect(await shown()).toBe(1);
    await page.clock.runFor(2_000);
    expect(await shown()).toBe(0);
  });
});

/** An archive whose bad.txt, stored, has one byte flipped: a Test of it fails on the entry's CRC-32. */
function flippedZip(file: string): void {
  execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n  z.writestr("good.txt", "good and whole")\n  z.writestr("bad.txt", "BAD ENTRY, ONE BYTE FLIPPED")', file]);
  const bytes = readFileSync(file);
  bytes[bytes.indexOf('BAD ENTRY')]! ^= 0x20;
  writeFileSync(file, bytes);
}

/**
 * From now on, what the page tells a screen reader, as "politeness: words": each alert put into
 * the page whole (with the alerts it holds), and what comes into a live region already there.
 * saidSince gives the lines so far.
 */
async function watchSaid(harness: Harness): Promise<void> {
  await harness.page.evaluate(() => {
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    const politeness = (region: Element) => (region.getAttribute('role') === 'alert' ? 'assertive' : (region.getAttribute('aria-live') ?? 'polite'));
    const words = (each: Node) => each.textContent?.trim() ?? '';
    new MutationObserver((records) => {
      // A node put in with what it holds is one piece of news, however many records the update made.
      const added = records.flatMap((record) => [...record.addedNodes]).filter((node) => node.isConnected);
      for (const node of added.filter((each, _, all) => !all.some((other) => other !== each && other.contains(each)))) {
        const element = node instanceof Element ? node : node.parentElement;
        if (!element) continue;
        const region = (node instanceof Element ? element.parentElement : element)?.closest('[role="alert"], [role="status"], [aria-live]:not([aria-live="off"])');
        const alerts = [element, ...element.querySelectorAll('*')].filter((each) => each.getAttribute('role') === 'alert');
        if (region) {
          if (words(node)) said.push(`${politeness(region)}: ${words(node)}`);
        } else for (const alert of alerts) if (words(alert)) said.push(`assertive: ${words(alert)}`);
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
}

async function saidSince(harness: Harness): Promise<string[]> {
  return harness.page.evaluate(() => (window as unknown as { said: string[] }).said);
}

interface AxNode {
  nodeId: string;
  parentId?: string;
  childIds?: string[];
  role?: { value: string };
  name?: { value: string };
  description?: { value: string };
  properties?: { name: string; value: { value: unknown } }[];
}

/** The page's accessibility tree, as Chromium gives it to a screen reader. */
async function axNodes(harness: Harness): Promise<AxNode[]> {
  const cdp = await harness.page.context().newCDPSession(harness.page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
  await cdp.detach();
  return nodes;
}

/** The descriptions of the buttons of this name, as Chromium gives them to a screen reader. */
async function buttonDescriptions(harness: Harness, name: string): Promise<(string | undefined)[]> {
  const cdp = await harness.page.context().newCDPSession(harness.page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; name?: { value: string }; description?: { value: string } }[] };
  await cdp.detach();
  return nodes.filter((n) => n.role?.value === 'button' && n.name?.value === name).map((n) => n.description?.value);
}

/**
 * In the page: the WCAG contrast ratio of an element's text colour on the background under it
 * (its own or its ancestors', see-through ones blended over those below). `overPage`: the element
 * is in a layer that lets the pointer through (the drop overlay), painted over whatever the page
 * shows there; below its own layers come those under its centre.
 */
function contrastOf(element: Element, overPage = false): number {
  // A colour made with color-mix() is given as color(srgb 0.86 0.9 0.98 / 0.8), in fractions.
  const rgba = (css: string) => {
    const [r, g, b, a = 1] = css.match(/[\d.]+/g)!.map(Number);
    const scale = css.startsWith('color(srgb') ? 255 : 1;
    return { r: r! * scale, g: g! * scale, b: b! * scale, a };
  };
  const over = (top: ReturnType<typeof rgba>, below: ReturnType<typeof rgba>) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const ancestors: Element[] = [];
  for (let e: Element | null = element; e; e = e.parentElement) ancestors.push(e);
  let below = ancestors;
  if (overPage) {
    // elementsFromPoint skips what lets the pointer through: it gives what lies under the layer.
    const box = element.getBoundingClientRect();
    const own = ancestors.filter((e) => getComputedStyle(e).pointerEvents === 'none');
    below = [...own, ...document.elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2)];
  }
  const layers: ReturnType<typeof rgba>[] = [];
  for (const e of below) {
    const layer = rgba(getComputedStyle(e).backgroundColor);
    if (layer.a > 0) layers.unshift(layer);
    if (layer.a >= 1) break;
  }
  const background = layers.reduce((below, top) => over(top, below), { r: 255, g: 255, b: 255, a: 1 });
  const text = over(rgba(getComputedStyle(element).color), background);
  const luminance = (c: ReturnType<typeof rgba>) => {
    const channel = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  };
  const [light, dark] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

for (const colorScheme of ['light', 'dark'] as const) {
  describe.skipIf(!canRunE2e || !hasTool('python3'))(`Contrast of small text, ${colorScheme}`, () => {
    let harness: Harness;
    let work: string;

    beforeAll(async () => {
      work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-e2e-contrast-'));
      harness = await startHarness({ colorScheme });
    });

    afterAll(async () => {
      await harness?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test('the deflate level in a selected row and the Jobs panel\'s "1 running" reach 4.5:1 (WCAG AA)', async () => {
      const archive = path.join(work, 'levels.zip');
      pythonZip(archive, ['a.txt', 'b.txt'], { deflated: true });
      await openInWindow(harness, archive);
      await harness.page.getByTestId('listing').focus();
      await harness.page.keyboard.press('Home');
      const level = harness.page.locator('[data-testid="row"][aria-selected="true"] .level');
      await expect.poll(() => level.count()).toBe(1);
      expect(await level.evaluate(contrastOf)).toBeGreaterThanOrEqual(4.5);

      // The badge is there while a job is queued or running: measured as it appears.
      await harness.page.evaluate((measure) => {
        const seen: number[] = [];
        (window as unknown as { badgeContrast: number[] }).badgeContrast = seen;
        const contrast = new Function(`return (${measure})`)() as (e: Element) => number;
        new MutationObserver(() => {
          const badge = document.querySelector('[data-testid="jobs-panel"] .badge');
          if (badge) seen.push(contrast(badge));
        }).observe(document.body, { subtree: true, childList: true });
      }, contrastOf.toString());
      await harness.page.getByRole('button', { name: 'Test', exact: true }).click();
      await harness.page.locator('[data-testid="job"][data-job-state="done"]').waitFor();
      const badge = await harness.page.evaluate(() => (window as unknown as { badgeContrast: number[] }).badgeContrast);
      expect(badge.length).toBeGreaterThan(0);
      expect(Math.min(...badge)).toBeGreaterThanOrEqual(4.5);
    });

    test("the drop overlay's words reach 4.5:1 over the empty window and over selected rows (18px at 600 is not large text)", async () => {
      const drag = (type: 'dragenter' | 'dragleave') =>
        harness.page.evaluate((type) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([], 'x.zip'));
          document.querySelector('.app')!.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
        }, type);
      const label = harness.page.locator('.overlay .label');
      /** What lies under the words' centre, and their contrast over it. */
      const measure = () =>
        label.evaluate((element, measure) => {
          const contrast = new Function(`return (${measure})`)() as (e: Element, overPage: boolean) => number;
          const box = element.getBoundingClientRect();
          const under = document.elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          return { over: under[0]?.closest('[data-testid="row"]')?.getAttribute('aria-selected') === 'true' ? 'selected row' : (under[0]?.closest('[data-testid]')?.getAttribute('data-testid') ?? ''), ratio: contrast(element, true) };
        }, contrastOf.toString());

      // The tests before leave an archive open (run alone, this one finds none).
      const close = harness.page.getByRole('button', { name: 'Close archive' });
      if (await close.count()) await close.click();
      await harness.page.getByTestId('drop-zone').waitFor();
      await drag('dragenter');
      await label.waitFor();
      const overEmpty = await measure();
      expect(overEmpty.over).toBe('drop-zone');
      expect(overEmpty.ratio).toBeGreaterThanOrEqual(4.5);
      await drag('dragleave');
      await label.waitFor({ state: 'detached' });

      // Enough rows to reach under the middle of the window, all selected.
      const archive = path.join(work, 'rows.zip');
      pythonZip(archive, Array.from({ length: 60 }, (_, i) => `file-${i}.txt`));
      await openInWindow(harness, archive);
      await harness.page.getByTestId('listing').focus();
      await harness.page.keyboard.press('Control+a');
      await drag('dragenter');
      await label.waitFor();
      const overRows = await measure();
      expect(overRows.over).toBe('selected row');
      expect(overRows.ratio).toBeGreaterThanOrEqual(4.5);
      await drag('dragleave');
      await label.waitFor({ state: 'detached' });
    });

    test('the focus ring of a button filled with the accent (Open…) stands out from the button (3:1, WCAG AA)', async () => {
      await harness.page.getByRole('button', { name: 'New archive…' }).focus();
      await harness.page.keyboard.press('Shift+Tab');
      const open = harness.page.getByRole('button', { name: 'Open…' });
      expect(await open.evaluate((button) => button === document.activeElement && button.matches(':focus-visible'))).toBe(true);
      // The ring's innermost colour (the first shadow) against the button's fill.
      const ratio = await open.evaluate((button, measure) => {
        const contrast = new Function(`return (${measure})`)() as (e: Element) => number;
        const ring = getComputedStyle(button).boxShadow.match(/rgba?\([^)]*\)/)![0];
        const probe = document.createElement('span');
        probe.style.color = ring;
        probe.style.backgroundColor = getComputedStyle(button).backgroundColor;
        document.body.append(probe);
        const value = contrast(probe);
        probe.remove();
        return value;
      }, contrastOf.toString());
      expect(ratio).toBeGreaterThanOrEqual(3);
    });
  });
}

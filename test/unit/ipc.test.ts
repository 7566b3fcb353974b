// The IPC seam (issue 5): run-time argument checks for every contract method, the sender check,
// the one handle() wrapper (coded results, log of channel and duration), and the handlers over
// the real services on real archives made by `zip`.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { INVOKE_CHANNELS, INVOKE_METHODS, MAX_PAGE_ROWS, type SafetyProblem } from '../../src-preload/contract.js';
import { createArchiveService } from '../../src-main/ipc/archives.js';
import { toRow } from '../../src-main/ipc/rows.js';
import { bufferSource, openZip } from '../../src-main/zip/reader.js';
import { craftZip } from './craft.js';
import { acceptDroppedPaths, PathGrants } from '../../src-main/ipc/grants.js';
import { fieldView, inspectEntry, pairFields } from '../../src-main/ipc/inspection.js';
import { handle, handleAll, isTrustedSender, toApiError, type SenderEvent } from '../../src-main/ipc/handle.js';
import { problemText } from '../../src-renderer/lib/i18n.js';
import { methodText } from '../../src-renderer/lib/format.js';
import { aesName } from '../../src-main/zip/constants.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { NameChoices } from '../../src-main/name-choices.js';
import type { JobService, Services } from '../../src-main/ipc/services.js';
import { ARGUMENTS, ArgumentError, checkArguments } from '../../src-main/ipc/validate.js';
import type { Log } from '../../src-main/log/types.js';

interface Entry {
  level: string;
  message: string;
  meta: Record<string, unknown> | undefined;
}

/** A Log that keeps what it is given (the wrapper's log lines are part of its contract). */
function recordingLog(into: Entry[] = []): Log & { entries: Entry[] } {
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => void into.push({ level, message, meta });
  return { entries: into, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: () => recordingLog(into) };
}

const APP = 'file:///opt/Zipdesk/resources/app.asar/out/renderer/index.html';
const ours: SenderEvent = { sender: { id: 7 }, senderFrame: { url: APP } };

describe('the contract is complete', () => {
  test('every method has a channel, an argument schema and a handler', () => {
    expect(Object.keys(INVOKE_CHANNELS).sort()).toEqual([...INVOKE_METHODS].sort());
    expect(Object.keys(ARGUMENTS).sort()).toEqual([...INVOKE_METHODS].sort());
    const handlers = createHandlers({} as Services);
    expect(Object.keys(handlers).sort()).toEqual([...INVOKE_METHODS].sort());
    for (const method of INVOKE_METHODS) expect(INVOKE_CHANNELS[method]).toBe(`zipdesk:${method}`);
  });
});

describe('argument validation', () => {
  const bad: [string, unknown[], RegExp][] = [
    ['openArchive', [], /expected 3 arguments, got 0/],
    ['openArchive', ['relative/a.zip', null, false], /an absolute path/],
    ['openArchive', [42, null, false], /a string, got number 42/],
    ['openArchive', ['/a.zip', null], /expected 3 arguments, got 2/],
    ['openArchive', ['/a.zip', null, false, 'extra'], /expected 3 arguments, got 4/],
    ['openArchive', ['/a\0.zip', null, false], /without NUL/],
    ['openArchive', ['/a.zip', 'cp500', false], /argument 2: expected a code page main reads names in, got the string "cp500"/],
    ['openArchive', ['/a.zip', 932, false], /argument 2: expected a string, got number 932/],
    ['openArchive', ['/a.zip', 'shift_jis', 'yes'], /argument 3: expected true or false, got the string "yes"/],
    ['listEntries', ['a1', -1, 10], /integer from 0/],
    ['listEntries', ['a1', 0, MAX_PAGE_ROWS + 1], new RegExp(`integer from 1 to ${MAX_PAGE_ROWS}`)],
    ['listEntries', ['a1', 0.5, 10], /an integer/],
    ['inspectEntry', ['', 0], /non-empty/],
    ['enqueueBatch', [{ folders: [], outputDir: null, level: 6 }], /at least one item/],
    ['enqueueBatch', [{ folders: ['/x'], outputDir: null, level: 10 }], /level: expected an integer from 0 to 9/],
    ['enqueueBatch', [{ folders: ['/x'], outputDir: null, level: 6, evil: true }], /unexpected key "evil"/],
    ['extract', [{ archiveId: 'a1', entries: null, outputDir: null, overwrite: 'skip', constructor: 1 }], /unexpected key "constructor"/],
    ['extract', [{ archiveId: 'a1', entries: null, outputDir: null, overwrite: 'skip', toString: 'x' }], /unexpected key "toString"/],
    ['enqueueBatch', [{ folders: ['/x'], level: 6 }], /outputDir: expected a string/],
    ['enqueueBatch', [['/x']], /an object, got an array/],
    ['extract', [{ archiveId: 'a1', entries: null, outputDir: null, overwrite: 'clobber' }], /one of skip, replace, rename/],
    ['extract', [{ archiveId: 'a1', entries: ['0'], outputDir: null, overwrite: 'skip' }], /entries\[0\]: expected an integer/],
    ['extract', [{ archiveId: 'a1', entries: [], outputDir: '/out', overwrite: 'skip' }], /entries: expected at least one item/],
    ['classifyPaths', ['/x'], /an array/],
    ['log', ['fatal', 'm', {}], /one of error, warn, info, debug/],
    ['log', ['info', 'm', { nested: { a: 1 } }], /argument 3\.nested: expected a string, got an object/],
    ['cancelJob', ['x'.repeat(65)], /at most 64 characters/],
  ];
  test.each(bad)('%s %j is refused: %s', (method, args, message) => {
    expect(() => checkArguments(method as (typeof INVOKE_METHODS)[number], args)).toThrow(ArgumentError);
    expect(() => checkArguments(method as (typeof INVOKE_METHODS)[number], args)).toThrow(message);
  });

  test('good arguments pass through unchanged, and unknown keys never reach a handler', () => {
    expect(checkArguments('listEntries', ['a1', 0, 500])).toEqual(['a1', 0, 500]);
    expect(checkArguments('extract', [{ archiveId: 'a1', entries: [1, 2], outputDir: '/out', overwrite: 'rename' }])).toEqual([
      { archiveId: 'a1', entries: [1, 2], outputDir: '/out', overwrite: 'rename' },
    ]);
    expect(checkArguments('chooseFolders', [])).toEqual([]);
  });

  test('an object with a prototype other than Object is refused', () => {
    class Sneaky {
      folders = ['/x'];
      outputDir = null;
      level = 6;
    }
    expect(() => checkArguments('enqueueBatch', [new Sneaky()])).toThrow(/a plain object/);
  });
});

describe('sender check', () => {
  const policy = { windowId: () => 7, appUrl: APP };
  test('our window showing our page is trusted', () => {
    expect(isTrustedSender(policy, ours)).toBe(true);
    expect(isTrustedSender(policy, { sender: { id: 7 }, senderFrame: { url: `${APP}#/jobs` } })).toBe(true);
  });
  test.each([
    ['another webContents', { sender: { id: 8 }, senderFrame: { url: APP } }],
    ['a page navigated elsewhere', { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/index.html' } }],
    ['another local file', { sender: { id: 7 }, senderFrame: { url: 'file:///tmp/evil.html' } }],
    ['a frame that is gone', { sender: { id: 7 }, senderFrame: null }],
    ['an unparsable URL', { sender: { id: 7 }, senderFrame: { url: 'not a url' } }],
  ])('%s is refused', (_why, event) => {
    expect(isTrustedSender(policy, event as SenderEvent)).toBe(false);
  });
  test('no window, no trust', () => {
    expect(isTrustedSender({ windowId: () => undefined, appUrl: APP }, ours)).toBe(false);
  });
  test('in development, the dev server origin is ours and nothing else is', () => {
    const dev = { windowId: () => 7, appUrl: 'http://localhost:5173/' };
    expect(isTrustedSender(dev, { sender: { id: 7 }, senderFrame: { url: 'http://localhost:5173/index.html' } })).toBe(true);
    expect(isTrustedSender(dev, { sender: { id: 7 }, senderFrame: { url: 'http://localhost:5174/' } })).toBe(false);
  });

  test('the built page on our own scheme', () => {
    const built = { windowId: () => 7, appUrl: 'zipdesk://app/index.html' };
    expect(isTrustedSender(built, { sender: { id: 7 }, senderFrame: { url: 'zipdesk://app/index.html#/x' } })).toBe(true);
    expect(isTrustedSender(built, { sender: { id: 7 }, senderFrame: { url: 'zipdesk://evil/index.html' } })).toBe(false);
    expect(isTrustedSender(built, { sender: { id: 7 }, senderFrame: { url: 'file:///opt/Zipdesk/out/renderer/index.html' } })).toBe(false);
  });
});

describe('the handle() wrapper', () => {
  const trusted = (event: SenderEvent) => isTrustedSender({ windowId: () => 7, appUrl: APP }, event);

  test('a refused sender gets FORBIDDEN_SENDER and the handler never runs', async () => {
    const log = recordingLog();
    let ran = false;
    const listener = handle('cancelJob', () => ((ran = true), true), { isTrusted: trusted, log });
    const result = await listener({ sender: { id: 99 }, senderFrame: { url: APP } }, 'j1');
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: `cancelJob: refused a call from ${APP}` } });
    expect(ran).toBe(false);
    expect(log.entries.some((e) => e.level === 'warn' && e.meta?.channel === 'cancelJob')).toBe(true);
  });

  test('bad arguments get BAD_ARGUMENT and the handler never runs', async () => {
    let ran = false;
    const listener = handle('cancelJob', () => ((ran = true), true), { isTrusted: trusted, log: recordingLog() });
    const result = await listener(ours, 12);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('BAD_ARGUMENT');
    expect(ran).toBe(false);
  });

  test('a value comes back as { ok: true, value }, logged with channel and duration', async () => {
    const log = recordingLog();
    let clock = 100;
    const listener = handle('cancelJob', (id) => id === 'j1', { isTrusted: trusted, log, now: () => (clock += 2.5) });
    expect(await listener(ours, 'j1')).toEqual({ ok: true, value: true });
    expect(log.entries).toContainEqual({ level: 'debug', message: 'ipc', meta: { channel: 'cancelJob', ms: 2.5 } });
  });

  test('thrown errors become coded results; unexpected ones are INTERNAL and logged with their stack', async () => {
    const log = recordingLog();
    const boom = handle('listJobs', () => {
      throw new TypeError('boom');
    }, { isTrusted: trusted, log });
    expect(await boom(ours)).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(log.entries.find((e) => e.level === 'error')?.meta?.error).toMatch(/TypeError: boom/);
  });

  test('handleAll wraps every method', () => {
    const all = handleAll(createHandlers({} as Services), { isTrusted: trusted, log: recordingLog() });
    expect(Object.keys(all).sort()).toEqual([...INVOKE_METHODS].sort());
  });
});

describe('handlers over the real services', () => {
  let work: string;
  let archive: string;
  const revealed: string[] = [];
  const noJobs: JobService = {
    batch: async (folders) => (batches.push([...folders]), ['j-batch']),
    extract: async (...args) => (jobArgs.push(args), 'j-extract'),
    test: async (...args) => (jobArgs.push(args), 'j-test'),
    cancel: async () => false,
    list: () => [],
    onEvent: () => () => undefined,
  };
  const archives = createArchiveService();
  const grants = new PathGrants();
  const batches: string[][] = [];
  const jobArgs: unknown[][] = [];
  const pageRecords: { level: string; message: string; meta: Record<string, unknown> }[] = [];
  const closedCounts: number[] = [];
  const chosen: (string | null)[] = [];
  /** The extract folder dialog: cancelled, unless a test says otherwise. */
  let pickFolder: () => Promise<string | null> = async () => null;
  const choicesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'zipdesk-ipc-choices-')), 'name-encodings.json');
  const listeners = handleAll(
    createHandlers({
      grants,
      archives,
      nameChoices: new NameChoices(choicesFile),
      jobs: noJobs,
      dialogs: { chooseArchive: async () => chosen.shift() ?? null, chooseExtractFolder: () => pickFolder(), chooseFolders: async () => [] },
      shell: { showItemInFolder: (p) => void revealed.push(p) },
      log: recordingLog(),
      logRecord: (level, message, meta) => void pageRecords.push({ level, message, meta }),
      closed: (stillOpen) => void closedCounts.push(stillOpen),
    }),
    { isTrusted: () => true, log: recordingLog() },
  );

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-ipc-'));
    mkdirSync(path.join(work, 'tree/sub'), { recursive: true });
    writeFileSync(path.join(work, 'tree/a.txt'), 'alpha '.repeat(1000));
    writeFileSync(path.join(work, 'tree/sub/b.bin'), Buffer.alloc(10, 7));
    symlinkSync('a.txt', path.join(work, 'tree/link'));
    archive = path.join(work, 'tree.zip');
    execFileSync('zip', ['-r', '-y', '-q', '-9', archive, 'tree'], { cwd: work });
    writeFileSync(path.join(work, 'plain.txt'), 'x');
    // What the user dropped or picked in this session.
    grants.grantAll([archive, path.join(work, 'tree'), path.join(work, 'plain.txt'), path.join(work, 'nope'), path.join(work, 'gone.zip'), work]);
  });

  afterAll(async () => {
    await archives.closeAll();
    rmSync(work, { recursive: true, force: true });
    rmSync(path.dirname(choicesFile), { recursive: true, force: true });
  });

  test('open, list, inspect and report a zip archive', async () => {
    const opened = await listeners.openArchive(ours, archive, null, false);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.name).toBe('tree.zip');
    expect(opened.value.entryCount).toBe(5);

    const page = await listeners.listEntries(ours, opened.value.archiveId, 0, 100);
    expect(page.ok && page.value.rows.map((r) => r.name).sort()).toEqual(['tree/', 'tree/a.txt', 'tree/link', 'tree/sub/', 'tree/sub/b.bin']);
    const a = page.ok ? page.value.rows.find((r) => r.name === 'tree/a.txt')! : undefined;
    expect(a).toMatchObject({ size: 6000, methodName: 'Deflated', level: 'maximum', attributes: '-rw-r--r--' });
    const link = page.ok ? page.value.rows.find((r) => r.name === 'tree/link')! : undefined;
    expect(link?.isSymlink).toBe(true);
    expect(link?.attributes.startsWith('l')).toBe(true);

    const inspected = await listeners.inspectEntry(ours, opened.value.archiveId, a!.index);
    expect(inspected.ok).toBe(true);
    if (!inspected.ok) return;
    const method = inspected.value.pairs.find((p) => p.name === 'compressionMethod')!;
    expect(method.local?.meaning).toBe('Deflated');
    expect(method.central?.raw).toBe('08 00');
    expect(method.mismatch).toBe(false);
    expect(inspected.value.pairs.find((p) => p.name === 'signature')?.local?.value).toBe('0x04034b50');
    expect(inspected.value.centralExtras.map((r) => r.title)).toContain('extended timestamp (0x5455)');
    expect(inspected.value.mismatches).toEqual([]);

    const report = await listeners.archiveReport(ours, opened.value.archiveId);
    expect(report.ok && report.value.safety.verdict).toBe('ok');
    expect(report.ok && report.value.endRecords.map((r) => r.title)).toEqual(['end of central directory record']);
  });

  test('a damaged record (a ZIP64 marker without its value) lists with its size not known, left out of the totals', async () => {
    const damaged = path.join(work, 'damaged.zip');
    execFileSync('python3', ['-c', `
import zipfile, sys
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for n in ('good1.txt', 'bad.txt', 'good2.txt'): z.writestr(n, n)
d = bytearray(open(sys.argv[1], 'rb').read())
second = d.find(b'PK\\x01\\x02', d.find(b'PK\\x01\\x02') + 1)
d[second + 20:second + 24] = b'\\xff\\xff\\xff\\xff'
open(sys.argv[1], 'wb').write(d)
`, damaged]);
    grants.grantAll([damaged]);
    const opened = await listeners.openArchive(ours, damaged, null, false);
    if (!opened.ok) throw new Error(opened.error.message);
    // Stored names: 9 + 9 bytes of the good ones, not 4 GiB more.
    expect(opened.value).toMatchObject({ entryCount: 3, totalUncompressed: 18, totalCompressed: 18 });
    const page = await listeners.listEntries(ours, opened.value.archiveId, 0, 3);
    expect(page.ok && page.value.rows.map((r) => [r.name, r.size, r.packed])).toEqual([
      ['good1.txt', 9, 9],
      ['bad.txt', 7, null],
      ['good2.txt', 9, 9],
    ]);
    await listeners.closeArchive(ours, opened.value.archiveId);
  });

  test('an archive is said to be ZIP64 when it is read through its ZIP64 end record, not when that record is ignored', async () => {
    const zip64 = path.join(work, 'zip64-end.zip');
    const ignored = path.join(work, 'zip64-ignored.zip');
    writeFileSync(zip64, craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: {} }));
    writeFileSync(ignored, craftZip([{ name: 'a.txt', data: 'hello' }], '', { zip64End: { count: 7 } }));
    grants.grantAll([zip64, ignored]);
    for (const [file, expected] of [[zip64, true], [ignored, false]] as const) {
      const opened = await listeners.openArchive(ours, file, null, false);
      if (!opened.ok) throw new Error(opened.error.message);
      expect([path.basename(file), opened.value.entryCount, opened.value.zip64]).toEqual([path.basename(file), 1, expected]);
      await listeners.closeArchive(ours, opened.value.archiveId);
    }
  });

  test('the archive report counts the findings it does not list, and shows CRCs in hex', async () => {
    const bomb = path.join(work, 'bomb.zip');
    writeFileSync(bomb, craftZip([{ name: 'first.txt', data: 'x'.repeat(100) }, ...Array.from({ length: 1200 }, (_, i) => ({ name: `o${i}.txt`, data: 'y', shareLocalHeaderOf: 0 }))]));
    grants.grantAll([bomb]);
    const opened = await listeners.openArchive(ours, bomb, null, false);
    if (!opened.ok) throw new Error(opened.error.message);
    const report = await listeners.archiveReport(ours, opened.value.archiveId);
    if (!report.ok) throw new Error(report.error.message);
    const listed = (code: string) => report.value.safety.problems.filter((p) => p.code === code).length;
    expect(listed('OVERLAPPING_ENTRIES')).toBe(1000);
    expect(listed('LOCAL_MISMATCH')).toBe(1000);
    expect(report.value.safety.unlisted).toBe(200 + 200);
    expect(report.value.safety.problems.find((p) => p.code === 'LOCAL_MISMATCH')!.message).toMatch(/crc32: local 0x[0-9a-f]{8}, central 0x[0-9a-f]{8}/);
    await listeners.closeArchive(ours, opened.value.archiveId);
  });

  test('an entry index the archive lacks is NOT_FOUND; an unknown archive id too', async () => {
    const opened = await listeners.openArchive(ours, archive, null, false);
    if (!opened.ok) throw new Error('open failed');
    const missing = await listeners.inspectEntry(ours, opened.value.archiveId, 5);
    expect(!missing.ok && missing.error).toEqual({ code: 'NOT_FOUND', message: 'tree.zip has no entry 5 (it has 5)' });
    const unknown = await listeners.listEntries(ours, 'a999', 0, 1);
    expect(!unknown.ok && unknown.error.code).toBe('NOT_FOUND');
  });

  test('an archive opened is closed again when what follows its open throws: the window never learns its id', async () => {
    // Saving the recent list or the chosen code page on a full disk; each try kept a handle.
    for (const [step, chosenNow] of [['opened', false], ['chosen', true]] as const) {
      const own = createArchiveService();
      const listeners = handleAll(
        createHandlers({
          grants,
          archives: own,
          nameChoices: {
            get: () => undefined,
            set: () => {
              if (step === 'chosen') throw new Error('EPERM: operation not permitted');
            },
          },
          jobs: noJobs,
          dialogs: { chooseArchive: async () => null, chooseExtractFolder: async () => null, chooseFolders: async () => [] },
          shell: { showItemInFolder: () => undefined },
          log: recordingLog(),
          logRecord: () => undefined,
          opened: () => {
            if (step === 'opened') throw new Error('ENOSPC: no space left on device, write');
          },
        }),
        { isTrusted: () => true, log: recordingLog() },
      );
      for (let i = 0; i < 3; i++) {
        const result = await listeners.openArchive(ours, archive, chosenNow ? 'cp866' : null, chosenNow);
        expect([step, result.ok]).toEqual([step, false]);
      }
      expect([step, own.openCount()]).toEqual([step, 0]);
    }
  });

  test('a file that is not an archive rejects with the reader\'s code and message', async () => {
    const result = await listeners.openArchive(ours, path.join(work, 'plain.txt'), null, false);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toMatch(/^(NOT_A_ZIP|EOCD_NOT_FOUND)$/);
    const gone = await listeners.openArchive(ours, path.join(work, 'gone.zip'), null, false);
    expect(!gone.ok && gone.error.code).toBe('IO');
    expect(!gone.ok && gone.error.message).toContain('gone.zip');
    // A named pipe is refused at once (opened to read, it waited for a writer and held one of libuv's four threads for good).
    const pipe = path.join(work, 'pipe.zip');
    execFileSync('mkfifo', [pipe]);
    grants.grantAll([pipe]);
    // (With what the window may word it by.)
    const refused = { code: 'IO', message: `${pipe} is not a regular file`, kind: 'NOT_A_REGULAR_FILE', params: { path: pipe } };
    for (let i = 0; i < 5; i++) expect(await listeners.openArchive(ours, pipe, null, false)).toEqual({ ok: false, error: refused });
    expect((await listeners.openArchive(ours, archive, null, false)).ok).toBe(true);
  });

  test('classifyPaths tells folders, archives, other files and missing paths apart', async () => {
    const result = await listeners.classifyPaths(ours, [path.join(work, 'tree'), archive, path.join(work, 'plain.txt'), path.join(work, 'nope')]);
    expect(result.ok && result.value.map((c) => c.kind)).toEqual(['folder', 'zip', 'other', 'missing']);
  });

  test('revealPath shows only what this session opened or produced', async () => {
    expect((await listeners.revealPath(ours, archive)).ok).toBe(true);
    expect(revealed).toEqual([archive]);
    const refused = await listeners.revealPath(ours, '/etc/passwd');
    expect(!refused.ok && refused.error.code).toBe('NOT_FOUND');
    expect(revealed).toEqual([archive]);
  });

  test('paths the user never gave the window are refused with FORBIDDEN_PATH', async () => {
    const secret = path.join(work, 'tree/a.txt');
    for (const result of [
      await listeners.openArchive(ours, '/etc/passwd', null, false),
      await listeners.classifyPaths(ours, [archive, secret]),
      await listeners.enqueueBatch(ours, { folders: [path.join(work, 'tree/sub')], outputDir: null, level: 6 }),
      await listeners.enqueueBatch(ours, { folders: [path.join(work, 'tree')], outputDir: '/usr/lib', level: 6 }),
    ]) {
      expect(!result.ok && result.error.code).toBe('FORBIDDEN_PATH');
    }
    expect(batches).toEqual([]);
    expect(await listeners.enqueueBatch(ours, { folders: [path.join(work, 'tree')], outputDir: null, level: 6 })).toEqual({ ok: true, value: ['j-batch'] });
  });

  test('a granted path spelled through a link and `..` is used as it was checked, not where the system would take it (a folder never given)', async () => {
    // `hop` leads into a folder the user never gave; `hop/..` is that folder's parent to the system.
    mkdirSync(path.join(work, 'private/inner'), { recursive: true });
    execFileSync('zip', ['-q', path.join(work, 'private/tree.zip'), 'plain.txt'], { cwd: work });
    symlinkSync(path.join(work, 'private/inner'), path.join(work, 'hop'));
    // (Spelled out: path.join would take the `..` out.)
    const opened = await listeners.openArchive(ours, `${work}/hop/../tree.zip`, null, false);
    if (!opened.ok) throw new Error('open failed');
    // The granted tree.zip, not private/tree.zip (which holds plain.txt alone).
    expect(opened.value).toMatchObject({ path: archive, entryCount: 5 });
    await listeners.extract(ours, { archiveId: opened.value.archiveId, entries: null, outputDir: `${work}/hop/../tree`, overwrite: 'skip' });
    expect(jobArgs.at(-1)!.slice(0, 3)).toEqual([archive, null, path.join(work, 'tree')]);
    const batched = batches.length;
    await listeners.enqueueBatch(ours, { folders: [`${work}/hop/../tree`], outputDir: null, level: 6 });
    expect(batches.slice(batched)).toEqual([[path.join(work, 'tree')]]);
    await listeners.closeArchive(ours, opened.value.archiveId);
  });

  test('extract takes the archive as it was asked for, when the window opens another and lets this one go while the folder dialog is up', async () => {
    const first = await listeners.openArchive(ours, archive, null, false);
    if (!first.ok) throw new Error('open failed');
    let choose: (folder: string) => void = () => undefined;
    pickFolder = () => new Promise((resolve) => (choose = resolve));
    try {
      const extracting = listeners.extract(ours, { archiveId: first.value.archiveId, entries: [1], outputDir: null, overwrite: 'skip' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await listeners.closeArchive(ours, first.value.archiveId);
      choose(work);
      // It said: "no open archive a…".
      expect(await extracting).toEqual({ ok: true, value: 'j-extract' });
      const stat = statSync(archive);
      expect(jobArgs.at(-1)).toEqual([archive, [1, 2], work, 'skip', { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs }, undefined]);
    } finally {
      pickFolder = async () => null;
    }
  });

  test('a path picked in the open dialog may be opened; one dropped becomes allowed only through the preload report', async () => {
    const other = path.join(work, 'other.zip');
    execFileSync('zip', ['-q', other, 'plain.txt'], { cwd: work });
    expect(!(await listeners.openArchive(ours, other, null, false)).ok).toBe(true);
    chosen.push(other);
    expect(await listeners.chooseArchive(ours)).toEqual({ ok: true, value: other });
    expect((await listeners.openArchive(ours, other, null, false)).ok).toBe(true);

    const dropped = path.join(work, 'tree/sub');
    expect(acceptDroppedPaths(grants, false, [dropped])).toBe(0); // not from our window
    expect(acceptDroppedPaths(grants, true, [dropped, 'relative'])).toBe(0); // malformed: all ignored
    expect(acceptDroppedPaths(grants, true, 'x')).toBe(0);
    expect(grants.allows(dropped)).toBe(false);
    expect(acceptDroppedPaths(grants, true, [dropped])).toBe(1);
    expect((await listeners.classifyPaths(ours, [dropped])).ok).toBe(true);
  });

  test("the page's log records are the page's: a module it names is not taken; closing an archive tells how many stay open", async () => {
    expect(await listeners.log(ours, 'warn', 'worker crashed', { module: 'jobs', from: 'worker', jobId: '7' })).toEqual({ ok: true, value: undefined });
    expect(pageRecords.at(-1)).toEqual({ level: 'warn', message: 'worker crashed', meta: { from: 'worker', jobId: '7' } });
    const first = await listeners.openArchive(ours, archive, null, false);
    const second = await listeners.openArchive(ours, archive, null, false);
    if (!first.ok || !second.ok) throw new Error('open failed');
    await listeners.closeArchive(ours, first.value.archiveId);
    await listeners.closeArchive(ours, second.value.archiveId);
    expect(closedCounts.slice(-2)).toEqual([archives.openCount() + 1, archives.openCount()]);
  });

  test('extract maps selected indexes to stored names; a cancelled folder dialog gives null', async () => {
    const opened = await listeners.openArchive(ours, archive, null, false);
    if (!opened.ok) throw new Error('open failed');
    const cancelled = await listeners.extract(ours, { archiveId: opened.value.archiveId, entries: null, outputDir: null, overwrite: 'skip' });
    expect(cancelled).toEqual({ ok: true, value: null });
    const started = await listeners.extract(ours, { archiveId: opened.value.archiveId, entries: [0], outputDir: work, overwrite: 'rename' });
    expect(started).toEqual({ ok: true, value: 'j-extract' });
    expect(await listeners.test(ours, opened.value.archiveId)).toEqual({ ok: true, value: 'j-test' });
    // Each job is given the file as it was opened (it refuses one replaced since) and the policy as asked.
    const stat = statSync(archive);
    const identity = { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs };
    expect(jobArgs.slice(-2)).toEqual([
      [archive, [0, 1], work, 'rename', identity, undefined],
      [archive, identity, undefined],
    ]);
  });

  test('an archive opened with a code page lists its names in it, and its jobs read them in it too', async () => {
    // Info-ZIP's zip stores the file's name bytes: Shift-JIS here, unflagged, as on a Japanese Windows.
    const folder = path.join(work, 'sjis');
    mkdirSync(folder);
    const name = execFileSync('python3', ['-c', 'import sys; sys.stdout.buffer.write("日本語.txt".encode("shift_jis"))']);
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/`), name]), 'x');
    const sjis = path.join(work, 'sjis.zip');
    execFileSync('zip', ['-q', '-r', sjis, '.'], { cwd: folder });
    grants.grant(sjis);
    // With how many names nothing says the encoding of (read as CP437), in the page and the report.
    const rowsOf = async (nameEncoding: string | null): Promise<[string | null, string[], number, readonly SafetyProblem[]]> => {
      const opened = await listeners.openArchive(ours, sjis, nameEncoding, false);
      if (!opened.ok) throw new Error(opened.error.message);
      const page = await listeners.listEntries(ours, opened.value.archiveId, 0, 10);
      const report = await listeners.archiveReport(ours, opened.value.archiveId);
      if (!page.ok || !report.ok) throw new Error('list or report failed');
      expect(report.value.safety.verdict).toBe('ok');
      return [opened.value.nameEncoding, page.value.rows.map((row) => row.name), page.value.guessedNames, report.value.safety.problems];
    };
    const guessed = { severity: 'info', code: 'NAMES_GUESSED', entry: null, message: '1 name of unknown encoding, not UTF-8: read as DOS code page 437; if it looks wrong, choose its code page under Names', params: { count: 1 } };
    expect(await rowsOf(null)).toEqual([null, ['ô·û{îΩ.txt'], 1, [guessed]]);
    expect(await rowsOf('shift_jis')).toEqual(['shift_jis', ['日本語.txt'], 0, []]);
    // The label as the user may give it, said back by the name main reads it under.
    expect(await rowsOf('cp932')).toEqual(['shift_jis', ['日本語.txt'], 0, []]);
    const opened = await listeners.openArchive(ours, sjis, 'shift_jis', false);
    if (!opened.ok) throw new Error('open failed');
    await listeners.extract(ours, { archiveId: opened.value.archiveId, entries: null, outputDir: work, overwrite: 'skip' });
    await listeners.test(ours, opened.value.archiveId);
    expect(jobArgs.slice(-2).map((args) => args.at(-1))).toEqual(['shift_jis', 'shift_jis']);
  });

  test('a code page chosen under Names is read in again whenever that archive opens, until the usual reading is chosen; only for that archive', async () => {
    const sjis = path.join(work, 'sjis.zip'); // the test before made it
    const open = async (file: string, nameEncoding: string | null, chosenNow: boolean): Promise<[string | null, string]> => {
      const opened = await listeners.openArchive(ours, file, nameEncoding, chosenNow);
      if (!opened.ok) throw new Error(opened.error.message);
      const page = await listeners.listEntries(ours, opened.value.archiveId, 0, 10);
      if (!page.ok) throw new Error(page.error.message);
      await listeners.closeArchive(ours, opened.value.archiveId);
      return [opened.value.nameEncoding, page.value.rows.find((row) => row.name.endsWith('.txt'))!.name];
    };
    // Asked for without being chosen (the tests before): nothing remembered.
    expect(await open(sjis, null, false)).toEqual([null, 'ô·û{îΩ.txt']);
    expect(await open(sjis, 'cp932', true)).toEqual(['shift_jis', '日本語.txt']);
    expect(await open(sjis, null, false)).toEqual(['shift_jis', '日本語.txt']);
    // Kept on disk, under the label as chosen, for the next start.
    expect(new NameChoices(choicesFile).get(sjis)).toBe('cp932');
    expect(JSON.parse(readFileSync(choicesFile, 'utf8'))).toEqual([[sjis, 'cp932']]);
    // Another archive is read as usual; one asked for now is read so, and the choice stays.
    expect(await open(archive, null, false)).toEqual([null, 'tree/a.txt']);
    expect(await open(sjis, 'cp437', false)).toEqual(['cp437', 'ô·û{îΩ.txt']);
    expect(await open(sjis, null, false)).toEqual(['shift_jis', '日本語.txt']);
    // The usual reading chosen: forgotten.
    expect(await open(sjis, null, true)).toEqual([null, 'ô·û{îΩ.txt']);
    expect(await open(sjis, null, false)).toEqual([null, 'ô·û{îΩ.txt']);
    expect(JSON.parse(readFileSync(choicesFile, 'utf8'))).toEqual([]);
  });
});

describe('inspector field views', () => {
  const row = (name: string, value: number | string, meaning?: string, mismatch?: boolean) => ({ name, offset: 4, size: 4, raw: '00 00 00 00', value, ...(meaning === undefined ? {} : { meaning }), ...(mismatch ? { mismatch } : {}) });
  test('identifiers in hex; a meaning that repeats the value keeps only what it adds', () => {
    expect(fieldView(row('signature', 0x04034b50, '0x04034b50, as expected'))).toMatchObject({ value: '0x04034b50', meaning: 'as expected' });
    expect(fieldView(row('crc32', 0x1c4a0f3e, '0x1c4a0f3e'))).toMatchObject({ value: '0x1c4a0f3e', meaning: '' });
    expect(fieldView(row('compressedSize', 10, '10 bytes'))).toMatchObject({ value: '10', meaning: '10 bytes' });
    expect(fieldView(row('fileName', 'a.txt'))).toMatchObject({ value: 'a.txt', meaning: '' });
  });
  test('local and central fields side by side; central-only fields have no local half; mismatches carried', () => {
    const pairs = pairFields([row('signature', 1), row('crc32', 0, undefined, true)], [row('signature', 2), row('versionMadeBy', 798), row('crc32', 5, undefined, true)]);
    expect(pairs.map((p) => [p.name, p.local !== null, p.central !== null, p.mismatch])).toEqual([
      ['signature', true, true, false],
      ['versionMadeBy', false, true, false],
      ['crc32', true, true, true],
    ]);
  });
});

describe('the archive service over a large directory', () => {
  // 30,000 entries with names of some length: a directory of several megabytes, read a page
  // (MAX_PAGE_ROWS records) at a time from where each record starts.
  let dir: string;
  let file: string;
  const service = createArchiveService();
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-ipc-large-'));
    file = path.join(dir, 'large.zip');
    const names = Array.from({ length: 30_000 }, (_, i) => (i % 1000 === 0 ? `folder${i}/` : `folder${i - (i % 1000)}/${'long-name-'.repeat(8)}${i}.txt`));
    writeFileSync(file, craftZip(names.map((name, i) => ({ name, data: name.endsWith('/') ? '' : `entry ${i}` }))));
  });
  afterAll(async () => {
    await service.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  test('pages, inspection and names are those of the entries read whole', async () => {
    const reader = await openZip(bufferSource(readFileSync(file)));
    expect(reader.info.centralDirectorySize).toBeGreaterThan(3 << 20);
    const entries = await reader.readEntries();
    const summary = await service.open(file, null);
    expect(summary).toMatchObject({ entryCount: 30_000, totalUncompressed: entries.reduce((sum, e) => sum + e.uncompressedSize, 0) });
    const rows = [];
    for (let start = 0; start < summary.entryCount; start += MAX_PAGE_ROWS) {
      const page = await service.list(summary.archiveId, start, MAX_PAGE_ROWS);
      expect(page).toMatchObject({ total: 30_000, start });
      rows.push(...page.rows);
    }
    expect(rows).toEqual(entries.map(toRow));
    expect((await service.list(summary.archiveId, 29_990, 100)).rows.map((row) => row.index)).toEqual(Array.from({ length: 10 }, (_, i) => 29_990 + i));
    expect((await service.inspect(summary.archiveId, 29_999)).name).toBe(entries[29_999]!.name);
    expect((await service.inspect(summary.archiveId, 0)).name).toBe('folder0/');
    // Selected rows as ranges of indexes, in order, repeats and neighbours merged; all of them: null.
    expect(service.entryRanges(summary.archiveId, [29_999, 5, 6, 7, 5, 12_000, 4])).toEqual([4, 8, 12_000, 12_001, 29_999, 30_000]);
    expect(service.entryRanges(summary.archiveId, Array.from({ length: 30_000 }, (_, i) => 29_999 - i))).toBeNull();
    expect(() => service.entryRanges(summary.archiveId, [1, 30_000])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await expect(service.inspect(summary.archiveId, 30_000)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  // A page read (the listing's, the inspector's) or the report of a file changed since it was
  // opened, as the bridge sends it and as the window words it (lib/fatal.ts describeError) in
  // English and German.
  test.each([
    ['rewritten (its bytes moved on by a megabyte)', (bytes: Buffer) => Buffer.concat([Buffer.alloc(1 << 20, 0x55), bytes]).subarray(0, bytes.length)],
    ['cut short by a megabyte', (bytes: Buffer) => bytes.subarray(0, bytes.length - (1 << 20))],
    // (Its records read without fault, as other names: it was listed so.)
    ['rewritten in place with other names of the same length', (bytes: Buffer) => Buffer.from(bytes.toString('latin1').replaceAll('long-name-', 'LONG-NAME-'), 'latin1')],
  ])('a file %s since it was opened is refused as changed, in the window\'s words, not listed wrong', async (_, change) => {
    const changed = path.join(dir, 'changed.zip');
    copyFileSync(file, changed);
    const summary = await service.open(changed, null);
    writeFileSync(changed, change(readFileSync(changed)));
    // (Past the first megabyte of the directory: the source's read-ahead still holds that.)
    for (const read of [() => service.list(summary.archiveId, 20_000, 100), () => service.inspect(summary.archiveId, 25_000), () => service.report(summary.archiveId)]) {
      const error = toApiError(await read().then(() => expect.unreachable(), (e: unknown) => e));
      expect(error).toMatchObject({ code: 'IO', kind: 'ARCHIVE_REPLACED', params: {} });
      expect(problemText({ entry: null, ...error }, 'en')).toBe('the archive was replaced or changed since it was opened; open it again');
      expect(problemText({ entry: null, ...error }, 'de')).toBe('Das Archiv wurde ersetzt oder geändert, seit es geöffnet wurde; bitte erneut öffnen');
    }
    await service.close(summary.archiveId);
  });
});

describe('toRow', () => {
  test("shows an AES entry (7-Zip, -mem=AES256 and AES128) in the method of its data and its cipher's strength; Stored by its number, which the window words", async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'zipdesk-aes-rows-'));
    try {
      writeFileSync(path.join(work, 'text.txt'), 'a line of text that deflate shrinks\n'.repeat(200));
      writeFileSync(path.join(work, 'one.txt'), '1');
      execFileSync('7z', ['a', '-tzip', '-psecret', '-mem=AES256', 'aes256.zip', 'text.txt'], { cwd: work, stdio: 'ignore' });
      execFileSync('7z', ['a', '-tzip', '-psecret', '-mem=AES128', '-mx=0', 'aes128.zip', 'one.txt'], { cwd: work, stdio: 'ignore' });
      const rows = [];
      const ciphers = [];
      for (const name of ['aes256.zip', 'aes128.zip']) {
        const reader = await openZip(bufferSource(readFileSync(path.join(work, name))));
        for (const entry of await reader.readEntries()) {
          rows.push(toRow(entry));
          // The cipher as the inspector says the extra field's strength, and as the window's Method column says the row's (main's zip/constants.ts AES_STRENGTHS and the window's lib/format.ts AES_CIPHERS: one table each side, which must agree).
          const strength = (await inspectEntry(reader, entry)).centralExtras.flatMap((extra) => extra.fields).find((field) => field.name === 'aesStrength');
          ciphers.push([strength?.meaning, methodText(toRow(entry), 'en')]);
        }
      }
      // It said 'AES', with no level, for both.
      expect(rows.map(({ name, method, methodName, aes, level, encrypted }) => ({ name, method, methodName, aes, level, encrypted }))).toEqual([
        { name: 'text.txt', method: 8, methodName: 'Deflated', aes: 3, level: 'normal', encrypted: true },
        { name: 'one.txt', method: 0, methodName: '', aes: 1, level: null, encrypted: true },
      ]);
      expect(ciphers).toEqual([
        ['AES-256', 'Deflated (AES-256)'],
        ['AES-128', 'Stored (AES-128)'],
      ]);
      // Each strength the specification has, and one it does not, as main names it.
      expect([1, 2, 3, 4].map((aes) => methodText({ method: 8, methodName: 'Deflated', aes }, 'en'))).toEqual([1, 2, 3, 4].map((strength) => `Deflated (${aesName(strength)})`));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

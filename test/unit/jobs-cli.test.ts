// `zipdesk create` and `zipdesk batch` in-process, through the real queue and worker.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { batchCommand, parseBatchArgs } from '../../src-main/cli/batch.js';
import { type CliContext, UsageError } from '../../src-main/cli/command.js';
import { createCommand, parseCreateArgs } from '../../src-main/cli/create.js';
import { EXIT_CANCELLED, formatSeconds, percentDone } from '../../src-main/cli/job-progress.js';
import { silentLog } from '../../src-main/log/types.js';
import { tempDir, text } from '../conformance/write-fixtures.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = tempDir('zipdesk-cli-write-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

class Sink extends Writable {
  text = '';
  isTTY: boolean;
  columns = 100;
  onWrite: ((chunk: string) => void) | undefined;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    this.onWrite?.(chunk.toString());
    done();
  }
}

function context(tty: boolean, controller = new AbortController()): CliContext & { stdout: Sink; stderr: Sink } {
  return { stdout: new Sink(tty), stderr: new Sink(tty), log: silentLog, signal: controller.signal, cwd: root };
}

describe('zipdesk create / batch', () => {
  it('parses options and rejects bad ones', () => {
    expect(parseCreateArgs(['out.zip', 'a', 'b', '--level', '9', '--exclude=*.log', '-x', 'tmp', '--deterministic'], '/w')).toEqual({
      kind: 'create', outputPath: '/w/out.zip', sources: ['/w/a', '/w/b'], level: 9, excludes: ['*.log', 'tmp'], deterministic: true,
    });
    expect(() => parseCreateArgs(['out.zip'], '/w')).toThrow(UsageError);
    expect(() => parseCreateArgs(['out.zip', 'a', '--level', '11'], '/w')).toThrow(UsageError);
    expect(() => parseCreateArgs(['out.zip', 'a', '--fast'], '/w')).toThrow(UsageError);
    expect(parseBatchArgs(['x', 'y', '-o', 'out'], '/w')).toEqual({ kind: 'batch', folders: ['/w/x', '/w/y'], outputDir: '/w/out' });
    expect(parseBatchArgs(['x', '--level=0', '--exclude', '*.tmp', '--', '-y'], '/w')).toEqual({ kind: 'batch', folders: ['/w/x', '/w/-y'], level: 0, excludes: ['*.tmp'] });
    expect(parseCreateArgs(['out.zip', 'a', '--comment', 'hi', '--follow-symlinks'], '/w')).toEqual({
      kind: 'create', outputPath: '/w/out.zip', sources: ['/w/a'], comment: 'hi', followSymlinks: true,
    });
    // Found wrong before a job starts: a folder for the archive, a bad pattern, a comment too long.
    expect(() => parseCreateArgs(['out/', 'a'], '/w')).toThrow(new UsageError("out/ names a folder; give the archive's file name"));
    expect(() => parseCreateArgs(['out.zip', 'a', '--exclude', '[z-a]'], '/w')).toThrow(new UsageError('exclude pattern "[z-a]" is not valid: range out of order in character class'));
    expect(() => parseBatchArgs(['x', '-x', '[z-a]'], '/w')).toThrow(UsageError);
    expect(() => parseCreateArgs(['out.zip', 'a', '--comment', 'é'.repeat(32_768)], '/w')).toThrow(/--comment: the comment is 65536 bytes/);
    // The end record's signature in a comment: unzip, 7z and Python could not open the archive.
    expect(() => parseCreateArgs(['out.zip', 'a', '--comment', 'see PK\x05\x06 here'], '/w')).toThrow(/--comment: the comment holds the end record's signature \(PK\\x05\\x06\)/);
    expect(parseCreateArgs(['out.zip', 'a', '--comment', 'PK\x03\x04 and PK\x05 are fine'], '/w')).toMatchObject({ comment: 'PK\x03\x04 and PK\x05 are fine' });
    expect(parseCreateArgs(['out.zip', 'a', '--comment', 'x'.repeat(65_535)], '/w')).toMatchObject({ comment: 'x'.repeat(65_535) });
    // `link/` keeps its slash: the folder the link points to is archived, not the link.
    expect(parseCreateArgs(['out.zip', 'link/', 'b'], '/w')).toMatchObject({ sources: ['/w/link/', '/w/b'] });
    // A pattern from the current folder, as a shell completes it, is the path on disk it names.
    expect(parseCreateArgs(['out.zip', 'a', '-x', './a/build/', '-x', '../logs/*.log', '-x', '.git', '-x', '/abs/x'], '/w')).toMatchObject({ excludes: ['/w/a/build/', '/logs/*.log', '.git', '/abs/x'] });
    expect(parseBatchArgs(['x', '-x', './x/tmp'], '/w')).toMatchObject({ excludes: ['/w/x/tmp'] });
    expect(() => parseBatchArgs(['x', '-o'], '/w')).toThrow(/'-o, --output'/);
    expect(() => parseBatchArgs([], '/w')).toThrow(UsageError);
    // An empty path (a quoted variable left unset) was the current folder: zipped whole, exit 0.
    expect(() => parseCreateArgs(['out.zip', ''], '/w')).toThrow(new UsageError('PATH is an empty path (an unset variable?)'));
    expect(() => parseCreateArgs(['out.zip', 'a', ''], '/w')).toThrow(new UsageError('PATH is an empty path (an unset variable?)'));
    expect(() => parseCreateArgs(['', 'a'], '/w')).toThrow(new UsageError('OUT.zip is an empty path (an unset variable?)'));
    expect(() => parseBatchArgs([''], '/w')).toThrow(new UsageError('FOLDER is an empty path (an unset variable?)'));
    expect(() => parseBatchArgs(['x', '-o', ''], '/w')).toThrow(new UsageError('DIR is an empty path (an unset variable?)'));
  });

  it('a pattern from ./ or ../ leaves out that path also where the current folder\'s name holds glob characters (proj [v2]*)', async () => {
    // The folder's path was taken as a pattern too: `[v2]` a class, `*` any name, and
    // `./p/build` matched nothing, so nothing was left out.
    expect(parseCreateArgs(['out.zip', 'a', '-x', './build', '-x', '../*.log'], '/w/proj [v2]*/sub')).toMatchObject({ excludes: ['/w/proj \\[v2]\\*/sub/build', '/w/proj \\[v2]\\*/*.log'] });
    const folder = path.join(root, 'proj [v2]*');
    for (const dir of ['p/build', 'p/src']) mkdirSync(path.join(folder, dir), { recursive: true });
    writeFileSync(path.join(folder, 'p/build/out.o'), 'o');
    writeFileSync(path.join(folder, 'p/src/a.c'), 'c');
    writeFileSync(path.join(folder, 'p/src/a.tmp'), 't');
    const ctx = { ...context(false), cwd: folder };
    expect(await createCommand.run(['../brackets.zip', 'p', '-x', './p/build', '-x', '../proj [[]v2]?/p/src/*.tmp'], ctx)).toBe(0);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'brackets.zip')], { encoding: 'utf8' })).toBe('p/\np/src/\np/src/a.c\n');
    expect(await batchCommand.run(['p', '-o', '..', '-x', './p/build/'], ctx)).toBe(0);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'p.zip')], { encoding: 'utf8' })).toBe('p/\np/src/\np/src/a.c\np/src/a.tmp\n');
  });

  it('batch takes -o DIR as --output DIR, as extract does (and --output-dir, its first long name)', () => {
    for (const option of ['-o', '--output', '--output-dir']) expect(parseBatchArgs(['x', option, 'zips'], '/w'), option).toMatchObject({ outputDir: '/w/zips' });
  });

  it('create writes the archive and prints plain progress lines when not on a terminal', async () => {
    const src = path.join(root, 'src');
    mkdirSync(src);
    for (let i = 0; i < 5; i++) writeFileSync(path.join(src, `f${i}.txt`), text(400_000, i + 1));
    const ctx = context(false);
    const code = await createCommand.run(['plain.zip', 'src', '--level', '1'], ctx);
    expect(code).toBe(0);
    expect(ctx.stdout.text).toMatch(/^plain\.zip: 6 entries, 2\.0 MB → .* in \d+\.\ds\n$/);
    expect(ctx.stderr.text.split('\n')).toContain('plain.zip: started');
    expect(ctx.stderr.text).toContain(': 100% (6/6 entries');
    expect(ctx.stderr.text).not.toContain('\r');
    execFileSync('unzip', ['-tqq', path.join(root, 'plain.zip')]);
  });

  it('counts one entry as "1 entry" on the progress and done lines (an empty folder, a file alone)', async () => {
    mkdirSync(path.join(root, 'nothing-inside'));
    writeFileSync(path.join(root, 'alone.txt'), 'alone');
    for (const [source, archive] of [['nothing-inside', 'one-folder.zip'], ['alone.txt', 'one-file.zip']] as const) {
      const ctx = context(false);
      expect(await createCommand.run([archive, source], ctx)).toBe(0);
      // It said "1 entries".
      expect(ctx.stdout.text).toMatch(new RegExp(`^${archive.replace('.', '\\.')}: 1 entry, `));
      expect(ctx.stderr.text).toContain(': 100% (1/1 entry, ');
      expect(ctx.stdout.text + ctx.stderr.text).not.toContain('1 entries');
    }
  });

  it('draws a progress bar on a terminal', async () => {
    const ctx = context(true);
    expect(await createCommand.run(['tty.zip', 'src'], ctx)).toBe(0);
    expect(ctx.stderr.text).toMatch(/\r\x1b\[K\[#{24}\] 100% /);
  });

  it('Ctrl-C cancels the running job cleanly: exit 130, nothing at the target', async () => {
    const big = path.join(root, 'big');
    mkdirSync(big);
    for (let i = 0; i < 6; i++) writeFileSync(path.join(big, `p${i}.txt`), randomBytes(5_000_000).toString('base64'));
    const controller = new AbortController();
    const ctx = context(false, controller);
    ctx.stderr.onWrite = (chunk) => chunk.includes('%') && controller.abort();
    const code = await createCommand.run(['cancelled.zip', 'big', '--level', '9'], ctx);
    expect(code).toBe(EXIT_CANCELLED);
    expect(ctx.stderr.text).toContain('zipdesk: cancelled.zip: cancelled\n');
    expect(existsSync(path.join(root, 'cancelled.zip'))).toBe(false);
    expect(readdirSync(root).filter((n) => n.includes('zipdesk-tmp'))).toEqual([]);
  });

  it('a kill (SIGTERM) or a closed terminal (SIGHUP) cancels like Ctrl-C, and so does a double Ctrl-C: exit 128 + the signal, nothing left behind', async () => {
    if (!existsSync(path.join(projectRoot, 'build/src-main/cli/main.js'))) throw new Error('run `npm run build:node` first');
    const folder = path.join(root, 'signalled');
    mkdirSync(folder);
    for (let i = 0; i < 6; i++) writeFileSync(path.join(folder, `p${i}.txt`), randomBytes(5_000_000).toString('base64'));
    writeFileSync(path.join(root, 'no-log-file.json'), JSON.stringify({ file: { enabled: false } }));
    for (const [signal, code, again] of [['SIGTERM', 143, false], ['SIGHUP', 129, false], ['SIGINT', 130, false], ['SIGINT', 130, true]] as const) {
      const child = spawn(process.execPath, [path.join(projectRoot, 'bin/zipdesk.js'), 'create', 'signalled.zip', 'signalled', '--level', '9'], {
        cwd: root,
        env: { ...process.env, ZIPDESK_LOG_CONFIG: path.join(root, 'no-log-file.json') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        // A progress line: the job runs and its temporary file exists.
        if (stderr.includes('%') && child.exitCode === null && !child.killed) {
          child.kill(signal);
          // Ctrl-C pressed twice: the second comes while the first is being honoured.
          if (again) setTimeout(() => child.exitCode === null && child.kill(signal), 10);
        }
      });
      const [exitCode] = (await once(child, 'close')) as [number | null];
      expect({ signal, exitCode, stderr: stderr.split('\n').filter((line) => line.includes('zipdesk:')) }).toEqual({ signal, exitCode: code, stderr: ['zipdesk: signalled.zip: cancelled'] });
      expect(readdirSync(root).filter((name) => name.startsWith('.signalled.zip') || name === 'signalled.zip')).toEqual([]);
    }
  });

  it('reports a failure in one line and exits 1', async () => {
    const ctx = context(false);
    expect(await createCommand.run(['missing.zip', 'no-such-thing'], ctx)).toBe(1);
    expect(ctx.stderr.text).toContain(`zipdesk: missing.zip: ${path.join(root, 'no-such-thing')}: no such file or folder\n`);
    // A name that is not UTF-8 reaches us as text with U+FFFD for its bytes: the file exists, its name cannot be given.
    writeFileSync(Buffer.from(path.join(root, 'lat\xe9n.txt'), 'latin1'), 'x');
    const latin = context(false);
    expect(await createCommand.run(['latin.zip', 'lat\uFFFDn.txt'], latin)).toBe(1);
    expect(latin.stderr.text).toContain(`lat\uFFFDn.txt: no such file or folder (if its name is not UTF-8, it cannot be given as a path; give the folder that holds it)\n`);
  });

  it('says a file size limit (ulimit -f) in words, as a full disk is said, and leaves nothing', () => {
    const folder = path.join(root, 'limited');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'big.txt'), randomBytes(1_000_000).toString('base64'));
    writeFileSync(path.join(folder, 'quiet.json'), JSON.stringify({ file: { enabled: false } }));
    // Node ignores SIGXFSZ: a write past the limit fails with EFBIG.
    const run = spawnSync('sh', ['-c', 'ulimit -f 200 && exec "$@"', 'sh', process.execPath, path.join(projectRoot, 'bin/zipdesk.js'), 'create', 'limited.zip', 'big.txt', '--level', '0'], {
      cwd: folder,
      encoding: 'utf8',
      env: { ...process.env, ZIPDESK_LOG_CONFIG: path.join(folder, 'quiet.json') },
    });
    // It said 'cannot write the archive: EFBIG: file too large, write'.
    expect([run.status, run.stderr.split('\n').filter((line) => line.startsWith('zipdesk:'))]).toEqual([1, ['zipdesk: limited.zip: cannot write the archive: file too large']]);
    expect(readdirSync(folder).sort()).toEqual(['big.txt', 'quiet.json']);
  });

  it('a kill after the archive is in place, while the log is still written, leaves the command\'s exit 0 (it exited 143, "cancelled", with the archive replaced)', async () => {
    const folder = path.join(root, 'killed-late');
    mkdirSync(path.join(folder, 'logs'), { recursive: true });
    writeFileSync(path.join(folder, 'a.txt'), 'a'.repeat(10_000));
    // The log file a named pipe: the run waits at its log, its archive written, until the pipe is read.
    execFileSync('mkfifo', [path.join(folder, 'logs/zipdesk-x.log')]);
    const config = { console: { enabled: false }, file: { enabled: true, folder: 'logs', fileName: 'zipdesk-%DATE%.log', datePattern: '[x]', maxSize: null, maxFiles: null, zippedArchive: false } };
    writeFileSync(path.join(folder, 'log.json'), JSON.stringify(config));
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/zipdesk.js'), 'create', 'late.zip', 'a.txt', '--log-config', 'log.json'], { cwd: folder, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = once(child, 'exit');
    await expect.poll(() => stdout, { timeout: 10_000 }).toMatch(/^late\.zip: 1 entry, /);
    // The command has ended by now, and the run waits at the pipe.
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Read the pipe: the run writes its log and ends.
    const reader = spawn('cat', [path.join(folder, 'logs/zipdesk-x.log')], { stdio: 'ignore' });
    const read = once(reader, 'exit');
    const [code, signal] = await exited;
    // (Killed by the signal, the run never opens the pipe: nor does the reader end.)
    reader.kill();
    await read;
    expect([code, signal]).toEqual([0, null]);
    expect(execFileSync('unzip', ['-Z1', path.join(folder, 'late.zip')], { encoding: 'utf8' })).toBe('a.txt\n');
  });

  it('refuses to replace an archive it cannot read, saying why, not that it is no ZIP archive', (test) => {
    // Someone else's archive, private, in a folder the user may write to. Root reads any file:
    // as root the command runs as nobody, when nobody may run it from where the project is.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    if (asUser.length > 0 && spawnSync(asUser[0]!, [...asUser.slice(1), process.execPath, '-e', 'require("fs").accessSync(process.argv[1])', path.join(projectRoot, 'build/src-main/cli/main.js')]).status !== 0) {
      test.skip('the project cannot be read as nobody');
    }
    const folder = path.join(root, 'not-mine');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'f.txt'), 'f');
    execFileSync('zip', ['-q', 'theirs.zip', 'f.txt'], { cwd: folder });
    const before = readFileSync(path.join(folder, 'theirs.zip'));
    chmodSync(path.join(folder, 'theirs.zip'), 0o000);
    chmodSync(folder, 0o777);
    chmodSync(root, 0o755);
    writeFileSync(path.join(folder, 'quiet.json'), JSON.stringify({ file: { enabled: false } }));
    const [command, ...args] = [...asUser, process.execPath, path.join(projectRoot, 'bin/zipdesk.js'), 'create', 'theirs.zip', 'f.txt'];
    const run = spawnSync(command!, args, { cwd: folder, encoding: 'utf8', env: { ...process.env, HOME: folder, ZIPDESK_LOG_CONFIG: path.join(folder, 'quiet.json') } });
    expect([run.status, run.stderr.split('\n').filter((line) => line.startsWith('zipdesk:'))]).toEqual([
      1,
      [`zipdesk: theirs.zip: exists and cannot be read to check that it is a ZIP archive (permission denied); not replaced`],
    ]);
    chmodSync(path.join(folder, 'theirs.zip'), 0o644);
    expect(readFileSync(path.join(folder, 'theirs.zip')).equals(before)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['f.txt', 'quiet.json', 'theirs.zip']);
  });

  it('names on stderr what a job left out on its own, a line each, and exits 0', async () => {
    const src = path.join(root, 'with-pipe');
    mkdirSync(src);
    writeFileSync(path.join(src, 'a.txt'), 'a');
    execFileSync('mkfifo', [path.join(src, 'pipe')]);
    const ctx = context(false);
    expect(await createCommand.run(['with-pipe.zip', 'with-pipe'], ctx)).toBe(0);
    expect(ctx.stdout.text).toMatch(/^with-pipe\.zip: 2 entries, /);
    expect(ctx.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual(['zipdesk: with-pipe.zip: with-pipe/pipe: skipped: a named pipe (FIFO), not a file, folder or link']);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'with-pipe.zip')], { encoding: 'utf8' })).toBe('with-pipe/\nwith-pipe/a.txt\n');
    // With nothing left to archive the job fails in one line, writing nothing (zip: "Nothing to do!").
    const none = context(false);
    expect(await createCommand.run(['none.zip', 'with-pipe', '--exclude', 'with-pipe'], none)).toBe(1);
    expect(none.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual([`zipdesk: none.zip: nothing to archive: every path is excluded`]);
    expect(readdirSync(root).filter((name) => name.startsWith('none') || name.includes('zipdesk-tmp'))).toEqual([]);
  });

  it('batch zips each folder into the output folder, made when it does not exist yet', async () => {
    mkdirSync(path.join(root, 'b1'));
    mkdirSync(path.join(root, 'b2'));
    writeFileSync(path.join(root, 'b1', 'x.txt'), 'x');
    writeFileSync(path.join(root, 'b2', 'y.txt'), 'y');
    const ok = context(false);
    expect(await batchCommand.run(['b1', 'b2', '-o', 'outs/new'], ok)).toBe(0);
    expect(readdirSync(path.join(root, 'outs', 'new')).sort()).toEqual(['b1.zip', 'b2.zip']);
    // Every line names an archive below the current folder from there, and one elsewhere in full.
    expect(ok.stdout.text.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^outs\/new\/b1\.zip: 2 entries, /), expect.stringMatching(/^outs\/new\/b2\.zip: 2 entries, /)]);
    expect(ok.stderr.text.split('\n')).toContain('outs/new/b1.zip: started');
    const elsewhere = tempDir('zipdesk-cli-elsewhere-');
    const away = context(false);
    expect(await batchCommand.run(['b1', '-o', elsewhere], away)).toBe(0);
    expect([away.stdout.text.split(': ')[0], away.stderr.text.split('\n')[0]]).toEqual([path.join(elsewhere, 'b1.zip'), `${path.join(elsewhere, 'b1.zip')}: started`]);
    rmSync(elsewhere, { recursive: true });
    // An output folder that cannot be made is said once, and no job runs.
    writeFileSync(path.join(root, 'a-file'), 'x');
    const ctx = context(false);
    expect(await batchCommand.run(['b1', 'b2', '-o', 'a-file/sub'], ctx)).toBe(1);
    expect(ctx.stderr.text).toBe(`zipdesk: ${path.join(root, 'a-file', 'sub')}: cannot create the output folder: a file is in its path\n`);
    expect(ctx.stdout.text).toBe('');
    const file = context(false);
    expect(await batchCommand.run(['b1', '-o', 'a-file'], file)).toBe(1);
    expect(file.stderr.text).toBe(`zipdesk: ${path.join(root, 'a-file')}: cannot create the output folder: a file has that name\n`);
  });

  it('batch removes the output folders it made when no archive went into them, and keeps those that were there', async () => {
    // Every folder missing: each job fails, and `-o made/deeper` was left behind empty.
    const failed = context(false);
    expect(await batchCommand.run(['missing-1', 'missing-2', '-o', 'made/deeper'], failed)).toBe(1);
    expect(failed.stderr.text).toContain('missing-1');
    expect(existsSync(path.join(root, 'made'))).toBe(false);
    // Into a folder that was there, which stays, with what it held.
    mkdirSync(path.join(root, 'kept'));
    const into = context(false);
    expect(await batchCommand.run(['missing-1', '-o', 'kept/new'], into)).toBe(1);
    expect(readdirSync(path.join(root, 'kept'))).toEqual([]);
    // One archive made: the folders stay with it.
    mkdirSync(path.join(root, 'one'));
    writeFileSync(path.join(root, 'one', 'a.txt'), 'a');
    const some = context(false);
    expect(await batchCommand.run(['missing-1', 'one', '-o', 'part/zips'], some)).toBe(1);
    expect(readdirSync(path.join(root, 'part', 'zips'))).toEqual(['one.zip']);
  });

  it.runIf(existsSync('/proc/self'))('batch says that -o DIR cannot be made where mkdir says ENOENT in a folder that exists (/proc), where it spun for good', () => {
    if (!existsSync(path.join(projectRoot, 'build/src-main/cli/batch.js'))) throw new Error('run `npm run build:node` first');
    mkdirSync(path.join(root, 'to-proc'));
    const env = { ...process.env, XDG_CONFIG_HOME: path.join(root, 'config'), ZIPDESK_LOG_CONFIG: '' };
    const result = spawnSync(process.execPath, [path.join(projectRoot, 'bin/zipdesk.js'), 'batch', 'to-proc', '-o', '/proc/zipdesk-out/sub'], { cwd: root, encoding: 'utf8', env, timeout: 20_000, killSignal: 'SIGKILL' });
    expect([result.status, result.stderr]).toEqual([1, 'zipdesk: /proc/zipdesk-out/sub: cannot create the output folder: no such file or directory\n']);
  });

  it('batch zips a folder given twice once, with a note (exit 0)', async () => {
    mkdirSync(path.join(root, 'twice'));
    writeFileSync(path.join(root, 'twice', 'x.txt'), 'x');
    const ctx = context(false);
    expect(await batchCommand.run(['twice', 'twice/', '-o', 'twice-out'], ctx)).toBe(0);
    expect(readdirSync(path.join(root, 'twice-out'))).toEqual(['twice.zip']);
    expect(ctx.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual([`zipdesk: ${path.join(root, 'twice')}: given more than once; zipped once`]);
  });

  it('batch leaves out of a folder the output folder it made inside it, and keeps one that was there', async () => {
    mkdirSync(path.join(root, 'inner', 'sub'), { recursive: true });
    writeFileSync(path.join(root, 'inner', 'sub', 'x.txt'), 'x');
    expect(await batchCommand.run(['inner', '-o', 'inner/out/deep'], context(false))).toBe(0);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'inner', 'out', 'deep', 'inner.zip')], { encoding: 'utf8' })).toBe('inner/\ninner/sub/\ninner/sub/x.txt\n');
    // Asked again, the folder was there: it is zipped with what it held before, as zip -r does (not the new archive).
    expect(await batchCommand.run(['inner', '-o', 'inner/out/deep'], context(false))).toBe(0);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'inner', 'out', 'deep', 'inner (2).zip')], { encoding: 'utf8' })).toBe('inner/\ninner/out/\ninner/out/deep/\ninner/out/deep/inner.zip\ninner/sub/\ninner/sub/x.txt\n');
  });

  it('batch refuses a file given as a folder, on its own line, and zips the folders', async () => {
    mkdirSync(path.join(root, 'f1'));
    writeFileSync(path.join(root, 'f1', 'x.txt'), 'x');
    writeFileSync(path.join(root, 'notes.txt'), 'a file');
    const mixed = context(false);
    expect(await batchCommand.run(['notes.txt', 'f1'], mixed)).toBe(1);
    expect(mixed.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual([`zipdesk: ${path.join(root, 'notes.txt')}: not a folder: batch zips folders (create OUT.zip FILE zips a file)`]);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'f1.zip')], { encoding: 'utf8' })).toBe('f1/\nf1/x.txt\n');
    expect(existsSync(path.join(root, 'notes.txt.zip'))).toBe(false);
    const only = context(false);
    expect(await batchCommand.run(['notes.txt'], only)).toBe(1);
    expect(only.stdout.text).toBe('');
    expect(readdirSync(root).filter((name) => name.startsWith('notes.txt') && name !== 'notes.txt')).toEqual([]);
    // Nothing to zip: -o DIR is not made (it was, empty).
    const nowhere = context(false);
    expect(await batchCommand.run(['notes.txt', '-o', 'never/made'], nowhere)).toBe(1);
    expect(nowhere.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual([`zipdesk: ${path.join(root, 'notes.txt')}: not a folder: batch zips folders (create OUT.zip FILE zips a file)`]);
    expect(existsSync(path.join(root, 'never'))).toBe(false);
    // So is the root folder, which has no name for its archive: the batch went no further.
    mkdirSync(path.join(root, 'f2'));
    const withRoot = context(false);
    expect(await batchCommand.run(['/', 'f2'], withRoot)).toBe(1);
    expect(withRoot.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual(['zipdesk: /: cannot zip the root folder as a batch item']);
    expect(execFileSync('unzip', ['-Z1', path.join(root, 'f2.zip')], { encoding: 'utf8' })).toBe('f2/\n');
  });

  it('create into a folder that is a file, or a link loop: the archive named once and what is wrong with its folder (it said "…/notes/out.zip: not a directory")', async () => {
    const folder = path.join(root, 'below-file');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes'), 'x');
    writeFileSync(path.join(folder, 'a.txt'), 'a');
    symlinkSync('loop2', path.join(folder, 'loop1'));
    symlinkSync('loop1', path.join(folder, 'loop2'));
    const ctx = { ...context(false), cwd: folder };
    expect(await createCommand.run(['notes/out.zip', 'a.txt'], ctx)).toBe(1);
    expect(await createCommand.run(['loop1/out.zip', 'a.txt'], ctx)).toBe(1);
    expect(ctx.stderr.text.split('\n').filter((line) => line.startsWith('zipdesk:'))).toEqual([
      `zipdesk: notes/out.zip: ${path.join(folder, 'notes')} is not a folder: a file is in its place or on its path`,
      `zipdesk: loop1/out.zip: cannot write in ${path.join(folder, 'loop1')}: too many symbolic links encountered`,
    ]);
    expect(readdirSync(folder).sort()).toEqual(['a.txt', 'loop1', 'loop2', 'notes']);
  });

  it('prints folder names with control characters as visible text on every line: started, progress, done, cancelled', async () => {
    const evil = 'evil\x1b]0;pwned\x07\x1b[31mRED';
    const newline = 'two\nlines';
    for (const name of [evil, newline]) {
      mkdirSync(path.join(root, name));
      writeFileSync(path.join(root, name, 'a.txt'), 'a');
    }
    const controls = /[\x00-\x09\x0b-\x1f\x7f]/;
    const ctx = context(false);
    expect(await batchCommand.run([evil, newline], ctx)).toBe(0);
    expect(ctx.stdout.text.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^evil\^\[\]0;pwned\^G\^\[\[31mRED\.zip: 2 entries, /),
      expect.stringMatching(/^two\^Jlines\.zip: 2 entries, /),
    ]);
    expect(ctx.stderr.text.split('\n')).toContain('two^Jlines.zip: started');
    expect(ctx.stderr.text).toContain('\ntwo^Jlines.zip: 100% (');
    // Cancelled before they start (Ctrl-C at once): the cancelled lines too.
    const controller = new AbortController();
    controller.abort();
    const cancelled = context(false, controller);
    expect(await batchCommand.run([evil, newline], cancelled)).toBe(EXIT_CANCELLED);
    expect(cancelled.stderr.text.split('\n').filter(Boolean)).toEqual([
      'zipdesk: evil^[]0;pwned^G^[[31mRED (2).zip: cancelled',
      'zipdesk: two^Jlines (2).zip: cancelled',
    ]);
    for (const text of [ctx.stdout.text, ctx.stderr.text, cancelled.stderr.text]) expect(text).not.toMatch(controls);
  });

  it('a plain line says 100% only once every entry is done (the last said "100% (1/2 entries" while the last file was written)', async () => {
    // The last file's bytes are all read before its entry is written; a progress message of that
    // moment comes in one job of three or so here (its time decides it), so eight jobs.
    const folders = path.join(root, 'one-file-each');
    for (let i = 0; i < 8; i++) {
      mkdirSync(path.join(folders, `o${i}`), { recursive: true });
      writeFileSync(path.join(folders, `o${i}`, 'f.txt'), randomBytes(1_500_000).toString('base64'));
    }
    const ctx = context(false);
    expect(await batchCommand.run(readdirSync(folders).map((name) => path.join(folders, name)), ctx)).toBe(0);
    const full = ctx.stderr.text.split('\n').filter((line) => line.includes(': 100% ('));
    expect(full.map((line) => line.replace(/^.*?: 100% \((\d+\/\d+) entries.*$/, '$1'))).toEqual(Array(8).fill('2/2'));
    // Such a message, as the worker sends it.
    const lastFileRead = { bytesDone: 2_000_000, bytesTotal: 2_000_000, entriesDone: 1, entriesTotal: 2, currentEntry: 'o0/f.txt', bytesPerSecond: 1, etaSeconds: 0 };
    expect([percentDone(lastFileRead), percentDone({ ...lastFileRead, entriesDone: 2 }), percentDone({ ...lastFileRead, bytesDone: 1_000_000 })]).toEqual([99, 100, 50]);
  });

  it('an ETA is rounded to whole seconds before it is split into minutes', () => {
    expect([formatSeconds(undefined), formatSeconds(0.2), formatSeconds(59.5), formatSeconds(119.5), formatSeconds(119), formatSeconds(3600)]).toEqual(['--', '1s', '1m00s', '2m00s', '1m59s', '60m00s']);
  });
});

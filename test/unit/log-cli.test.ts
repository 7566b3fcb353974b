// The command line honours --log-config (issue 4): a real `zipdesk create` (bin/zipdesk.js, the
// compiled build/, the real job queue and worker thread) with a debug-level settings file writes
// the job's records, the worker's among them, into the folder that file names.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeferredLog } from '../../src-main/cli/main.js';
import { recordingLog, type LogRecord } from '../../src-main/log/record.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(projectRoot, 'bin/zipdesk.js');
let dir: string;

beforeEach(() => {
  if (!fs.existsSync(path.join(projectRoot, 'build/src-main/cli/main.js'))) throw new Error('run `npm run build:node` first');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zipdesk-log-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs bin/zipdesk.js; one still running after `killAfterMs` is killed (code null). */
async function zipdesk(args: string[], env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

function records(folder: string): Record<string, unknown>[] {
  return fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => fs.readFileSync(path.join(folder, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it("a CLI run with --log-config and a debug-level file writes the job's records there", async () => {
  const sources = path.join(dir, 'docs');
  fs.mkdirSync(sources);
  for (let index = 0; index < 3; index++) fs.writeFileSync(path.join(sources, `note${index}.txt`), `note ${index}\n`.repeat(200));
  fs.writeFileSync(path.join(dir, 'debug.json'), JSON.stringify({ level: 'DEBUG', file: { folder: 'job-logs', format: 'json' } }));
  // The app's own settings would live under this XDG folder; --log-config must win over it and over the variable.
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'xdg'), ZIPDESK_LOG_CONFIG: path.join(dir, 'other.json') };

  const run = await zipdesk(['--log-config', 'debug.json', 'create', 'docs.zip', 'docs'], env);
  expect(run.code).toBe(0);
  // stderr has the command's progress lines; log records go to the file only.
  expect(run.stderr).not.toMatch(/Warning|^\d{4}-\d\d-\d\dT/m);
  expect(fs.existsSync(path.join(dir, 'docs.zip'))).toBe(true);

  const logged = records(path.join(dir, 'job-logs'));
  const done = logged.find((record) => record.message === 'job done');
  expect(done).toMatchObject({ level: 'info', module: 'jobs', jobId: expect.any(String) });
  const ofJob = logged.filter((record) => record.jobId === done?.jobId);
  expect(ofJob.map((record) => record.message)).toEqual(expect.arrayContaining(['job queued', 'job started', 'job done']));
  // Written in the worker thread at debug level: there only because the file asks for debug.
  expect(ofJob).toContainEqual(expect.objectContaining({ level: 'debug', from: 'worker', message: 'walked sources' }));
  // Neither the app's default file nor the one in the variable was touched.
  expect(fs.existsSync(path.join(dir, 'xdg'))).toBe(false);
  expect(fs.existsSync(path.join(dir, 'other.json'))).toBe(false);
});

it('the same run at the default level leaves the debug records out', async () => {
  const sources = path.join(dir, 'docs');
  fs.mkdirSync(sources);
  fs.writeFileSync(path.join(sources, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'info.json'), JSON.stringify({ file: { folder: 'job-logs', format: 'json' } }));
  const env = { ...process.env, ZIPDESK_LOG_CONFIG: path.join(dir, 'info.json') };

  const run = await zipdesk(['create', 'docs.zip', 'docs'], env);
  expect(run.code).toBe(0);
  const logged = records(path.join(dir, 'job-logs'));
  expect(logged.map((record) => record.message)).toEqual(expect.arrayContaining(['job queued', 'job started', 'job done']));
  expect(logged.filter((record) => record.level === 'debug')).toEqual([]);
});

it('a broken --log-config file gives one warning on stderr with line and column, and the command still runs', async () => {
  fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'broken.json'), '{\n  "level": "debug",\n}\n');
  const run = await zipdesk(['--log-config=broken.json', 'create', 'a.zip', 'a.txt'], { ...process.env, ZIPDESK_LOG_CONFIG: '' });
  expect(run.code).toBe(0);
  // A line like the command's others, not a log record with a time and a level.
  expect(run.stderr.split('\n').filter((line) => !/^a\.zip: (started|\d+%)/.test(line))).toEqual([
    `zipdesk: warning: logging config ${path.join(dir, 'broken.json')}:3:1: expected a property name in double quotes, found "}" (JSON allows no comma before "}"); using the default settings`,
    '',
  ]);
  expect(fs.existsSync(path.join(dir, 'a.zip'))).toBe(true);
  // The defaults apply: the log folder beside the named file.
  expect(fs.readdirSync(path.join(dir, 'logs')).some((name) => name.endsWith('.log'))).toBe(true);
});

it.runIf(fs.existsSync('/proc/self'))('a log folder in /proc, or settings there, cannot be made: the command says so and ends (it spun for ever)', async () => {
  fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  // mkdir in /proc says ENOENT though /proc is there; Node's recursive mkdir then made /proc
  // again and again, on this thread: a core at 100%, and Ctrl-C unheard.
  fs.writeFileSync(path.join(dir, 'proc.json'), JSON.stringify({ file: { folder: '/proc/zipdesk-no-such-folder' } }));
  const run = await zipdesk(['--log-config', 'proc.json', 'create', 'a.zip', 'a.txt'], { ...process.env, ZIPDESK_LOG_CONFIG: '' }, 20_000);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain('zipdesk: warning: cannot write logs to /proc/zipdesk-no-such-folder: no such file or directory; writing them to ');
  expect(fs.readdirSync(path.join(dir, 'logs')).some((name) => name.endsWith('.log'))).toBe(true);
  // A settings file named there is missing: no log file, and nothing is made there.
  const settings = '/proc/zipdesk-no-such-folder/logging.json';
  const second = await zipdesk(['--log-config', settings, 'create', 'b.zip', 'a.txt'], { ...process.env, ZIPDESK_LOG_CONFIG: '' }, 20_000);
  expect(second.code).toBe(0);
  expect(second.stderr).toContain(`zipdesk: warning: logging config file ${settings} not found; no log file is written`);
});

it('a mistyped --log-config or $ZIPDESK_LOG_CONFIG is said once, and makes no folder or log file (it made typo/deeper/logs/)', async () => {
  fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  const typo = path.join(dir, 'typo', 'deeper', 'logging.json');
  const flagged = await zipdesk(['create', 'a.zip', 'a.txt', '--log-config', 'typo/deeper/logging.json'], { ...process.env, ZIPDESK_LOG_CONFIG: '' });
  expect(flagged.code).toBe(0);
  expect(flagged.stderr.split('\n').filter((line) => !/^a\.zip: (started|\d+%)/.test(line))).toEqual([
    `zipdesk: warning: logging config file ${typo} not found; no log file is written`,
    '',
  ]);
  const variable = await zipdesk(['create', 'b.zip', 'a.txt'], { ...process.env, ZIPDESK_LOG_CONFIG: typo });
  expect(variable.code).toBe(0);
  expect(variable.stderr).toContain(`zipdesk: warning: logging config file ${typo} not found; no log file is written`);
  expect(fs.readdirSync(dir).sort()).toEqual(['a.txt', 'a.zip', 'b.zip']);
});

it('--log-config without a file name is a usage error (exit 2), not a positional argument', async () => {
  const run = await zipdesk(['list', 'a.zip', '--log-config'], { ...process.env, ZIPDESK_LOG_CONFIG: '' });
  expect(run.code).toBe(2);
  expect(run.stderr).toBe('zipdesk: --log-config needs a file name\n');
});

describe('the commands that only read', () => {
  const goodZip = (): void => {
    execFileSync('python3', ['-c', "import zipfile\nwith zipfile.ZipFile('good.zip', 'w') as z: z.writestr('a.txt', 'hello')"], { cwd: dir });
  };

  it('write their debug records when the settings ask for debug', async () => {
    goodZip();
    fs.writeFileSync(path.join(dir, 'debug.json'), JSON.stringify({ level: 'info', modules: { archives: 'debug' }, file: { format: 'json' } }));
    for (const command of ['test', 'list']) {
      const run = await zipdesk(['--log-config', 'debug.json', command, 'good.zip'], { ...process.env, ZIPDESK_LOG_CONFIG: '' });
      expect(run.code).toBe(0);
    }
    const logged = records(path.join(dir, 'logs'));
    const opened = logged.filter((record) => record.message === 'opened archive');
    expect(opened.map((record) => [record.level, record.module, record.task])).toEqual([
      ['debug', 'archives', 'test'],
      ['debug', 'archives', 'list'],
    ]);
  });

  it('at the default level, or with debug for another module, start no logging: no log folder is made', async () => {
    goodZip();
    fs.writeFileSync(path.join(dir, 'default.json'), JSON.stringify({ modules: { jobs: 'debug' } }));
    for (const command of ['test', 'list']) {
      const run = await zipdesk(['--log-config', 'default.json', command, 'good.zip'], { ...process.env, ZIPDESK_LOG_CONFIG: '' });
      expect(run.code).toBe(0);
    }
    expect(fs.existsSync(path.join(dir, 'logs'))).toBe(false);
  });
});

it('a held record is written with the time it was logged, not the time logging started', async () => {
  const deferred = new DeferredLog();
  const before = Date.now();
  deferred.child({ module: 'cli' }).warn('held');
  const after = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 30));
  const written: LogRecord[] = [];
  deferred.replay(recordingLog((record) => written.push(record)));
  const replayedAt = Date.now();
  expect(written).toHaveLength(1);
  const stamped = Date.parse(String(written[0]?.meta?.timestamp));
  expect(stamped).toBeGreaterThanOrEqual(before);
  expect(stamped).toBeLessThanOrEqual(after);
  expect(replayedAt).toBeGreaterThan(after); // a record stamped at its replay would not pass
});

// The worker's records reach the log file with their job id (issue 4): the real job client, its
// real compiled worker thread (build/, made by `npm run build:node`), a real archive, and the
// logging service writing a real file. Waits are on job events; the file is read after close().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { JobClient, defaultWorkerPath } from '../../src-main/jobs/client.js';
import { isEndEvent, type JobEvent } from '../../src-main/jobs/protocol.js';
import { createLogging } from '../../src-main/log/index.js';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zipdesk-log-jobs-'));
  if (!fs.existsSync(fileURLToPath(defaultWorkerPath()))) throw new Error('run `npm run build:node` first: the worker runs compiled');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it("a job's records, from the client and from the worker thread, reach the file with the job id", async () => {
  const configPath = path.join(dir, 'logging.json');
  fs.writeFileSync(configPath, JSON.stringify({ level: 'info', modules: { archives: 'DEBUG' }, file: { format: 'json' } }));
  const logging = createLogging({ configPath, watch: false });
  const client = new JobClient({ log: logging.logger });
  const sources = path.join(dir, 'docs');
  fs.mkdirSync(sources);
  for (let index = 0; index < 3; index++) fs.writeFileSync(path.join(sources, `note${index}.txt`), `note ${index}\n`.repeat(100));

  const ended = new Promise<JobEvent>((resolve) => client.onEvent((event) => isEndEvent(event) && resolve(event)));
  const [jobId] = client.enqueue({ kind: 'create', outputPath: path.join(dir, 'docs.zip'), sources: [sources] });
  expect((await ended).type).toBe('done');
  await client.close();
  await logging.close();

  const folder = path.join(dir, 'logs');
  const records = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.log'))
    .flatMap((name) => fs.readFileSync(path.join(folder, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const ofJob = records.filter((record) => record.jobId === jobId);
  expect(ofJob.map((record) => record.message)).toEqual(expect.arrayContaining(['job queued', 'job started', 'job done']));
  // A debug record of the create engine, written inside the worker thread, kept because modules.archives is DEBUG.
  expect(ofJob).toContainEqual(expect.objectContaining({ level: 'debug', module: 'archives', task: 'create', from: 'worker', message: 'walked sources', entries: expect.any(Number) }));
  // The client's own records stay under "jobs", at its level (info).
  expect(ofJob.filter((record) => record.module === 'jobs').map((record) => record.level)).not.toContain('debug');
});

// Random source trees (scripts/create-fuzz-core.js builds them, seeded) zipped by Info-ZIP's zip,
// bsdtar, 7-Zip and Python's zipfile, then read by our reader and extracted by our extract:
// every entry's kind, bytes, link target, mode and time (as exactly as the tool keeps it, 1965 to
// 2106) as on disk (scripts/peer-fuzz-core.js). `npm run fuzz -- SEED N --peers` runs more.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeContainers } from '../../scripts/create-fuzz-core.js';
import { TOOLS, peerCase } from '../../scripts/peer-fuzz-core.js';
import { extractArchive } from '../../src-main/archive/extract.js';
import { openFileSource } from '../../src-main/archive/file-source.js';
import { openZip } from '../../src-main/zip/reader.js';
import { makeTempDir } from '../unit/reader-fixtures.js';

const { dir, cleanup } = makeTempDir('zipdesk-random-trees-');
afterAll(cleanup);

describe('random trees zipped by the peers read and extract as they were on disk', () => {
  for (const tool of Object.keys(TOOLS) as (keyof typeof TOOLS)[]) {
    it(tool, async () => {
      const made = path.join(dir, `containers-${tool}`);
      mkdirSync(made);
      const containers = makeContainers(made);
      let entries = 0;
      for (let seed = 46_100; seed < 46_106; seed++) {
        const work = path.join(dir, `${tool}-${seed}`);
        mkdirSync(work);
        const found = await peerCase(seed, work, tool, { openZip, openFileSource, extractArchive }, containers);
        expect(found.wrong, `${tool}, seed ${seed}`).toEqual([]);
        entries += found.entries;
      }
      expect(entries).toBeGreaterThan(30);
    }, 60_000);
  }
});

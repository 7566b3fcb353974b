// Extracting onto a file system that holds and compares names as Windows does, on Linux: an
// exFAT image (a USB stick's file system), mounted through FUSE. Making the image and mounting it
// needs root, exfatprogs and exfat-fuse (.ci/run installs them), so this runs as root, as in CI,
// and is skipped elsewhere; the probe's answers on this machine's own file system are checked
// on any Linux. And onto one that keeps no permission bits, as a FAT drive on Linux refuses a
// mode its mount options cannot hold (EPERM): a folder mounted through bindfs --chmod-deny
// (bindfs, from apt, and root too).

import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src-main/archive/extract.js';
import { probeNames } from '../../src-main/archive/name-probe.js';
import { craftZip, run, tempDir, tree, writeArchive } from './craft.js';

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/zipdesk.js');
const { dir, cleanup } = tempDir('zipdesk-exfat-');
const mountPoint = path.join(dir, 'mnt');
mkdirSync(mountPoint);
/** The loop device the image is attached to, once mounted. */
const device = mountExfat(path.join(dir, 'exfat.img'), mountPoint);
/** A folder where every chmod fails with EPERM, or undefined where it cannot be mounted. */
const noModes = mountChmodDenied(path.join(dir, 'under'), path.join(dir, 'no-modes'));
afterAll(() => {
  if (device !== undefined) {
    spawnSync('umount', [mountPoint]);
    spawnSync('losetup', ['-d', device]);
  }
  if (noModes !== undefined) spawnSync('umount', [noModes]);
  cleanup();
});

/** A 32 MiB exFAT image mounted at `at` through FUSE; its loop device, or undefined where that cannot be done. */
function mountExfat(image: string, at: string): string | undefined {
  const quiet = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
  if (spawnSync('truncate', ['-s', '32M', image], quiet).status !== 0 || spawnSync('mkfs.exfat', [image], quiet).status !== 0) return undefined;
  const loop = spawnSync('losetup', ['-f', '--show', image], quiet);
  if (loop.status !== 0) return undefined;
  const attached = loop.stdout.trim();
  if (spawnSync('mount.exfat-fuse', [attached, at], quiet).status === 0) return attached;
  spawnSync('losetup', ['-d', attached]);
  return undefined;
}

/** `under` mounted at `at` through bindfs, refusing every chmod; `at`, or undefined where that cannot be done. */
function mountChmodDenied(under: string, at: string): string | undefined {
  mkdirSync(under);
  mkdirSync(at);
  const mounted = spawnSync('bindfs', ['--chmod-deny', under, at], { stdio: 'ignore' });
  return mounted.status === 0 ? at : undefined;
}

/** Two pairs of names one but for case, a file each, in archive order. */
const pairs = craftZip([
  { name: 'README', data: 'upper' },
  { name: 'readme', data: 'lower' },
  { name: 'd/A.txt', data: 'A' },
  { name: 'D/a.txt', data: 'a' },
]);

describe("the target folder's file system, asked how it compares names", () => {
  it.runIf(process.platform === 'linux')("this machine's temporary folder (Linux's) holds any name and tells names apart by case, and the probe leaves nothing there", async () => {
    const folder = path.join(dir, 'here');
    mkdirSync(folder);
    expect(await probeNames(folder)).toEqual({ foldsCase: false, refusesWindowsCharacters: false });
    expect(tree(folder)).toEqual([]);
  });

  it('a folder where no file can be made is answered no to both (extracting then says so for each file)', async () => {
    expect(await probeNames(path.join(dir, 'not-there'))).toEqual({ foldsCase: false, refusesWindowsCharacters: false });
  });

  it.skipIf(device === undefined)('an exFAT drive takes "README" and "readme" for one name and refuses "?" and ":", and the probe leaves nothing there', async () => {
    const folder = path.join(mountPoint, 'probe');
    mkdirSync(folder);
    expect(await probeNames(folder)).toEqual({ foldsCase: true, refusesWindowsCharacters: true });
    expect(tree(folder)).toEqual([]);
  });

  it.skipIf(device === undefined)('onto it, a name it cannot hold is written under one it can (as on Windows), and reported so', async () => {
    const archive = writeArchive(
      dir,
      'windows-names.zip',
      craftZip([
        { name: 'notes: draft.txt', data: 'n' },
        { name: 'q?/x.txt', data: 'x' },
        { name: 'plain.txt', data: 'p' },
      ]),
    );
    const target = path.join(mountPoint, 'names');
    const result = await extractArchive(archive, target);
    expect([result.filesWritten, result.problemCount, result.renamed]).toEqual([3, 0, [{ entry: 'notes: draft.txt', path: 'notes_ draft.txt' }, { entry: 'q?/x.txt', path: 'q_/x.txt' }]]);
    expect(tree(target)).toEqual(['notes_ draft.txt', 'plain.txt', 'q_/', 'q_/x.txt']);
    expect(readFileSync(path.join(target, 'q_/x.txt'), 'utf8')).toBe('x');
  });

  it.skipIf(device === undefined)("onto it, the second of two names one but for case is settled by the policy, never silently written over the first", async () => {
    const archive = writeArchive(dir, 'pairs.zip', pairs);
    const read = (target: string, name: string): string => readFileSync(path.join(target, name), 'utf8');

    const skip = path.join(mountPoint, 'skip');
    const skipped = await extractArchive(archive, skip);
    expect([skipped.filesWritten, skipped.skippedCount, skipped.ok]).toEqual([2, 2, true]);
    expect(skipped.skipped.map(({ entry, reason }) => [entry, reason])).toEqual([
      ['readme', 'an earlier entry, README, names the same file here'],
      ['D/a.txt', 'an earlier entry, d/A.txt, names the same file here'],
    ]);
    expect(tree(skip)).toEqual(['README', 'd/', 'd/A.txt']);
    expect([read(skip, 'README'), read(skip, 'd/A.txt')]).toEqual(['upper', 'A']);

    const replace = path.join(mountPoint, 'replace');
    expect((await extractArchive(archive, replace, { overwrite: 'replace' })).filesWritten).toBe(2);
    expect([read(replace, 'readme'), read(replace, 'D/a.txt')]).toEqual(['lower', 'a']);

    const rename = path.join(mountPoint, 'rename');
    const renamed = await extractArchive(archive, rename, { overwrite: 'rename' });
    expect([renamed.filesWritten, renamed.renamed]).toEqual([4, [{ entry: 'readme', path: 'readme (1)' }, { entry: 'D/a.txt', path: 'D/a (1).txt' }]]);
    // (Said as the entry spells its folder; the disk keeps the first spelling, d.)
    expect(tree(rename)).toEqual(['README', 'd/', 'd/A.txt', 'd/a (1).txt', 'readme (1)']);
    expect([read(rename, 'README'), read(rename, 'readme (1)'), read(rename, 'd/A.txt'), read(rename, 'd/a (1).txt')]).toEqual(['upper', 'lower', 'A', 'a']);
  });

  it.skipIf(device === undefined)('into a folder that holds it mounted inside (a USB stick under the target), the second name one but for case is still settled by the policy, and "?" written as "_"', async () => {
    // The target (this test's folder, on the machine's own file system) holds the exFAT drive at
    // mnt/. Asked of the target alone, README was silently replaced by readme under skip, and
    // "what?.txt" failed with "no such file or directory".
    const archive = writeArchive(
      dir,
      'into-mount.zip',
      craftZip([
        { name: 'mnt/inside/README', data: 'upper' },
        { name: 'mnt/inside/readme', data: 'lower' },
        { name: 'mnt/inside/what?.txt', data: 'q' },
        { name: 'outside/X', data: 'X' },
        { name: 'outside/x', data: 'x' },
      ]),
    );
    const result = await extractArchive(archive, dir);
    expect(result.skipped.map(({ entry, reason }) => [entry, reason])).toEqual([
      ['mnt/inside/readme', 'an earlier entry, mnt/inside/README, names the same file here'],
      // The whole run takes names one but for case for one: on the target's own file system too.
      ['outside/x', 'an earlier entry, outside/X, names the same file here'],
    ]);
    expect(result.renamed).toEqual([{ entry: 'mnt/inside/what?.txt', path: 'mnt/inside/what_.txt' }]);
    expect([result.filesWritten, result.ok]).toEqual([3, true]);
    expect(tree(path.join(mountPoint, 'inside'))).toEqual(['README', 'what_.txt']);
    expect(readFileSync(path.join(mountPoint, 'inside/README'), 'utf8')).toBe('upper');
    expect(tree(path.join(dir, 'outside'))).toEqual(['X']);
  });

  it.skipIf(device === undefined)('onto it, which holds no symbolic links, each link is said so by name and the files are written', async () => {
    const archive = writeArchive(
      dir,
      'links.zip',
      craftZip([
        { name: 'a.txt', data: 'a' },
        { name: 'to-a', data: 'a.txt', kind: 'symlink' },
        { name: 'd/up', data: '../a.txt', kind: 'symlink' },
      ]),
    );
    const target = path.join(mountPoint, 'links');
    const result = await extractArchive(archive, target);
    const said = "the target folder's file system cannot hold symbolic links; the link was not made";
    expect([result.filesWritten, result.symlinksCreated, result.ok]).toEqual([1, 0, false]);
    expect(result.problems.map(({ entry, code, kind, message }) => [entry, code, kind, message])).toEqual([
      ['to-a', 'IO', 'NO_LINKS', said],
      ['d/up', 'IO', 'NO_LINKS', said],
    ]);
    // Nothing of the links is left, not even their temporary names.
    expect(tree(target)).toEqual(['a.txt', 'd/']);
  });

  it.skipIf(device === undefined)('onto it, under rename and skip, a file listed after a link of its name is written at the name the link could not have', async () => {
    // The link holds the name while the files are written (under rename the first entry of a
    // name has it); before, the file was left at "l (1)" beside an empty "l".
    const archive = writeArchive(
      dir,
      'link-then-file.zip',
      craftZip([
        { name: 'l', data: 'a.txt', kind: 'symlink' },
        { name: 'l', data: 'the file' },
      ]),
    );
    // Under skip, the file was skipped for the link's sake and nothing was left at "l".
    for (const overwrite of ['rename', 'skip'] as const) {
      const target = path.join(mountPoint, `link-then-file-${overwrite}`);
      const result = await extractArchive(archive, target, { overwrite });
      expect(tree(target), overwrite).toEqual(['l']);
      expect(readFileSync(path.join(target, 'l'), 'utf8')).toBe('the file');
      expect([result.filesWritten, result.symlinksCreated, result.renamed, result.skippedCount], overwrite).toEqual([1, 0, [], 0]);
      expect(result.problems.map(({ entry, kind, message }) => [entry, kind, message.endsWith('(a later entry, l, was extracted there instead)')]), overwrite).toEqual([['l', 'NO_LINKS', true]]);
    }
  });

  it('on a file system that tells them apart, all four are written as they are', async () => {
    const target = path.join(dir, 'apart');
    const result = await extractArchive(writeArchive(dir, 'pairs-apart.zip', pairs), target);
    expect([result.filesWritten, result.skippedCount]).toEqual([4, 0]);
    expect(tree(target)).toEqual(['D/', 'D/a.txt', 'README', 'd/', 'd/A.txt', 'readme']);
  });
});

describe('a file system that keeps no permission bits (every chmod refused, as on a FAT drive)', () => {
  // Under a umask of 022, a mode of 664 or 777 is set by chmod after the file is made, and a
  // folder's 775 after what lies in it. Python's zipfile stores the modes and times as given: 600
  // small files (span batches, on a helper thread), a 2 MiB one (it streams), a folder, a link.
  const archive = path.join(dir, 'modes.zip');
  const extract = (out: string) => spawnSync('sh', ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, bin, 'extract', archive, '-o', out], { encoding: 'utf8', env: { ...process.env, ZIPDESK_LOG_CONFIG: '' } });

  it.skipIf(noModes === undefined)('extract writes every file and folder, with its data and time, where it said "operation not permitted" for each and wrote none', () => {
    run(
      'python3',
      [
        '-c',
        [
          'import zipfile, os',
          "z = zipfile.ZipFile('modes.zip', 'w', zipfile.ZIP_DEFLATED)",
          'def add(name, mode, data):',
          '    info = zipfile.ZipInfo(name, (2001, 2, 3, 4, 5, 6))',
          '    info.external_attr = mode << 16',
          '    info.compress_type = zipfile.ZIP_DEFLATED',
          '    z.writestr(info, data)',
          "for i in range(600): add('small/%03d.txt' % i, 0o100664, 'file %d' % i)",
          "add('big.bin', 0o100777, os.urandom(2 << 20))",
          "add('dir/', 0o40775, b'')",
          "add('dir/in.txt', 0o100666, 'in')",
          "add('link', 0o120777, 'big.bin')",
          'z.close()',
        ].join('\n'),
      ],
      dir,
    );
    const out = path.join(noModes!, 'out');
    const result = extract(out);
    expect([result.stderr, result.status]).toEqual(['', 0]);
    expect(result.stdout).toContain('Extracted 602 files, 1 folder, 1 link');
    expect(readFileSync(path.join(out, 'small/599.txt'), 'utf8')).toBe('file 599');
    expect(statSync(path.join(out, 'big.bin')).size).toBe(2 << 20);
    expect(readlinkSync(path.join(out, 'link'))).toBe('big.bin');
    // Each keeps its time (DOS times are local), and the mode the file system gave it.
    const feb3 = new Date(2001, 1, 3, 4, 5, 6).getTime();
    for (const name of ['small/000.txt', 'big.bin', 'dir', 'dir/in.txt', 'link']) expect([name, lstatSync(path.join(out, name)).mtimeMs]).toEqual([name, feb3]);
    expect(statSync(path.join(out, 'small/000.txt')).mode & 0o777).toBe(0o644);
  });

  it.skipIf(noModes === undefined)('create replaces an archive there (it keeps the old one\'s mode where it can), where it failed with EPERM', () => {
    const made = path.join(noModes!, 'made.zip');
    for (let round = 0; round < 2; round++) {
      const created = spawnSync(process.execPath, [bin, 'create', made, path.join(dir, 'modes.zip')], { encoding: 'utf8', env: { ...process.env, ZIPDESK_LOG_CONFIG: '' } });
      // (Its progress lines go to stderr too; an error's line starts with zipdesk:.)
      expect([round, created.status, created.stderr.includes('zipdesk:')]).toEqual([round, 0, false]);
    }
    expect(run('unzip', ['-Z1', made], dir).trim()).toBe('modes.zip');
  });
});

// `zipdesk list ARCHIVE [--json]`: the entries as a table like `unzip -v`, or as one JSON object
// {"comment", "entries": [{name, size, compressedSize, crc32, method, modified, isDirectory,
// encrypted}]} with names exactly as stored and `modified` in ISO 8601 local time without a zone.
// Both stream: the central directory is read a chunk at a time and each chunk is written out
// before the next is read, so a million entries list in bounded memory.

import { EXIT_ARCHIVE_PROBLEM, EXIT_OK, UsageError, type CliContext, type Command } from './command.js';
import { parse, resolvePath } from './args.js';
import { writeOut } from './output.js';
import { errorLine } from './report.js';
import { openFileSource } from '../archive/file-source.js';
import type { ZipEntry } from '../zip/model.js';
import { openZip } from '../zip/reader.js';

export const listCommand: Command = {
  name: 'list',
  usage: 'list ARCHIVE [--json]',
  summary: 'List the entries: size, method, compressed size, ratio, date, CRC-32, name.',
  async run(args: readonly string[], context: CliContext): Promise<number> {
    const { values, positionals } = parse(args, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing ARCHIVE' : `unexpected argument '${positionals[1]}'`);
    const archive = positionals[0]!;
    let source;
    try {
      source = await openFileSource(resolvePath(context.cwd, archive));
    } catch (error) {
      context.stderr.write(errorLine(archive, error));
      return EXIT_ARCHIVE_PROBLEM;
    }
    try {
      const reader = await openZip(source, { log: context.log });
      if (values['json'] === true) await listJson(reader, context);
      else await listTable(reader, context);
      return EXIT_OK;
    } catch (error) {
      context.stderr.write(errorLine(archive, error));
      return EXIT_ARCHIVE_PROBLEM;
    } finally {
      await source.close();
    }
  },
};

type Reader = Awaited<ReturnType<typeof openZip>>;

/** Lines written at a time: a reader batch is tens of thousands of entries, its text many megabytes. */
const WRITE_EVERY = 4096;

async function listJson(reader: Reader, context: CliContext): Promise<void> {
  const { stdout } = context;
  await writeOut(stdout, `{"comment":${JSON.stringify(reader.info.comment)},"entries":[`);
  let first = true;
  for await (const batch of reader.entryBatches()) {
    if (context.signal.aborted) break;
    let parts: string[] = [];
    for (const entry of batch) {
      if (parts.length === WRITE_EVERY) {
        await writeOut(stdout, parts.join(''));
        parts = [];
      }
      parts.push(
        `${first ? '' : ','}\n{"name":${JSON.stringify(entry.name)},"size":${entry.uncompressedSize},"compressedSize":${entry.compressedSize},` +
          `"crc32":${entry.crc32},"method":${entry.compressionMethod},"modified":"${localIsoTime(entry.modified)}",` +
          `"isDirectory":${entry.isDirectory},"encrypted":${entry.encrypted}}`,
      );
      first = false;
    }
    await writeOut(stdout, parts.join(''));
  }
  await writeOut(stdout, '\n]}\n');
}

const HEADER = ' Length   Method    Size  Cmpr    Date    Time   CRC-32   Name\n--------  ------  ------- ---- ---------- ----- --------  ----\n';

async function listTable(reader: Reader, context: CliContext): Promise<void> {
  const { stdout } = context;
  if (reader.info.comment !== '') await writeOut(stdout, `${reader.info.comment}\n`);
  await writeOut(stdout, HEADER);
  let count = 0;
  let size = 0;
  let compressed = 0;
  for await (const batch of reader.entryBatches()) {
    if (context.signal.aborted) break;
    let lines: string[] = [];
    for (const entry of batch) {
      if (lines.length === WRITE_EVERY) {
        await writeOut(stdout, lines.join(''));
        lines = [];
      }
      lines.push(tableRow(entry));
      count++;
      size += entry.uncompressedSize;
      compressed += entry.compressedSize;
    }
    await writeOut(stdout, lines.join(''));
  }
  await writeOut(
    stdout,
    '--------          -------  ---                            -------\n' +
      `${String(size).padStart(8)}          ${String(compressed).padStart(7)} ${ratio(size, compressed).padStart(4)}                            ${count} ${count === 1 ? 'file' : 'files'}\n`,
  );
}

/** unzip -v's method column: Stored, Defl:N, or the method's short name. */
function methodColumn(entry: ZipEntry): string {
  switch (entry.compressionMethod) {
    case 0:
      return 'Stored';
    case 8:
      return ['Defl:N', 'Defl:X', 'Defl:F', 'Defl:S'][(entry.generalPurposeBitFlag >> 1) & 0b11]!;
    case 9:
      return 'Def64';
    case 12:
      return 'BZip2';
    case 14:
      return 'LZMA';
    case 93:
      return 'Zstd';
    case 95:
      return 'XZ';
    case 98:
      return 'PPMd';
    case 99:
      return 'AES';
    default:
      return `Unk:${String(entry.compressionMethod).padStart(3, '0')}`;
  }
}

function ratio(size: number, compressed: number): string {
  if (size === 0) return '0%';
  return `${Math.round((1 - compressed / size) * 100)}%`;
}

function tableRow(entry: ZipEntry): string {
  const when = localIsoTime(entry.modified);
  return (
    `${String(entry.uncompressedSize).padStart(8)}  ${methodColumn(entry).padEnd(6)} ${String(entry.compressedSize).padStart(8)} ${ratio(entry.uncompressedSize, entry.compressedSize).padStart(4)} ` +
    `${when.slice(0, 10)} ${when.slice(11, 16)} ${entry.crc32.toString(16).padStart(8, '0')}  ${entry.name}${entry.encrypted ? ' (encrypted)' : ''}\n`
  );
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Entries of one archive mostly share a handful of times; local-time conversion is not cheap. */
const timeCache = new Map<number, string>();

/** "2024-03-01T13:45:10": ISO 8601 in local time, no zone (what `list --json` promises). */
export function localIsoTime(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) return '1980-01-01T00:00:00';
  let text = timeCache.get(time);
  if (text === undefined) {
    const year = date.getFullYear();
    text = `${String(year).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
    if (timeCache.size > 100_000) timeCache.clear();
    timeCache.set(time, text);
  }
  return text;
}

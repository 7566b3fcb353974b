// Running queued jobs from a terminal, shared by `create` and `batch`: enqueue through the same
// JobClient (queue + worker) as the app, draw a progress bar on a TTY (plain lines otherwise),
// print one line per finished job, and cancel cleanly on Ctrl-C (context.signal).

import path from 'node:path';
import { JobClient, type JobClientOptions } from '../jobs/client.js';
import type { JobEvent, JobId, JobProgress, JobRequest } from '../jobs/protocol.js';
import { type CliContext, EXIT_ARCHIVE_PROBLEM, EXIT_CANCELLED, EXIT_OK } from './command.js';
import { printable } from './report.js';
import { fitEnd } from './text-width.js';
import { decimalBytes } from '../zip/meanings.js';
import { counted } from '../zip/errors.js';

/** Exit code of a command stopped by Ctrl-C (128 + SIGINT). */
export { EXIT_CANCELLED } from './command.js';

/** Sizes in the job lines: "600 B", "40.0 KB" (zip/meanings.ts decimalBytes, as the inspector says them). */
export const formatBytes = decimalBytes;

/** "1 entry", "2 entries" (a folder of nothing but itself, or a file alone, is one). */
export function entryCount(count: number): string {
  return counted(count, 'entry', 'entries');
}

/** An ETA in whole seconds, rounded up once, before it is split: 119.5 s is 2m00s, not 1m60s. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/** The bar's width at most, and at least, in columns (its brackets aside). */
const BAR_WIDTH = 24;
const BAR_WIDTH_MIN = 8;
/** Columns kept for the current entry's name while the bar can still shrink. */
const NAME_ROOM = 12;

/**
 * The bar's width and the text after it on a line of `line` columns: the bar shrinks first, to
 * leave the name some room, then the name's room goes, then the text is cut to its `short` form
 * (the percentage alone), so that a narrow terminal sees a whole bar and its percentage rather
 * than a bar cut off midway. (Both texts are ASCII: a column a character.)
 */
function barLayout(line: number, full: string, short: string): { width: number; text: string } {
  for (const [text, room] of [[full, NAME_ROOM], [full, 0], [short, 0]] as const) {
    const width = Math.min(BAR_WIDTH, line - 2 - text.length - room);
    if (width >= BAR_WIDTH_MIN) return { width, text };
  }
  return { width: BAR_WIDTH_MIN, text: short }; // (cut at the line's end)
}

/**
 * The percentage a line shows: by bytes, and 100 only once every entry is done too. The last
 * file's bytes are all read before its entry is written, and a progress message of that moment
 * made a job's last plain line '100% (0/1 entry, 8.1 MB)' (a third of the runs of one large
 * file); it is 99% until then.
 */
export function percentDone(p: JobProgress): number {
  const complete = p.bytesDone >= p.bytesTotal && p.entriesDone >= p.entriesTotal;
  return complete ? 100 : Math.min(99, Math.floor(fractionDone(p) * 100));
}

function fractionDone(p: JobProgress): number {
  return p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : p.entriesTotal > 0 ? p.entriesDone / p.entriesTotal : 1;
}

export async function runJobs(requests: readonly JobRequest[], context: CliContext, clientOptions: JobClientOptions = {}): Promise<number> {
  const client = new JobClient({ log: context.log, ...clientOptions });
  const tty = context.stderr.isTTY === true;
  /** Each job's archive: its full path, and as the lines show it. */
  const targets = new Map<JobId, { full: string; shown: string }>();
  const lastTenth = new Map<JobId, number>();
  const ends = new Map<JobId, JobEvent['type']>();
  let barShown = false;
  let resolveAll!: () => void;
  const allEnded = new Promise<void>((resolve) => (resolveAll = resolve));
  let expected = Number.POSITIVE_INFINITY;

  const clearBar = (): void => {
    if (barShown) context.stderr.write('\r\x1b[K');
    barShown = false;
  };

  /** An archive's path as every line shows it: from the current folder when it lies below it (as typed, mostly), else in full. */
  const shownPath = (file: string): string => {
    const relative = path.relative(context.cwd, file);
    return relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? file : relative;
  };

  client.onEvent((event) => {
    // A path is printed as its characters, never as terminal controls (a folder named with ESC
    // sequences could retitle the terminal or recolour what follows).
    const target = printable(targets.get(event.jobId)?.shown ?? '');
    switch (event.type) {
      case 'queued': {
        const full = event.request.kind === 'create' ? event.request.outputPath : event.request.archivePath;
        targets.set(event.jobId, { full, shown: shownPath(full) });
        return;
      }
      case 'started':
        if (!tty) context.stderr.write(`${target}: started\n`);
        return;
      case 'progress': {
        const p = event.progress;
        const fraction = fractionDone(p);
        const percent = percentDone(p);
        // While the files are still being found, the totals grow: no percentage yet (and no
        // line when stderr is not a terminal).
        if (p.counting && !tty) return;
        if (tty) {
          // The line never reaches the last column: one that wraps leaves its first part behind
          // at each redraw (the \r goes back to the start of the last part only). A terminal that
          // does not tell its width says 0.
          const line = (context.stderr.columns || 80) - 1;
          const { width, text } = p.counting
            ? barLayout(line, ` finding files: ${entryCount(p.entriesTotal)}, ${formatBytes(p.bytesTotal)} `, ' finding files ')
            : barLayout(line, ` ${String(percent).padStart(3)}% ${formatBytes(p.bytesPerSecond)}/s ETA ${formatSeconds(p.etaSeconds)} `, ` ${String(percent).padStart(3)}% `);
          const filled = p.counting ? 0 : Math.round(fraction * width);
          const head = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${text}`.slice(0, line);
          // (head is ASCII: a column a character; the name is measured in columns.)
          context.stderr.write(`\r\x1b[K${head}${fitEnd(printable(p.currentEntry), line - head.length)}`);
          barShown = true;
        } else {
          const tenth = Math.floor(percent / 10);
          if (tenth > (lastTenth.get(event.jobId) ?? 0)) {
            lastTenth.set(event.jobId, tenth);
            context.stderr.write(`${target}: ${percent}% (${p.entriesDone}/${entryCount(p.entriesTotal)}, ${formatBytes(p.bytesDone)})\n`);
          }
        }
        return;
      }
      case 'done': {
        clearBar();
        const r = event.result;
        const percent = r.sizes.input > 0 ? ` (${Math.round(r.ratio * 100)}%)` : '';
        const shown = shownPath(r.outputPath);
        context.stdout.write(`${printable(shown)}: ${entryCount(r.entries)}, ${formatBytes(r.sizes.input)} → ${formatBytes(r.sizes.output)}${percent} in ${(r.durationMs / 1000).toFixed(1)}s\n`);
        // What the job left out on its own (a socket, a link in a loop): a line each, as zip
        // and tar warn; the archive holds everything else, and the exit code stays 0.
        for (const note of r.problems ?? []) context.stderr.write(printable(['zipdesk', shown, ...(note.entry === undefined ? [] : [note.entry]), note.message].join(': ')) + '\n');
        break;
      }
      case 'failed': {
        clearBar();
        // The worker names the archive in full, at the start; the line names it as the others do.
        const full = targets.get(event.jobId)?.full;
        const message = full !== undefined && event.error.message.startsWith(`${full}: `) ? event.error.message.slice(full.length + 2) : event.error.message;
        context.stderr.write(`zipdesk: ${target}: ${printable(message)}\n`);
        break;
      }
      case 'cancelled':
        clearBar();
        context.stderr.write(`zipdesk: ${target}: cancelled\n`);
        break;
    }
    ends.set(event.jobId, event.type);
    if (ends.size >= expected) resolveAll();
  });

  const onAbort = (): void => {
    for (const { jobId } of client.pendingJobs()) client.cancel(jobId);
  };
  try {
    const ids: JobId[] = [];
    try {
      for (const request of requests) ids.push(...client.enqueue(request));
    } catch (error) {
      for (const id of ids) client.cancel(id);
      context.stderr.write(`zipdesk: ${(error as Error).message}\n`);
      return EXIT_ARCHIVE_PROBLEM;
    }
    expected = ids.length;
    context.jobsQueued?.();
    if (ends.size >= expected) resolveAll();
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
    await allEnded;
    const outcomes = [...ends.values()];
    if (outcomes.includes('cancelled')) return EXIT_CANCELLED;
    return outcomes.every((type) => type === 'done') ? EXIT_OK : EXIT_ARCHIVE_PROBLEM;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    clearBar();
    await client.close();
  }
}

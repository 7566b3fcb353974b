// The `zipdesk` dispatcher: finds the subcommand, runs it with the process's streams, and turns
// whatever happens into an exit code (0 success, 1 a problem with the archive, 2 wrong usage)
// and at most one line on stderr per problem, never a stack trace. Ctrl-C aborts the signal the
// commands watch, so an extraction stops cleanly and leaves no half-written file behind.
//
// `main` does no process-level work, so tests call it in-process with their own streams;
// `runFromProcess` is what bin/zipdesk.js calls.

import { readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { EXIT_ARCHIVE_PROBLEM, EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, UsageError, type CliContext, type Command } from './command.js';
import { allCommands, findCommand } from './commands.js';
import { describeError, errorLine } from './report.js';
import type { Logging } from '../log/index.js';
import { LogConfigFlagError, takeLogConfigFlag } from '../log/paths.js';
import { peekLogConfig } from '../log/peek.js';
import { levelPasses } from '../log/config.js';
import { silentLog, type Log } from '../log/types.js';

const HELP_FLAGS = new Set(['-h', '--help']);

/**
 * The version package.json gives: beside the compiled build/src-main/ (the command line), or
 * src-main/ under vitest.
 */
function version(): string {
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'zipdesk' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not there: the next
    }
  }
  return 'unknown';
}

async function overview(): Promise<string> {
  const lines = [
    'Usage: zipdesk [--log-config FILE] COMMAND [ARGS]',
    '',
    'Commands:',
    ...(await allCommands()).flatMap((command) => [`  zipdesk ${command.usage}`, `      ${command.summary}`]),
    '',
    'Exit codes: 0 success, 1 a problem with an archive, 2 wrong usage, 130 cancelled by Ctrl-C.',
    "Run 'zipdesk help COMMAND' for one command, 'zipdesk --version' for the version.",
  ];
  return lines.join('\n') + '\n';
}

function commandHelp(command: Command): string {
  return `Usage: zipdesk ${command.usage}\n\n${command.summary}\n`;
}

/** Runs one command line (without "node" and the script) and returns the exit code. */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...args] = argv;
  // `zipdesk -h list` is `zipdesk help list` (it gave the overview: -h before the command too).
  if (name !== undefined && HELP_FLAGS.has(name) && args[0] !== undefined) return main(['help', ...args], context);
  if (name === undefined || HELP_FLAGS.has(name)) {
    (name === undefined ? context.stderr : context.stdout).write(await overview());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version') {
    context.stdout.write(`zipdesk ${version()}\n`);
    return EXIT_OK;
  }
  if (name === 'help') {
    const topic = args[0];
    // (`zipdesk help --help` is a request for help too: the overview, as `zipdesk help` gives it.)
    if (topic === undefined || HELP_FLAGS.has(topic)) {
      context.stdout.write(await overview());
      return EXIT_OK;
    }
    const command = await findCommand(topic);
    if (command === undefined) {
      context.stderr.write(`zipdesk: unknown command '${topic}'\n` + (await overview()));
      return EXIT_USAGE;
    }
    context.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  const command = await findCommand(name);
  if (command === undefined) {
    context.stderr.write(`zipdesk: unknown command '${name}'\n` + (await overview()));
    return EXIT_USAGE;
  }
  // After `--` every argument is a name (`create out.zip -- -h` zips a file named -h).
  const end = args.indexOf('--');
  if ((end === -1 ? args : args.slice(0, end)).some((arg) => HELP_FLAGS.has(arg))) {
    context.stdout.write(commandHelp(command));
    return EXIT_OK;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(`zipdesk ${command.name}: ${error.message}\nUsage: zipdesk ${command.usage}\n`);
      return EXIT_USAGE;
    }
    // Commands report archive problems themselves; anything reaching here is unexpected, and
    // still gets one line (set ZIPDESK_DEBUG=1 for the stack).
    context.log.error('command failed', { command: command.name, error: String(error) });
    if (process.env['ZIPDESK_DEBUG']) context.stderr.write(String((error as Error)?.stack ?? error) + '\n');
    context.stderr.write(errorLine(undefined, error));
    return EXIT_ARCHIVE_PROBLEM;
  }
}

type Level = 'error' | 'warn' | 'info' | 'debug';
type Held = { level: Level; message: string; meta: Record<string, unknown> | undefined; context: Record<string, unknown>; at: string };

/** Where the records of a DeferredLog and its children go: held, until there is a target. */
interface Sink {
  readonly held: Held[];
  target: Log | undefined;
}

/**
 * A Log that holds its records until logging is set up (replay), and from then on passes them
 * on. Starting winston and its file transport costs about 0.2 s, more than `zipdesk list` of
 * 100,000 entries itself; so for the commands that only read, logging is set up after the
 * command, and only when there is something at info level or above to write. Those that run
 * jobs set it up while their job runs.
 */
export class DeferredLog implements Log {
  /** This log's child of the target, once there is one. */
  private passOn: Log | undefined;

  constructor(
    private readonly sink: Sink = { held: [], target: undefined },
    private readonly context: Record<string, unknown> = {},
  ) {}
  private hold(level: Level, message: string, meta?: Record<string, unknown>): void {
    const target = this.sink.target;
    if (target === undefined) this.sink.held.push({ level, message, meta, context: this.context, at: new Date().toISOString() });
    else (this.passOn ??= target.child(this.context))[level](message, meta);
  }
  error(message: string, meta?: Record<string, unknown>): void {
    this.hold('error', message, meta);
  }
  warn(message: string, meta?: Record<string, unknown>): void {
    this.hold('warn', message, meta);
  }
  info(message: string, meta?: Record<string, unknown>): void {
    this.hold('info', message, meta);
  }
  debug(message: string, meta?: Record<string, unknown>): void {
    this.hold('debug', message, meta);
  }
  child(meta: Record<string, unknown>): Log {
    return new DeferredLog(this.sink, { ...this.context, ...meta });
  }
  /**
   * Whether anything worth a log file was held: a record above debug, or a debug record of a
   * module for which `wantsDebug` says the settings ask for debug (asked only then, and once).
   */
  worthWriting(wantsDebug: (module: unknown) => boolean = () => false): boolean {
    if (this.sink.held.some((record) => record.level !== 'debug')) return true;
    return this.sink.held.some((record) => wantsDebug(record.meta?.module ?? record.context.module));
  }
  /** Writes the records held into `into`, each with the time it was logged; later ones go there as they come. */
  replay(into: Log): void {
    // winston's timestamp format keeps a timestamp that a record already has.
    for (const record of this.sink.held) into.child(record.context)[record.level](record.message, { ...record.meta, timestamp: record.at });
    this.sink.held.length = 0;
    this.sink.target = into;
  }
}

/** Signals bin/zipdesk.js heard while this module loaded, and a function that stops its listening. */
export interface EarlySignals {
  readonly heard: readonly NodeJS.Signals[];
  release(): void;
}

/** The entry point of bin/zipdesk.js: real streams, logging per the user's settings, Ctrl-C wired to the abort signal. */
export async function runFromProcess(argv: readonly string[] = process.argv.slice(2), early?: EarlySignals): Promise<void> {
  // A command started in a folder removed since (uv_cwd: ENOENT) says so in one line, as git
  // does, where the first process.cwd() threw a stack trace at the user.
  let cwd: string;
  try {
    cwd = process.cwd();
  } catch (error) {
    process.stderr.write(`zipdesk: cannot read the current folder (${describeError(error)}): it may have been removed; change to another folder\n`);
    process.exitCode = EXIT_ARCHIVE_PROBLEM;
    return;
  }
  let logConfig: string | undefined;
  let rest: string[];
  try {
    ({ logConfig, rest } = takeLogConfigFlag(argv));
  } catch (error) {
    if (!(error instanceof LogConfigFlagError)) throw error;
    process.stderr.write(`zipdesk: ${error.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  // Commands that run jobs through the worker log as they go; the read-only ones log little.
  const deferred = new DeferredLog();
  let logging: Logging | undefined;
  // winston is loaded only when logging starts (about 50 ms of module loading otherwise).
  const startLogging = async (): Promise<Logging | undefined> => {
    try {
      const { createCliLogging } = await import('../log/cli-logging.js');
      logging ??= createCliLogging({ logConfig, stderr: process.stderr });
    } catch {
      // logging is a convenience; a broken setup must not stop the command
    }
    return logging;
  };
  const eager = rest[0] === 'create' || rest[0] === 'batch';
  // Ctrl-C, a kill (SIGTERM) or a closed terminal (SIGHUP) cancel the command as cleanly as Ctrl-C
  // does (temporary files removed). A second signal within a second of the first is the same
  // request (a double Ctrl-C; stopping takes well under that); one later, while the command is
  // still stopping, stops it at once, whatever it leaves. A cancelled command exits with 128 + the
  // signal's number, as shells report it (130 for Ctrl-C).
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  let stoppedAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppedBy !== undefined) {
      if (performance.now() - stoppedAt >= SECOND_SIGNAL_STOPS_AFTER_MS) process.exit(signalExitCode(signal));
      return;
    }
    stoppedBy = signal;
    stoppedAt = performance.now();
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // From here on this handler hears them; those that came before count as if heard by it.
  early?.release();
  for (const signal of early?.heard ?? []) onSignal(signal);
  // A closed pipe (zipdesk list big.zip | head) is not an error: a command that only reads ends
  // there with what it knew by then (exitAtLeast below); one that writes files (extract --json …
  // | head) goes on to its end, its output unwritten, so that no file is left half-done.
  const writesFiles = eager || rest[0] === 'extract';
  // Output that cannot be written for any other reason (a full disk: list --json > out.json) is
  // a failure, said once, as coreutils say a write error: exit 1 at once, or at the end for a
  // command that writes files. It used to be dropped without a word, with exit 0, and the file
  // held part of the output.
  let outputLost = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      if (!writesFiles) process.exit(process.exitCode ?? EXIT_OK);
      return;
    }
    if (!outputLost) process.stderr.write(`zipdesk: cannot write to standard output: ${describeError(error)}\n`);
    outputLost = true;
    const failed = Math.max(Number(process.exitCode ?? EXIT_OK), EXIT_ARCHIVE_PROBLEM);
    if (!writesFiles) process.exit(failed);
    // The last line (extract's summary) fails after the command's code was set below.
    process.exitCode = failed;
  });
  // Nor is a closed stderr (zipdesk test a.zip 2>&1 >out | head): the lines it missed are lost,
  // what goes to stdout (the summary, --json) is still written.
  process.stderr.on('error', () => undefined);
  // Commands that run jobs log as they go: logging starts once their jobs are queued, beside
  // them, not before (loading winston took some 0.1 s that a create of one small file waited
  // for); their records wait for it in `deferred`.
  let started: Promise<void> | undefined;
  const startBesideJobs = (): void => {
    started ??= startLogging().then((ready) => deferred.replay(ready?.logger ?? silentLog));
  };
  const code = await main(rest, {
    stdout: process.stdout,
    stderr: process.stderr,
    log: deferred.child({ module: 'cli' }),
    signal: controller.signal,
    cwd,
    exitAtLeast: (code) => {
      if (typeof process.exitCode !== 'number' || process.exitCode < code) process.exitCode = code;
    },
    jobsQueued: eager ? startBesideJobs : undefined,
  });
  // The handlers stay: a signal from here on, while the log is written and closed, comes after
  // the command ended, and its code stands (the summary says what it did). Left to Node's default,
  // a kill just after create had replaced an archive made it exit 143, "cancelled".
  // (A job command that ended before queuing any, on wrong usage, logs as the others do.)
  await started;
  // Debug records alone are written when the settings ask for debug: a read of that small file,
  // not the start of winston, which `list` of a small archive would wait for.
  if (deferred.worthWriting(debugWantedBy(logConfig))) {
    const ready = await startLogging();
    if (ready !== undefined) deferred.replay(ready.logger);
  }
  await logging?.close().catch(() => undefined);
  // A command that finished before the signal reached it reports what it did.
  process.exitCode = code === EXIT_CANCELLED && stoppedBy !== undefined ? signalExitCode(stoppedBy) : outputLost ? Math.max(code, EXIT_ARCHIVE_PROBLEM) : code;
}

/** For DeferredLog.worthWriting: whether the settings would write a module's debug records to the file. */
function debugWantedBy(logConfig: string | undefined): (module: unknown) => boolean {
  let config: ReturnType<typeof peekLogConfig> | undefined;
  return (module) => {
    config ??= peekLogConfig(logConfig);
    if (!config.file.enabled) return false;
    const own = typeof module === 'string' && Object.hasOwn(config.modules, module) ? config.modules[module] : undefined;
    return levelPasses('debug', own ?? config.level);
  };
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SECOND_SIGNAL_STOPS_AFTER_MS = 1000;

function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? EXIT_CANCELLED - 128);
}

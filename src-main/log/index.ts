// The one winston logger of the main process, configured from the user's JSON file (issue 4).
// It owns: creating the file with defaults on first run, reading and validating it, building the
// console and rotating-file transports (rotation is winston-daily-rotate-file's, never ours;
// which old files are kept or gzipped is retention.ts's),
// per-module levels, watching the file and rebuilding the transports in place when it changes,
// and taking records that the worker and the renderer send as plain objects. Whatever the file
// says, logging keeps going: a bad file keeps the last good settings and says so once.

import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import {
  defaultLogConfig,
  formatLogConfig,
  levelPasses,
  MAX_CONFIG_BYTES,
  mostVerbose,
  parseLogConfig,
  type FileConfig,
  type LogConfig,
  type LogLevel,
} from './config.js';
import { makeFolderPathSync } from '../archive/make-folder.js';
import { systemWords } from '../archive/system-words.js';
import { defaultLogFolder } from './paths.js';
import { logFilePattern, sweepLogFolder, type LeftFile, type SweepSettings } from './retention.js';
import { errorFields, logRecordTo, toJson } from './record.js';

export * from './config.js';
export * from './paths.js';
export * from './record.js';
export { silentLog, type Log } from './types.js';

/** The module name of this file's own records (config warnings); `modules.log` in the config silences them. */
export const LOGGING_MODULE = 'log';


export interface LoggingOptions {
  /** The JSON settings file (see paths.ts for where the app and the CLI find it). */
  readonly configPath: string;
  /** The log folder when the config names none; default `logs` beside the config file. */
  readonly defaultFolder?: string;
  /** Where console records go; default process.stderr. */
  readonly consoleStream?: Writable;
  /** Write the defaults to configPath when it does not exist (first run); default true. */
  readonly createIfMissing?: boolean;
  /**
   * When configPath is missing or not a file that can be read at start: true (default) logs with
   * the default settings, to `defaultFolder`; false writes no log file. The CLI passes false for a
   * file the user named: a mistyped `--log-config typo/logging.json` made `typo/logs/` and a log
   * file there, and `--log-config SOMEFOLDER` a `logs` folder beside it.
   */
  readonly fileWithoutConfig?: boolean;
  /** Watch the file and apply edits while running; default true. */
  readonly watch?: boolean;
  /** Quiet time after the last change before re-reading; default 200 ms (editors write in bursts). */
  readonly debounceMs?: number;
  /**
   * 'all' (default): the console shows records per the config's console settings. 'config-warnings':
   * only this module's own warnings (a broken or missing config), for the CLI, whose stderr carries
   * its one-line error messages and nothing else; its records still go to the file.
   */
  readonly consoleRecords?: 'all' | 'config-warnings';
}

export interface LoggingEvents {
  /** A changed file was read and applied. */
  reloaded: [config: LogConfig];
  /** A config problem was logged (missing file, broken JSON, bad keys); the text is the logged warning. */
  warning: [message: string];
  /** The rotating file transport started writing a file (first file and after each rotation). */
  newFile: [file: string];
  rotate: [oldFile: string, newFile: string];
  /** An earlier file was gzipped (retention.ts). */
  archive: [gzFile: string];
  /** An old file was deleted because maxFiles says so (retention.ts). */
  logRemoved: [file: string];
}

type ConfigRead = { kind: 'missing' } | { kind: 'text'; text: string } | { kind: 'unreadable'; text: string; reason: string };

type FileTransport = DailyRotateFile & {
  close?: () => void;
  __winstonerror?: (...args: unknown[]) => void;
  /** What retention.ts needs to know of this transport's files, but which of them are in use. */
  retention: Omit<SweepSettings, 'inUse' | 'leftBehind'>;
  /** The file it writes now, once file-stream-rotator has said. */
  current?: string;
  /** The files it writes or has writes in flight to (each counted once in Logging.inUse). */
  held: Set<string>;
  /** Files it rotated away from whose streams have not closed yet, with when. */
  leaving: { file: string; at: number }[];
  /** Called when `leaving` empties. */
  onLeft?: () => void;
  /** Its current stream has been ended (retireFile): that stream's 'close' is among those to come. */
  ending: boolean;
};

export class Logging extends EventEmitter<LoggingEvents> {
  readonly configPath: string;
  readonly logger: winston.Logger;

  private current: LogConfig;
  private readonly defaultFolder: string;
  private readonly console: winston.transports.StreamTransportInstance;
  private readonly consoleStream: Writable;
  /** The console is the command line's stderr (consoleRecords 'config-warnings'), where every line is `zipdesk: …`. */
  private readonly commandLine: boolean;
  /** Warnings raised while the constructor is still choosing the settings, logged once transports exist. */
  private pending: string[] | undefined = [];
  private file: FileTransport | undefined;
  private fileKey = '';
  private lastText: string | undefined;
  private watcher: fs.FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly debounceMs: number;
  private readonly retiring = new Set<Promise<void>>();
  private closed = false;
  private fileErrorReported = false;
  private sweepErrorReported = false;
  /** The files this process's transports write, with how many of them write each. */
  private readonly inUse = new Map<string, number>();
  /** Files this process rotated away from, with when (retention.ts orders them by it). */
  private readonly leftBehind = new Map<string, LeftFile>();
  private lastLeftAt = 0;
  private sweeping: Promise<void> | undefined;
  private sweepAgain = false;

  constructor(options: LoggingOptions) {
    super();
    this.configPath = path.resolve(options.configPath);
    this.defaultFolder = path.resolve(options.defaultFolder ?? defaultLogFolder(this.configPath));
    this.debounceMs = options.debounceMs ?? 200;
    this.current = defaultLogConfig(this.defaultFolder);

    // One filter for every record: a module's level replaces the overall one. Child loggers share
    // the parent's transports, so the decision has to be made per record, from info.module.
    const moduleFilter = winston.format((info) => (levelPasses(info.level as LogLevel, this.thresholdFor(info.module)) ? info : false));
    this.logger = winston.createLogger({
      levels: winston.config.npm.levels,
      level: 'silly',
      format: winston.format.combine(moduleFilter(), plainErrors(), winston.format.timestamp()),
    });
    // Transport errors must never crash the app or re-add a retired transport (winston does that on 'error').
    this.logger.on('error', (error: unknown) => this.reportFileError(error));

    this.consoleStream = options.consoleStream ?? process.stderr;
    this.commandLine = options.consoleRecords === 'config-warnings';
    const onlyConfigWarnings = winston.format((info) => (info.module === LOGGING_MODULE ? info : false));
    const consoleFormat = options.consoleRecords === 'config-warnings' ? winston.format.combine(onlyConfigWarnings(), commandLineFormat()) : textFormat();
    this.console = new winston.transports.Stream({ stream: this.consoleStream, format: consoleFormat });
    this.logger.add(this.console);

    const created = options.createIfMissing !== false && this.createWithDefaults();
    const read = this.readConfig();
    if (read.kind !== 'text' && options.fileWithoutConfig === false) {
      this.lastText = read.kind === 'missing' ? undefined : read.text;
      const what = read.kind === 'missing' ? `logging config file ${this.configPath} not found` : `cannot read logging config ${this.configPath}: ${read.reason}`;
      this.warn(`Warning: ${what}; no log file is written`);
      this.apply({ ...this.current, file: { ...this.current.file, enabled: false } });
    } else if (read.kind === 'missing') {
      this.warn(`Warning: logging config file ${this.configPath} not found; using the default settings`);
      this.apply(this.current);
    } else if (!this.applyRead(read)) {
      this.apply(this.current); // the defaults: logging starts even when the file is unusable
    }
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const message of pending) this.warn(message);
    if (created) this.logger.child({ module: LOGGING_MODULE }).info('created the logging config with default settings', { file: this.configPath });
    if (options.watch !== false) this.startWatching();
  }

  /** The settings in force (the last good ones). */
  get config(): LogConfig {
    return structuredClone(this.current);
  }

  /** The folder the log files go to now: for "Show Logs". */
  get logFolder(): string {
    return this.folderOf(this.current.file);
  }

  /** A logger for one module: its records carry `module` and obey `modules.<name>` in the config. */
  child(module: string, meta: Record<string, unknown> = {}): winston.Logger {
    return this.logger.child({ ...meta, module });
  }

  /**
   * Logs a record that arrived as data from the worker or the renderer (see record.ts): under
   * meta.module, else defaultModule. An unknown level is not dropped: the record is logged as a
   * warning with `badLevel` naming what was sent.
   */
  logRecord(record: unknown, defaultModule?: string): void {
    logRecordTo(this.logger, record, defaultModule);
  }

  /** For "Edit Logging Settings": the config file, written with the current settings first if it is gone. */
  ensureConfigFile(): string {
    if (!fs.existsSync(this.configPath)) {
      try {
        makeFolderPathSync(path.dirname(this.configPath));
        fs.writeFileSync(this.configPath, formatLogConfig(this.current), { flag: 'wx' });
      } catch (error) {
        this.warn(`Warning: cannot create logging config ${this.configPath}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return this.configPath;
  }

  /** For "Show Logs": the log folder, created if logging to files is off and it never existed. */
  ensureLogFolder(): string {
    const folder = this.logFolder;
    try {
      makeFolderPathSync(folder);
    } catch (error) {
      this.warn(`Warning: cannot create the log folder ${folder}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return folder;
  }

  /**
   * Re-reads the file and applies it. Returns true when the file was applied; false when it was
   * unchanged or unusable (then the last good settings stay and one warning says why).
   */
  reload(): boolean {
    if (this.closed) return false;
    const read = this.readConfig();
    if (read.kind === 'missing') {
      if (this.lastText === undefined) return false; // still missing: already said so
      this.lastText = undefined;
      this.warn(`Warning: logging config file ${this.configPath} not found; keeping the current settings`);
      return false;
    }
    if (read.text === this.lastText) return false; // a touch or a duplicate watch event, not an edit
    if (!this.applyRead(read)) return false;
    this.emit('reloaded', this.config);
    return true;
  }

  /** Stops watching and flushes and closes the files. Records logged after this go nowhere. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.debounce);
    this.watcher?.close();
    await flushed(this.logger);
    const last = this.file;
    if (last) this.retireFile(last, { keepInUse: true });
    this.file = undefined;
    this.logger.remove(this.console);
    this.logger.silent = true; // late records are dropped quietly, not reported by winston as "no transports"
    await Promise.all(this.retiring);
    // Now that every file is written: a burst of rotations may have left files the last sweep
    // could not see yet. The file last written stays plain: the next run goes on writing it.
    await this.sweeping;
    if (last === undefined) return;
    await this.sweep(last);
  }

  private thresholdFor(module: unknown): LogLevel {
    const name = typeof module === 'string' ? module : undefined;
    const own = name !== undefined && Object.hasOwn(this.current.modules, name) ? this.current.modules[name] : undefined;
    if (own) return own;
    // This file's own warnings are shown even when the overall level is "error", unless modules.log says otherwise.
    return name === LOGGING_MODULE ? mostVerbose([this.current.level, 'warn']) : this.current.level;
  }

  private createWithDefaults(): boolean {
    try {
      makeFolderPathSync(path.dirname(this.configPath));
      // 'wx': never overwrite a file that appeared meanwhile (another instance, the user).
      fs.writeFileSync(this.configPath, formatLogConfig(defaultLogConfig(this.defaultFolder)), { flag: 'wx' });
      return true;
    } catch {
      return false; // exists already, or cannot be written: the read below reports what matters
    }
  }

  private readConfig(): ConfigRead {
    try {
      // Only a regular file of settings' size is read: a named pipe or a device (--log-config
      // /dev/zero) would hold this thread, and with it Ctrl-C, for good.
      const info = fs.statSync(this.configPath);
      if (!info.isFile()) return { kind: 'unreadable', text: '\u0000not a file', reason: 'not a regular file' };
      if (info.size > MAX_CONFIG_BYTES) return { kind: 'unreadable', text: `\u0000${info.size} bytes`, reason: `${info.size} bytes, more than a logging config's ${MAX_CONFIG_BYTES}` };
      return { kind: 'text', text: fs.readFileSync(this.configPath, 'utf8') };
    } catch (error) {
      const code = isObject(error) ? error.code : undefined;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      // Remembered as text so that the same failure on the next watch event is not reported twice.
      return { kind: 'unreadable', text: `\u0000${String(code)}`, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Applies what was read, or warns once and keeps the current settings. */
  private applyRead(read: Exclude<ConfigRead, { kind: 'missing' }>): boolean {
    this.lastText = read.text;
    // At start (warnings still pending) there are no settings to keep but the defaults.
    const keeping = this.pending ? 'using the default settings' : 'keeping the current settings';
    if (read.kind === 'unreadable') {
      this.warn(`Warning: cannot read logging config ${this.configPath}: ${read.reason}; ${keeping}`);
      return false;
    }
    const parsed = parseLogConfig(read.text, this.configPath, this.defaultFolder);
    if (!parsed.ok) {
      this.warn(`Warning: logging config ${parsed.problems.join('; ')}; ${keeping}`);
      return false;
    }
    this.apply(parsed.config);
    // Settings that take no effect (a module name nothing logs under): applied, and said once.
    if (parsed.notes !== undefined) this.warn(`Warning: logging config ${parsed.notes.join('; ')}`);
    return true;
  }

  /** Puts a configuration in force, rebuilding the file transport only when its settings changed. */
  private apply(config: LogConfig): void {
    const previous = this.current;
    this.current = config;
    // The logger's own level only answers isLevelEnabled(); the module filter decides per record.
    this.logger.level = mostVerbose([config.level, 'warn', ...Object.values(config.modules)]);
    this.console.level = config.console.level;
    this.console.silent = !config.console.enabled;

    const key = this.keyOf(config.file);
    if (key === this.fileKey && (this.file !== undefined) === config.file.enabled) return;
    let replacement: FileTransport | undefined;
    // The settings the new transport writes by: those asked for, or the start-up fallback's.
    let used = config.file;
    if (config.file.enabled) {
      try {
        replacement = this.makeFileTransport(config.file);
      } catch (error) {
        // (In words: the folder is named already, and Node's message names it again, with its call.)
        const why = `cannot write logs to ${this.folderOf(config.file)}: ${systemWords(error)}`;
        // e.g. a folder that cannot be created. With a log file already written, the levels
        // apply and the file stays where it was; with none yet (at start), the default folder
        // takes the records rather than no file at all.
        const fallback = this.file === undefined && this.folderOf(config.file) !== this.defaultFolder ? { ...config.file, folder: null } : undefined;
        try {
          if (fallback === undefined) throw error;
          replacement = this.makeFileTransport(fallback);
          used = fallback;
          this.current = { ...config, file: fallback };
          this.warn(`Warning: ${why}; writing them to ${this.defaultFolder} instead`);
        } catch {
          this.current = { ...config, file: previous.file };
          this.warn(`Warning: ${why}; ${this.file === undefined ? 'no log file is written' : 'keeping the current log file'}`);
          return;
        }
      }
    }
    const old = this.file;
    if (replacement) this.logger.add(replacement);
    this.file = replacement;
    // The key of what the transport writes by: after the fallback, the folder that failed is not
    // it, and a later edit of the level alone took the early return above while keeping the
    // failed folder in `current`, where "Show Logs" and `config` then pointed.
    this.fileKey = config.file.enabled ? this.keyOf(used) : '';
    if (old) this.retireFile(old);
  }

  /** What a file transport is built from: two settings with the same key write the same files. */
  private keyOf(file: FileConfig): string {
    return JSON.stringify({ ...file, folder: this.folderOf(file) });
  }

  private makeFileTransport(file: FileConfig): FileTransport {
    const folder = this.folderOf(file);
    // (Not mkdirSync's { recursive: true }, which never returns for a folder in /proc.)
    makeFolderPathSync(folder);
    // file-stream-rotator opens the file asynchronously, so a folder that exists but cannot be
    // written (read-only, /proc) failed after the transport was in place: every record lost, no
    // fallback. A file created and removed here makes that a construction error, which apply() handles.
    const probe = path.join(folder, `.zipdesk-write-test-${process.pid}`);
    fs.closeSync(fs.openSync(probe, 'w'));
    fs.rmSync(probe, { force: true });
    // "zipdesk-%DATE%.log" → rotated by size as zipdesk-DATE.1.log, not zipdesk-DATE.log.1; a
    // name whose date is its last part ("zipdesk.log.%DATE%") has no extension of its own.
    const lastPart = path.extname(file.fileName);
    const extension = lastPart.includes('%DATE%') ? '' : lastPart;
    const stem = extension ? file.fileName.slice(0, -extension.length) : file.fileName;
    // Neither maxFiles nor zippedArchive: retention.ts keeps the folder to them (see there why).
    // Without maxFiles the rotator keeps no audit file either, and so never reads this folder's
    // path as a regular expression ("C++ projects" threw from the second start on).
    const rotating = new DailyRotateFile({
      dirname: folder,
      filename: stem,
      extension,
      datePattern: file.datePattern,
      maxSize: file.maxSize ?? undefined,
      format: file.format === 'json' ? winston.format.json() : textFormat(),
    });
    const transport: FileTransport = Object.assign(rotating, {
      retention: {
        folder,
        pattern: logFilePattern({ stem, extension, datePattern: file.datePattern }),
        datePattern: file.datePattern,
        maxFiles: file.maxFiles,
        zippedArchive: file.zippedArchive,
      },
      held: new Set<string>(),
      leaving: [],
      ending: false,
    });
    // The rotator names its first file before this can listen, and again a tick later, by when
    // a burst may have rotated past it; 'rotate' names the file left, heard or not.
    const hold = (name: string): void => {
      if (transport.held.has(name)) return;
      transport.held.add(name);
      this.use(name);
    };
    transport.on('new', (name: string) => {
      if (name === transport.current) return;
      transport.current = name;
      hold(name);
      this.emit('newFile', name);
      this.scheduleSweep();
    });
    // The rotator ends the stream of the file it leaves; what was written to it is on disk once
    // that stream closes. The proxy says 'close' once per stream but not which: the files left
    // are done when as many have closed as there were rotations, and once the current stream is
    // ended, one more. Its 'close' can come before an older stream's (whose file a busy thread
    // pool has not even opened yet), and counted as theirs it let close() sweep before that file
    // existed: the file appeared after, past maxFiles.
    let rotations = 0;
    let closes = 0;
    transport.on('rotate', (oldFile: string, newFile: string) => {
      hold(oldFile);
      rotations++;
      // Strictly increasing, so that a burst of rotations within one millisecond keeps its order.
      this.lastLeftAt = Math.max(Date.now(), this.lastLeftAt + 0.001);
      transport.leaving.push({ file: oldFile, at: this.lastLeftAt });
      this.emit('rotate', oldFile, newFile);
    });
    (transport.logStream as unknown as EventEmitter).on('close', () => {
      closes++;
      if (transport.leaving.length === 0 || closes < rotations + (transport.ending ? 1 : 0)) return;
      // A millisecond's grace: the file system's clock may run a tick behind Date.now().
      const doneAt = Date.now() + 1;
      for (const { file: left, at } of transport.leaving.splice(0)) {
        if (left !== transport.current && transport.held.delete(left)) this.release(left);
        this.leftBehind.set(left, { leftAt: at, doneAt });
      }
      transport.onLeft?.();
      this.scheduleSweep();
    });
    // file-stream-rotator re-emits fs errors on its proxy; unhandled they would throw.
    (transport.logStream as unknown as EventEmitter).on('error', (error: unknown) => this.reportFileError(error));
    // A rotation re-creates the folder synchronously inside write() (mkDirForFile), and throws when
    // it cannot (the folder deleted and its parent read-only, or a file in its place). Thrown there,
    // it left winston's pipe mid-write: the caller of logger.info() got ENOTDIR, the CLI a stack
    // trace, and close() never finished. The record is lost either way; the write is reported and
    // winston goes on to the next one.
    const stream = transport.logStream as unknown as { write(...args: unknown[]): unknown };
    const write = stream.write.bind(stream);
    stream.write = (...args: unknown[]): unknown => {
      try {
        return write(...args);
      } catch (error) {
        this.reportFileError(error);
        return true;
      }
    };
    return transport;
  }

  /**
   * Takes a file transport out of the logger, lets what it already holds reach the disk, then closes
   * it, and waits for the streams of the files it left (a burst) to close too. Its files are then
   * no longer in use, but with `keepInUse` (at close, for the last sweep). Those files were let go
   * once the current stream had finished: a sweep after a reload could delete or gzip one whose
   * open was still to come, and close() after a reload did not wait for them.
   */
  private retireFile(transport: FileTransport, { keepInUse = false } = {}): void {
    if (transport.__winstonerror) transport.off('error', transport.__winstonerror);
    transport.on('error', (error: unknown) => this.reportFileError(error));
    const closeStream = (callback: () => void): void => {
      transport.ending = true;
      (transport.logStream as unknown as { end(callback: () => void): void }).end(callback);
    };
    transport.close = () => undefined; // winston closes on unpipe, before the records in flight are written
    this.logger.remove(transport);
    const done = new Promise<void>((resolve) => {
      transport.once('error', () => resolve()); // reported above; closing must not hang on a broken disk
      transport.end(() => closeStream(resolve));
    }).then(() => (transport.leaving.length === 0 ? undefined : new Promise<void>((resolve) => (transport.onLeft = resolve))));
    this.retiring.add(done);
    void done.then(() => {
      this.retiring.delete(done);
      if (keepInUse) return;
      for (const file of transport.held) this.release(file);
      transport.held.clear();
      this.scheduleSweep();
    });
  }

  private use(file: string): void {
    this.inUse.set(file, (this.inUse.get(file) ?? 0) + 1);
  }

  private release(file: string): void {
    const users = (this.inUse.get(file) ?? 0) - 1;
    if (users > 0) this.inUse.set(file, users);
    else this.inUse.delete(file);
  }

  /** Runs the sweep for the transport in force, one at a time; asked again while one runs, it runs once more after it. */
  private scheduleSweep(): void {
    this.sweepAgain = true;
    if (this.sweeping || this.closed) return;
    const run = async (): Promise<void> => {
      while (this.sweepAgain && this.file !== undefined) {
        this.sweepAgain = false;
        await this.sweep(this.file);
      }
      this.sweeping = undefined;
    };
    this.sweeping = run();
  }

  private async sweep(transport: FileTransport): Promise<void> {
    const result = await sweepLogFolder({ ...transport.retention, inUse: new Set(this.inUse.keys()), leftBehind: this.leftBehind });
    for (const file of result.removed) {
      this.leftBehind.delete(file.replace(/\.gz$/, ''));
      this.emit('logRemoved', file);
    }
    for (const file of result.archived) this.emit('archive', file);
    const [problem] = result.problems;
    // Once, like a failed write: a folder that refuses one deletion refuses the next.
    if (problem === undefined || this.sweepErrorReported) return;
    this.sweepErrorReported = true;
    this.consoleWarning('removing or gzipping old log files failed', problem);
  }

  private folderOf(file: FileConfig): string {
    if (!file.folder) return this.defaultFolder;
    const expanded = file.folder === '~' || file.folder.startsWith('~/') ? path.join(os.homedir(), file.folder.slice(1)) : file.folder;
    return path.resolve(path.dirname(this.configPath), expanded);
  }

  private warn(message: string): void {
    if (this.pending) {
      this.pending.push(message);
      return;
    }
    this.logger.child({ module: LOGGING_MODULE }).warn(message);
    this.emit('warning', message);
  }

  private reportFileError(error: unknown): void {
    // Once: a disk that refuses one write usually refuses the next, and each report would be another write.
    if (this.fileErrorReported) return;
    this.fileErrorReported = true;
    this.consoleWarning('writing the log file failed', error);
  }

  /**
   * A problem of the logging itself, on the console and to listeners. On the command line it is
   * one of its lines, `zipdesk: warning: writing the log file failed: file too large (PATH)`; it
   * was Node's message as it came ('Warning: … EFBIG: file too large, write').
   */
  private consoleWarning(what: string, problem: unknown): void {
    const message = `Warning: ${what}: ${problem instanceof Error ? problem.message : String(problem)}`;
    if (!this.consoleStream.writableEnded) {
      const where = (problem as NodeJS.ErrnoException | undefined)?.path;
      const line = this.commandLine ? `zipdesk: warning: ${escapeControls(`${what}: ${systemWords(problem)}${typeof where === 'string' ? ` (${where})` : ''}`)}` : message;
      this.consoleStream.write(`${line}\n`);
    }
    this.emit('warning', message);
  }

  private startWatching(): void {
    // Watch the folder, not the file: editors that save by writing a new file and renaming it over
    // the old one would leave a file watcher on a deleted inode.
    // A settings file that is a link is watched where it points (edits change the target).
    let watched = this.configPath;
    try {
      watched = fs.realpathSync(this.configPath);
    } catch {
      // not there yet: watch where it would be
    }
    const name = path.basename(watched);
    try {
      this.watcher = fs.watch(path.dirname(watched), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed.toString() !== name) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          // A timer's exception would end the process: a settings file must never do that.
          try {
            this.reload();
          } catch (error) {
            this.warn(`Warning: logging config ${this.configPath}: ${error instanceof Error ? error.message : String(error)}; the previous settings stay`);
          }
        }, this.debounceMs);
        this.debounce.unref();
      });
      this.watcher.on('error', (error) => this.warn(`Warning: stopped watching ${this.configPath} for changes: ${error.message}`));
    } catch (error) {
      this.warn(`Warning: cannot watch ${this.configPath} for changes (${error instanceof Error ? error.message : String(error)}); edits apply on the next start`);
    }
  }
}

export function createLogging(options: LoggingOptions): Logging {
  return new Logging(options);
}

const SKIPPED_FIELDS = new Set(['level', 'message', 'timestamp', 'module']);

/** `2026-11-22T04:21:25.123Z info  [jobs] job done {"jobId":3,"ms":12}` */
function textFormat(): winston.Logform.Format {
  return winston.format.printf((info) => {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(info)) if (!SKIPPED_FIELDS.has(key)) fields[key] = value;
    const module = typeof info.module === 'string' ? ` [${escapeControls(info.module)}]` : '';
    const message = escapeControls(typeof info.message === 'string' ? info.message : toJson(info.message));
    // JSON escapes C0 controls and backslashes already, not C1 controls or the Unicode line separators.
    const rest = Object.keys(fields).length > 0 ? ` ${toJson(fields).replace(/[\x7f-\x9f\u2028\u2029]/g, unicodeEscape)}` : '';
    return `${String(info.timestamp ?? new Date().toISOString())} ${info.level.padEnd(5)}${module} ${message}${rest}`;
  });
}

/**
 * A warning about the settings as the command line says every other thing on stderr, in one line
 * of its own kind (`zipdesk: warning: logging config FILE:3:1: …; using the default settings`),
 * not as a log record with a time and a level.
 */
function commandLineFormat(): winston.Logform.Format {
  return winston.format.printf((info) => {
    const message = escapeControls(typeof info.message === 'string' ? info.message : toJson(info.message));
    return `zipdesk: ${message.replace(/^Warning: /, 'warning: ')}`;
  });
}

/**
 * One record, one line, and nothing a terminal acts on: a message from a page or a worker cannot
 * forge records with a line break (CR, LF, VT, FF, NEL, U+2028/2029) or rewrite the screen with an
 * escape sequence. A backslash is doubled, so that a message holding a backslash and an n is not
 * read as one that held a line break.
 */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\\\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (character) => CONTROL_ESCAPES[character] ?? unicodeEscape(character));
}

const CONTROL_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `{ error: new Error(…) }` in meta keeps name, message and code in both formats (JSON.stringify gives "{}"). */
const plainErrors = winston.format((info) => {
  for (const [key, value] of Object.entries(info)) if (value instanceof Error) info[key] = errorFields(value);
  return info;
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Resolves when the records already handed to the logger have left its buffers for the transports. */
async function flushed(logger: winston.Logger): Promise<void> {
  const state = logger as unknown as { readableLength: number; writableLength: number };
  // Each turn lets the stream machinery move records along; a bounded number of turns, never a timer.
  for (let turn = 0; turn < 100 && (state.readableLength > 0 || state.writableLength > 0); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setImmediate(resolve));
}

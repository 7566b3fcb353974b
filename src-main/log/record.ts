// Log records as data, for the threads and processes that have no winston: the worker thread
// and the renderer build records with `recordingLog(send)` and post them; the main process hands
// each one to `logRecordTo(log, record)`, which checks it (it crossed a boundary, so it is
// untrusted) and logs it through the right child logger. Nothing here imports winston.

import { parseLevel, type LogLevel } from './config.js';
import type { Log } from './types.js';

/** What crosses postMessage / IPC: plain, structured-clone-safe data. */
export interface LogRecord {
  readonly level: string;
  readonly message: string;
  /** Fields kept on the record; `module` names the child logger, `jobId` and the rest are kept as is. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

const RESERVED = ['level', 'message', 'timestamp'];

/**
 * Logs a record that arrived as data, under `meta.module` (else `defaultModule`, e.g. "renderer"
 * for records from IPC, so a page cannot go unlabelled). An unknown level is not dropped: the record is logged as a
 * warning with `badLevel` saying what was sent. Reserved meta keys (level, message, timestamp)
 * are ignored so a record cannot disguise itself.
 */
export function logRecordTo(log: Log, record: unknown, defaultModule?: string): void {
  const fields = isObject(record) ? record : { message: record };
  const meta: Record<string, unknown> = isObject(fields.meta) ? { ...fields.meta } : {};
  if (defaultModule !== undefined && (typeof meta.module !== 'string' || meta.module === '')) meta.module = defaultModule;
  for (const key of RESERVED) delete meta[key];
  const level = parseLevel(fields.level);
  if (!level) meta.badLevel = String(fields.level);
  const message = typeof fields.message === 'string' ? fields.message : toJson(fields.message);
  const module = typeof meta.module === 'string' && meta.module !== '' ? meta.module : undefined;
  const target = module ? log.child({ module }) : log;
  logAt(target, level ?? 'warn', message, meta);
}

/** Logs at any npm level through a Log: winston's `log(level, …)` when there is one, else the nearest of the four methods. */
export function logAt(log: Log, level: LogLevel, message: string, meta?: Record<string, unknown>): void {
  if (log.log) {
    log.log(level, message, meta);
    return;
  }
  if (level === 'error') log.error(message, meta);
  else if (level === 'warn') log.warn(message, meta);
  else if (level === 'info') log.info(message, meta);
  else log.debug(message, meta);
}

/**
 * A Log that turns every call into a LogRecord for `send` (postMessage in the worker, IPC in the
 * renderer). Meta is made plain first so that a record always survives structured cloning.
 */
export function recordingLog(send: (record: LogRecord) => void, baseMeta: Record<string, unknown> = {}): Log {
  const emit = (level: string, message: string, meta?: Record<string, unknown>): void => {
    send({ level, message: String(message), meta: toPlain({ ...baseMeta, ...meta }) });
  };
  return {
    error: (message, meta) => emit('error', message, meta),
    warn: (message, meta) => emit('warn', message, meta),
    info: (message, meta) => emit('info', message, meta),
    debug: (message, meta) => emit('debug', message, meta),
    log: (level, message, meta) => emit(level, message, meta),
    child: (meta) => recordingLog(send, { ...baseMeta, ...meta }),
  };
}

/** JSON text for anything log metadata may hold: Errors, bigints, cycles. */
export function toJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item instanceof Error) return errorFields(item);
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) return '[circular]';
      seen.add(item);
    }
    return item;
  });
  return text ?? String(value);
}

/** The fields of an Error worth keeping in a log line (JSON.stringify of an Error is "{}"). */
export function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields.code = code;
  return fields;
}

function toPlain(meta: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(toJson(meta)) as Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

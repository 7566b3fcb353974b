// The logging seam every module codes against: winston's Logger satisfies it, and so does
// the no-op logger used where nobody configured logging (library use, some tests).

export interface Log {
  error(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
  /** Any winston npm level by name (http, verbose, silly too); winston has it, small Logs may not (see log/record.ts logAt). */
  log?(level: string, message: string, meta?: Record<string, unknown>): unknown;
  child(meta: Record<string, unknown>): Log;
}

export const silentLog: Log = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLog,
};

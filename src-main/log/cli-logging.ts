// Logging for one `zipdesk` command-line run: the settings file the app uses, unless
// `--log-config FILE` or ZIPDESK_LOG_CONFIG names another (issue 4). Only the app's own file is
// created on first run; a file the user named and that is missing (or is a folder, or cannot be
// read) gives a warning and no log file: logs beside a mistyped path would make its folders. A
// command is short, so the file is not watched. stderr belongs to the
// command's one-line messages: of the log records only warnings about the config reach it; the
// rest go to the log file.

import type { Writable } from 'node:stream';
import { createLogging, type Logging } from './index.js';
import { resolveLogConfig } from './paths.js';

export interface CliLoggingOptions {
  /** The value of --log-config, if given. */
  readonly logConfig?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Warnings about the config go here; the CLI passes its stderr. */
  readonly stderr?: Writable;
}

export function createCliLogging(options: CliLoggingOptions = {}): Logging {
  const resolved = resolveLogConfig(options.logConfig, options.env ?? process.env, options.cwd ?? process.cwd());
  return createLogging({
    configPath: resolved.path,
    ...(options.stderr ? { consoleStream: options.stderr } : {}),
    createIfMissing: resolved.source === 'default',
    fileWithoutConfig: resolved.source === 'default',
    watch: false,
    consoleRecords: 'config-warnings',
  });
}

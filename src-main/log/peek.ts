// What the logging settings ask for, read without winston: for the command line, which starts
// winston (some 0.2 s) only when there is something to write, and has to know whether its held
// debug records are. Reads the file logging would read, as it would (a regular file of up to
// 1 MiB); anything unusable reads as the defaults, about which logging itself warns when it starts.

import fs from 'node:fs';
import { defaultLogConfig, MAX_CONFIG_BYTES, parseLogConfig, type LogConfig } from './config.js';
import { resolveLogConfig } from './paths.js';

/** The settings `--log-config FILE` (or the variable, or the app's file) gives, else the defaults. */
export function peekLogConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LogConfig {
  const { path } = resolveLogConfig(flag, env, cwd);
  try {
    const info = fs.statSync(path);
    if (!info.isFile() || info.size > MAX_CONFIG_BYTES) return defaultLogConfig();
    const parsed = parseLogConfig(fs.readFileSync(path, 'utf8'), path);
    return parsed.ok ? parsed.config : defaultLogConfig();
  } catch {
    return defaultLogConfig();
  }
}

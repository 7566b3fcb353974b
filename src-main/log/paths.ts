// Where the logging settings live. The app and the command line share one file in the app's
// configuration folder, which is Electron's userData folder computed here without importing
// electron (the CLI and tests must never load it): `$XDG_CONFIG_HOME/Zipdesk` or
// `~/.config/Zipdesk` on Linux, `~/Library/Application Support/Zipdesk` on macOS,
// `%APPDATA%\Zipdesk` on Windows. The command line may name another file with `--log-config FILE`
// or `ZIPDESK_LOG_CONFIG` (issue 4).

import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER_NAME = 'Zipdesk';
export const LOG_CONFIG_FILE_NAME = 'logging.json';
export const LOG_FOLDER_NAME = 'logs';
export const LOG_CONFIG_FLAG = '--log-config';
export const LOG_CONFIG_ENV = 'ZIPDESK_LOG_CONFIG';

type Env = Readonly<Record<string, string | undefined>>;

/** The app's configuration folder, as Electron's `app.getPath('userData')` names it for an app called Zipdesk. */
export function defaultConfigDir(
  platform: NodeJS.Platform = process.platform,
  env: Env = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_FOLDER_NAME);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  // Electron (like the XDG spec) ignores a relative XDG_CONFIG_HOME.
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
  return path.posix.join(base, APP_FOLDER_NAME);
}

/** `<config folder>/logging.json`: the file both the app and the CLI use unless told otherwise. */
export function defaultLogConfigPath(platform?: NodeJS.Platform, env?: Env, home?: string): string {
  const dir = defaultConfigDir(platform, env, home);
  return (platform ?? process.platform) === 'win32' ? path.win32.join(dir, LOG_CONFIG_FILE_NAME) : path.join(dir, LOG_CONFIG_FILE_NAME);
}

/** The log folder used when the config names none: `logs` beside the config file. */
export function defaultLogFolder(configPath: string): string {
  return path.join(path.dirname(configPath), LOG_FOLDER_NAME);
}

export interface ResolvedLogConfig {
  readonly path: string;
  /** 'default' paths are created with defaults on first run; a file the user named is never created for them. */
  readonly source: 'flag' | 'env' | 'default';
}

/** `--log-config FILE`, else `$ZIPDESK_LOG_CONFIG`, else the app's file. Relative paths are relative to cwd. */
export function resolveLogConfig(flag: string | undefined, env: Env = process.env, cwd: string = process.cwd()): ResolvedLogConfig {
  if (flag) return { path: path.resolve(cwd, flag), source: 'flag' };
  const fromEnv = env[LOG_CONFIG_ENV];
  if (fromEnv) return { path: path.resolve(cwd, fromEnv), source: 'env' };
  return { path: defaultLogConfigPath(process.platform, env), source: 'default' };
}

export function resolveLogConfigPath(flag: string | undefined, env: Env = process.env, cwd: string = process.cwd()): string {
  return resolveLogConfig(flag, env, cwd).path;
}

/**
 * Takes `--log-config FILE` or `--log-config=FILE` out of a command line (anywhere before a `--`),
 * returning the value and the remaining arguments. A flag without a value is a usage error.
 */
export function takeLogConfigFlag(argv: readonly string[]): { logConfig: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let logConfig: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') {
      rest.push(...argv.slice(index));
      break;
    }
    if (arg === LOG_CONFIG_FLAG) {
      const value = argv[index + 1];
      if (value === undefined || value === '') throw new LogConfigFlagError(`${LOG_CONFIG_FLAG} needs a file name`);
      logConfig = value;
      index++;
    } else if (arg.startsWith(`${LOG_CONFIG_FLAG}=`)) {
      const value = arg.slice(LOG_CONFIG_FLAG.length + 1);
      if (value === '') throw new LogConfigFlagError(`${LOG_CONFIG_FLAG} needs a file name`);
      logConfig = value;
    } else {
      rest.push(arg);
    }
  }
  return { logConfig, rest };
}

/** A malformed --log-config; the dispatcher reports it like any usage error (exit 2). */
export class LogConfigFlagError extends Error {
  override readonly name = 'LogConfigFlagError';
}

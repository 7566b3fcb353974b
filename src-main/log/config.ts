// The user's logging settings: the JSON schema with its defaults, the level names (winston's npm
// levels plus Python-style aliases), and a hand-written validator whose every complaint names the
// key path and what is wrong, so the one warning a user sees tells them where to look (issue 4).
// Nothing here touches the disk or winston; index.ts does.

import { findJsonError } from './json-location.js';

/** winston's npm levels, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Python's logging names, accepted in any case. winston's npm set has no "critical"; it maps to error. */
export const PYTHON_LEVEL_ALIASES: Readonly<Record<string, LogLevel>> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'error',
};

/** A logging config larger than this is refused unread (the defaults, pretty, are some 500 bytes). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface ConsoleConfig {
  enabled: boolean;
  /** The console shows records at this level or more severe (after the module filter). */
  level: LogLevel;
}

export interface FileConfig {
  enabled: boolean;
  /** Where the log files go; null means the default folder (`<config folder>/logs`). A relative path is relative to the config file. */
  folder: string | null;
  /** File name pattern; %DATE% becomes the date formatted by datePattern. */
  fileName: string;
  /** Rotate when the file grows past this ("500k", "10m", "1g"); null rotates by date only. */
  maxSize: string | null;
  /** Keep this many files (5) or days ("14d"); null keeps everything. */
  maxFiles: number | string | null;
  /** moment.js format; a new file starts whenever the formatted date changes. */
  datePattern: string;
  /** gzip the files of an earlier date (retention.ts: today's may be shared with another process). */
  zippedArchive: boolean;
  format: LogFormat;
}

export interface LogConfig {
  level: LogLevel;
  console: ConsoleConfig;
  file: FileConfig;
  /** Per-module levels; a module's level replaces the overall level for its records. */
  modules: Record<string, LogLevel>;
}

export function defaultLogConfig(folder: string | null = null): LogConfig {
  return {
    level: 'info',
    console: { enabled: true, level: 'warn' },
    file: {
      enabled: true,
      folder,
      fileName: 'zipdesk-%DATE%.log',
      maxSize: '10m',
      maxFiles: 5,
      datePattern: 'YYYY-MM-DD',
      zippedArchive: true,
      format: 'text',
    },
    modules: {},
  };
}

/** The file written on first run: the defaults, pretty, with the folder spelled out so users see where logs go. */
export function formatLogConfig(config: LogConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** A level name or alias in any case ("debug", "DEBUG", "Warning") → winston's npm level, else undefined. */
export function parseLevel(value: unknown): LogLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  return PYTHON_LEVEL_ALIASES[lower.toUpperCase()];
}

/** True when a record at `record` passes a threshold of `threshold`. */
export function levelPasses(record: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(record) <= LOG_LEVELS.indexOf(threshold);
}

/** The more verbose of the given levels. */
export function mostVerbose(levels: Iterable<LogLevel>): LogLevel {
  let result: LogLevel = 'error';
  for (const level of levels) if (!levelPasses(level, result)) result = level;
  return result;
}

/**
 * A usable configuration (with `notes`: settings that take no effect, worth a warning but not a
 * refusal), or the problems that make it unusable.
 */
export type LogConfigResult = { ok: true; config: LogConfig; notes?: string[] } | { ok: false; problems: string[] };

/** The modules Zipdesk's records are filed under (README, Logging). */
export const LOG_MODULES = ['app', 'archives', 'cli', 'ipc', 'jobs', 'log', 'renderer', 'worker'] as const;

/**
 * Parses the text of a config file. Problems read `FILE:LINE:COLUMN: reason` for broken JSON and
 * `FILE: key.path: reason` for the rest; all of them are reported, none is fixed silently.
 */
export function parseLogConfig(text: string, file: string, defaultFolder: string | null = null): LogConfigResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // editors on Windows write a BOM
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const located = findJsonError(source);
    if (located) return { ok: false, problems: [`${file}:${located.line}:${located.column}: ${located.reason}`] };
    return { ok: false, problems: [`${file}: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const checked = validateLogConfig(value, defaultFolder);
  if (!checked.ok) return { ok: false, problems: firstFew(checked.problems).map((problem) => `${file}: ${problem}`) };
  return checked.notes === undefined ? checked : { ...checked, notes: firstFew(checked.notes).map((note) => `${file}: ${note}`) };
}

/** Problems or notes said in one warning: this many, then how many more (a file of 3,000 unknown modules made a 450 KB line). */
const LISTED = 5;

function firstFew(items: readonly string[]): string[] {
  return items.length <= LISTED ? [...items] : [...items.slice(0, LISTED), `and ${items.length - LISTED} more`];
}

const TOP_KEYS = ['level', 'console', 'file', 'modules'] as const;
const CONSOLE_KEYS = ['enabled', 'level'] as const;
const FILE_KEYS = ['enabled', 'folder', 'fileName', 'maxSize', 'maxFiles', 'datePattern', 'zippedArchive', 'format'] as const;

const LEVEL_HELP = `use one of ${LOG_LEVELS.join(', ')} or ${Object.keys(PYTHON_LEVEL_ALIASES).join(', ')}`;
// The characters winston-daily-rotate-file refuses in a file name (it throws), checked here so it never does.
// eslint-disable-next-line no-control-regex
const BAD_FILE_NAME = /["<>|:*?\\/\x00-\x1f]/;
// eslint-disable-next-line no-control-regex
const BAD_FOLDER = /["<>|\x00-\x1f]/;
const ONLY_DOTS = /^[.\s]+$/;
// file-stream-rotator's own size syntax: an integer (or 0.x) followed by k, m or g.
const SIZE = /^(?:0\.)?\d+[kmg]$/i;
const DAYS = /^(\d+)d$/;
// Tokens the date library writes with / or : whatever the pattern says: localized formats (L, LT,
// l, …) and a lone Z (+01:00). Text in [brackets] is literal.
const LOCALIZED_DATE_TOKEN = /[Ll]|(?<!Z)Z(?!Z)/;

/**
 * Checks a parsed value against the schema. Missing keys take their defaults, so `{ "level": "debug" }`
 * is a whole configuration; unknown keys and bad values are problems.
 */
export function validateLogConfig(value: unknown, defaultFolder: string | null = null): LogConfigResult {
  const problems: string[] = [];
  const notes: string[] = [];
  const config = defaultLogConfig(defaultFolder);
  if (!isPlainObject(value)) {
    return { ok: false, problems: [`expected a JSON object at the top, found ${describe(value)}`] };
  }
  checkKeys(value, TOP_KEYS, '', problems);

  if ('level' in value) config.level = levelAt(value.level, 'level', config.level, problems);

  if ('console' in value) {
    const section = value.console;
    if (!isPlainObject(section)) {
      problems.push(`console: expected an object like {"enabled": true, "level": "warn"}, found ${describe(section)}`);
    } else {
      checkKeys(section, CONSOLE_KEYS, 'console.', problems);
      if ('enabled' in section) config.console.enabled = booleanAt(section.enabled, 'console.enabled', problems);
      if ('level' in section) config.console.level = levelAt(section.level, 'console.level', config.console.level, problems);
    }
  }

  if ('file' in value) {
    const section = value.file;
    if (!isPlainObject(section)) {
      problems.push(`file: expected an object, found ${describe(section)}`);
    } else {
      checkKeys(section, FILE_KEYS, 'file.', problems);
      readFileSection(section, config.file, problems);
    }
  }

  if ('modules' in value) {
    const section = value.modules;
    if (!isPlainObject(section)) {
      problems.push(`modules: expected an object of module name to level like {"jobs": "debug"}, found ${describe(section)}`);
    } else {
      const modules: [string, LogLevel][] = [];
      for (const [name, level] of Object.entries(section)) {
        if (name.trim() === '') {
          problems.push('modules: a module name is empty');
          continue;
        }
        const parsed = levelAt(level, `modules.${shortened(name)}`, undefined, problems);
        if (parsed) modules.push([name, parsed]);
        if (!(LOG_MODULES as readonly string[]).includes(name)) {
          const near = LOG_MODULES.find((known) => withinEdits(known, name.trim().toLowerCase(), 2));
          notes.push(`modules.${shortened(name)}: no records are filed under that name${near ? ` (did you mean "${near}"?)` : ''}; the modules are ${LOG_MODULES.join(', ')}`);
        }
      }
      // fromEntries defines own properties, so even a module called "__proto__" is just a name.
      config.modules = Object.fromEntries(modules);
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return notes.length > 0 ? { ok: true, config, notes } : { ok: true, config };
}

function readFileSection(section: Record<string, unknown>, file: FileConfig, problems: string[]): void {
  if ('enabled' in section) file.enabled = booleanAt(section.enabled, 'file.enabled', problems);
  if ('zippedArchive' in section) file.zippedArchive = booleanAt(section.zippedArchive, 'file.zippedArchive', problems);

  if ('folder' in section) {
    const folder = section.folder;
    if (folder === null || folder === '') file.folder = null;
    else if (typeof folder !== 'string') problems.push(`file.folder: expected a folder path or null, found ${describe(folder)}`);
    // "  " was made as a folder of that name beside the settings: surely not what was meant.
    else if (folder.trim() === '') problems.push(`file.folder: ${describe(folder)} is only spaces; use null for the default folder`);
    else if (BAD_FOLDER.test(folder)) problems.push(`file.folder: ${describe(folder)} contains a character not allowed in a path`);
    else file.folder = folder;
  }

  if ('fileName' in section) {
    const name = section.fileName;
    if (typeof name !== 'string' || name.trim() === '') {
      problems.push(`file.fileName: expected a file name like "zipdesk-%DATE%.log", found ${describe(name)}`);
    } else if (BAD_FILE_NAME.test(name)) {
      problems.push(`file.fileName: ${describe(name)} must be a plain file name without / \\ : * ? " < > |; put the folder in file.folder`);
    } else if (ONLY_DOTS.test(name)) {
      // "." and ".." name the folder and its parent: the log went beside the log folder ("logs.2026-01-01"), not in it.
      problems.push(`file.fileName: ${describe(name)} is not a file name; use one like "zipdesk-%DATE%.log"`);
    } else {
      file.fileName = name;
    }
  }

  if ('datePattern' in section) {
    const pattern = section.datePattern;
    if (typeof pattern !== 'string' || pattern.trim() === '') {
      problems.push(`file.datePattern: expected a date format like "YYYY-MM-DD", found ${describe(pattern)}`);
    } else if (BAD_FILE_NAME.test(pattern) || LOCALIZED_DATE_TOKEN.test(pattern.replace(/\[[^\]]*\]/g, ''))) {
      problems.push(`file.datePattern: ${describe(pattern)} would put / \\ : * ? " < > | into the file name`);
    } else {
      file.datePattern = pattern;
    }
  }

  if ('maxSize' in section) {
    const size = section.maxSize;
    if (size === null) file.maxSize = null;
    else if (typeof size === 'string' && SIZE.test(size.trim()) && Number.parseFloat(size) > 0) file.maxSize = size.trim().toLowerCase();
    else problems.push(`file.maxSize: expected a size like "500k", "10m" or "1g" (or null for no size limit), found ${describe(size)}`);
  }

  if ('maxFiles' in section) {
    const keep = section.maxFiles;
    const days = typeof keep === 'string' ? DAYS.exec(keep.trim()) : null;
    if (keep === null) file.maxFiles = null;
    // Safe integers only: the rotator reads the number back from its text, and 1e21 reads as 1.
    else if (typeof keep === 'number' && Number.isSafeInteger(keep) && keep >= 1) file.maxFiles = keep;
    // The same for days: 99999999999999999999999d became "1e+23d", which the rotator read as one day.
    else if (days && Number.isSafeInteger(Number(days[1])) && Number(days[1]) >= 1) file.maxFiles = `${Number(days[1])}d`;
    else problems.push(`file.maxFiles: expected a number of files (like 5) or of days (like "14d"), or null to keep all, found ${describe(keep)}`);
  }

  if ('format' in section) {
    const format = typeof section.format === 'string' ? section.format.trim().toLowerCase() : undefined;
    if (format === 'text' || format === 'json') file.format = format;
    else problems.push(`file.format: expected "text" or "json", found ${describe(section.format)}`);
  }
}

function levelAt<T extends LogLevel | undefined>(value: unknown, path: string, fallback: T, problems: string[]): LogLevel | T {
  const level = parseLevel(value);
  if (level) return level;
  problems.push(`${path}: ${describe(value)} is not a level; ${LEVEL_HELP}`);
  return fallback;
}

function booleanAt(value: unknown, path: string, problems: string[]): boolean {
  if (typeof value === 'boolean') return value;
  problems.push(`${path}: expected true or false, found ${describe(value)}`);
  return false;
}

function checkKeys(section: Record<string, unknown>, known: readonly string[], prefix: string, problems: string[]): void {
  for (const key of Object.keys(section)) {
    if (known.includes(key)) continue;
    const near = known.find((candidate) => withinEdits(candidate.toLowerCase(), key.toLowerCase(), 2));
    const hint = near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`;
    problems.push(`${prefix}${shortened(key)}: unknown key (${hint})`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'an object';
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would show as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large';
  return shortened(JSON.stringify(value));
}

/** A value or key as a warning quotes it: some 60 characters at most. */
function shortened(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}…`;
}

/**
 * Whether `b` is at most `limit` edits from `a`, for "did you mean" on short key names. Names whose
 * lengths differ by more are not compared: the full distance of a key of 1 MiB to each known key
 * held the thread for 11 s (a settings file read by the app's watcher or by every CLI run).
 */
function withinEdits(a: string, b: string, limit: number): boolean {
  return Math.abs(a.length - b.length) <= limit && editDistance(a, b) <= limit;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

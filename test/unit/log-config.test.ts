// The logging settings file on its own: schema, defaults, level aliases, the wording of every
// complaint (key path or line:column), and where the file is looked for.
import { describe, expect, it } from 'vitest';
import { defaultLogConfig, parseLevel, parseLogConfig, validateLogConfig } from '../../src-main/log/config.js';
import { findJsonError } from '../../src-main/log/json-location.js';
import {
  defaultConfigDir,
  LogConfigFlagError,
  resolveLogConfig,
  resolveLogConfigPath,
  takeLogConfigFlag,
} from '../../src-main/log/paths.js';

const FILE = '/home/ada/.config/Zipdesk/logging.json';

function problemsOf(text: string): string[] {
  const result = parseLogConfig(text, FILE);
  if (result.ok) throw new Error(`expected problems in ${text}`);
  return result.problems;
}

describe('log levels', () => {
  it.each([
    ['debug', 'debug'],
    ['DEBUG', 'debug'],
    ['Info', 'info'],
    ['INFO', 'info'],
    ['WARNING', 'warn'],
    ['warning', 'warn'],
    ['WARN', 'warn'],
    ['ERROR', 'error'],
    ['CRITICAL', 'error'],
    ['critical', 'error'],
    ['http', 'http'],
    ['Verbose', 'verbose'],
    ['silly', 'silly'],
  ])('%s means %s', (name, level) => {
    expect(parseLevel(name)).toBe(level);
  });

  it.each([['loud'], [''], [3], [null], ['FATAL']])('rejects %j', (name) => {
    expect(parseLevel(name)).toBeUndefined();
  });
});

describe('parseLogConfig', () => {
  it('fills missing keys with the defaults, so {} is a whole configuration', () => {
    expect(parseLogConfig('{}', FILE)).toEqual({ ok: true, config: defaultLogConfig() });
  });

  it('reads every key, normalizing aliases and units', () => {
    const text = JSON.stringify({
      level: 'WARNING',
      console: { enabled: false, level: 'CRITICAL' },
      file: { enabled: true, folder: 'logs', fileName: 'z-%DATE%.txt', maxSize: '500K', maxFiles: '14d', datePattern: 'YYYY-MM', zippedArchive: false, format: 'JSON' },
      modules: { jobs: 'Debug', ipc: 'silly' },
    });
    const result = parseLogConfig(text, FILE);
    expect(result).toEqual({
      ok: true,
      config: {
        level: 'warn',
        console: { enabled: false, level: 'error' },
        file: { enabled: true, folder: 'logs', fileName: 'z-%DATE%.txt', maxSize: '500k', maxFiles: '14d', datePattern: 'YYYY-MM', zippedArchive: false, format: 'json' },
        modules: { jobs: 'debug', ipc: 'silly' },
      },
    });
  });

  it('accepts null for no size limit, keep everything, and the default folder', () => {
    const result = parseLogConfig('{"file": {"maxSize": null, "maxFiles": null, "folder": null}}', FILE, '/var/logs');
    expect(result.ok && result.config.file).toMatchObject({ maxSize: null, maxFiles: null, folder: null });
  });

  it('skips a byte order mark', () => {
    expect(parseLogConfig('\ufeff{"level": "debug"}', FILE)).toMatchObject({ ok: true, config: { level: 'debug' } });
  });

  it.each([
    ['{"levle": "debug"}', 'levle: unknown key (did you mean "level"?)'],
    ['{"colour": true}', 'colour: unknown key (known keys: level, console, file, modules)'],
    ['{"console": {"enabled": true, "lvl": "info"}}', 'console.lvl: unknown key (did you mean "level"?)'],
    ['{"file": {"maxsize": "1m"}}', 'file.maxsize: unknown key (did you mean "maxSize"?)'],
    ['{"level": "loud"}', 'level: "loud" is not a level; use one of error, warn, info, http, verbose, debug, silly or DEBUG, INFO, WARNING, ERROR, CRITICAL'],
    ['{"modules": {"jobs": "loud"}}', 'modules.jobs: "loud" is not a level'],
    ['{"modules": {"jobs": 5}}', 'modules.jobs: 5 is not a level'],
    ['{"modules": []}', 'modules: expected an object of module name to level'],
    ['{"console": {"enabled": "yes"}}', 'console.enabled: expected true or false, found "yes"'],
    ['{"console": true}', 'console: expected an object'],
    ['{"file": {"maxSize": "10MB"}}', 'file.maxSize: expected a size like "500k", "10m" or "1g" (or null for no size limit), found "10MB"'],
    ['{"file": {"maxSize": 1048576}}', 'file.maxSize: expected a size like'],
    ['{"file": {"maxFiles": 0}}', 'file.maxFiles: expected a number of files (like 5) or of days (like "14d"), or null to keep all, found 0'],
    ['{"file": {"maxFiles": "2w"}}', 'file.maxFiles: expected a number of files'],
    ['{"file": {"format": "xml"}}', 'file.format: expected "text" or "json", found "xml"'],
    ['{"file": {"fileName": "logs/z.log"}}', 'file.fileName: "logs/z.log" must be a plain file name'],
    ['{"file": {"fileName": ""}}', 'file.fileName: expected a file name'],
    ['{"file": {"datePattern": "YYYY/MM"}}', 'file.datePattern: "YYYY/MM" would put'],
    ['{"file": {"zippedArchive": 1}}', 'file.zippedArchive: expected true or false, found 1'],
    ['[1, 2]', 'expected a JSON object at the top, found an array'],
  ])('%s → names the key and what is wrong', (text, expected) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${FILE}: ${expected}`);
  });

  it('refuses what the rotator or the date library would misread, and a file nested too deeply to scan', () => {
    const problem = (config: unknown): string[] => {
      const result = parseLogConfig(typeof config === 'string' ? config : JSON.stringify(config), '/c/logging.json');
      return result.ok ? [] : result.problems;
    };
    expect(problem('{"level": ' + '['.repeat(20_000))).toEqual(['/c/logging.json:1:266: the JSON is nested more than 256 levels deep']);
    expect(problem({ file: { maxFiles: 1e21 } })[0]).toMatch(/file\.maxFiles: .* found 1e\+21$/);
    expect(problem({ file: { maxFiles: Number.MAX_SAFE_INTEGER } })).toEqual([]);
    // As text it read back as "1e+23d": one day.
    expect(problem({ file: { maxFiles: '99999999999999999999999d' } })[0]).toMatch(/file\.maxFiles: .* found "99999999999999999999999d"$/);
    expect(problem({ file: { maxFiles: `${Number.MAX_SAFE_INTEGER}d` } })).toEqual([]);
    // "." and ".." put the log beside the log folder; "  " made a folder of two spaces.
    for (const fileName of ['.', '..', ' . ']) expect(problem({ file: { fileName } })[0], fileName).toMatch(/file\.fileName: .* is not a file name/);
    expect(problem({ file: { folder: '  ' } })[0]).toBe('/c/logging.json: file.folder: "  " is only spaces; use null for the default folder');
    expect(problem({ file: { maxSize: '0k' } })[0]).toMatch(/file\.maxSize: .* found "0k"$/);
    for (const datePattern of ['L', 'YYYY-MM-DD LT', 'll', 'YYYY-MM-DDTHH Z']) expect(problem({ file: { datePattern } })[0], datePattern).toMatch(/would put/);
    for (const datePattern of ['YYYY-MM-DD', 'YYYY-MM-DD-HH', 'YYYY-MM-DD[ Log]', 'YYYYMMDDTHHmmZZ']) expect(problem({ file: { datePattern } }), datePattern).toEqual([]);
  });

  it('applies a module name nothing logs under, with a note saying so (and the likely one meant)', () => {
    const result = parseLogConfig(JSON.stringify({ modules: { job: 'debug', worker: 'info', extractor: 'warn' } }), '/c/logging.json');
    expect(result).toMatchObject({ ok: true, config: { modules: { job: 'debug', worker: 'info', extractor: 'warn' } } });
    expect(result.ok && result.notes).toEqual([
      '/c/logging.json: modules.job: no records are filed under that name (did you mean "jobs"?); the modules are app, archives, cli, ipc, jobs, log, renderer, worker',
      '/c/logging.json: modules.extractor: no records are filed under that name; the modules are app, archives, cli, ipc, jobs, log, renderer, worker',
    ]);
    expect(parseLogConfig(JSON.stringify({ modules: { jobs: 'debug', archives: 'info' } }), '/c/logging.json')).not.toHaveProperty('notes');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf('{"level": "loud", "extra": 1, "modules": {"a": "x", "b": "debug"}}');
    expect(problems.map((problem) => problem.slice(FILE.length + 2).split(':')[0])).toEqual(['extra', 'level', 'modules.a']);
  });

  it('keeps a warning short: long values and keys cut, the first five problems and how many more, huge numbers named', () => {
    const long = 'x'.repeat(200_000);
    const [level] = problemsOf(JSON.stringify({ level: long }));
    expect(level).toBe(`${FILE}: level: "${'x'.repeat(56)}… is not a level; ${level!.split('; ').at(-1)}`);
    expect(level!.length).toBeLessThan(300);
    const modules = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`m${i}`, 'info']));
    const result = parseLogConfig(JSON.stringify({ modules }), FILE);
    expect(result.ok && result.notes?.length).toBe(6);
    expect(result.ok && result.notes?.at(-1)).toBe(`${FILE}: and 2995 more`);
    expect(problemsOf(`{"${long}": 1}`)[0]).toMatch(new RegExp(`^${FILE}: x{57}…: unknown key \\(known keys: `));
    expect(problemsOf('{"file": {"maxFiles": 1e400}}')[0]).toContain('found a number too large');
    // Refused for a character, not for their type: cut all the same.
    const refused = problemsOf(JSON.stringify({ file: { fileName: `${long}/x.log`, folder: `${long}|x`, datePattern: `${long}L` } }));
    expect(refused).toHaveLength(3);
    for (const problem of refused) expect(problem.length, problem.slice(0, 80)).toBeLessThan(200);
    expect(refused[0]).toBe(`${FILE}: file.folder: "${'x'.repeat(56)}… contains a character not allowed in a path`);
  });

  it('answers at once for a key or module name of a megabyte (the "did you mean" hint held the thread 5 to 11 s)', () => {
    const long = 'y'.repeat(1_000_000);
    const started = performance.now();
    expect(problemsOf(JSON.stringify({ file: { [long]: 1 } }))[0]).toMatch(new RegExp(`^${FILE}: file\\.y{57}…: unknown key \\(known keys: `));
    const result = parseLogConfig(JSON.stringify({ modules: { [long]: 'debug' } }), FILE);
    expect(result.ok && result.notes?.[0]).toMatch(/no records are filed under that name; the modules are /);
    // Some 0.1 s here (both files parsed); 30 s under vitest before the hint skipped names of such different lengths.
    expect(performance.now() - started).toBeLessThan(1000);
    // The hint itself is unchanged for names of about the right length.
    expect(problemsOf('{"file": {"datepatern": "YYYY"}}')[0]).toContain('file.datepatern: unknown key (did you mean "datePattern"?)');
  });

  it.each([
    ['{\n  "level": "info"\n  "console": {}\n}', 3, 3, `expected ',' or '}' after the property value, found "\\""`],
    ['{\n  "level": "info",\n}', 3, 1, 'expected a property name in double quotes, found "}" (JSON allows no comma before "}")'],
    ['{\n  "level": tru\n}', 2, 12, 'expected a value, found "t"'],
    ["{'level': 'debug'}", 1, 2, `found "'" (JSON strings take double quotes)`],
    ['{\n  // quiet\n  "level": "error"\n}', 2, 3, 'found "/" (JSON has no comments)'],
    ['{\n  "level": "info"', 2, 18, `expected ',' or '}' after the property value, found the end of the file`],
    ['{"modules": {"jobs": "debug"}}}', 1, 31, 'unexpected "}" after the end of the JSON value'],
    ['{"x": [1, 2 3]}', 1, 13, `expected ',' or ']' after the array element, found "3"`],
    ['{"x": [1, ]}', 1, 11, 'expected a value, found "]" (JSON allows no comma before "]")'],
    ['', 1, 1, 'the file is empty'],
    ['{"level": "in\nfo"}', 1, 14, 'line break or control character inside a string'],
  ])('broken JSON %j → line %i, column %i', (text, line, column, reason) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    const location = `${FILE}:${line}:${column}: `;
    expect(problems[0]?.slice(0, location.length)).toBe(location);
    expect(problems[0]).toContain(reason);
  });

  it('locates the same position Node reports when Node reports one', () => {
    for (const text of ['{"a":1,}', '{"a" 1}', '{"a":1', '[1,]', '{"a":-}', '{"a":"\\x"}', '{"a":01}', '{"a":1.}', '{"a":1e}', '"ab\nc"']) {
      let nodePosition: number | undefined;
      try {
        JSON.parse(text);
      } catch (error) {
        const match = /at position (\d+)/.exec((error as Error).message);
        nodePosition = match ? Number(match[1]) : undefined;
      }
      const ours = findJsonError(text);
      expect(ours, text).toBeDefined();
      if (nodePosition !== undefined) expect(ours?.offset, text).toBe(nodePosition);
    }
  });

  it('finds no error in valid JSON', () => {
    for (const text of ['{}', '[]', '"x"', '-0.5e+3', '{"a":[true,false,null,{"b":"\\u00e9\\n"}]}', ' \n{ "a" : 1 } \n']) {
      expect(findJsonError(text), text).toBeUndefined();
    }
  });
});

describe('validateLogConfig', () => {
  it('puts the given default folder into the defaults', () => {
    expect(validateLogConfig({}, '/x/logs')).toEqual({ ok: true, config: defaultLogConfig('/x/logs') });
  });
});

describe('where the config file is', () => {
  it('uses the folder Electron names userData for an app called Zipdesk', () => {
    expect(defaultConfigDir('linux', {}, '/home/ada')).toBe('/home/ada/.config/Zipdesk');
    expect(defaultConfigDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ada')).toBe('/xdg/Zipdesk');
    expect(defaultConfigDir('linux', { XDG_CONFIG_HOME: 'relative' }, '/home/ada')).toBe('/home/ada/.config/Zipdesk');
    expect(defaultConfigDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Zipdesk');
    expect(defaultConfigDir('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Zipdesk');
    expect(defaultConfigDir('win32', {}, 'C:\\Users\\ada')).toBe('C:\\Users\\ada\\AppData\\Roaming\\Zipdesk');
  });

  it('prefers --log-config, then ZIPDESK_LOG_CONFIG, then the app file', () => {
    expect(resolveLogConfig('my.json', { ZIPDESK_LOG_CONFIG: '/env.json' }, '/work')).toEqual({ path: '/work/my.json', source: 'flag' });
    expect(resolveLogConfig(undefined, { ZIPDESK_LOG_CONFIG: 'env.json' }, '/work')).toEqual({ path: '/work/env.json', source: 'env' });
    const fallback = resolveLogConfig(undefined, {}, '/work');
    expect(fallback.source).toBe('default');
    expect(fallback.path).toBe(`${defaultConfigDir()}/logging.json`);
    expect(resolveLogConfigPath(undefined, { ZIPDESK_LOG_CONFIG: '' }, '/work')).toBe(fallback.path);
  });

  it('takes --log-config out of a command line', () => {
    expect(takeLogConfigFlag(['list', '--log-config', 'a.json', 'x.zip'])).toEqual({ logConfig: 'a.json', rest: ['list', 'x.zip'] });
    expect(takeLogConfigFlag(['--log-config=b.json', 'list'])).toEqual({ logConfig: 'b.json', rest: ['list'] });
    expect(takeLogConfigFlag(['list', '--', '--log-config', 'x'])).toEqual({ logConfig: undefined, rest: ['list', '--', '--log-config', 'x'] });
    expect(() => takeLogConfigFlag(['list', '--log-config'])).toThrow(LogConfigFlagError);
    expect(() => takeLogConfigFlag(['--log-config='])).toThrow('--log-config needs a file name');
  });
});

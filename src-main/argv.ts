// Which archives the command line asks to open (issue 5: `zipdesk file.zip`, a double-click that
// starts the app, or a second instance's arguments). Pure, so it is tested under Node.

import path from 'node:path';

/**
 * `.zip` paths among the arguments, resolved against `cwd`. `skip` is how many leading arguments
 * are the program itself (1 when packaged, 2 for `electron .`). Flags (and Chromium's switches
 * that a second instance passes along) are ignored.
 */
export function zipPathsFromArgv(argv: readonly string[], cwd: string, skip: number): string[] {
  return argv
    .slice(skip)
    .filter((arg) => !arg.startsWith('-') && arg.toLowerCase().endsWith('.zip'))
    .map((arg) => path.resolve(cwd, arg));
}

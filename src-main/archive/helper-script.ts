// Where a helper thread's compiled script is. The jobs worker starts helper threads by file, so
// the script must be found wherever this code runs: compiled by tsc into build/src-main/archive/
// (the command line and the tests), bundled by electron-vite into out/main/ with the helpers as
// entries of their own (the app; this module may sit in out/main/chunks/), or from source under
// vitest (then the package's build/ holds them).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The compiled helper `name` (e.g. 'deflate-helper.js'), or undefined when there is none. */
export function helperScript(name: string): URL | undefined {
  for (const relative of [`./${name}`, `../${name}`, `../../build/src-main/archive/${name}`]) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

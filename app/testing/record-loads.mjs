// Preloaded into a service under test (node --import): writes every module the process loads to SIGNALCAST_LOADS_FILE, one a line:
// what import resolves (a hook, in the loader's thread) and, at exit, what require loaded (require.cache). Plain JavaScript: it runs
// beside the compiled build, which has no TypeScript loader.
/* global process */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.SIGNALCAST_LOADS_FILE;
if (!file) throw new Error('record-loads.mjs: set SIGNALCAST_LOADS_FILE to the file to write');
register('./record-loads-hooks.mjs', import.meta.url, { data: { file } });
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(file, `${Object.keys(cache).join('\n')}\n`));

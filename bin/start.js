#!/usr/bin/env node
// `npm start`: builds dist/ when it is missing or older than the sources (bin/build.js, about a second),
// then runs the compiled service in this same process, so SIGTERM reaches it and it drains before exiting.
/* global process */
import { buildDist, isStale } from './build.js';

if (isStale()) {
  process.stderr.write('building dist/ (the sources changed since the last build)...\n');
  await buildDist();
}
const { main } = await import('../dist/main.js');
process.exit(await main(['start', ...process.argv.slice(2)]));

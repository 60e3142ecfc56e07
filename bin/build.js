#!/usr/bin/env node
// `npm run build`: bundles main.ts into dist/ as plain JavaScript (esbuild), so production runs `node dist/main.js`
// without a TypeScript loader. Packages stay in node_modules; the sandbox, each platform's adapter, billing (stripe) and
// the rationale model (openai), all loaded with import() (app/libraries.ts), become chunks of their own, read only when a
// start's settings call for them. The files the code finds beside itself
// (migrations, the chart's fonts) are copied next to the bundle, where import.meta.url points.
/* global process, console */
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
/** Folders whose .ts files (and assets) make the bundle; a newer file in one of them makes dist/ stale. */
const SOURCES = ['app', 'billing', 'bots', 'cli', 'content', 'core', 'db', 'schedules', 'server', 'sandbox', 'config.ts', 'config-fields.ts', 'logging.ts', 'main.ts', 'package.json', 'package-lock.json', 'bin/build.js'];
const STAMP = join(DIST, '.built');

function newestIn(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestIn(join(path, entry)));
  return newest;
}

/** True when dist/ is missing or a source file changed after the last build. */
export function isStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((source) => newestIn(join(ROOT, source)) > built);
}

/**
 * Builds dist/ (or `outdir`) from scratch: main.js, its chunks, migrations/, fonts/. Resolves to esbuild's
 * metafile: which sources went into which output, and what each output imports.
 */
export async function buildDist(outdir = DIST) {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'main.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir,
    metafile: true,
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  // Chunks live in dist/chunks/: give them the same assets, since import.meta.url there is one folder down.
  for (const base of [outdir, join(outdir, 'chunks')]) {
    cpSync(join(ROOT, 'db', 'migrations'), join(base, 'migrations'), { recursive: true });
    cpSync(join(ROOT, 'content', 'chart', 'fonts'), join(base, 'fonts'), { recursive: true });
  }
  if (outdir === DIST) writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || isStale()) {
    const started = Date.now();
    await buildDist();
    console.error(`built dist/main.js in ${Date.now() - started} ms`);
  }
}

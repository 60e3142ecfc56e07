// What production loads: main.ts's static imports, followed through every file they reach, never load the sandbox's emulators;
// the compiled build (bin/build.js) keeps them in a chunk of their own, needs no TypeScript loader, and starts.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: bin/build.js is plain JavaScript without types.
import { buildDist as untypedBuild } from './bin/build.js';
import { spawnService } from './bench/service-process';
import { appliedMigrationCount, openDatabase } from './db/client';
import { startTelegramEmulator } from './sandbox/telegram';

interface Metafile {
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}
const buildDist = untypedBuild as (outdir: string) => Promise<Metafile>;
const run = promisify(execFile);

interface Imports {
  /** Specifiers loaded when the file loads (type-only imports are erased, so they are left out). */
  readonly loaded: string[];
  /** Specifiers of `import()` calls, loaded only when the call runs. */
  readonly dynamic: string[];
}

function importsOf(file: string): Imports {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const loaded: string[] = [];
  const dynamic: string[] = [];
  const typeOnly = (clause: ts.ImportClause | undefined): boolean => {
    if (!clause) return false; // `import './x'` runs the file.
    if (clause.isTypeOnly) return true;
    const named = clause.namedBindings;
    return !clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && !typeOnly(node.importClause)) loaded.push(node.moduleSpecifier.text);
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && !node.isTypeOnly) loaded.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [target] = node.arguments;
      dynamic.push(target && ts.isStringLiteral(target) ? target.text : '<computed>');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { loaded, dynamic };
}

/** The project file a relative specifier names (`./sandbox` is `sandbox/index.ts`); null for a package. */
function resolveLocal(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const found = [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
  if (!found) throw new Error(`${relative('.', from)} imports ${specifier}, which names no .ts file`);
  return found;
}

/** Every project file that loads when `entry` loads, as paths from the project root. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(file).loaded) {
      const target = resolveLocal(file, specifier);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return [...seen].map((file) => relative('.', file)).sort();
}

describe('production code and the sandbox', () => {
  const graph = staticGraph('main.ts');

  it('loads no sandbox file when main.ts loads, for `start` or any CLI command, except the small reader of data/sandbox.json', () => {
    // The walk covers the service and the CLI (so an empty answer below means something).
    expect(graph).toEqual(expect.arrayContaining(['app/service.ts', 'app/platform-starter.ts', 'app/sandbox-cli.ts', 'cli/program.ts', 'config.ts']));
    expect(graph.filter((file) => file.startsWith('sandbox/'))).toEqual(['sandbox/state-file.ts']);
  });

  it('starts the emulators through import(\'./sandbox\'), taken only when the settings call for an emulator', () => {
    expect(importsOf('main.ts').dynamic).toEqual(['./sandbox']);
    const source = readFileSync('main.ts', 'utf8');
    expect(source).toMatch(/needs\.telegram \|\| needs\.discord \|\| needs\.slack \|\| needs\.stripe \|\| needs\.openai\s*\?[^:]*await import\('\.\/sandbox'\)/);
  });

  it('decides which emulators to start without the sandbox (app/sandbox-needs.ts, in the graph above)', () => {
    expect(graph).toContain('app/sandbox-needs.ts');
    expect(importsOf('app/sandbox-needs.ts').loaded.filter((s) => s.includes('sandbox'))).toEqual([]);
  });
});

describe('the compiled build (npm run build, what the image and npm start run)', () => {
  // Beside dist/ in the project (ignored as dist/ is), so that the bundle finds node_modules and ../package.json as dist/main.js does.
  const out = mkdtempSync(resolve('.build-test-'));
  // The commands run elsewhere: no .env, their own database.
  const dir = mkdtempSync(join(tmpdir(), 'sc-build-'));
  let meta: Metafile;
  beforeAll(async () => {
    meta = await buildDist(out);
  }, 60_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  /** The outputs main.js loads when it loads (itself and the chunks it imports statically, followed). */
  const loadedOutputs = (): string[] => {
    const main = Object.keys(meta.outputs).find((file) => meta.outputs[file]?.entryPoint === 'main.ts') as string;
    const seen = new Set<string>();
    const queue = [main];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const i of meta.outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) queue.push(i.path);
    }
    return [...seen];
  };

  it('loads no sandbox emulator and no TypeScript loader at start: the sandbox is a chunk read only by import()', () => {
    const loaded = loadedOutputs();
    const sources = loaded.flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
    expect(sources).toEqual(expect.arrayContaining(['app/service.ts', 'cli/program.ts', 'db/client.ts']));
    expect(sources.filter((file) => file.startsWith('sandbox/'))).toEqual(['sandbox/state-file.ts']);
    const packages = loaded.flatMap((file) => (meta.outputs[file]?.imports ?? []).filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path));
    expect(packages).toContain('better-sqlite3');
    expect(packages.filter((p) => p === 'tsx' || p.startsWith('tsx/'))).toEqual([]);
    const sandboxChunk = Object.keys(meta.outputs).find((file) => Object.keys(meta.outputs[file]?.inputs ?? {}).includes('sandbox/index.ts'));
    expect(sandboxChunk).toBeDefined();
    expect(loaded).not.toContain(sandboxChunk);
  });

  it('runs with plain node: --help answers, and migrate finds its migrations beside the bundle', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DATABASE_URL: `file:${join(dir, 'data', 'x.db')}` };
    const help = await run(process.execPath, [join(out, 'main.js'), '--help'], { cwd: dir, env, timeout: 20_000 });
    expect(help.stdout).toContain('Usage: signalcast');
    const migrated = await run(process.execPath, [join(out, 'main.js'), 'migrate'], { cwd: dir, env, timeout: 20_000 });
    expect(`${migrated.stdout}${migrated.stderr}`).not.toMatch(/error/i);
    const db = openDatabase(env.DATABASE_URL, { migrate: false });
    const journal = JSON.parse(readFileSync('db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    expect(appliedMigrationCount(db)).toBe(journal.entries.length);
    db.$client.close();
  }, 40_000);

  /** The packages a module list names (node_modules/<name> or node_modules/@scope/<name>), once each. */
  const packagesIn = (modules: string[]): string[] =>
    [...new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(decodeURIComponent(m))?.[1] ?? []))].sort();

  it('started for Telegram alone, loads grammy, never discord.js, @slack/bolt, @slack/web-api, stripe, openai or the chart renderer', async () => {
    const telegram = await startTelegramEmulator();
    const loads = join(dir, 'loads.txt');
    try {
      // Every module the process loads, ESM and CommonJS, written to `loads` (app/testing/record-loads.mjs).
      const service = await spawnService({
        nodeArgs: ['--import', resolve('app/testing/record-loads.mjs')],
        entry: [join(out, 'main.js')],
        cwd: dir,
        env: {
          SIGNALCAST_LOADS_FILE: loads, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
          DATABASE_URL: `file:${join(dir, 'data', 'telegram.db')}`, INGEST_SIGNING_SECRET: 's'.repeat(32), RATIONALES: 'on',
        },
      });
      expect(service.lines.find((l) => l.msg?.startsWith('Signalcast listening'))).toMatchObject({ platforms: ['telegram'], billing: 'off' });
      await service.stop('SIGTERM');
    } finally {
      await telegram.stop();
    }
    const packages = packagesIn(readFileSync(loads, 'utf8').split('\n'));
    // The list is complete enough to mean something: the packages of the Telegram chunk and of the service are in it.
    expect(packages).toEqual(expect.arrayContaining(['grammy', 'fastify', 'better-sqlite3', 'pino']));
    expect(packages.filter((p) => ['discord.js', '@discordjs/rest', '@slack/bolt', '@slack/web-api', 'stripe', 'openai', '@resvg/resvg-js'].includes(p))).toEqual([]);
  }, 60_000);

  it('keeps each chat SDK, stripe and openai out of what main.js loads at start: they are imported only from chunks read by import()', () => {
    const loaded = loadedOutputs();
    const packages = loaded.flatMap((file) => (meta.outputs[file]?.imports ?? []).filter((i) => i.external).map((i) => i.path));
    expect(packages.filter((p) => /^(grammy|@grammyjs\/|discord\.js|@slack\/|stripe|openai|@resvg\/)/.test(p))).toEqual([]);
    // Each is still in the build, in a chunk of its own reached by a dynamic import.
    const lazily = Object.keys(meta.outputs).filter((file) => !loaded.includes(file)).flatMap((file) => meta.outputs[file]?.imports.filter((i) => i.external).map((i) => i.path) ?? []);
    expect(lazily).toEqual(expect.arrayContaining(['grammy', 'discord.js', '@slack/bolt', '@slack/web-api', 'stripe', 'openai']));
  });
});

// What production loads: main.ts's static imports, followed through every file they reach, never load the sandbox's emulators.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

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

// ARCHITECTURE.md stays true: every file path it names exists, and every code name it quotes is in the sources.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const note = readFileSync('ARCHITECTURE.md', 'utf8');

/** Every .ts file of the project, outside node_modules. */
function sources(dir = '.'): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('ARCHITECTURE.md', () => {
  it('names only files and folders that exist', () => {
    const paths = [...note.matchAll(/(?<![\w/.])((?:[a-z-]+\/)+[\w.-]*\w)/g)].map((m) => m[1]!).filter((p) => !/^(v1|webhooks|data)\//.test(p));
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !existsSync(p))).toEqual([]);
  });

  it('quotes only names that are in the code', () => {
    const code = sources().map((f) => readFileSync(f, 'utf8')).join('\n');
    const names = [...note.matchAll(/`([A-Za-z][A-Za-z0-9]+)(?:\.[a-z][A-Za-z]*)?`/g)].map((m) => m[1]!).filter((n) => /[a-z][A-Z]|^[A-Z][a-z]/.test(n));
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((n) => !code.includes(n))).toEqual([]);
  });
});

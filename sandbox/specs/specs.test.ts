// The API specs the emulators and their tests follow are vendored here, so a clone of the repository alone runs every test.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { botApiSpecPath, loadBotApiSpec } from '../telegram/spec-validator';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..', '..');

/** Every source, script and config file of the project (not dependencies, data or git). */
function projectFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', '.git', 'data', 'coverage', 'dist'].includes(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) projectFiles(path, out);
    else if (/\.(ts|js|mjs|cjs|json|ya?ml|sh)$|^run$|^Dockerfile$/.test(name)) out.push(path);
  }
  return out;
}

describe('vendored specs', () => {
  it('keeps each spec the tests use with its licence beside it', () => {
    for (const [spec, licence] of [['telegram-bot-api.json', 'telegram-bot-api.LICENSE'], ['stripe-fixtures3.json', 'stripe.LICENSE'], ['slack-web-openapi.json', 'slack.LICENSE'], ['slack-events-api.json', 'slack.LICENSE']] as const) {
      expect(existsSync(join(here, spec)), spec).toBe(true);
      expect(readFileSync(join(here, licence), 'utf8')).toMatch(/MIT License/i);
    }
    expect(botApiSpecPath.pathname).toBe(join(here, 'telegram-bot-api.json'));
    expect(loadBotApiSpec().version).toMatch(/^Bot API \d+\.\d+/);
  });

  it('leaves no file of the project reading anything outside the repository (../shared)', () => {
    const outside = projectFiles(root).filter((path) => /(\.\.\/)+shared\//.test(readFileSync(path, 'utf8').replace(/^\s*(\/\/|\*|#).*$/gm, '')));
    expect(outside.map((p) => relative(root, p))).toEqual([]);
  });
});

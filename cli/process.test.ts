import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = resolve('bin/signalcast.js');

/** Runs `signalcast ...` as a separate process, in an empty directory (so no .env is read). */
function signalcast(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'sc-bin-'));
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DATABASE_URL: `file:${join(cwd, 'sc.db')}`, ...env } },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('bin/signalcast.js', () => {
  it('runs a command on the database file and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-bin-db-'));
    const env = { DATABASE_URL: `file:${join(dir, 'sc.db')}` };
    const created = await signalcast(['keys', 'create', 'ci'], env);
    expect(created.code).toBe(0);
    const key = /sc_[0-9A-Za-z]{32,}/.exec(created.stdout)?.[0];
    const listed = await signalcast(['keys', 'list'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key!.slice(0, 11));
    expect(listed.stdout).not.toContain(key!);
  });

  it('exits 2 for bad usage and invalid input, 78 for invalid settings or plans', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-bin-plans-'));
    writeFileSync(join(dir, 'plans.yaml'), 'plans: []\n');
    const results = await Promise.all([
      signalcast(['nonsense']),
      signalcast(['signal', 'publish', '--symbol', 'X']),
      signalcast(['keys', 'list'], { LOG_LEVEL: 'loud' }),
      signalcast(['plans', 'check', join(dir, 'plans.yaml')]),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 78, 78]);
    expect(results[1]!.stderr).toMatch(/^error: .*--market: required/);
    expect(results[1]!.stderr).not.toMatch(/\n\s+at /);
    expect(results[2]!.stderr).toContain('LOG_LEVEL');
  });
});

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createHarness, TEST_SECRET } from './server/testing/harness';

const readme = readFileSync('README.md', 'utf8');
const settingNames = [...readFileSync('config.ts', 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);

describe('README', () => {
  it('starts with the install-and-start and install-and-test commands', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks.slice(0, 2)).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('documents every setting in config.ts, in the table and in .env.example', () => {
    expect(settingNames.length).toBeGreaterThan(30);
    const envExample = readFileSync('.env.example', 'utf8');
    for (const name of settingNames) {
      expect(readme, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
      expect(envExample, name).toMatch(new RegExp(`^# ${name}=`, 'm'));
    }
  });

  it('matches .ci/run: npm ci, then exactly the README test command', () => {
    const lines = readFileSync('.ci/run', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual(['set -euo pipefail', 'export PUPPETEER_SKIP_DOWNLOAD=true', 'npm ci', 'npm test']);
  });

  it('has signed curl examples (a publish, then an update by publisher id) that a live server accepts', async () => {
    const block = (name: string) => new RegExp(`<!-- ${name}[^>]*-->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
    const publish = block('signed-curl-example');
    const update = block('signed-update-example');
    expect(publish).toContain('openssl dgst');
    expect(update).toContain('v2=');
    const h = await createHarness({ signingSecret: TEST_SECRET });
    try {
      const url = await h.app.listen({ port: 0, host: '127.0.0.1' });
      const run = async (script: string) => JSON.parse((await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SIGNALCAST_SECRET: TEST_SECRET, SIGNALCAST_URL: url },
      })).stdout) as unknown;
      const published = await run(publish!);
      expect(published).toEqual({ id: expect.stringMatching(/^sig_/), duplicate: false, planned: 0, skipped: 0, candidates: 0, planning: 'done', estimates: {} });
      expect(h.db.$client.prepare('select publisher_id as p from signals').all()).toEqual([{ p: 'sig-2026-0002' }]);
      expect(await run(update!)).toEqual({ id: expect.stringMatching(/^upd_/), signalId: (published as { id: string }).id, duplicate: false, planned: 0, superseded: 0 });
    } finally {
      await h.app.close();
    }
  });
});

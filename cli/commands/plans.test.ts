import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLoadOptions } from '../../app/adapters/plan-catalog';
import { loadConfig } from '../../config';
import { captureIo } from '../io';
import { runCli, type CliDeps } from '../program';
import { MOVE_TO_ACCESS } from './plans';

const FREE = '  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0 }\n';

function plansFile(vipFields: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sc-plans-check-')), 'plans.yaml');
  writeFileSync(file, `plans:\n${FREE}  - { id: vip, name: VIP, level: 20, stripePriceId: price_vip, priceCents: 100, ${vipFields} }\n`);
  return file;
}

/** The CLI as main.ts builds it for `plans check`: this build's access specs and the reading of older fields. */
function cli() {
  const io = captureIo();
  const unused = () => {
    throw new Error('plans check needs no database');
  };
  const deps: CliDeps = { io, loadConfig: () => loadConfig({}), openDatabase: unused, closeDatabase: unused, createContext: unused, start: unused, plans: planLoadOptions() };
  return { io, run: (...args: string[]) => runCli(args, deps) };
}

describe('signalcast plans check and the access list', () => {
  it("describes what each plan gates and the access entries this build reads", async () => {
    const c = cli();
    const file = plansFile('access: [{ telegram: { chat: "-1001234567890" } }, { testchat: { tenant: "t1", role: "r1" } }]');
    expect(await c.run('plans', 'check', file)).toBe(0);
    expect(c.io.stdout.join('\n')).toContain('vip (VIP, level 20): $1.00/month; real-time; no daily cap; gates telegram chat -1001234567890, testchat role r1 in t1;');
    expect(c.io.stdout.at(-1)).toBe('  access entries this build reads: { telegram: { chat: "-1001234567890" } }, { discord: { guild: "112233445566778899", role: "223344556677889900", channels: ["334455667788990011"] } }, { slack: { workspaceLicence: true } }, { testchat: { chat: "c1" } }');
    expect(c.io.stderr).toEqual([]);
  });

  it('prints a warning per deprecated field with its new form, explains the move, and still passes', async () => {
    const c = cli();
    const file = plansFile('telegramChatIds: ["-1001"], slackEnterprise: true');
    expect(await c.run('plans', 'check', file)).toBe(0);
    expect(c.io.stderr).toEqual([
      `warning: ${file}: plans[1].telegramChatIds (plan vip): deprecated (read for this release only): write access: [{ telegram: { chat: "-1001" } }] instead`,
      `warning: ${file}: plans[1].slackEnterprise (plan vip): deprecated (read for this release only): write access: [{ slack: { workspaceLicence: true } }] instead`,
      MOVE_TO_ACCESS,
    ]);
    expect(c.io.stdout.join('\n')).toContain('gates telegram chat -1001');
  });

  it('exits 78 naming a chat app this build has no adapter for, with the forms it reads', async () => {
    const c = cli();
    const file = plansFile('access: [{ telegarm: { chat: "-1001" } }]');
    expect(await c.run('plans', 'check', file)).toBe(78);
    const err = c.io.stderr.join('\n');
    expect(err).toContain(`${file}: plans[1].access[0] (plan vip): no chat app named "telegarm" in this build (it has: discord, slack, telegram, testchat)`);
    expect(err).toContain('access entries this build reads: { telegram: { chat: "-1001234567890" } }, { discord: { guild: "112233445566778899", role: "223344556677889900", channels: ["334455667788990011"] } }, { slack: { workspaceLicence: true } }, { testchat: { chat: "c1" } }');
  });
});

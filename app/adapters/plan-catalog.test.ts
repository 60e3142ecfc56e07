import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessForms, checkPlans, loadPlans, parsePlans, requirePlan, type PlansCheck } from '../../core/plans';
import { TELEGRAM_CHAT_IDS } from '../../bots/telegram/plan-access';
import { recordingLogger, type LogRecord } from '../../core/testing/logger';
import { planLoadOptions } from './plan-catalog';
import { ADAPTERS } from './table';

const options = planLoadOptions(ADAPTERS);
const FREE = '  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0 }\n';
const vip = (fields: string) => `plans:\n${FREE}  - { id: vip, name: VIP, level: 20, stripePriceId: price_vip, priceCents: 100, ${fields} }\n`;

function errorsOf(check: PlansCheck): string[] {
  if (check.ok) throw new Error('expected the plans to be rejected');
  return check.errors;
}

describe("the plans' access list with this build's adapters", () => {
  it('reads Telegram chats and testchat chats and roles', () => {
    const plans = parsePlans(vip('access: [{ telegram: { chat: -1001234567890 } }, { testchat: { chat: "c1" } }, { testchat: { tenant: "t1", role: "r1" } }]'), 'plans.yaml', options);
    expect(requirePlan(plans, 'vip').access).toEqual([
      { platform: 'telegram', kind: 'chat', id: '-1001234567890' },
      { platform: 'testchat', kind: 'chat', id: 'c1' },
      { platform: 'testchat', kind: 'role', id: 'r1', tenant: 't1' },
    ]);
  });

  it('names a misspelt chat app and the apps this build has', () => {
    expect(errorsOf(checkPlans(vip('access: [{ telegram: { chat: "-1001" } }, { telegarm: { chat: "-1002" } }]'), 'plans.yaml', options))).toEqual([
      'plans.yaml: plans[1].access[1] (plan vip): no chat app named "telegarm" in this build (it has: discord, slack, telegram, testchat)',
    ]);
  });

  it("refuses a bad Telegram chat id with the Telegram spec's words and its form", () => {
    expect(errorsOf(checkPlans(vip('access: [{ telegram: { chat: "vip channel" } }]'), 'plans.yaml', options))).toEqual([
      'plans.yaml: plans[1].access[0] (plan vip): telegram: chat: expected a chat id such as "-1001234567890" or "@channelname"; for example { telegram: { chat: "-1001234567890" } }',
    ]);
  });

  it('lists the forms this build reads, for plans check', () => {
    expect(accessForms(options)).toEqual(['{ telegram: { chat: "-1001234567890" } }', '{ discord: { guild: "112233445566778899", role: "223344556677889900", channels: ["334455667788990011"] } }', '{ slack: { workspaceLicence: true } }', '{ testchat: { chat: "c1" } }']);
  });
});

describe('the older per-vendor plan fields, read for one release', () => {
  it('turns telegramChatIds into Telegram chat entries after the access list, with a warning showing the new form', () => {
    const check = checkPlans(vip('access: [{ testchat: { chat: "c1" } }], telegramChatIds: [-1001234567890, "@vipchannel"]'), 'plans.yaml', options);
    expect(check).toMatchObject({
      ok: true,
      warnings: ['plans.yaml: plans[1].telegramChatIds (plan vip): deprecated (read for this release only): write access: [{ telegram: { chat: "-1001234567890" } }, { telegram: { chat: "@vipchannel" } }] instead'],
    });
    expect(check.ok && requirePlan(check.plans, 'vip').access.map((r) => `${r.platform}:${r.id}`)).toEqual(['testchat:c1', 'telegram:-1001234567890', 'telegram:@vipchannel']);
  });

  it('refuses a bad chat id in telegramChatIds, naming it', () => {
    const check = checkPlans(vip('telegramChatIds: ["-1001", "vip"]'), 'plans.yaml', options);
    expect(errorsOf(check)).toEqual(['plans.yaml: plans[1].telegramChatIds[1] (plan vip): expected a chat id such as "-1001234567890" or "@channelname"']);
    expect(check.warnings).toHaveLength(1);
  });

  it('ignores discordRoleIds (a role id without its server) and turns slackEnterprise into the workspace licence, with warnings that show the new forms', () => {
    const check = checkPlans(vip('discordRoleIds: ["100000000000000001"], slackEnterprise: true'), 'plans.yaml', options);
    expect(check).toMatchObject({
      ok: true,
      warnings: [
        'plans.yaml: plans[1].discordRoleIds (plan vip): ignored: a role needs its server, which this field cannot say; write access: [{ discord: { guild: "<server id>", role: "100000000000000001", removal: "remove-role" } }] (ids quoted)',
        'plans.yaml: plans[1].slackEnterprise (plan vip): deprecated (read for this release only): write access: [{ slack: { workspaceLicence: true } }] instead',
      ],
    });
    expect(check.ok && requirePlan(check.plans, 'vip').access).toEqual([{ platform: 'slack', kind: 'workspace', id: 'licence' }]);
  });

  it("warns that empty old fields can go, and ignores a Telegram chat when the build has no Telegram adapter", () => {
    const empty = checkPlans(vip('telegramChatIds: [], discordRoleIds: [], slackEnterprise: false'), 'plans.yaml', options);
    expect(empty.warnings).toEqual([
      'plans.yaml: plans[1].telegramChatIds (plan vip): deprecated and empty (read for this release only): delete it',
      'plans.yaml: plans[1].discordRoleIds (plan vip): deprecated (read for this release only): delete it',
      'plans.yaml: plans[1].slackEnterprise (plan vip): deprecated (read for this release only): delete it',
    ]);
    const noTelegram = checkPlans(vip('telegramChatIds: ["-1001"]'), 'plans.yaml', planLoadOptions([{ name: 'telegram', deprecatedPlanFields: [TELEGRAM_CHAT_IDS] }, { name: 'testchat' }]));
    expect(noTelegram).toMatchObject({ ok: true, warnings: ['plans.yaml: plans[1].telegramChatIds (plan vip): ignored: this build has no Telegram adapter (the new form is access: [{ telegram: { chat: "-1001" } }])'] });
  });

  it('still refuses old fields of the wrong type', () => {
    expect(errorsOf(checkPlans(vip('slackEnterprise: "yes", telegramChatIds: "-1001"'), 'plans.yaml', options))).toEqual([
      'plans.yaml: plans[1].telegramChatIds (plan vip): expected a list of chat ids (and this field is deprecated: write access: [{ telegram: { chat: "-1001234567890" } }])',
      'plans.yaml: plans[1].slackEnterprise (plan vip): expected a boolean (and this field is deprecated: write access: [{ slack: { workspaceLicence: true } }])',
    ]);
  });

  it('logs each warning at start, naming the plans file, when the service loads it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sc-legacy-')), 'plans.yaml');
    writeFileSync(file, vip('telegramChatIds: ["-1001"]'));
    const records: LogRecord[] = [];
    const plans = loadPlans(file, { ...options, logger: recordingLogger(records) });
    expect(requirePlan(plans, 'vip').access).toEqual([{ platform: 'telegram', kind: 'chat', id: '-1001' }]);
    expect(records).toEqual([{ level: 'warn', obj: { plansFile: file }, msg: `${file}: plans[1].telegramChatIds (plan vip): deprecated (read for this release only): write access: [{ telegram: { chat: "-1001" } }] instead` }]);
  });
});

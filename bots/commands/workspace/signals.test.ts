import { describe, expect, it } from 'vitest';
import { COMMAND_PLANS, only, OPERATOR_ID } from '../commands.fixtures';
import { handleEvent } from '../router';
import { ADMINS_ONLY, NOT_INSTALLED } from './workspace';
import { channelId, TEAM, workspaceWorld, type WorkspaceWorld } from './workspace.fixtures';

const DAY = 86_400_000;
const admin = { admin: true };

/** The app installed in the workspace and #alerts subscribed by an admin. */
async function alertsWorld(): Promise<WorkspaceWorld> {
  const w = workspaceWorld();
  await w.install();
  await w.signals('U_ADMIN', 'subscribe #alerts', admin);
  return w;
}

async function workspaceAccountId(w: WorkspaceWorld): Promise<string | null> {
  return (await w.installations.get('slack', TEAM))?.accountId ?? null;
}

async function channels(w: WorkspaceWorld) {
  return (await w.accounts.listDestinations({ platform: 'slack', tenant: TEAM })).map((d) => ({
    chatId: d.recipient.chatId, accountId: d.accountId, label: d.label, enabled: d.enabled, reason: d.disabledReason, kinds: d.contentKinds, filters: d.filters,
  }));
}

async function license(w: WorkspaceWorld, fields: { status?: string; currentPeriodEnd?: number; source?: 'stripe' | 'grant' } = {}): Promise<void> {
  const accountId = await workspaceAccountId(w);
  await w.accounts.upsertSubscription({
    accountId: accountId!, planId: 'enterprise', status: fields.status ?? 'active', stripeSubscriptionId: fields.source === 'grant' ? null : 'sub_ws',
    currentPeriodEnd: fields.currentPeriodEnd ?? w.clock.now() + 30 * DAY, source: fields.source ?? 'stripe',
  });
}

describe('/signals subscribe', () => {
  it('refuses anyone but a workspace admin or owner, and changes nothing', async () => {
    const w = workspaceWorld();
    await w.install();
    expect(only(await w.signals('U_MEMBER', 'subscribe #alerts')).text).toBe(ADMINS_ONLY);
    expect(w.port.prepared).toEqual([]);
    expect(await channels(w)).toEqual([]);
    expect(await workspaceAccountId(w)).toBeNull();
  });

  it('says the app is not installed when the workspace has no installation', async () => {
    const w = workspaceWorld();
    expect(only(await w.signals('U_ADMIN', 'subscribe #alerts', admin)).text).toBe(NOT_INSTALLED);
    expect(w.port.prepared).toEqual([]);
  });

  it('answers the platform\'s words when the channel cannot take alerts, and changes nothing', async () => {
    const w = workspaceWorld();
    await w.install();
    w.port.problems.set(channelId('secret'), { code: 'private_not_member', detail: '#secret is private: invite the app first with /invite @Signalcast in #secret.' });
    expect(only(await w.signals('U_ADMIN', 'subscribe #secret', admin)).text).toBe('#secret is private: invite the app first with /invite @Signalcast in #secret.');
    expect(w.port.prepared).toEqual([{ tenant: TEAM, chatId: channelId('secret') }]);
    expect(await channels(w)).toEqual([]);
    expect(await workspaceAccountId(w)).toBeNull();
    expect(w.actions()).not.toContain('account.created');
  });

  it('makes the workspace account with the first admin\'s identity, adds the channel, and offers Checkout for the licence; again changes nothing', async () => {
    const w = workspaceWorld();
    await w.install();
    const reply = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(reply.text).toBe('#alerts is ready. Alerts start when the workspace subscribes:');
    expect(reply.buttons).toEqual([[{ label: 'Subscribe the workspace to Enterprise', url: 'http://127.0.0.1:1/checkout/cs_test_1' }]]);
    const accountId = await workspaceAccountId(w);
    expect(w.billing.checkouts).toEqual([{ accountId, planId: 'enterprise', identity: { platform: 'slack', platformUserId: 'U_ADMIN' } }]);
    expect(await w.accounts.findIdentity('slack', 'U_ADMIN', TEAM)).toMatchObject({ accountId, tenant: TEAM });
    expect(await channels(w)).toEqual([
      { chatId: channelId('alerts'), accountId, label: '#alerts', enabled: true, reason: null, kinds: ['alert', 'rationale', 'snapshot'], filters: null },
    ]);

    const again = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(again.text).toBe(reply.text);
    expect(await channels(w)).toHaveLength(1);
    expect(w.actions().filter((a) => a === 'destination.added')).toHaveLength(1);
    expect(w.actions().filter((a) => a === 'account.created')).toHaveLength(1);
  });

  it('lets a later admin act for the same account, leaving their own account and identity where they are', async () => {
    const w = await alertsWorld();
    const accountId = await workspaceAccountId(w);
    const own = await w.accounts.createAccount();
    await w.accounts.addIdentity(own.id, 'slack', 'U_SECOND', null, { tenant: TEAM });

    await w.signals('U_SECOND', 'subscribe #ops', admin);
    expect((await channels(w)).map((c) => [c.chatId, c.accountId])).toEqual([[channelId('alerts'), accountId], [channelId('ops'), accountId]]);
    expect(await w.accounts.findIdentity('slack', 'U_SECOND', TEAM)).toMatchObject({ accountId: own.id });
    expect(await workspaceAccountId(w)).toBe(accountId);
  });

  it('once the workspace is licensed, says which plan\'s alerts the channel gets', async () => {
    const w = await alertsWorld();
    await license(w);
    expect(only(await w.signals('U_ADMIN', 'subscribe #desk', admin))).toEqual({ text: '#desk will get Enterprise alerts.' });
  });

  it('offers a Checkout button per licence plan, or only the plan named, and refuses a plan without the licence', async () => {
    const plans = { ...COMMAND_PLANS, plans: COMMAND_PLANS.plans.map((p) => (p.id === 'pro' ? { ...p, access: [{ platform: 'slack', kind: 'workspace' as const, id: 'licence' }] } : p)) };
    const w = workspaceWorld({ plans });
    await w.install();
    const both = only(await w.signals('U_ADMIN', 'subscribe #alerts', admin));
    expect(both.buttons?.map((row) => row[0]?.label)).toEqual(['Subscribe the workspace to Pro', 'Subscribe the workspace to Enterprise']);
    const one = only(await w.signals('U_ADMIN', 'subscribe #alerts enterprise', admin));
    expect(one.buttons?.map((row) => row[0]?.label)).toEqual(['Subscribe the workspace to Enterprise']);
    expect(only(await w.signals('U_ADMIN', 'subscribe #other vip', admin)).text).toBe('Nothing changed: vip gives no workspace licence. The workspace plans are pro and enterprise.');
    expect((await channels(w)).map((c) => c.chatId)).toEqual([channelId('alerts')]);
  });

  it('asks which channel when none was named or the platform could not resolve it', async () => {
    const w = workspaceWorld();
    await w.install();
    expect(only(await w.signals('U_ADMIN', 'subscribe', admin)).text).toBe('Name the channel, for example /signals subscribe #alerts.');
  });
});

describe('/signals unsubscribe', () => {
  it('stops a channel, says so, and a later subscribe brings it back; an unknown channel is answered plainly', async () => {
    const w = await alertsWorld();
    expect(only(await w.signals('U_MEMBER', 'unsubscribe #alerts')).text).toBe(ADMINS_ONLY);
    expect(only(await w.signals('U_ADMIN', 'unsubscribe #alerts', admin)).text).toBe('#alerts will get no more alerts. /signals subscribe #alerts brings them back.');
    expect((await channels(w)).map((c) => [c.enabled, c.reason])).toEqual([[false, 'unsubscribed']]);
    expect(only(await w.signals('U_ADMIN', 'unsubscribe #random', admin)).text)
      .toBe('#random is not one of this workspace\'s alert channels: nothing to stop. /signals status lists them.');
    await w.signals('U_ADMIN', 'subscribe #alerts', admin);
    expect((await channels(w)).map((c) => [c.enabled, c.reason])).toEqual([[true, null]]);
  });
});

describe('/signals status, billing and help', () => {
  it('shows the licence, each channel and whether it receives, and who can change it', async () => {
    const w = workspaceWorld();
    await w.install();
    expect(only(await w.signals('U_MEMBER', 'status')).text.split('\n')).toEqual([
      'Workspace: Acme Desk.', 'Licence: none.', 'Channels: none yet.', 'Workspace admins and owners can change this.',
    ]);
    await w.signals('U_ADMIN', 'subscribe #alerts', admin);
    await w.signals('U_ADMIN', 'subscribe #old', admin);
    await w.signals('U_ADMIN', 'unsubscribe #old', admin);
    await w.signals('U_ADMIN', 'settings #alerts band=A', admin);
    expect(only(await w.signals('U_MEMBER', 'status')).text.split('\n')).toEqual([
      'Workspace: Acme Desk.', 'Licence: none.', 'Channels:',
      '- #alerts: receives nothing until the workspace subscribes (band A only).', '- #old: receives nothing (unsubscribed).',
      'Workspace admins and owners can change this.',
    ]);
    await license(w, { currentPeriodEnd: Date.UTC(2026, 1, 5) });
    expect(only(await w.signals('U_ADMIN', 'status', admin)).text.split('\n')).toEqual([
      'Workspace: Acme Desk.', 'Licence: Enterprise (active), renews on 5 Feb 2026.', 'Channels:',
      '- #alerts: receives band A only.', '- #old: receives nothing (unsubscribed).',
      'Workspace admins and owners (you too) can change this: /signals help.',
    ]);
  });

  it('gives an admin the portal link once the workspace pays, the Checkout link before, and nobody else either', async () => {
    const w = workspaceWorld();
    await w.install();
    expect(only(await w.signals('U_MEMBER', 'billing')).text).toBe(ADMINS_ONLY);
    const before = only(await w.signals('U_ADMIN', 'billing', admin));
    expect(before.text).toBe('The workspace has no subscription yet. Subscribe it:');
    expect(before.buttons?.[0]?.[0]).toMatchObject({ label: 'Subscribe the workspace to Enterprise' });
    const accountId = await workspaceAccountId(w);
    w.db.$client.prepare("UPDATE accounts SET stripe_customer_id = 'cus_ws' WHERE id = ?").run(accountId);
    const after = only(await w.signals('U_OTHER_ADMIN', 'billing', admin));
    expect(after.buttons).toEqual([[{ label: 'Manage billing', url: 'http://127.0.0.1:1/portal/cus_ws' }]]);
    expect(w.billing.portals).toEqual([accountId]);
  });

  it('lists every sub-command in one line each', async () => {
    const w = workspaceWorld();
    const lines = only(await w.signals('U_MEMBER', 'help')).text.split('\n');
    expect(lines.map((l) => l.split(' ')[1]?.replace(':', ''))).toEqual(['subscribe', 'unsubscribe', 'status', 'billing', 'settings', 'track', 'help']);
    expect(only(await w.signals('U_MEMBER', 'dance')).text).toContain("I don't know /signals dance.");
  });
});

describe('an operator grant of the workspace licence', () => {
  it('goes to the workspace account by its account id, or by its admin\'s user id in that workspace, and licenses its channels', async () => {
    const w = await alertsWorld();
    const accountId = await workspaceAccountId(w);
    expect(only(await w.send(OPERATOR_ID, `/grant ${accountId} enterprise 30`)).text).toBe(`Granted Enterprise to account ${accountId} until 4 Feb 2026.`);
    expect(only(await w.signals('U_MEMBER', 'status')).text).toContain('Licence: Enterprise (granted), ends on 4 Feb 2026.');
    expect(only(await w.send(OPERATOR_ID, `/revoke ${accountId}`)).text).toBe(`Revoked Enterprise from account ${accountId}.`);
    expect(only(await w.signals('U_MEMBER', 'status')).text).toContain('Licence: none');

    w.deps.operatorIds = { ...w.deps.operatorIds, slack: ['U_OPERATOR'] };
    const event = {
      type: 'command' as const, command: 'grant', args: 'U_ADMIN enterprise 7',
      actor: { platform: 'slack', platformUserId: 'U_OPERATOR', tenant: TEAM }, chat: { platform: 'slack', tenant: TEAM, chatId: 'D1' }, isPrivate: true,
    };
    expect(only(await handleEvent(event, w.deps)).text).toMatch(/^Granted Enterprise to U_ADMIN until/);
    expect(only(await w.signals('U_MEMBER', 'status')).text).toContain('Licence: Enterprise (granted)');
  });
});

describe('/signals settings', () => {
  it('shows a channel\'s settings to anyone, saves an admin\'s valid change, and refuses a bad value naming it', async () => {
    const w = await alertsWorld();
    expect(only(await w.signals('U_MEMBER', 'settings #alerts')).text).toBe('#alerts gets every alert.');
    expect(only(await w.signals('U_MEMBER', 'settings #alerts band=A')).text).toBe(ADMINS_ONLY);

    expect(only(await w.signals('U_ADMIN', 'settings #alerts symbols=btc,ETH band=b sides=long', admin)).text)
      .toBe('Saved: #alerts gets symbols BTC, ETH; band B or better; sides long.');
    expect((await channels(w))[0]?.filters).toEqual({ symbolFilter: ['BTC', 'ETH'], minBand: 'B', sideFilter: ['long'] });

    expect(only(await w.signals('U_ADMIN', 'settings #alerts band=D', admin)).text).toBe('Nothing changed: "D" is not a band: write band=A, band=B or band=C (or band=all).');
    expect(only(await w.signals('U_ADMIN', 'settings #alerts sides=up', admin)).text).toBe('Nothing changed: "up" is not a side: write long, short, close.');
    expect(only(await w.signals('U_ADMIN', 'settings #alerts colour=red', admin)).text).toBe('Nothing changed: "colour" is not a setting: the settings are symbols, band and sides.');
    expect((await channels(w))[0]?.filters).toEqual({ symbolFilter: ['BTC', 'ETH'], minBand: 'B', sideFilter: ['long'] });

    // Run in the channel itself, the channel needs no naming.
    expect(only(await w.signals('U_ADMIN', 'settings band=all', { admin: true, inChannel: channelId('alerts') })).text)
      .toBe('Saved: #alerts gets symbols BTC, ETH; sides long.');
    expect(only(await w.signals('U_ADMIN', 'settings #alerts reset', admin)).text).toBe('Saved: #alerts gets every alert.');
    expect((await channels(w))[0]?.filters).toBeNull();
    expect(only(await w.signals('U_ADMIN', 'settings #nowhere band=A', admin)).text)
      .toBe('#nowhere is not one of this workspace\'s alert channels: nothing changed. /signals subscribe #nowhere adds it.');
  });
});

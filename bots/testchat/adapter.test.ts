import { afterEach, describe, expect, it } from 'vitest';
import { sendNowNoticeSink } from '../../core/access/notices';
import type { InboundEvent } from '../../core/inbound/types';
import { silentLogger } from '../../core/logger';
import type { PlatformAdapter } from '../../core/platform/adapter';
import { AdapterStartError } from '../../core/platform/errors';
import { until } from '../../core/testing/until';
import { startTestchat, TestchatEmulator } from '../../sandbox/testchat/server';
import { serveRoutes, type RouteServer } from '../contract/route-server';
import { createTestchatAdapter, TESTCHAT_WEBHOOK_PATH, type TestchatAdapterSettings } from './adapter';
import { signWebhookBody } from './signature';

describe('testchat adapter', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** Emulator, route server, adapter (started, with its gate), and every event the handler got. */
  async function world(settings: Partial<TestchatAdapterSettings> = {}) {
    const { emulator, url, token } = await startTestchat();
    cleanups.push(() => emulator.stop());
    const routes: RouteServer = await serveRoutes();
    cleanups.push(() => routes.close());
    const sender = createTestchatAdapter({ url, token }, { logger: silentLogger }).sender;
    const adapter: PlatformAdapter = createTestchatAdapter({ url, token, publicUrl: routes.url, ...settings }, {
      logger: silentLogger, access: { notices: sendNowNoticeSink(new Map([['testchat', sender]])) },
    });
    adapter.routes?.(routes.registrar);
    const events: InboundEvent[] = [];
    await adapter.start(async (event) => {
      events.push(event);
      return event.type === 'command' ? [{ text: `you said /${event.command}` }] : undefined;
    });
    cleanups.push(() => adapter.stop());
    return { emulator, url, token, routes, adapter, events };
  }

  it('registers its webhook at start, so what people do reaches the handler', async () => {
    const { emulator, events } = await world();
    expect(await emulator.command('u1', TestchatEmulator.direct('u1'), '/help')).toBe(200);
    expect(events).toMatchObject([{ type: 'command', command: 'help' }]);
    expect(emulator.chatMessages('u1').map((m) => m.text)).toEqual(['you said /help']);
  });

  it('refuses a forged webhook call with 401 and changes nothing', async () => {
    const { routes, emulator, events } = await world();
    const body = JSON.stringify({ id: 'evt_forged', type: 'message', user: { id: 'u1' }, chat: { id: 'u1', direct: true }, message_id: '9', text: '/start' });
    const post = (signature: string) => fetch(`${routes.url}${TESTCHAT_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-testchat-signature': signature }, body });
    expect((await post(signWebhookBody('not-the-token', body))).status).toBe(401);
    expect((await post('')).status).toBe(401);
    expect(events).toEqual([]);
    expect(emulator.messages).toEqual([]);
  });

  it('handles an event delivered twice only once', async () => {
    const { routes, token, events } = await world();
    const body = JSON.stringify({ id: 'evt_twice', type: 'message', user: { id: 'u2' }, chat: { id: 'u2', direct: true }, message_id: '3', text: '/status' });
    const post = () => fetch(`${routes.url}${TESTCHAT_WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-testchat-signature': signWebhookBody(token, body) }, body });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    expect(events).toHaveLength(1);
  });

  it('turns a member leaving, an admin removing one, and a role given or taken by hand into membership events', async () => {
    const { emulator, events } = await world();
    emulator.access.createChat('vip', { members: ['u3'] });
    emulator.access.createTenant('g1');
    emulator.access.setRole('g1', 'subscriber', 5);
    await emulator.memberLeaves('vip', 'u3');
    await emulator.memberJoins('vip', 'u4');
    await emulator.memberLeaves('vip', 'u4', { byAdmin: true });
    await emulator.roleByHand('g1', 'u5', 'subscriber');
    await emulator.roleByHand('g1', 'u5', 'subscriber', false);
    expect(events).toEqual([
      { type: 'membership', actor: expect.objectContaining({ platformUserId: 'u3' }), resource: { platform: 'testchat', kind: 'chat', id: 'vip' }, state: 'left' },
      { type: 'membership', actor: expect.objectContaining({ platformUserId: 'u4' }), resource: { platform: 'testchat', kind: 'chat', id: 'vip' }, state: 'member' },
      { type: 'membership', actor: expect.objectContaining({ platformUserId: 'u4' }), resource: { platform: 'testchat', kind: 'chat', id: 'vip' }, state: 'removed' },
      { type: 'membership', actor: expect.objectContaining({ platformUserId: 'u5' }), resource: { platform: 'testchat', kind: 'role', tenant: 'g1', id: 'subscriber' }, state: 'member' },
      { type: 'membership', actor: expect.objectContaining({ platformUserId: 'u5' }), resource: { platform: 'testchat', kind: 'role', tenant: 'g1', id: 'subscriber' }, state: 'removed' },
    ]);
  });

  it('tells the handler when a person blocks the bot, and their direct messages are then refused for good', async () => {
    const { emulator, events, adapter } = await world();
    await emulator.userBlocksBot('u6');
    expect(events).toEqual([{ type: 'bot_blocked', actor: expect.objectContaining({ platformUserId: 'u6' }), chat: { platform: 'testchat', chatId: 'u6', direct: true }, blocked: true }]);
    await expect(adapter.sender.send({ platform: 'testchat', chatId: 'u6', direct: true }, { kind: 'notice', text: 'hi' })).rejects.toMatchObject({ kind: 'permanent', reason: 'blocked' });
  });

  it('refuses a role the admin moved to the bot\'s own position with "hierarchy", and a deleted role as not found', async () => {
    const { emulator, adapter } = await world();
    emulator.access.createTenant('g2', { botPosition: 10 });
    emulator.access.setRole('g2', 'vip', 3);
    emulator.access.addTenantMember('g2', 'u7');
    const holder = { accountId: 'acc_7', platform: 'testchat', platformUserId: 'u7' };
    const vip = { platform: 'testchat', kind: 'role' as const, tenant: 'g2', id: 'vip' };
    expect(await adapter.gate!.grant(holder, vip, 'paid')).toMatchObject({ result: 'granted', holds: true });
    emulator.moveRole('g2', 'vip', 10);
    expect(await adapter.gate!.revoke(holder, vip, 'lapsed')).toMatchObject({ result: 'failed', code: 'hierarchy' });
    expect(emulator.access.hasRole('g2', 'u7', 'vip')).toBe(true);
    emulator.deleteRole('g2', 'vip');
    expect(await adapter.gate!.grant(holder, vip, 'paid')).toMatchObject({ result: 'failed', code: 'resource_not_found' });
    expect(emulator.access.rolesOf('g2', 'u7')).toEqual([]);
  });

  it('reports a role for someone outside the tenant as not_member, and has no join requests or invite links', async () => {
    const { emulator, adapter } = await world();
    emulator.access.createTenant('g3');
    emulator.access.setRole('g3', 'vip', 1);
    const outcome = await adapter.gate!.grant({ accountId: 'acc_8', platform: 'testchat', platformUserId: 'u8' }, { platform: 'testchat', kind: 'role', tenant: 'g3', id: 'vip' }, 'paid');
    expect(outcome).toMatchObject({ result: 'failed', code: 'not_member' });
    expect(adapter.gate!.approveJoinRequest).toBeUndefined();
    expect(adapter.gate!.revokeInviteLink).toBeUndefined();
    expect(adapter.capabilities).toMatchObject({ buttons: true, edits: true, threads: true, ephemeral: false, images: false, directMessages: true, markup: 'plain', access: ['chat', 'role'] });
  });

  it('fails to start for good with a refused token, and for now when testchat is unreachable', async () => {
    const { url } = await world();
    const refused = createTestchatAdapter({ url, token: 'wrong-token' }, { logger: silentLogger });
    const err = await refused.start(async () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterStartError);
    expect(err).toMatchObject({ failure: { permanent: true }, message: expect.stringContaining('TESTCHAT_TOKEN') });
    const unreachable = createTestchatAdapter({ url: 'http://127.0.0.1:9', token: 'x' }, { logger: silentLogger });
    expect(await unreachable.start(async () => undefined).catch((e: unknown) => e)).toMatchObject({ failure: { permanent: false } });
  });

  it('makes a deep link once started, and refuses unusable settings naming them', async () => {
    const { adapter, url } = await world();
    expect(adapter.deepLink('ref_1')).toBe(`${url}/u/testchat_bot?start=ref_1`);
    expect(() => createTestchatAdapter({ url: 'nope', token: 't' }, { logger: silentLogger })).toThrow(/TESTCHAT_URL/);
    expect(() => createTestchatAdapter({ url, token: 'a b' }, { logger: silentLogger })).toThrow(/TESTCHAT_TOKEN/);
    expect(() => createTestchatAdapter({ url, token: 't', publicUrl: 'ftp://x' }, { logger: silentLogger })).toThrow(/PUBLIC_URL/);
  });

  it('with a deadline, turns its "Working on it…" message into the slow answer by an edit', async () => {
    const { emulator, url, token } = await startTestchat();
    cleanups.push(() => emulator.stop());
    const routes = await serveRoutes();
    cleanups.push(() => routes.close());
    const adapter = createTestchatAdapter({ url, token, publicUrl: routes.url, capabilities: { ackWithinMs: 10 } }, { logger: silentLogger });
    adapter.routes?.(routes.registrar);
    await adapter.start(async () => {
      await until(() => emulator.messages.length > 0, 'the acknowledgement');
      return [{ text: 'Your status: active' }];
    });
    cleanups.push(() => adapter.stop());
    await emulator.command('u10', TestchatEmulator.direct('u10'), '/status');
    expect(emulator.chatMessages('u10')).toMatchObject([{ text: 'Your status: active', earlier: ['Working on it…'], direct: true }]);
  });

  it('stops receiving at stop: the webhook is removed', async () => {
    const { emulator, adapter, events } = await world();
    await adapter.stop();
    await emulator.command('u9', TestchatEmulator.direct('u9'), '/start');
    expect(events).toEqual([]);
    expect(emulator.webhookCalls.at(-1)).toMatchObject({ status: 0 });
  });
});

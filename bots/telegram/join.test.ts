// /join and the /status button: a subscriber always gets a new personal link, the old one revoked (real grammy bot against the emulator, real SQLite).
import { afterEach, describe, expect, it } from 'vitest';
import type { AccessEventDeps } from '../../core/access/inbound';
import { sendNewInviteLinks } from '../../core/access/new-links';
import type { NoticeSink } from '../../core/access/notices';
import { until } from '../../core/testing/until';
import { SqliteAccessStore } from '../../db/stores/access-store';
import { TelegramAccessGate } from './access';
import { plansWithChannel, startAccessWorld, type AccessWorld } from './access.fixtures';
import { botWorld, type BotWorld } from './bot.fixtures';

const CHANNEL = -1001000000777;
const linkIn = (text: string | undefined) => text?.match(/https:\/\/t\.me\/\+\S+/)?.[0];

describe('a new personal invite link on request', () => {
  let a: AccessWorld | undefined;
  let b: BotWorld | undefined;
  afterEach(async () => {
    await a?.close();
    await b?.stop();
    a = undefined;
    b = undefined;
  });

  it('revokes the old link and sends a new one that lets the subscriber in; a free user is told how to subscribe', async () => {
    a = await startAccessWorld();
    const w = a;
    const deps: AccessEventDeps = { store: w.store, gates: [w.gate], plans: w.plans, clock: w.clock, audit: w.audit };
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const old = linkIn(w.emu.sentMessages(101).at(-1)?.text)!;
    await w.clock.advance(60_000);

    const report = await sendNewInviteLinks({ platform: 'telegram', platformUserId: '101' }, deps);
    expect(report).toMatchObject({ status: 'done', results: [{ resourceKey: `telegram:chat:${w.channel.id}`, revoked: 1, outcome: { result: 'invited' } }] });
    const fresh = linkIn(w.emu.sentMessages(101).at(-1)?.text);
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(old);
    expect(w.emu.inviteLinks(w.channel.id).find((l) => l.invite_link === old)?.is_revoked).toBe(true);
    expect(w.emu.userJoinsWithLink(101, old)).toBe('revoked');
    expect(await w.joinWithLink(101, fresh!)).toBe('joined');
    expect(w.auditRows().filter((r) => r.action === 'access.granted').map((r) => r.data?.trigger)).toEqual(['reconcile', 'join_command', 'join_request']);

    // In already: nothing to send, nothing new in the audit trail.
    const audited = w.auditRows().length;
    expect(await sendNewInviteLinks({ platform: 'telegram', platformUserId: '101' }, deps)).toMatchObject({ status: 'done', results: [{ outcome: { result: 'granted' } }] });
    expect(w.auditRows()).toHaveLength(audited);

    await w.subscriber(202, null);
    expect(await sendNewInviteLinks({ platform: 'telegram', platformUserId: '202' }, deps)).toEqual({ status: 'not_entitled', planName: 'Free' });
    expect(await sendNewInviteLinks({ platform: 'telegram', platformUserId: '303' }, deps)).toEqual({ status: 'not_entitled', planName: null });
    expect(w.emu.inviteLinks(w.channel.id).filter((l) => !l.is_revoked)).toEqual([]);
  });

  it('answers /join with the new link, and offers it as a button under /status', async () => {
    const plans = plansWithChannel(String(CHANNEL));
    const late: { deps?: AccessEventDeps } = {};
    b = await botWorld({ deps: { plans, newInviteLinks: (person) => sendNewInviteLinks(person, late.deps!) } });
    const w = b;
    w.emu.createChannel({ title: 'VIP room', id: CHANNEL });
    const store = new SqliteAccessStore({ db: w.commands.db, clock: w.clock });
    // Notices go straight to the emulator here (the outbox path is tested in access.fixtures and notice-outbox tests).
    const notices: NoticeSink = async (person, notice) => {
      const markup = notice.button ? { reply_markup: { inline_keyboard: [[{ text: notice.button.label, url: notice.button.url }]] } } : {};
      await w.bot.api.sendMessage(Number(person.platformUserId), notice.text, markup);
      return { sent: true };
    };
    late.deps = { store, gates: [new TelegramAccessGate({ api: w.bot.api, store, clock: w.clock, notices })], plans, clock: w.clock, audit: w.commands.audit };

    await w.say(42, '/start');
    await w.clock.advance(60_000);
    await w.say(42, '/join');
    expect(w.lastText(42)).toContain('/subscribe');
    expect(w.emu.inviteLinks(CHANNEL)).toEqual([]);

    const account = await w.commands.accounts.findAccountByIdentity('telegram', '42');
    await w.commands.accounts.upsertSubscription({ accountId: account!.id, planId: 'vip', status: 'active', stripeSubscriptionId: 'sub_42', currentPeriodEnd: w.clock.now() + 30 * 86_400_000 });
    await w.clock.advance(60_000);
    await w.say(42, '/join');
    const first = linkIn(w.lastText(42));
    expect(first).toBeDefined();
    expect(w.emu.inviteLinks(CHANNEL).find((l) => l.invite_link === first)).toMatchObject({ creates_join_request: true, is_revoked: false });

    await w.clock.advance(60_000);
    await w.say(42, '/status');
    const status = w.emu.sentMessages(42).at(-1)!;
    expect(status.text).toContain('/join');
    await w.clock.advance(60_000);
    w.emu.userPressesButton(42, status.message_id, 'join');
    const second = await until(() => {
      const l = linkIn(w.lastText(42));
      return l && l !== first ? l : undefined;
    }, 'a second link');
    expect(w.emu.inviteLinks(CHANNEL).find((l) => l.invite_link === first)?.is_revoked).toBe(true);
    expect(w.emu.userJoinsWithLink(42, first!)).toBe('revoked');
    expect(w.emu.userJoinsWithLink(42, second)).toBe('requested');
  });
});

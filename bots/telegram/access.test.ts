import { GrammyError, HttpError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTelegramError, telegramFailureCode } from './access';
import { startAccessWorld, type AccessWorld } from './access.fixtures';

const HOUR = 3_600_000;

describe('Telegram access gate', () => {
  let w: AccessWorld;
  afterEach(async () => w?.close());

  const linkIn = (text: string | undefined) => text?.match(/https:\/\/t\.me\/\+\S+/)?.[0];

  it('sends an entitled account a personal link that asks to join; their request is approved, and the link is then spent', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');

    const report = await w.reconciler.reconcile({ accountId: vip.accountId });
    expect(report.actions.map((a) => [a.kind, a.outcome?.result])).toEqual([['grant', 'invited']]);

    const dm = w.emu.sentMessages(101).at(-1);
    const link = linkIn(dm?.text);
    expect(link).toBeDefined();
    expect(dm?.text).toContain('/join');
    expect(dm?.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({ url: link });
    const [created] = w.emu.inviteLinks(w.channel.id);
    expect(created).toMatchObject({ invite_link: link, creates_join_request: true, name: vip.accountId.slice(0, 32), expire_date: Math.floor((w.clock.now() + 24 * HOUR) / 1000) });
    expect(created?.member_limit).toBeUndefined();
    expect(await w.store.listActiveInviteLinks({ now: w.clock.now(), platformUserId: '101' })).toEqual([expect.objectContaining({ link, accountId: vip.accountId })]);

    await w.clock.advance(60_000);
    expect(await w.joinWithLink(101, link!)).toBe('joined');
    expect(w.emu.sentMessages(101).at(-1)?.text).toContain('approved');
    expect(await w.store.getMembership('telegram', `telegram:chat:${w.channel.id}`, '101')).toMatchObject({ state: 'member' });
    // The used link is marked and revoked, so a forwarded copy is worthless.
    expect(await w.store.listActiveInviteLinks({ now: w.clock.now() })).toEqual([]);
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(true);
    expect(w.emu.userJoinsWithLink(202, link!)).toBe('revoked');
    expect(w.emu.isMember(w.channel.id, 202)).toBe(false);
  });

  it('in member_limit mode sends a link that admits one person; they join with it, and the link then admits nobody else', async () => {
    w = await startAccessWorld({ inviteMode: 'member_limit' });
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = linkIn(w.emu.sentMessages(101).at(-1)?.text);
    expect(w.emu.inviteLinks(w.channel.id)[0]).toMatchObject({ invite_link: link, member_limit: 1 });
    expect(w.emu.inviteLinks(w.channel.id)[0]?.creates_join_request).toBeFalsy();

    expect(await w.joinWithLink(101, link!)).toBe('joined');
    expect(await w.store.listActiveInviteLinks({ now: w.clock.now() })).toEqual([]);
    expect(w.emu.userJoinsWithLink(202, link!)).toBe('revoked');
  });

  it('on a lapse bans then unbans, DMs the way back, and the old link no longer admits them; paying again brings them back', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const oldLink = linkIn(w.emu.sentMessages(101).at(-1)?.text)!;
    expect(await w.joinWithLink(101, oldLink)).toBe('joined');

    const callsBefore = w.emu.requests.length;
    await w.setStatus(vip, 'unpaid');
    const methods = w.emu.requests.slice(callsBefore).map((r) => r.path.split('/').pop());
    expect(methods.filter((m) => m === 'banChatMember' || m === 'unbanChatMember')).toEqual(['banChatMember', 'unbanChatMember']);
    expect(w.emu.memberStatus(w.channel.id, 101)).toBe('left');
    const lapse = w.emu.sentMessages(101).at(-1)?.text ?? '';
    expect(lapse).toContain('removed');
    // The way back works whether or not they still pay: /join for a subscriber, /subscribe otherwise.
    expect(lapse).toContain('/join');
    expect(lapse).toContain('/subscribe');
    expect(w.emu.userJoinsWithLink(101, oldLink)).toBe('revoked');
    await w.pumpUpdates();
    expect(await w.store.listMembers('telegram', `telegram:chat:${w.channel.id}`)).toEqual([]);

    await w.setStatus(vip, 'active');
    const newLink = linkIn(w.emu.sentMessages(101).at(-1)?.text);
    expect(newLink).toBeDefined();
    expect(newLink).not.toBe(oldLink);
    expect(await w.joinWithLink(101, newLink!)).toBe('joined');

    const audit = w.auditRows().filter((r) => r.action.startsWith('access.'));
    // Each grant is the link (result invited), then the approval of their request (approved).
    expect(audit.map((r) => [r.action, r.reason, r.data?.result])).toEqual([
      ['access.granted', 'entitled (active, plan vip)', 'invited'],
      ['access.granted', 'entitled (active, plan vip)', 'approved'],
      ['access.revoked', 'not entitled (unpaid, plan free)', 'revoked'],
      ['access.granted', 'entitled (active, plan vip)', 'invited'],
      ['access.granted', 'entitled (active, plan vip)', 'approved'],
    ]);
    expect(audit[2]?.data).toMatchObject({ trigger: 'subscription', result: 'revoked', platformUserId: '101' });
    expect(String(audit[2]?.data?.detail)).toContain('removed (ban, then unban)');
  });

  it('revokes an unused link when access lapses before the person joined', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const link = linkIn(w.emu.sentMessages(101).at(-1)?.text)!;

    await w.setStatus(vip, 'canceled');
    expect(w.emu.calls('banChatMember')).toHaveLength(0);
    expect(w.emu.sentMessages(101).at(-1)?.text).toContain('withdrawn');
    expect(w.emu.userJoinsWithLink(101, link)).toBe('revoked');
    expect(await w.store.listActiveInviteLinks({ now: w.clock.now() })).toEqual([]);
  });

  it('leaves an administrator of the chat alone', async () => {
    w = await startAccessWorld();
    // The channel's owner (user 1) is tracked as a member but has no account.
    await w.store.setMembership({ platform: 'telegram', resourceKey: `telegram:chat:${w.channel.id}`, platformUserId: '1', state: 'member' });
    const report = await w.reconciler.reconcile();
    expect(report.actions.map((a) => [a.kind, a.outcome?.result, a.reason])).toEqual([['revoke', 'noop', 'no account']]);
    expect(w.emu.calls('banChatMember')).toHaveLength(0);
    expect(w.emu.memberStatus(w.channel.id, 1)).toBe('creator');
    expect(w.auditRows()).toEqual([]);
  });

  it('reports a missing chat and a bot without rights as failed outcomes with the detail', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    const holder = { accountId: vip.accountId, platform: 'telegram' as const, platformUserId: '101' };

    const missing = await w.gate.grant(holder, { platform: 'telegram', kind: 'chat', id: '-1009999999999' }, 'test');
    expect(missing).toMatchObject({ result: 'failed', code: 'resource_not_found' });
    expect(missing.detail).toContain('chat not found');

    w.emu.failNext({ kind: 'platform_error', status: 400, description: 'Bad Request: not enough rights to manage chat invite links' }, { method: 'createChatInviteLink' });
    const noRights = await w.gate.grant(holder, w.resource, 'test');
    expect(noRights).toMatchObject({ result: 'failed', code: 'missing_permission' });
    expect(noRights.detail).toContain('not an administrator');
    expect(w.emu.sentMessages(101)).toHaveLength(0);

    const failedRevoke = await w.gate.revoke(holder, { platform: 'telegram', kind: 'chat', id: '-1009999999999' }, 'test');
    expect(failedRevoke.result).toBe('failed');
    expect(failedRevoke.detail).toContain('chat not found');
  });

  it('audits a refused grant with its stable code beside Telegram\'s words', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    w.emu.failNext({ kind: 'platform_error', status: 400, description: 'Bad Request: not enough rights to manage chat invite links' }, { method: 'createChatInviteLink' });
    await w.reconciler.reconcile({ accountId: vip.accountId });
    const failed = w.auditRows().find((r) => r.action === 'access.grant_failed');
    expect(failed?.data).toMatchObject({ code: 'missing_permission', detail: expect.stringContaining('not enough rights') });
  });

  it('withdraws the link when the person has blocked the bot, and invites again once they write to it', async () => {
    w = await startAccessWorld();
    const vip = await w.subscriber(101, 'vip');
    w.emu.userBlocksBot(101);
    // An earlier message found the block: the dispatcher disabled their direct messages.
    await w.notices({ accountId: vip.accountId, platform: 'telegram', platformUserId: '101' }, { topic: 'notice', text: 'hello' });
    const report = await w.reconciler.reconcile({ accountId: vip.accountId });
    expect(report.actions[0]?.outcome?.result).toBe('failed');
    expect(report.actions[0]?.outcome?.detail).toContain('blocked');
    expect(w.emu.inviteLinks(w.channel.id)[0]?.is_revoked).toBe(true);
    // Nothing is left waiting on that link: once they write to the bot again (their direct messages are on), the next run invites.
    w.emu.userUnblocksBot(101);
    const destination = await w.accounts.findDestinationByRecipient({ platform: 'telegram', chatId: '101' });
    await w.accounts.enableDestination(destination!.id);
    const again = await w.reconciler.reconcile({ accountId: vip.accountId });
    expect(again.actions.map((a) => a.outcome?.result)).toEqual(['invited']);
    expect(w.emu.sentMessages(101).at(-1)?.text).toContain('personal invite link');
  });
});

describe('describeTelegramError', () => {
  const grammyError = (code: number, description: string, parameters = {}) =>
    new GrammyError(`Call to 'banChatMember' failed! (${code}: ${description})`, { ok: false, error_code: code, description, parameters }, 'banChatMember', {});

  it('names the usual refusals', () => {
    expect(describeTelegramError(grammyError(400, 'Bad Request: chat not found'))).toMatch(/^chat not found/);
    expect(describeTelegramError(grammyError(400, 'Bad Request: not enough rights to restrict/unrestrict chat member'))).toMatch(/not an administrator/);
    expect(describeTelegramError(grammyError(400, 'Bad Request: PARTICIPANT_ID_INVALID'))).toMatch(/user is not in the chat/);
    expect(describeTelegramError(grammyError(403, 'Forbidden: bot is not a member of the channel chat'))).toMatch(/bot is not in the chat/);
    expect(describeTelegramError(grammyError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toBe('rate limited by Telegram: retry after 7 s');
    expect(describeTelegramError(grammyError(400, 'Bad Request: something new'))).toBe('banChatMember: Bad Request: something new');
  });

  it('gives each refusal a stable code, the same on every platform', () => {
    expect(telegramFailureCode(grammyError(400, 'Bad Request: chat not found'))).toBe('resource_not_found');
    expect(telegramFailureCode(grammyError(400, 'Bad Request: not enough rights to restrict/unrestrict chat member'))).toBe('missing_permission');
    expect(telegramFailureCode(grammyError(403, 'Forbidden: bot is not a member of the channel chat'))).toBe('missing_permission');
    expect(telegramFailureCode(grammyError(400, 'Bad Request: PARTICIPANT_ID_INVALID'))).toBe('not_member');
    expect(telegramFailureCode(grammyError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))).toBe('rate_limited');
    expect(telegramFailureCode(grammyError(500, 'Internal Server Error'))).toBe('platform_error');
    expect(telegramFailureCode(new HttpError('Network request failed', new Error('ECONNREFUSED')))).toBe('platform_unreachable');
    expect(telegramFailureCode(new Error('boom'))).toBe('unknown');
  });

  it('never carries the bot token', () => {
    const token = '7000000001:AAsecretsecretsecretsecret';
    const err = new HttpError(`Network request for 'getChatMember' failed at https://api.telegram.org/bot${token}/getChatMember`, new Error('boom'));
    const detail = describeTelegramError(err, token);
    expect(detail).toContain('network error');
    expect(detail).not.toContain(token);
  });
});

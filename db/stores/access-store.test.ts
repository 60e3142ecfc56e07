import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase } from '../client';
import { SqliteAccessStore } from './access-store';
import { SqliteAccountStore } from './account-store';

const HOUR = 3_600_000;
const CHAT = 'telegram:chat:-1001';

function setup() {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  return { db, clock, store: new SqliteAccessStore({ db, clock }), accounts: new SqliteAccountStore({ db, clock }) };
}

describe('SqliteAccessStore', () => {
  it('keeps one membership row per person and resource, updated in place', async () => {
    const { store, clock } = setup();
    await store.setMembership({ platform: 'telegram', resourceKey: CHAT, platformUserId: '7', state: 'requested' });
    await clock.advance(1000);
    await store.setMembership({ platform: 'telegram', resourceKey: CHAT, platformUserId: '7', state: 'member' });
    await store.setMembership({ platform: 'telegram', resourceKey: CHAT, platformUserId: '8', state: 'member' });
    await store.setMembership({ platform: 'telegram', resourceKey: 'telegram:chat:-1002', platformUserId: '7', state: 'left' });

    expect(await store.getMembership('telegram', CHAT, '7')).toEqual({ platform: 'telegram', resourceKey: CHAT, platformUserId: '7', state: 'member', updatedAt: clock.now() });
    expect((await store.listMembers('telegram', CHAT)).map((m) => m.platformUserId)).toEqual(['7', '8']);
    expect((await store.listMemberships({ platformUserIds: ['7'] })).map((m) => [m.resourceKey, m.state])).toEqual([[CHAT, 'member'], ['telegram:chat:-1002', 'left']]);
    expect(await store.listMemberships({ states: ['left'] })).toHaveLength(1);
    expect(await store.listMemberships({ platformUserIds: [] })).toEqual([]);
  });

  it('lists only active, unexpired links, and moves a link out of active once', async () => {
    const { store, clock } = setup();
    const now = clock.now();
    await store.addInviteLink({ platform: 'telegram', resourceKey: CHAT, link: 'https://t.me/+a', accountId: null, platformUserId: '7', expiresAt: now + HOUR });
    await store.addInviteLink({ platform: 'telegram', resourceKey: CHAT, link: 'https://t.me/+b', accountId: null, platformUserId: '7', expiresAt: now + 2 * HOUR });
    await store.addInviteLink({ platform: 'telegram', resourceKey: CHAT, link: 'https://t.me/+c', accountId: null, platformUserId: '8', expiresAt: null });

    expect((await store.listActiveInviteLinks({ now, platformUserId: '7' })).map((l) => l.link)).toEqual(['https://t.me/+a', 'https://t.me/+b']);
    expect(await store.setInviteLinkState('https://t.me/+a', 'used')).toBe(true);
    expect(await store.setInviteLinkState('https://t.me/+a', 'revoked')).toBe(false);
    expect((await store.listActiveInviteLinks({ now, platformUserId: '7' })).map((l) => l.link)).toEqual(['https://t.me/+b']);

    // Past its expiry a link is no longer listed, and expireInviteLinks records that.
    expect(await store.listActiveInviteLinks({ now: now + 2 * HOUR, platformUserId: '7' })).toEqual([]);
    expect(await store.expireInviteLinks(now + 2 * HOUR)).toBe(1);
    expect((await store.listActiveInviteLinks({ now: now + 100 * HOUR })).map((l) => l.link)).toEqual(['https://t.me/+c']);
  });

  it('finds the account behind an identity with all its identities and subscriptions', async () => {
    const { store, accounts } = setup();
    const a = await accounts.createAccount();
    await accounts.addIdentity(a.id, 'telegram', '7');
    await accounts.addIdentity(a.id, 'discord', '900');
    await accounts.upsertSubscription({ accountId: a.id, planId: 'vip', status: 'active' });
    const b = await accounts.createAccount();
    await accounts.addIdentity(b.id, 'discord', '901');

    const found = await store.findAccessAccount('telegram', '7');
    expect(found?.accountId).toBe(a.id);
    expect(found?.identities).toEqual([{ platform: 'telegram', platformUserId: '7' }, { platform: 'discord', platformUserId: '900' }]);
    expect(found?.subscriptions.map((s) => [s.planId, s.status])).toEqual([['vip', 'active']]);
    expect(await store.findAccessAccount('telegram', '8')).toBeNull();

    expect((await store.listAccessAccounts({ platforms: ['telegram'] })).map((x) => x.accountId)).toEqual([a.id]);
    expect((await store.listAccessAccounts({ platforms: ['discord'] })).map((x) => x.accountId).sort()).toEqual([a.id, b.id].sort());
    expect(await store.listAccessAccounts({ platforms: ['discord'], accountId: b.id })).toEqual([{ accountId: b.id, identities: [{ platform: 'discord', platformUserId: '901' }], subscriptions: [] }]);
    expect(await store.listAccessAccounts({ platforms: [] })).toEqual([]);
  });
});

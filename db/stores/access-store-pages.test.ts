// The full access reconcile's page reads: accounts by id and strangers by identity, keyset pages that walk an index to their limit.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import type { IdentityRef } from '../../core/access/store';
import { openMemoryDatabase } from '../client';
import { ACCOUNT_PAGE_SQL, LINKS_OF_SQL, MEMBERSHIPS_OF_SQL, STRANGER_PAGE_SQL } from './access-reads';
import { SqliteAccessStore } from './access-store';
import { SqliteAccountStore } from './account-store';

const CHAT = 'telegram:chat:-1001';
const OTHER = 'telegram:chat:-1002';

function setup() {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  return { db, clock, store: new SqliteAccessStore({ db, clock }), accounts: new SqliteAccountStore({ db, clock }) };
}

const plan = (db: ReturnType<typeof setup>['db'], source: string, args: Record<string, unknown>) =>
  (db.$client.prepare(`EXPLAIN QUERY PLAN ${source}`).all(args) as { detail: string }[]).map((r) => r.detail).join('\n');

describe('the access store page reads', () => {
  it('reads accounts a page at a time in id order, each with all its identities and subscriptions, until none is left', async () => {
    const { store, accounts } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const a = await accounts.createAccount();
      await accounts.addIdentity(a.id, i === 3 ? 'discord' : 'telegram', String(100 + i));
      if (i === 2) await accounts.addIdentity(a.id, 'discord', '902');
      await accounts.upsertSubscription({ accountId: a.id, planId: 'vip', status: 'active' });
      ids.push(a.id);
    }
    const onlySlack = await accounts.createAccount();
    await accounts.addIdentity(onlySlack.id, 'slack', 'U1');

    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.listAccessAccounts({ platforms: ['telegram', 'discord'], limit: 3, ...(after === undefined ? {} : { after }) });
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(3);
      expect(page.every((a) => a.subscriptions.length === 1)).toBe(true);
      pages.push(page.map((a) => a.accountId));
      after = page.at(-1)!.accountId;
    }
    expect(pages.flat()).toEqual([...ids].sort());
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const withTwo = (await store.listAccessAccounts({ platforms: ['telegram'], after: '', limit: 10 })).find((a) => a.accountId === ids[2]);
    expect(withTwo?.identities).toEqual([{ platform: 'telegram', platformUserId: '102' }, { platform: 'discord', platformUserId: '902' }]);
    // The account with only a discord identity is not on telegram's pages; the slack-only one on none of these.
    expect((await store.listAccessAccounts({ platforms: ['telegram'], limit: 100 })).map((a) => a.accountId)).not.toContain(ids[3]);
    expect((await store.listAccessAccounts({ platforms: ['telegram', 'discord'], limit: 100 })).map((a) => a.accountId)).not.toContain(onlySlack.id);
  });

  it('pages through the people tracked rows name and returns only those no account claims, each once', async () => {
    const { store, accounts } = setup();
    const owned = await accounts.createAccount();
    await accounts.addIdentity(owned.id, 'telegram', '20');
    // Strangers: one in two chats (two rows), one only through a used link, one left (a row, but nothing to plan), one on discord.
    for (const [userId, resourceKey, state] of [['10', CHAT, 'member'], ['10', OTHER, 'held'], ['20', CHAT, 'member'], ['30', CHAT, 'left'], ['50', CHAT, 'requested']] as const) {
      await store.setMembership({ platform: 'telegram', resourceKey, platformUserId: userId, state });
    }
    await store.setMembership({ platform: 'discord', resourceKey: 'discord:role:1:2', platformUserId: '10', state: 'held' });
    const used = await store.addInviteLink({ platform: 'telegram', resourceKey: CHAT, link: 'https://t.me/+u', accountId: null, platformUserId: '40', expiresAt: null });
    await store.setInviteLinkState(used.link, 'used');
    const gone = await store.addInviteLink({ platform: 'telegram', resourceKey: CHAT, link: 'https://t.me/+g', accountId: null, platformUserId: '60', expiresAt: null });
    await store.setInviteLinkState(gone.link, 'revoked');

    const read = async (platforms: ('telegram' | 'discord')[], limit: number) => {
      const found: IdentityRef[] = [];
      let after: IdentityRef | null = null;
      let pages = 0;
      do {
        const page = await store.listStrangerPage({ platforms, after, limit });
        found.push(...page.strangers);
        after = page.next;
        pages += 1;
      } while (after && pages < 20);
      return { found: found.map((p) => `${p.platform}:${p.platformUserId}`), pages };
    };
    // telegram 10, 20, 30, 40, 50 and discord 10: six people, two a page (and a fourth, empty read that ends it).
    expect(await read(['telegram', 'discord'], 2)).toEqual({ found: ['discord:10', 'telegram:10', 'telegram:30', 'telegram:40', 'telegram:50'], pages: 4 });
    expect((await read(['telegram'], 4)).found).toEqual(['telegram:10', 'telegram:30', 'telegram:40', 'telegram:50']);
    expect((await read(['telegram'], 100)).pages).toBe(1);
    expect(await store.listStrangerPage({ platforms: [], after: null, limit: 5 })).toEqual({ strangers: [], next: null });
  });

  it('reads a page as an index range that stops at its limit: no walk of a table, no sort of it', () => {
    const { db } = setup();
    const accountPage = plan(db, ACCOUNT_PAGE_SQL, { after: 'acc_x', platforms: '["telegram"]', limit: 3 });
    expect(accountPage).toMatch(/SEARCH identities USING COVERING INDEX identities_account_platform_idx \(account_id>\?\)/);
    expect(accountPage).not.toMatch(/TEMP B-TREE|SCAN identities/);
    expect(ACCOUNT_PAGE_SQL).toMatch(/LIMIT @limit/);

    const strangerPage = plan(db, STRANGER_PAGE_SQL, { platform: 'telegram', user: '10', limit: 3 });
    expect(strangerPage).toMatch(/SEARCH access_memberships USING COVERING INDEX access_memberships_user_idx \(\(platform,platform_user_id\)>\(\?,\?\)\)/);
    expect(strangerPage).toMatch(/SEARCH invite_links USING COVERING INDEX invite_links_user_idx \(\(platform,platform_user_id\)>\(\?,\?\)\)/);
    expect(strangerPage).toMatch(/SEARCH i USING COVERING INDEX identities_platform_user_idx \(platform=\? AND platform_user_id=\?\)/);
    expect(strangerPage).not.toMatch(/SCAN (access_memberships|invite_links|identities|i)\b/);
    expect(STRANGER_PAGE_SQL.match(/LIMIT @limit/g)).toHaveLength(3);

    // A page's tracked rows: one probe of the (platform, user) index per person, not the platform's rows in resource order.
    const memberships = plan(db, MEMBERSHIPS_OF_SQL, { platform: 'telegram', ids: '["10","20"]', states: '["member"]' });
    expect(memberships).toMatch(/SEARCH access_memberships USING INDEX access_memberships_user_idx \(platform=\? AND platform_user_id=\?\)/);
    const links = plan(db, LINKS_OF_SQL, { platform: 'telegram', ids: '["10"]', states: '["active"]', now: 5 });
    expect(links).toMatch(/SEARCH invite_links USING INDEX invite_links_user_idx \(platform=\? AND platform_user_id=\? AND state=\?\)/);
  });

  it("reads one resource's tracked rows a page at a time in user id order", async () => {
    const { store } = setup();
    for (const userId of ['5', '1', '4', '2', '3']) await store.setMembership({ platform: 'telegram', resourceKey: CHAT, platformUserId: userId, state: userId === '4' ? 'left' : 'member' });
    await store.setMembership({ platform: 'telegram', resourceKey: OTHER, platformUserId: '0', state: 'member' });
    const page = async (afterUserId?: string) => (await store.listMemberships({ platform: 'telegram', resourceKey: CHAT, states: ['member'], limit: 2, ...(afterUserId ? { afterUserId } : {}) })).map((m) => m.platformUserId);
    expect([await page(), await page('2'), await page('5')]).toEqual([['1', '2'], ['3', '5'], []]);
  });

  it('reads the invite links of a page of people on a platform: active and unexpired, or not yet confirmed revoked', async () => {
    const { store, clock } = setup();
    const now = clock.now();
    const add = async (userId: string, name: string, expiresAt: number | null, state?: 'used' | 'revoked') => {
      const link = await store.addInviteLink({ platform: 'telegram', resourceKey: CHAT, link: `https://t.me/+${name}`, accountId: null, platformUserId: userId, expiresAt });
      if (state) await store.setInviteLinkState(link.link, state);
      return link;
    };
    const a = await add('10', 'a', now + 1000);
    await add('10', 'b', now - 1, 'used');
    await add('20', 'c', null, 'revoked');
    await add('20', 'd', now - 1);
    await add('30', 'e', null);
    const names = (links: { link: string }[]) => links.map((l) => l.link.slice(-1));
    expect(names(await store.listActiveInviteLinks({ now, platform: 'telegram', platformUserIds: ['10', '20'] }))).toEqual(['a']);
    expect(names(await store.listUnrevokedInviteLinks({ platform: 'telegram', platformUserIds: ['10', '20'] }))).toEqual(['a', 'b', 'd']);
    expect(await store.listActiveInviteLinks({ now, platform: 'discord', platformUserIds: ['10'] })).toEqual([]);
    expect((await store.listActiveInviteLinks({ now, platform: 'telegram', platformUserIds: ['10'] }))[0]).toEqual(a);
  });

  it('reads the tracked rows of a page of people on a platform, in any or only the given states', async () => {
    const { store } = setup();
    for (const [userId, resourceKey, state] of [['10', OTHER, 'member'], ['10', CHAT, 'left'], ['20', CHAT, 'held'], ['30', CHAT, 'member']] as const) {
      await store.setMembership({ platform: 'telegram', resourceKey, platformUserId: userId, state });
    }
    await store.setMembership({ platform: 'discord', resourceKey: 'discord:role:1:2', platformUserId: '10', state: 'member' });
    const rows = async (states?: ('member' | 'held' | 'left')[]) => (await store.listMemberships({ platform: 'telegram', platformUserIds: ['10', '20'], ...(states ? { states } : {}) }))
      .map((m) => [m.platformUserId, m.resourceKey, m.state]);
    expect(await rows()).toEqual([['10', CHAT, 'left'], ['20', CHAT, 'held'], ['10', OTHER, 'member']]);
    expect(await rows(['member', 'held'])).toEqual([['20', CHAT, 'held'], ['10', OTHER, 'member']]);
    expect((await store.listMemberships({ platform: 'telegram', platformUserIds: ['10'] }))[0]).toEqual({ platform: 'telegram', resourceKey: CHAT, platformUserId: '10', state: 'left', updatedAt: expect.any(Number) as number });
  });
});

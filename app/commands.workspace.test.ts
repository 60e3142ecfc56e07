// A workspace's licence end to end on real SQLite with the real migrations and a fake clock: its channels receive only
// while the workspace account's plan gives the licence, a lapse is told once to the admin in their workspace, and a
// removed tenant's channels stop (nothing pending is sent, then or after a reinstall) until the app is installed again.
import { describe, expect, it } from 'vitest';
import type { SubscriptionUpsert } from '../core/accounts/ports';
import type { Subscription } from '../core/accounts/types';
import { COMMAND_PLANS } from '../bots/commands/commands.fixtures';
import { TEAM, workspaceWorld, type WorkspaceWorld } from '../bots/commands/workspace/workspace.fixtures';
import { INSTALLATION_REVOKED } from '../core/tenancy/installations';
import { Secret } from '../core/tenancy/secret';
import { SqliteDeliveryStore } from '../db/stores/delivery-store';
import { SqliteSignalService } from '../db/stores/signal-service';
import { createAccessQueue } from './access';
import { routeEvents } from './commands';

const DAY = 86_400_000;
const admin = { admin: true };

interface LicenceWorld {
  w: WorkspaceWorld;
  accountId: string;
  publish(symbol?: string): Promise<string[]>;
  /** Saves the workspace's subscription as billing does: the change, its access job and its message in one transaction. */
  setSubscription(fields: Partial<SubscriptionUpsert>): Subscription;
  notices(): { key: string; address: unknown; topic: string; text: string }[];
}

let publisherSeq = 0;

async function licenceWorld(): Promise<LicenceWorld> {
  const w = workspaceWorld();
  await w.install();
  await w.signals('U_ADMIN', 'subscribe #alerts', admin);
  await w.signals('U_ADMIN', 'subscribe #desk', admin);
  const accountId = (await w.installations.get('slack', TEAM))!.accountId!;
  const signals = new SqliteSignalService({ db: w.db, clock: w.clock, plans: COMMAND_PLANS, bands: { aMin: 0.8, bMin: 0.6 } });
  const queue = createAccessQueue({ db: w.db, plans: COMMAND_PLANS, clock: w.clock, platforms: [] });
  let current: Subscription | null = null;
  return {
    w,
    accountId,
    async publish(symbol = 'BTCUSDT') {
      const outcome = await signals.publish({ publisherId: `p-${++publisherSeq}`, symbol, market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout'] }, { publishedBy: 'cli' });
      return w.db.$client.prepare(`SELECT d.label FROM deliveries r JOIN destinations d ON d.ref = r.destination_ref
        WHERE r.content_ref = (SELECT ref FROM signals WHERE id = ?) AND r.kind = 'alert' AND r.state = 'pending' AND d.tenant = ? ORDER BY d.ref`)
        .pluck().all(outcome.signal.id, TEAM) as string[];
    },
    setSubscription(fields) {
      const before = current;
      current = queue.writer.save(
        { accountId, planId: 'enterprise', status: 'active', stripeSubscriptionId: 'sub_ws', currentPeriodEnd: w.clock.now() + 30 * DAY, ...fields },
        (after) => queue.followUp(accountId, { before, after }),
      );
      return current;
    },
    notices: () => (w.db.$client.prepare(`SELECT d.recipient_key AS key, d.address, n.topic, n.text FROM deliveries r
      JOIN destinations d ON d.ref = r.destination_ref JOIN notices n ON n.ref = r.content_ref WHERE r.content_type = 'notice' ORDER BY r.id`).all() as
      { key: string; address: string; topic: string; text: string }[]).map((r) => ({ ...r, address: JSON.parse(r.address) as unknown })),
  };
}

describe('a workspace licence', () => {
  it('lets the workspace\'s channels receive only while its plan gives the licence, with each channel\'s own filters', async () => {
    const l = await licenceWorld();
    // Unlicensed: not even the free plan's delayed alerts.
    expect(await l.publish()).toEqual([]);
    l.setSubscription({});
    expect(await l.publish()).toEqual(['#alerts', '#desk']);
    await l.w.signals('U_ADMIN', 'settings #desk symbols=ETH', admin);
    expect(await l.publish('BTCUSDT')).toEqual(['#alerts']);
    expect(await l.publish('ETHUSDT')).toEqual(['#alerts', '#desk']);
    l.setSubscription({ status: 'canceled' });
    expect(await l.publish('ETHUSDT')).toEqual([]);
  });

  it('tells the admin of a lapse once, by direct message in their workspace, however many channels it has', async () => {
    const l = await licenceWorld();
    l.setSubscription({});
    l.w.clock.advance(DAY);
    l.setSubscription({ status: 'canceled' });
    // A replay of the same change says nothing more.
    l.setSubscription({ status: 'canceled' });
    const direct = { platform: 'slack', tenant: TEAM, chatId: 'U_ADMIN', direct: true };
    expect(l.notices().map((n) => [n.key, n.address, n.topic])).toEqual([
      [`slack:${TEAM}:U_ADMIN`, direct, 'welcome'],
      [`slack:${TEAM}:U_ADMIN`, direct, 'lapse'],
    ]);
    // In the workspace's words: its channels and /signals, not a person's /subscribe.
    expect(l.notices().map((n) => n.text)).toEqual([
      'Welcome to Enterprise! The workspace\'s subscription is active: its channels get alerts. /signals status lists them, and /signals subscribe #channel adds one.',
      'The workspace\'s Enterprise subscription has ended, so its channels get no more alerts. A workspace admin can renew it with /signals billing.',
    ]);
    // A licence has nothing to grant: no access job waits for a gate that does not exist.
    expect(l.w.db.$client.prepare('SELECT COUNT(*) FROM access_jobs').pluck().get()).toBe(0);
    const dm = await l.w.accounts.findDestinationByRecipient(direct);
    // Made for the notice, it takes notices only: the admin's direct messages get no alerts the workspace did not choose.
    expect(dm).toMatchObject({ kind: 'direct', tenant: TEAM, accountId: l.accountId, contentKinds: ['notice'] });
  });
});

describe('a tenant that removed the app', () => {
  it('has its installation revoked and audited, its channels disabled and their pending alerts skipped; a reinstall brings the channels back', async () => {
    const l = await licenceWorld();
    l.setSubscription({});
    expect(await l.publish()).toEqual(['#alerts', '#desk']);
    const handler = routeEvents(l.w.deps, undefined);
    const deliveries = new SqliteDeliveryStore({ db: l.w.db, clock: l.w.clock });
    expect(deliveries.findDue({ now: l.w.clock.now(), platforms: ['slack'], limit: 10 }).length).toBeGreaterThan(0);

    expect(await handler({ type: 'tenant_removed', platform: 'slack', tenant: TEAM, reason: 'uninstalled' })).toEqual([]);
    // Slack sends tokens_revoked too: nothing more happens.
    await handler({ type: 'tenant_removed', platform: 'slack', tenant: TEAM, reason: 'tokens_revoked' });

    expect(await l.w.installations.get('slack', TEAM)).toMatchObject({ revokedReason: 'uninstalled' });
    const revoked = l.w.audit.list({ subjectType: 'installation' });
    expect(revoked.map((e) => [e.action, e.actor, e.reason])).toEqual([['installation.revoked', 'system', 'uninstalled']]);
    const channelState = async () => (await l.w.accounts.listDestinations({ platform: 'slack', tenant: TEAM, kind: 'channel' })).map((d) => [d.label, d.enabled, d.disabledReason]);
    expect(await channelState()).toEqual([['#alerts', false, INSTALLATION_REVOKED], ['#desk', false, INSTALLATION_REVOKED]]);
    expect(deliveries.findDue({ now: l.w.clock.now() + DAY, platforms: ['slack'], limit: 10 })).toEqual([]);
    expect(l.w.db.$client.prepare(`SELECT DISTINCT state || ':' || skip_reason FROM deliveries WHERE content_type = 'signal'`).pluck().all()).toEqual(['skipped:destination_disabled']);
    expect(await l.publish()).toEqual([]);
    expect((await l.w.signals('U_ADMIN', 'subscribe #alerts', admin))[0]?.text).toContain('The app was removed from this workspace');

    await l.w.installations.save({ platform: 'slack', tenant: TEAM, scopes: ['commands'], botToken: new Secret('xoxb-new-token') });
    expect(await channelState()).toEqual([['#alerts', true, null], ['#desk', true, null]]);
    expect(l.w.audit.list({ subjectType: 'installation' }).map((e) => e.action)).toEqual(['installation.restored', 'installation.revoked']);
    // The old alerts stay skipped: nothing stale goes out after the reinstall; new ones do.
    expect(deliveries.findDue({ now: l.w.clock.now(), platforms: ['slack'], limit: 10 })).toEqual([]);
    expect(await l.publish()).toEqual(['#alerts', '#desk']);
  });
});

import { describe, expect, it } from 'vitest';
import { outboxNoticeSink } from '../../core/access/notices';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase } from '../client';
import { SqliteAccountStore } from './account-store';
import { SqliteContentResolver } from './delivery-content';
import { SqliteDeliveryStore } from './delivery-store';
import { SqliteNoticeOutbox } from './notice-outbox';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

async function world() {
  const db = openMemoryDatabase();
  const clock = new FakeClock(T0);
  const accounts = new SqliteAccountStore({ db, clock });
  const account = await accounts.createAccount({ displayName: 'Ada' });
  const identity = await accounts.addIdentity(account.id, 'telegram', '4242');
  return { db, clock, accounts, account, identity, outbox: new SqliteNoticeOutbox({ db }), deliveries: new SqliteDeliveryStore({ db, clock }) };
}

describe('access notices in the outbox', () => {
  it('queues a notice to the person\'s direct messages, creating that destination, as a due delivery the resolver turns into the message with its button', async () => {
    const w = await world();
    const queued = w.outbox.enqueue({ accountId: w.account.id, platform: 'telegram', platformUserId: '4242' }, { topic: 'invite', text: 'Here is your link', button: { label: 'Join the channel', url: 'https://t.me/+abc' } }, T0);
    expect(queued).toMatchObject({ queued: true });

    const destination = await w.accounts.findDestinationByRecipient({ platform: 'telegram', chatId: '4242' });
    expect(destination).toMatchObject({ kind: 'direct', accountId: w.account.id, identityId: w.identity.id, enabled: true });
    const [due] = w.deliveries.findDue({ now: T0, platforms: ['telegram'], limit: 10 });
    expect(due).toMatchObject({ contentType: 'notice', kind: 'notice', priority: 0, recipient: { platform: 'telegram', chatId: '4242' }, destinationId: destination!.id });
    expect(new SqliteContentResolver({ db: w.db }).resolve(due!, T0)).toEqual({ kind: 'notice', text: 'Here is your link', buttons: [{ label: 'Join the channel', url: 'https://t.me/+abc' }] });
  });

  it('reuses the destination the person already has; disabling their direct messages skips what was pending and writes nothing due after', async () => {
    const w = await world();
    const person = { accountId: w.account.id, platform: 'telegram' as const, platformUserId: '4242' };
    w.outbox.enqueue(person, { topic: 'welcome', text: 'one' }, T0);
    w.outbox.enqueue(person, { topic: 'lapse', text: 'two' }, T0);
    expect(await w.accounts.listDestinations({ accountId: w.account.id })).toHaveLength(1);
    expect(w.deliveries.findDue({ now: T0, platforms: ['telegram'], limit: 10 })).toHaveLength(2);

    const [destination] = await w.accounts.listDestinations({ accountId: w.account.id });
    await w.accounts.disableDestination(destination!.id, 'blocked');
    expect(w.outbox.enqueue(person, { topic: 'invite', text: 'three' }, T0)).toEqual({ queued: false, detail: 'their direct messages are off (blocked)' });
    const states = w.db.$client.prepare("select state, skip_reason as skipReason from deliveries order by id").all();
    expect(states).toEqual([
      { state: 'skipped', skipReason: 'destination_disabled' }, { state: 'skipped', skipReason: 'destination_disabled' }, { state: 'skipped', skipReason: 'destination_disabled' },
    ]);
  });

  it('says so for a platform without direct messages, and writes nothing', async () => {
    const w = await world();
    w.outbox = new SqliteNoticeOutbox({ db: w.db, directMessages: (platform) => platform !== 'slack' });
    expect(w.outbox.enqueue({ accountId: w.account.id, platform: 'slack', platformUserId: 'U1' }, { topic: 'welcome', text: 'hi' }, T0)).toEqual({ queued: false, detail: 'no direct messages on slack' });
    expect(w.db.$client.prepare('select count(*) as n from notices').get()).toEqual({ n: 0 });
  });

  it('dead-letters a notice whose text is gone rather than retrying it', () => {
    const resolver = new SqliteContentResolver({ db: openMemoryDatabase() });
    const due = { id: 1, contentType: 'notice', contentId: 'notice#99', kind: 'notice' as const, destinationId: 'dst_x', accountId: null, platform: 'telegram' as const, recipientKey: 'telegram:1', recipient: { platform: 'telegram' as const, chatId: '1' }, isGroup: false, priority: 0, dueAt: T0, attempts: 0 };
    expect(() => resolver.resolve(due, T0)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('waits for a notice that must be sent before the caller acts, and says when it was not', async () => {
    const w = await world();
    const person = { accountId: w.account.id, platform: 'telegram' as const, platformUserId: '4242' };
    // Stands in for the dispatcher: marks each new notice delivery sent (or dead) when poked.
    let outcome = 'sent';
    const poke = () => setTimeout(() => w.db.$client.prepare("update deliveries set state = ? where state = 'pending'").run(outcome), 30);
    const sink = outboxNoticeSink({ outbox: w.outbox, clock: w.clock, poke, waitMs: 1_000 });
    expect(await sink(person, { topic: 'declined', text: 'subscribe first', sendBeforeReturning: true })).toEqual({ sent: true });
    outcome = 'dead';
    expect(await sink(person, { topic: 'declined', text: 'subscribe first', sendBeforeReturning: true })).toEqual({ sent: false, detail: 'the message was not delivered (dead; see signalcast deliveries dead)' });
    const patient = outboxNoticeSink({ outbox: w.outbox, clock: w.clock, waitMs: 50 });
    expect(await patient(person, { topic: 'declined', text: 'subscribe first', sendBeforeReturning: true })).toEqual({ sent: false, detail: 'the message is queued but not sent yet' });
  });
});

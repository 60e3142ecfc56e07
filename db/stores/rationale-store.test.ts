// The rationale store on SQLite with the real migrations: the signals still wanting one, and storing one with the release of its waiting rows.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { ContentNotReadyError, ContentWithdrawnError } from '../../core/delivery/content';
import type { DueDelivery } from '../../core/delivery/ports';
import type { WrittenRationale } from '../../core/rationale/ports';
import { openMemoryDatabase, type Db } from '../client';
import { seedSubscribers } from '../testing/seed';
import { SqliteContentResolver } from './delivery-content';
import { getDelivery, insertDelivery, insertSignal } from './delivery-store.fixtures';
import { SqliteRationaleStore } from './rationale-store';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const written: WrittenRationale = {
  body: { summary: 'Momentum agrees.', drivers: ['Breakout above the weekly range'], risks: ['A fall through 95'] },
  text: 'Momentum agrees.\n\nDrivers:\n- Breakout above the weekly range\n\nRisks:\n- A fall through 95',
  source: 'model', reason: null, model: 'gpt-4o-mini', promptTokens: 120, completionTokens: 40, latencyMs: 640,
};

let db: Db;
let store: SqliteRationaleStore;
let people: ReturnType<typeof seedSubscribers>;
let signalId: string;

const want = (id: string) => db.$client.prepare("UPDATE signals SET rationale_state = 'wanted' WHERE id = ?").run(id);
const stateOf = (id: string) => db.$client.prepare('SELECT rationale_state FROM signals WHERE id = ?').pluck().get(id);

beforeEach(() => {
  db = openMemoryDatabase();
  store = new SqliteRationaleStore({ db, clock: new FakeClock(T0) });
  people = seedSubscribers(db, { count: 3, now: T0 });
  signalId = insertSignal(db, { createdAt: T0 });
});

describe('SqliteRationaleStore', () => {
  it('lists the signals still wanting a rationale, oldest first, and finds one by id only while it is wanted', () => {
    const later = insertSignal(db, { createdAt: T0 + 1 });
    insertSignal(db, { createdAt: T0 + 2 });
    want(later);
    want(signalId);
    expect(store.allWanted().map((s) => s.id)).toEqual([signalId, later]);
    expect(store.wanted(signalId)?.symbol).toBe('BTCUSDT');
    store.saveAndRelease(signalId, written, T0 + 500);
    expect(store.wanted(signalId)).toBeUndefined();
    expect(store.allWanted().map((s) => s.id)).toEqual([later]);
    expect(store.wantedSince(T0 + 1).map((s) => s.id)).toEqual([later]);
    expect(store.wantedSince(T0 + 2)).toEqual([]);
  });

  it('stores every rationale column and releases only that signal\'s waiting rationale rows, due no earlier than now', () => {
    want(signalId);
    const other = insertSignal(db, { createdAt: T0 });
    const waiting = people.destinationIds.map((destinationId) => insertDelivery(db, { destinationId, contentId: signalId, kind: 'rationale', state: 'waiting', dueAt: T0 }));
    const alert = insertDelivery(db, { destinationId: people.destinationIds[0]!, contentId: signalId, dueAt: T0 });
    const otherWaiting = insertDelivery(db, { destinationId: people.destinationIds[0]!, contentId: other, kind: 'rationale', state: 'waiting', dueAt: T0 });

    expect(store.saveAndRelease(signalId, written, T0 + 500)).toBe(3);
    expect(waiting.map((id) => [getDelivery(db, id).state, getDelivery(db, id).dueAt])).toEqual(waiting.map(() => ['pending', T0 + 500]));
    expect(getDelivery(db, alert).state).toBe('pending');
    expect(getDelivery(db, otherWaiting).state).toBe('waiting');
    const row = db.$client.prepare(`SELECT rationale_state, rationale_text, rationale_json, rationale_source, rationale_reason, rationale_model,
      rationale_prompt_tokens, rationale_completion_tokens, rationale_latency_ms, rationale_at FROM signals WHERE id = ?`).get(signalId);
    expect(row).toEqual({
      rationale_state: 'written', rationale_text: written.text, rationale_json: JSON.stringify(written.body), rationale_source: 'model', rationale_reason: null,
      rationale_model: 'gpt-4o-mini', rationale_prompt_tokens: 120, rationale_completion_tokens: 40, rationale_latency_ms: 640, rationale_at: T0 + 500,
    });
  });

  it('stores a rationale once: a second save changes nothing and releases nothing', () => {
    want(signalId);
    store.saveAndRelease(signalId, written, T0 + 500);
    const late = insertDelivery(db, { destinationId: people.destinationIds[0]!, contentId: signalId, kind: 'rationale', state: 'waiting', dueAt: T0 });
    expect(store.saveAndRelease(signalId, { ...written, source: 'template', reason: 'timeout', text: 'other' }, T0 + 900)).toBe(0);
    expect(stateOf(signalId)).toBe('written');
    expect(db.$client.prepare('SELECT rationale_text FROM signals WHERE id = ?').pluck().get(signalId)).toBe(written.text);
    expect(getDelivery(db, late).state).toBe('waiting');
  });

  it('with rationales turned off, lets go of the signals still wanting one and skips their waiting rows, leaving written ones alone', () => {
    want(signalId);
    const done = insertSignal(db, { createdAt: T0 });
    want(done);
    store.saveAndRelease(done, written, T0 + 100);
    const waiting = insertDelivery(db, { destinationId: people.destinationIds[0]!, contentId: signalId, kind: 'rationale', state: 'waiting', dueAt: T0 });
    const alert = insertDelivery(db, { destinationId: people.destinationIds[0]!, contentId: signalId, dueAt: T0 });

    expect(store.abandonWanted(T0 + 200)).toEqual({ signals: 1, deliveries: 1 });
    expect(getDelivery(db, waiting)).toMatchObject({ state: 'skipped', skipReason: 'rationales_off' });
    expect(getDelivery(db, alert).state).toBe('pending');
    expect([stateOf(signalId), stateOf(done)]).toEqual([null, 'written']);
    expect(store.allWanted()).toEqual([]);
  });
});

describe('the rationale message (SqliteSignalContent)', () => {
  const due = (destinationId: string, id: number): DueDelivery => ({
    id, contentType: 'signal', contentId: signalId, kind: 'rationale', destinationId, accountId: null, platform: 'testchat', recipientKey: '', recipient: { platform: 'testchat', chatId: '1' }, isGroup: false, priority: 0, dueAt: T0, attempts: 0,
  });
  const resolver = () => new SqliteContentResolver({ db, disclaimer: 'Not financial advice.' });
  const alertIn = (i: number, state: 'pending' | 'sending' | 'sent' | 'skipped' | 'dead', dueAt = T0) => {
    const id = insertDelivery(db, { destinationId: people.destinationIds[i]!, contentId: signalId, dueAt, state });
    if (state === 'sent') db.$client.prepare("UPDATE deliveries SET platform_message_id = 'm-7' WHERE id = ?").run(id);
    return id;
  };

  beforeEach(() => {
    want(signalId);
    store.saveAndRelease(signalId, written, T0);
  });

  it('once the alert is sent there: the text, the structure, the disclaimer, and a reply to the alert', async () => {
    alertIn(0, 'sent');
    expect(await resolver().resolve(due(people.destinationIds[0]!, 99), T0)).toMatchObject({
      kind: 'rationale', text: written.text, rationale: written.body, disclaimer: 'Not financial advice.', replyToMessageId: 'm-7',
    });
  });

  it('waits while the alert is on its way: not ready, again at the alert\'s due time or in a second', () => {
    alertIn(0, 'pending', T0 + 60_000);
    alertIn(1, 'sending');
    const r = resolver();
    expect(() => r.resolve(due(people.destinationIds[0]!, 1), T0)).toThrow(ContentNotReadyError);
    try {
      r.resolve(due(people.destinationIds[0]!, 1), T0);
    } catch (err) {
      expect((err as ContentNotReadyError).retryInMs).toBe(60_000);
    }
    try {
      r.resolve(due(people.destinationIds[1]!, 2), T0);
    } catch (err) {
      expect((err as ContentNotReadyError).retryInMs).toBe(1_000);
    }
  });

  it('is withdrawn where the alert was skipped, died or was never planned', () => {
    alertIn(0, 'skipped');
    alertIn(1, 'dead');
    for (const i of [0, 1, 2]) {
      let caught: unknown;
      try {
        resolver().resolve(due(people.destinationIds[i]!, i), T0);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ContentWithdrawnError);
      expect((caught as ContentWithdrawnError).reason).toBe('alert_not_delivered');
    }
  });

  it('is withdrawn once the signal was stopped or closed: its reasoning does not follow the exit; a target hit does not withdraw it', async () => {
    alertIn(0, 'sent');
    const addUpdate = (id: string, kind: string) => db.$client.prepare('INSERT INTO signal_updates (id, signal_id, kind, created_at) VALUES (?, ?, ?, ?)').run(id, signalId, kind, T0 + 1);
    addUpdate('upd_hit', 'target_hit');
    expect(await resolver().resolve(due(people.destinationIds[0]!, 1), T0)).toMatchObject({ kind: 'rationale', replyToMessageId: 'm-7' });
    addUpdate('upd_stop', 'stopped');
    let caught: unknown;
    try {
      resolver().resolve(due(people.destinationIds[0]!, 1), T0);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ContentWithdrawnError);
    expect((caught as ContentWithdrawnError).reason).toBe('signal_exited');
  });
});

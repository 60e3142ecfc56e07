// Rationales through the whole service on Telegram, written by the real openai client against the OpenAI emulator:
// after the alert, as a reply to it, once per signal, only for plans that have them, again after a crash, counted in /metrics.
import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { until } from '../core/testing/until';
import { recordingLogger } from '../core/testing/logger';
import { seedSubscribers } from '../db/testing/seed';
import { idleCron } from '../schedules/testing/idle-cron';
import { signBody } from '../server/signature';
import { SqliteSignalService } from '../db/stores/signal-service';
import { createService } from './service';
import { startServiceWorld, WORLD_PLANS, type ServiceWorld } from './testing/service-world';
import { worldConfig } from './testing/world-parts';
import { useOpenAIEmulator } from './testing/model-world';

const SECRET = 'rationale-signing-secret-value';
const running: (() => Promise<void>)[] = [];
const model = useOpenAIEmulator(running);

const modelSettings = () => model.settings();
const startWorld = (settings: Record<string, string> = modelSettings()) => startServiceWorld(running, { signingSecret: SECRET, settings });

/** Telegram DM subscribers on a plan (null: free), who have started the bot. */
function subscribers(w: ServiceWorld, count: number, planId: string | null, first: number): number[] {
  const ids = Array.from({ length: count }, (_, i) => first + i);
  for (const id of ids) w.tg.addUser(id, { startedBot: true });
  seedSubscribers(w.service.db, { count, planId, platform: 'telegram', userIds: ids.map(String), now: w.clock.now() });
  return ids;
}

async function publish(w: ServiceWorld, publisherId: string, symbol = 'BTC_USDT'): Promise<string> {
  const body = JSON.stringify({ publisherId, symbol, market: 'crypto', side: 'long', conviction: 0.88, reasons: ['Breakout on volume'], stop: 41000 });
  const res = await fetch(`${w.url}/v1/signals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, w.clock.now()) }, body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const signalRow = (w: ServiceWorld, id: string) =>
  w.service.db.$client.prepare('SELECT rationale_state AS state, rationale_source AS source, rationale_reason AS reason, rationale_model AS model, rationale_prompt_tokens AS prompt FROM signals WHERE id = ?').get(id) as
    { state: string | null; source: string | null; reason: string | null; model: string | null; prompt: number | null };

/**
 * The chat's first `count` messages once they came. A rationale released while its alert is still
 * on its way waits a second (the threading rule), so the test's clock moves a second at each look.
 */
const messagesIn = (w: ServiceWorld, chat: number, count: number) => until(async () => {
  if (w.tg.sentMessages(chat).length >= count) return w.tg.sentMessages(chat);
  await w.clock.advance(1_000);
  return undefined;
}, `${count} messages in ${chat}`);
const bothIn = (w: ServiceWorld, chat: number) => messagesIn(w, chat, 2);
const text = (m: Message | undefined) => (m && 'text' in m ? m.text ?? '' : '');

describe('rationales through the service on Telegram', () => {
  it('sends the alert first and the rationale as a reply to it, with one model call for every recipient, and none to a plan without rationales', async () => {
    const w = await startWorld();
    const pro = subscribers(w, 4, 'pro', 7_000);
    const [free] = subscribers(w, 1, null, 7_100);
    const id = await publish(w, 'rat-1');

    for (const chat of pro) {
      const [alert, rationale] = await bothIn(w, chat);
      expect(text(alert)).toContain('BTC_USDT');
      expect(alert?.reply_to_message).toBeUndefined();
      expect(rationale?.reply_to_message?.message_id).toBe(alert?.message_id);
      expect(text(rationale)).toContain('Risks');
    }
    // One call, whatever the number of recipients, and its answer kept.
    expect(model.openai.calls).toHaveLength(1);
    expect(signalRow(w, id)).toMatchObject({ state: 'written', source: 'model', reason: null, model: 'gpt-4o-mini' });
    expect(signalRow(w, id).prompt).toBeGreaterThan(0);
    // The free plan has no rationales: its destination has an alert row only (and the alert is 15 minutes late).
    const kinds = w.service.db.$client.prepare(`SELECT d.kind FROM deliveries d JOIN destinations t ON t.ref = d.destination_ref WHERE t.recipient_key = ?`).all(`telegram:${free}`) as { kind: string }[];
    expect(kinds.map((k) => k.kind)).toEqual(['alert']);
    // A second publish of the same signal, or the writer told of it again, asks nothing more.
    await publish(w, 'rat-1');
    w.service.rationales?.published(id);
    w.service.rationales?.published(id);
    await w.service.rationales?.idle();
    expect(model.openai.calls).toHaveLength(1);
  });

  it('asks the model once for a signal it is told of again while the model is still answering', async () => {
    const w = await startWorld();
    const [chat] = subscribers(w, 2, 'pro', 7_050);
    model.openai.hang(300);
    const id = await publish(w, 'rat-again');
    await until(() => model.openai.calls.length === 1, 'the model asked');
    for (let i = 0; i < 5; i += 1) w.service.rationales?.published(id);
    await w.service.rationales?.idle();
    await bothIn(w, chat as number);
    expect(model.openai.calls).toHaveLength(1);
    expect(signalRow(w, id)).toMatchObject({ state: 'written', source: 'model' });
  });

  it('falls back to the template when the answer contradicts the signal, and /metrics shows the outcomes and tokens', async () => {
    const w = await startWorld();
    const [chat] = subscribers(w, 1, 'pro', 7_200);
    await publish(w, 'rat-ok');
    await bothIn(w, chat as number);
    model.openai.scriptNext(JSON.stringify({ summary: 'Sell BTC now: the top is in.', drivers: ['lower highs'], risks: ['a squeeze'] }));
    const id = await publish(w, 'rat-wrong');
    await messagesIn(w, chat as number, 4);
    expect(signalRow(w, id)).toMatchObject({ state: 'written', source: 'template', reason: 'contradiction', model: null });
    expect(text(w.tg.sentMessages(chat)[3])).toContain('Long BTC_USDT (crypto)');
    expect(text(w.tg.sentMessages(chat)[3])).toContain('Breakout on volume');

    const metrics = await (await fetch(`${w.url}/metrics`)).text();
    expect(metrics).toMatch(/signalcast_rationales_total\{source="model",reason="none"\} 1/);
    expect(metrics).toMatch(/signalcast_rationales_total\{source="template",reason="contradiction"\} 1/);
    expect(metrics).toMatch(/signalcast_rationale_tokens_total\{kind="prompt"\} [1-9]\d*/);
    expect(metrics).toMatch(/signalcast_rationale_tokens_total\{kind="completion"\} [1-9]\d*/);
  });

  it('writes the rationale at the next start when the service went down before it was written', async () => {
    const w = await startWorld();
    const [chat] = subscribers(w, 1, 'pro', 7_300);
    model.openai.hang();
    const id = await publish(w, 'rat-crash');
    await until(() => w.tg.sentMessages(chat).length >= 1 && model.openai.calls.length >= 1, 'the alert sent and the model asked');
    await w.service.stop();
    expect(signalRow(w, id).state).toBe('wanted');
    expect(w.tg.sentMessages(chat)).toHaveLength(1);

    model.openai.clearFaults();
    const config = worldConfig(w.stripe, SECRET, '0', {
      TELEGRAM_BOT_TOKEN: w.tg.token, TELEGRAM_API_ROOT: w.tg.apiRoot, TELEGRAM_RATE_OVERALL: '10000/1s', TELEGRAM_RATE_PER_CHAT: '10000/1s', TELEGRAM_RATE_PER_GROUP: '10000/1s',
    }, modelSettings());
    const again = createService({ config, logger: recordingLogger(), clock: w.clock, plans: WORLD_PLANS, db: w.service.db, cron: idleCron });
    running.push(() => again.stop());
    await again.start();
    const [alert, rationale] = await bothIn(w, chat as number);
    expect(rationale?.reply_to_message?.message_id).toBe(alert?.message_id);
    expect(signalRow(w, id)).toMatchObject({ state: 'written', source: 'model' });
    expect(model.openai.calls).toHaveLength(2);
  });

  it('writes the rationale of a signal another process published (signalcast signal publish) at its next look', async () => {
    const w = await startWorld();
    const [chat] = subscribers(w, 1, 'pro', 7_500);
    const cli = new SqliteSignalService({ db: w.service.db, clock: w.clock, plans: WORLD_PLANS, bands: { aMin: 0.8, bMin: 0.6 }, rationales: true });
    const out = await cli.publish({ publisherId: 'rat-cli', symbol: 'SOL_USDT', market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Higher lows'] }, { publishedBy: 'cli' });
    expect(signalRow(w, out.signal.id).state).toBe('wanted');
    const [alert, rationale] = await messagesIn(w, chat as number, 2);
    expect(rationale?.reply_to_message?.message_id).toBe(alert?.message_id);
    expect(signalRow(w, out.signal.id)).toMatchObject({ state: 'written', source: 'model' });
    expect(model.openai.calls).toHaveLength(1);
  });

  it('without a model writes the template (no_model) and calls nothing', async () => {
    const w = await startWorld({});
    const [chat] = subscribers(w, 1, 'pro', 7_400);
    const id = await publish(w, 'rat-template');
    const [, rationale] = await bothIn(w, chat as number);
    expect(text(rationale)).toContain('A move through the stop at 41000 ends the trade at a loss.');
    expect(signalRow(w, id)).toMatchObject({ source: 'template', reason: 'no_model' });
    expect(model.openai.calls).toHaveLength(0);
  });
});

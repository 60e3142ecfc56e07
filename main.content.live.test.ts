// The content as an operator runs it: `main.ts start` with a real-looking Telegram token, Stripe key and OpenAI key pointed at
// emulators this test runs (no sandbox): rationales from the model or, when it is down or hangs, the template, never holding the
// alerts or the webhooks; the snapshot and the schedules driven by the `signalcast` command as another process on the same database.
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { liveSettings, LiveRuns, postStripeEvent, runSignalcast } from './app/testing/main-process';
import { postSignal, type Publisher } from './app/testing/publish-http';
import type { ServiceProcess } from './bench/service-process';
import { until } from './core/testing/until';
import { openDatabase } from './db/client';
import { seedSubscribers } from './db/testing/seed';
import { startOpenAIEmulator, type OpenAIEmulator } from './sandbox/openai';
import { startStripeEmulator, type StripeEmulator } from './sandbox/stripe';
import { startTelegramEmulator, type TelegramEmulator } from './sandbox/telegram';

const SHUTDOWN_TIMEOUT_MS = 4_000;
const SIGNING_SECRET = 'content-live-signing-secret-0123';

const live = new LiveRuns();
afterEach(() => live.stopAll());

interface World {
  telegram: TelegramEmulator;
  stripe: StripeEmulator;
  openai: OpenAIEmulator;
  /** The pro (rationale, snapshot) subscriber's Telegram chat. */
  chat: number;
  env: Record<string, string>;
}

/** Telegram, Stripe and OpenAI emulators, a pro subscriber on Telegram who started the bot, and the settings of a live-looking service. */
async function world(openaiSettings: Record<string, string> = {}): Promise<World> {
  const telegram = await startTelegramEmulator();
  live.onStop(() => telegram.stop());
  const stripe = await startStripeEmulator();
  live.onStop(() => stripe.stop());
  const openai = await startOpenAIEmulator();
  live.onStop(async () => {
    openai.clearFaults();
    await openai.stop();
  });
  const base = liveSettings('content', stripe, SHUTDOWN_TIMEOUT_MS);
  const chat = 8_100_001;
  telegram.addUser(chat, { startedBot: true });
  const db = openDatabase(base.DATABASE_URL!);
  seedSubscribers(db, { count: 1, planId: 'pro', platform: 'telegram', userIds: [String(chat)] });
  db.$client.close();
  const env = {
    ...base,
    TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, INGEST_SIGNING_SECRET: SIGNING_SECRET,
    RATIONALES: 'on', OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseURL, OPENAI_TIMEOUT_MS: '1000', OPENAI_MAX_RETRIES: '1',
    ...openaiSettings,
  };
  return { telegram, stripe, openai, chat, env };
}

const publisher = (service: ServiceProcess): Publisher => ({ url: service.url, secret: SIGNING_SECRET, now: () => Date.now() });
const textOf = (m: Message | undefined) => (m && 'text' in m ? m.text ?? '' : '');
/** The alert about `symbol` in the chat and the rationale answering it, once both came. */
async function alertAndRationale(w: World, symbol: string, timeoutMs = 20_000): Promise<{ alert: Message; rationale: Message }> {
  return until(() => {
    const sent = w.telegram.sentMessages(w.chat);
    const alert = sent.find((m) => textOf(m).includes(symbol) && m.reply_to_message === undefined);
    const rationale = alert && sent.find((m) => m.reply_to_message?.message_id === alert.message_id);
    return alert && rationale ? { alert, rationale } : undefined;
  }, `the alert about ${symbol} and its rationale`, { timeoutMs });
}

/** How the service wrote the signal's rationale, read from its database (a second connection: WAL). */
function rationaleOf(env: Record<string, string>, id: string): { state: string | null; source: string | null; reason: string | null } {
  const db = openDatabase(env.DATABASE_URL!, { migrate: false });
  try {
    return db.$client.prepare('SELECT rationale_state AS state, rationale_source AS source, rationale_reason AS reason FROM signals WHERE id = ?').get(id) as
      { state: string | null; source: string | null; reason: string | null };
  } finally {
    db.$client.close();
  }
}

/** Everything the process printed: no secret may be in it. */
const printed = (service: ServiceProcess) => JSON.stringify(service.lines) + service.stderr.join('');

/** Publishes and waits until the alert and the rationale reached the subscriber; checks the alert came while the model was still out of reach. */
async function publishAndDeliver(w: World, service: ServiceProcess, publisherId: string, symbol: string) {
  const published = await postSignal(publisher(service), publisherId, symbol);
  expect(published.status).toBe(202);
  // The alert goes at once, whatever the model does.
  const alert = await until(() => w.telegram.sentMessages(w.chat).find((m) => textOf(m).includes(symbol)), `the alert about ${symbol}`, { timeoutMs: 5_000 });
  expect(alert.reply_to_message).toBeUndefined();
  const both = await alertAndRationale(w, symbol);
  return { id: published.id, ...both };
}

describe('rationales as an operator runs the service (OPENAI_API_KEY and OPENAI_BASE_URL set)', () => {
  it('sends the alert, then the model\'s rationale as a reply to it, after one model call, counts it in /metrics, and never prints the API key', async () => {
    const w = await world();
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));
    expect(service.lines.some((l) => /sandbox|emulator/i.test(String(l.msg)))).toBe(false);

    const { id, rationale } = await publishAndDeliver(w, service, 'content-live-1', 'ETH_USDT');
    expect(textOf(rationale)).toContain('Risks');
    // DISCLAIMER (its default) in italics, last.
    expect(textOf(rationale).endsWith('\n\nNot financial advice.')).toBe(true);
    expect(rationale.entities?.at(-1)).toMatchObject({ type: 'italic', length: 'Not financial advice.'.length });
    expect(w.openai.calls).toHaveLength(1);
    expect(w.openai.calls[0]?.status).toBe(200);
    expect(rationaleOf(w.env, id)).toEqual({ state: 'written', source: 'model', reason: null });

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalcast_rationales_total\{source="model",reason="none"\} 1$/m);
    expect(metrics).toMatch(/^signalcast_rationale_tokens_total\{kind="prompt"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^signalcast_rationale_tokens_total\{kind="completion"\} [1-9]\d*$/m);

    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(printed(service)).not.toContain(w.openai.apiKey);
    expect(printed(service)).not.toContain(w.openai.apiKey.slice('sk-emu-'.length));
  }, 60_000);

  it('with the model refusing connections, then hanging: each alert goes at once, the rationale is the template (unavailable, then timeout), and the Stripe webhook is answered within 1 s', async () => {
    const w = await world();
    const port = Number(new URL(w.openai.baseURL).port);
    await w.openai.stop();
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));

    const refused = await publishAndDeliver(w, service, 'content-live-refused', 'SOL_USDT');
    const hook = Date.now();
    expect(await postStripeEvent(service.url, w.stripe.webhookSecret, 'evt_content_live_0')).toBe(200);
    expect(Date.now() - hook).toBeLessThan(1_000);
    expect(rationaleOf(w.env, refused.id)).toEqual({ state: 'written', source: 'template', reason: 'unavailable' });
    expect(textOf(refused.rationale)).toContain('Risks');

    // The model's server is back on its address, and hangs on every call.
    const back = await startOpenAIEmulator({ apiKey: w.openai.apiKey, port });
    live.onStop(async () => {
      back.clearFaults();
      await back.stop();
    });
    back.hang(undefined, { count: 1_000 });
    const published = await postSignal(publisher(service), 'content-live-hung', 'ADA_USDT');
    expect(published.status).toBe(202);
    await until(() => w.telegram.sentMessages(w.chat).find((m) => textOf(m).includes('ADA_USDT')), 'the alert about ADA_USDT while the model hangs', { timeoutMs: 5_000 });
    // The alert did not wait for the model: its rationale is not written yet.
    expect(rationaleOf(w.env, published.id).state).toBe('wanted');
    await until(() => back.calls.length > 0, 'the model called');
    // While the model hangs, the Stripe webhook is answered.
    const before = Date.now();
    expect(await postStripeEvent(service.url, w.stripe.webhookSecret, 'evt_content_live_1')).toBe(200);
    expect(Date.now() - before).toBeLessThan(1_000);
    await alertAndRationale(w, 'ADA_USDT');
    expect(rationaleOf(w.env, published.id)).toEqual({ state: 'written', source: 'template', reason: 'timeout' });

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalcast_rationales_total\{source="template",reason="unavailable"\} 1$/m);
    expect(metrics).toMatch(/^signalcast_rationales_total\{source="template",reason="timeout"\} 1$/m);
    expect(printed(service)).not.toContain(w.openai.apiKey);
  }, 60_000);

  it('on SIGTERM while a model call hangs, exits 0 within SHUTDOWN_TIMEOUT_MS with the rationale still wanted, and the next start writes it and sends it as a reply to the alert', async () => {
    // A model call that would take ten minutes before its timeout.
    const w = await world({ OPENAI_TIMEOUT_MS: '600000', OPENAI_MAX_RETRIES: '0' });
    w.openai.hang(undefined, { count: 1_000 });
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));
    const published = await postSignal(publisher(service), 'content-live-stop', 'XRP_USDT');
    expect(published.status).toBe(202);
    await until(() => w.telegram.sentMessages(w.chat).find((m) => textOf(m).includes('XRP_USDT')), 'the alert about XRP_USDT', { timeoutMs: 5_000 });
    await until(() => w.openai.calls.length > 0, 'the model called');

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    // Abandoned, not given up: the next start writes it.
    expect(rationaleOf(w.env, published.id)).toMatchObject({ state: 'wanted', source: null });
    expect(printed(service)).not.toContain(w.openai.apiKey);

    // The model answers again: the next start writes the rationale and sends it as a reply to the alert sent before the stop.
    w.openai.clearFaults();
    const again = await live.startService(w.env);
    const { alert, rationale } = await alertAndRationale(w, 'XRP_USDT');
    expect(rationale.reply_to_message?.message_id).toBe(alert.message_id);
    expect(rationaleOf(w.env, published.id)).toEqual({ state: 'written', source: 'model', reason: null });
    expect(w.telegram.sentMessages(w.chat).filter((m) => textOf(m).includes('XRP_USDT') && m.reply_to_message === undefined)).toHaveLength(1);
    expect(w.openai.calls.filter((c) => c.status === 200)).toHaveLength(1);
    expect(await again.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('on SIGTERM while the client waits out a 429\'s retry-after before its retry, exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const w = await world({ OPENAI_MAX_RETRIES: '2' });
    // OpenAI asks for a minute's wait; the openai client honours up to 60 s, not listening to the stop meanwhile.
    w.openai.failNext(429, { retryAfter: 60, count: 10 });
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));
    const published = await postSignal(publisher(service), 'content-live-429', 'AVAX_USDT');
    expect(published.status).toBe(202);
    await until(() => w.telegram.sentMessages(w.chat).find((m) => textOf(m).includes('AVAX_USDT')), 'the alert about AVAX_USDT', { timeoutMs: 5_000 });
    await until(() => w.openai.calls.length > 0, 'the model called');

    const before = Date.now();
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(service.lines.some((l) => String(l.msg).startsWith('stopping: gave up waiting for the rationales being written'))).toBe(false);
    expect(service.lines.at(-1)?.msg).toBe('stopped');
    expect(rationaleOf(w.env, published.id)).toMatchObject({ state: 'wanted', source: null });
    expect(w.openai.calls.map((c) => c.status)).toEqual([429]);
  }, 60_000);

  it('without OPENAI_API_KEY or OPENAI_BASE_URL warns once at start, starts no emulator, and sends the template (no_model) after the alert', async () => {
    const w = await world();
    const { OPENAI_API_KEY: _key, OPENAI_BASE_URL: _url, ...env } = w.env;
    const service = await live.startService(env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));
    expect(service.lines.filter((l) => String(l.msg).startsWith('rationales are on without a model'))).toHaveLength(1);
    expect(service.lines.some((l) => /sandbox|emulator/i.test(String(l.msg)))).toBe(false);
    const { id } = await publishAndDeliver(w, service, 'content-live-no-model', 'DOT_USDT');
    expect(rationaleOf(w.env, id)).toEqual({ state: 'written', source: 'template', reason: 'no_model' });
    expect(w.openai.calls).toHaveLength(0);
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe('the snapshot and the schedules by the signalcast command beside the running service', () => {
  it('signal publish gets its alert and rationale, signal update its reply; snapshot send plans the day\'s snapshot, the service sends it as a photo, a second send plans nothing new; schedules list shows the jobs and run dead-letter-report exits 0', async () => {
    const w = await world();
    const service = await live.startService(w.env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));
    await publishAndDeliver(w, service, 'content-live-snap', 'BNB_USDT');
    // A signal published by the command (another process): the service sends its alert, and its writer finds its rationale (it looks every 30 s).
    const published = await runSignalcast(w.env, 'signal', 'publish', '--publisher-id', 'content-live-cli', '--symbol', 'LINK_USDT', '--market', 'crypto', '--side', 'long', '--conviction', '0.8', '--reason', 'Breakout on volume');
    expect(published.stderr).toBe('');
    expect(published.stdout).toContain('1 deliveries planned, 0 skipped.');
    expect(published.code).toBe(0);

    const sent = await runSignalcast(w.env, 'snapshot', 'send');
    expect(sent.stderr).toBe('');
    expect(sent.stdout).toMatch(/^The snapshot of \d{4}-\d{2}-\d{2} is planned for 1 destination; the running service sends it\.$/m);
    expect(sent.code).toBe(0);
    const photo = await until(() => w.telegram.sentMessages(w.chat).find((m) => 'photo' in m && m.photo !== undefined), 'the snapshot\'s photo', { timeoutMs: 20_000 });
    expect(photo.caption ?? '').toContain('BNB_USDT');
    expect(photo.caption ?? '').toContain('LINK_USDT');
    expect((photo.caption ?? '').endsWith('\n\nNot financial advice.')).toBe(true);
    expect(w.telegram.calls('sendPhoto')).toHaveLength(1);

    const again = await runSignalcast(w.env, 'snapshot', 'send');
    expect(again.stdout).toMatch(/^The snapshot of \d{4}-\d{2}-\d{2} was already planned for 1 destination: nothing new planned\.$/m);
    expect(again.code).toBe(0);

    const ran = await runSignalcast(w.env, 'schedules', 'run', 'dead-letter-report');
    expect(ran.stdout).toMatch(/^dead-letter-report: ok in \d+ ms\.$/m);
    expect(ran.code).toBe(0);
    const listed = await runSignalcast(w.env, 'schedules', 'list', '--json');
    expect(listed.code).toBe(0);
    const jobs = (JSON.parse(listed.stdout) as { jobs: { job: string; lastOutcome: string | null; runs: number }[] }).jobs;
    expect(jobs.map((j) => j.job)).toEqual(expect.arrayContaining(['snapshot', 'billing-reconcile', 'access-reconcile', 'dead-letter-report', 'trial-reminders', 'prune-deliveries']));
    expect(jobs.find((j) => j.job === 'dead-letter-report')).toMatchObject({ lastOutcome: 'ok', runs: 1 });
    const table = await runSignalcast(w.env, 'schedules', 'list');
    expect(table.stdout).toMatch(/^dead-letter-report\s+.*\bok\s+1\b/m);

    // One snapshot row for the subscriber: the second send planned nothing.
    const db = openDatabase(w.env.DATABASE_URL!, { migrate: false });
    expect(db.$client.prepare("SELECT state, count(*) AS n FROM deliveries WHERE kind = 'snapshot' GROUP BY state").all()).toEqual([{ state: 'sent', n: 1 }]);
    db.$client.close();
    expect(w.telegram.calls('sendPhoto')).toHaveLength(1);

    const cli = await alertAndRationale(w, 'LINK_USDT', 45_000);
    expect(textOf(cli.rationale)).toContain('Risks');
    expect(w.openai.calls).toHaveLength(2);

    // Its update by the command: the service threads it on the alert too.
    const updated = await runSignalcast(w.env, 'signal', 'update', 'content-live-cli', '--by-publisher-id', '--kind', 'closed', '--result-pct', '2.5', '--update-id', 'content-live-cli-close');
    expect(updated.stdout).toMatch(/^Recorded closed \(\S+\) for sig_\S+: 1 deliveries planned/m);
    expect(updated.code).toBe(0);
    const update = await until(() => w.telegram.sentMessages(w.chat).find((m) => m.reply_to_message?.message_id === cli.alert.message_id && m.message_id !== cli.rationale.message_id),
      'the update as a reply to the alert', { timeoutMs: 15_000 });
    expect(textOf(update)).toMatch(/2\.5/);
    const replayed = await runSignalcast(w.env, 'signal', 'update', 'content-live-cli', '--by-publisher-id', '--kind', 'closed', '--result-pct', '2.5', '--update-id', 'content-live-cli-close');
    expect(replayed.stdout).toContain('Already recorded: update id "content-live-cli-close"');
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    for (const out of [printed(service), sent.stdout + sent.stderr, listed.stdout + listed.stderr]) expect(out).not.toContain(w.openai.apiKey);
  }, 120_000);
});

/** HH:MM in `timeZone` of the first whole minute at least `leadMs` from now. */
function minuteAhead(timeZone: string, leadMs: number): string {
  const at = new Date(Math.ceil((Date.now() + leadMs) / 60_000) * 60_000);
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

describe('the snapshot job as the service runs it', () => {
  it('at SNAPSHOT_TIME in OPERATOR_TIME_ZONE the service sends the day\'s snapshot as a photo by itself, once, and schedules list shows the run', async () => {
    // A zone half an hour off UTC: a time read as UTC or as the machine's would not come within the test.
    const zone = 'Asia/Kolkata';
    const w = await world();
    const env = { ...w.env, OPERATOR_TIME_ZONE: zone, SNAPSHOT_TIME: minuteAhead(zone, 25_000) };
    const service = await live.startService(env);
    await service.waitFor((l) => String(l.msg).startsWith('Telegram bot @signalcast_bot started'));
    await publishAndDeliver(w, service, 'content-live-scheduled', 'TRX_USDT');

    const photo = await until(() => w.telegram.sentMessages(w.chat).find((m) => 'photo' in m && m.photo !== undefined), 'the scheduled snapshot\'s photo', { timeoutMs: 100_000, everyMs: 250 });
    expect(photo.caption ?? '').toContain('TRX_USDT');
    const listed = await runSignalcast(env, 'schedules', 'list', '--json');
    const snapshot = (JSON.parse(listed.stdout) as { timeZone: string; jobs: { job: string; lastOutcome: string | null; runs: number }[] });
    expect(snapshot.timeZone).toBe(zone);
    expect(snapshot.jobs.find((j) => j.job === 'snapshot')).toMatchObject({ lastOutcome: 'ok', runs: 1 });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^signalcast_job_runs_total\{job="snapshot",outcome="ok"\} 1$/m);
    expect(metrics).toMatch(/^signalcast_job_last_success\{job="snapshot"\} 1$/m);
    expect(w.telegram.calls('sendPhoto')).toHaveLength(1);
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 150_000);
});

describe('content settings that cannot work stop the start with exit 78 naming them', () => {
  it('SNAPSHOT_TIME=25:00', async () => {
    const w = await world();
    const result = await live.runToExit({ ...w.env, SNAPSHOT_TIME: '25:00' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('SNAPSHOT_TIME: expected a time of day as HH:MM (24-hour, e.g. 18:00) or off (got "25:00")');
    expect(w.telegram.requests).toHaveLength(0);
  });

  it('RATIONALES=maybe', async () => {
    const w = await world();
    const result = await live.runToExit({ ...w.env, RATIONALES: 'maybe' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('RATIONALES: expected on or off (got "maybe")');
    expect(result.stderr + result.stdout).not.toContain(w.openai.apiKey);
    expect(w.openai.calls).toHaveLength(0);
  });
});

// Issue 11's content through the whole service on Discord: a paid member's DMs and the gated #vip-signals get the alert,
// its rationale (written once by the real openai client against the OpenAI emulator) and an update as replies to it,
// the alert's embed edited with its status, the daily snapshot with its chart uploaded as chart.png, and /track.
import { describe, expect, it } from 'vitest';
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { until } from '../core/testing/until';
import { postSignal, postUpdate, type Publisher } from './testing/publish-http';
import { runDiscordCommand, startDiscordServiceWorld, subscribeAndPay, type DiscordServiceWorld } from './testing/discord-world';
import { discordPosts, embedFields, PNG_SIGNATURE, rationaleOf, signalRationale } from './testing/content-checks';
import { useOpenAIEmulator } from './testing/model-world';

const SECRET = 'discord-content-signing-secret';
const DISCLAIMER = 'Not financial advice. Past results do not promise future ones.';

const running: (() => Promise<void>)[] = [];
const model = useOpenAIEmulator(running);

const modelSettings = (timeoutMs = 5_000) => model.settings({ timeoutMs, disclaimer: DISCLAIMER });

const dmChannel = (w: DiscordServiceWorld, userId: string) => w.discord.state.dmChannels.get(userId)?.id ?? '';
const aboutSymbol = (m: APIMessage, symbol: string) => m.embeds.some((e) => `${e.title ?? ''}`.includes(symbol)) || m.content.includes(symbol);

/**
 * The channel's first `count` messages about the symbol once they came. A rationale released while its
 * alert is on its way waits a second of the service's clock (the threading rule), so each look moves it a second.
 */
const messagesAbout = (w: DiscordServiceWorld, channel: string | (() => string), symbol: string, count: number) => until(async () => {
  const found = w.discord.messagesIn(typeof channel === 'string' ? channel : channel()).filter((m) => aboutSymbol(m, symbol));
  if (found.length >= count) return found;
  await w.clock.advance(1_000);
  return undefined;
}, `${count} messages about ${symbol}`);

/** A paid VIP member (the role opens #vip-signals) who has met the bot, so their DMs are a destination too. */
async function paidMember(w: DiscordServiceWorld, username: string): Promise<string> {
  await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
  const userId = w.discord.memberJoins(w.guild.id, { username });
  await subscribeAndPay(w, userId);
  await w.stripe.whenWebhooksDelivered();
  return userId;
}

describe('issue 11 content through the service on Discord', () => {
  it('gives a paid member\'s DMs and #vip-signals the alert, its rationale and an update as replies, the status edit, the snapshot\'s chart, and /track', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET, settings: modelSettings() });
    const ada = await paidMember(w, 'ada');
    const vip = w.guild.channels['vip-signals']!;
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };

    const signal = await postSignal(publisher, 'discord-content-1', 'DOTUSDT');
    expect(signal.status).toBe(202);
    for (const channel of [dmChannel(w, ada), vip]) {
      const [alert, rationale] = await messagesAbout(w, channel, 'DOTUSDT', 2);
      expect(alert!.embeds[0]?.title).toBe('🟢 LONG DOTUSDT · crypto');
      expect(alert!.message_reference).toBeUndefined();
      // The rationale: a reply to the alert, an embed with the summary, Drivers and Risks, the disclaimer as its footer.
      expect(rationale!.message_reference?.message_id).toBe(alert!.id);
      const embed = rationale!.embeds[0] as APIEmbed;
      expect(embed.title).toBe('Why LONG DOTUSDT');
      expect(embed.description?.length).toBeGreaterThan(0);
      expect(Object.keys(embedFields(embed))).toEqual(['Drivers', 'Risks']);
      expect(embed.footer?.text).toBe(DISCLAIMER);
      // What the emulator received, in order: the alert's POST before the rationale's.
      expect(discordPosts(w, channel).filter((p) => p.title?.includes('DOTUSDT'))).toEqual([
        { title: '🟢 LONG DOTUSDT · crypto', content: undefined, replyTo: undefined },
        { title: 'Why LONG DOTUSDT', content: undefined, replyTo: alert!.id },
      ]);
    }
    // One model call for both destinations, its answer kept on the signal.
    expect(model.openai.calls).toHaveLength(1);
    expect(signalRationale(w.service.db, signal.id)).toMatchObject({ state: 'written', source: 'model', reason: null });
    const written = rationaleOf(w.service.db, signal.id);
    const dmRationale = w.discord.messagesIn(dmChannel(w, ada)).find((m) => m.embeds[0]?.title === 'Why LONG DOTUSDT');
    expect(dmRationale?.embeds[0]?.description).toBe(written.summary);

    // A target hit: a reply to the alert, and the alert's embed edited with a Status field.
    const hit = await postUpdate(publisher, signal.id, { kind: 'target_hit', targetIndex: 1, price: 7.9, resultPct: 4.2 });
    expect(hit).toMatchObject({ status: 202, body: { duplicate: false, planned: 2 } });
    for (const channel of [dmChannel(w, ada), vip]) {
      const [alert, , update] = await messagesAbout(w, channel, 'DOTUSDT', 3);
      expect(update!.content).toContain('Target 1 hit at 7.9 (+4.20%)');
      expect(update!.message_reference?.message_id).toBe(alert!.id);
      const edited = await until(() => {
        const now = w.discord.messagesIn(channel).find((m) => m.id === alert!.id);
        return now && embedFields(now.embeds[0]!).Status ? now : undefined;
      }, 'the alert marked with its status');
      expect(embedFields(edited.embeds[0]!).Status).toContain('Target 1 hit');
      expect(edited.embeds[0]?.title).toBe('🟢 LONG DOTUSDT · crypto');
      const patches = w.discord.server.requests.filter((r) => r.method === 'PATCH' && r.path === `/api/v10/channels/${channel}/messages/${alert!.id}`);
      expect(patches.map((p) => p.status)).toEqual([200]);
    }

    // The daily snapshot: an embed whose image is the chart uploaded as chart.png, the PNG at 1200×675.
    const run = await w.service.snapshots.run();
    expect(run).toMatchObject({ day: '2026-03-02', created: true, chart: true, planned: 2 });
    for (const channel of [dmChannel(w, ada), vip]) {
      // Time moves while we wait: a send that failed under load (a slow upload) goes again after its backoff, as it would.
      const snapshot = await until(async () => {
        const found = w.discord.messagesIn(channel).find((m) => m.embeds[0]?.title?.startsWith('Daily snapshot'));
        if (!found) await w.clock.advance(1_000);
        return found;
      }, `the snapshot in ${channel}`);
      const embed = snapshot.embeds[0]!;
      expect(embed.description).toContain('DOTUSDT long (A)');
      expect(embed.footer?.text).toBe(DISCLAIMER);
      const [chart] = snapshot.attachments;
      expect(chart).toMatchObject({ filename: 'chart.png', width: 1200, height: 675, content_type: 'image/png' });
      expect(embed.image?.url).toBe(chart!.url);
      const bytes = w.discord.attachmentBytes(chart!.id);
      expect(bytes?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(bytes?.length).toBe(chart!.size);
    }
    expect(model.openai.calls).toHaveLength(1);

    // /track: a private answer with the figures of what was published; the target hit left the signal open, its close scores it.
    const open = await runDiscordCommand(w, ada, 'track');
    expect(open.content.split('\n')[1]).toBe('Last 30 days: 1 signal, none with a result yet; 1 open');
    expect((await postUpdate(publisher, signal.id, { kind: 'closed', price: 8.1, resultPct: 4.2 })).status).toBe(202);
    const track = await runDiscordCommand(w, ada, 'track');
    expect(track.flags! & 64).toBe(64);
    expect(track.content.split('\n').slice(0, 2)).toEqual([
      'Track record (results of published signals, from their updates):',
      'Last 30 days: 1 signal, 1 with a result: 1 win (100%), average +4.2%, total +4.2%',
    ]);
  });

  it('keeps a delayed alert\'s "sent 15 min later" when an update marks its status', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET, settings: modelSettings() });
    await until(() => w.discord.state.globalCommands.length > 0, 'the slash commands');
    const bo = w.discord.memberJoins(w.guild.id, { username: 'bo' });
    // /start makes bo's DMs a destination on the free plan: alerts 15 minutes late.
    await runDiscordCommand(w, bo, 'start');
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };
    const signal = await postSignal(publisher, 'discord-content-late', 'XRPUSDT');
    await w.clock.advance(15 * 60_000);
    const [alert] = await messagesAbout(w, () => dmChannel(w, bo), 'XRPUSDT', 1);
    expect(alert!.embeds[0]?.footer?.text).toBe('Published, sent 15 min later');

    expect((await postUpdate(publisher, signal.id, { kind: 'stopped', price: 0.48 })).status).toBe(202);
    const edited = await until(() => {
      const now = w.discord.messagesIn(dmChannel(w, bo)).find((m) => m.id === alert!.id);
      return now && embedFields(now.embeds[0]!).Status ? now : undefined;
    }, 'the alert marked with its status');
    expect(embedFields(edited.embeds[0]!).Status).toContain('Stopped');
    expect(edited.embeds[0]?.footer?.text).toBe('Published, sent 15 min later');
  });

  it('keeps the alert marked with the latest status when an earlier update\'s reply goes late, after a retry', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET, settings: modelSettings() });
    const vip = w.guild.channels['vip-signals']!;
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };
    const signal = await postSignal(publisher, 'discord-content-retry', 'SUIUSDT');
    const [alert] = await messagesAbout(w, vip, 'SUIUSDT', 1);
    // Discord answers the target hit's reply with a 502: it waits for its retry while the close goes.
    w.discord.server.failNext({ kind: 'server_error', status: 502 }, { match: (r) => r.method === 'POST' && JSON.stringify(r.body ?? '').includes('Target 1 hit') });
    await postUpdate(publisher, signal.id, { kind: 'target_hit', targetIndex: 1, price: 2.2 });
    await until(() => w.discord.server.requests.some((r) => r.status === 502), 'the 502');
    await postUpdate(publisher, signal.id, { kind: 'closed', price: 2.4, resultPct: 9.1 });
    const replies = () => w.discord.messagesIn(vip).filter((m) => m.content.startsWith('SUIUSDT'));
    await until(async () => {
      if (replies().length === 2) return true;
      await w.clock.advance(5_000);
      return false;
    }, 'both updates, the target hit after its retry');
    expect(replies().map((m) => m.content)).toEqual(['SUIUSDT long: Closed at 2.4 (+9.10%)', 'SUIUSDT long: Target 1 hit at 2.2']);
    // Every edit went, and the last one still says closed.
    const patches = () => w.discord.server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/messages/${alert!.id}`));
    await until(() => patches().length === 2, 'both status edits');
    expect(patches().map((r) => (r.body as { embeds: APIEmbed[] }).embeds[0]!.fields![0]!.value)).toEqual(['Closed at 2.4 (+9.10%)', 'Closed at 2.4 (+9.10%)']);
    const now = w.discord.messagesIn(vip).find((m) => m.id === alert!.id)!;
    expect(embedFields(now.embeds[0]!).Status).toBe('Closed at 2.4 (+9.10%)');
  });

  it('sends the alert at once while the model hangs, then the template rationale (timeout) as its reply; nothing else waits for the model', async () => {
    const w = await startDiscordServiceWorld(running, { signingSecret: SECRET, settings: modelSettings(2_500) });
    const ada = await paidMember(w, 'bo');
    const vip = w.guild.channels['vip-signals']!;
    const publisher: Publisher = { url: w.url, secret: SECRET, now: () => w.clock.now() };
    model.openai.hang();

    const signal = await postSignal(publisher, 'discord-content-hang', 'ATOMUSDT');
    expect(signal.status).toBe(202);
    // Both alerts are out while the model has not answered.
    await until(() => model.openai.calls.length === 1 && w.discord.messagesIn(vip).some((m) => aboutSymbol(m, 'ATOMUSDT'))
      && w.discord.messagesIn(dmChannel(w, ada)).some((m) => aboutSymbol(m, 'ATOMUSDT')), 'the alerts while the model hangs');
    expect(signalRationale(w.service.db, signal.id).state).toBe('wanted');
    // Nor does an update of the signal (a target hit: a stop would withdraw the rationale, signal_exited).
    expect((await postUpdate(publisher, signal.id, { kind: 'target_hit', targetIndex: 1, price: 9.9 })).status).toBe(202);
    await until(() => w.discord.messagesIn(vip).some((m) => m.content.includes('Target 1 hit at 9.9')), 'the target hit while the model hangs');

    // The client gives up after OPENAI_TIMEOUT_MS: the template follows, a reply to the alert, with its reason kept.
    const [alert] = await messagesAbout(w, vip, 'ATOMUSDT', 1);
    const rationale = await until(async () => {
      const found = w.discord.messagesIn(vip).find((m) => m.embeds[0]?.title === 'Why LONG ATOMUSDT');
      if (!found) await w.clock.advance(1_000);
      return found;
    }, 'the template rationale');
    expect(rationale.message_reference?.message_id).toBe(alert!.id);
    expect(rationale.embeds[0]?.footer?.text).toBe(DISCLAIMER);
    expect(signalRationale(w.service.db, signal.id)).toMatchObject({ state: 'written', source: 'template', reason: 'timeout' });
    expect(model.openai.calls).toHaveLength(1);
  });
});

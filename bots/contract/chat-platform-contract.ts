// The behaviour every ChatPlatform must have, written once and run against each adapter with its emulator.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatPlatform, RateLimitScope } from '../../core/delivery/chat-platform';
import { DeliveryError } from '../../core/errors';
import type { Recipient, Signal, SignalUpdate } from '../../core/types';
import { tinyPng } from '../../sandbox/telegram/test-client';

/** What a platform's test gives the suite: the adapter, chats in known states, and hooks into its emulator. */
export interface ContractHarness {
  platform: ChatPlatform;
  /** A chat the platform can reach, made reachable by the harness. The suite passes small numeric ids ("101", "102", ...), one per test. */
  recipient(chatId: string): Recipient;
  /** A person who blocked the bot. */
  blockedRecipient: Recipient;
  /** A chat that does not exist. */
  missingRecipient: Recipient;
  /**
   * The next send is answered with a rate limit carrying this retry_after, in `scope` (one of the
   * adapter's `defaultLimits.retryAfterScopes`); without one, the platform's ordinary 429.
   */
  injectRateLimit(retryAfterSeconds: number, scope?: RateLimitScope): void;
  /** The next send is answered with this 5xx status. */
  injectServerError(status: number): void;
  /** The texts the chat received, as a person sees them (markup applied, not shown); replies in a thread are the thread's. */
  received(recipient: Recipient): string[] | Promise<string[]>;
  /**
   * The texts threaded on message `messageId` in the chat, oldest first, as the emulator shows a thread:
   * replies to it (Telegram, Discord, testchat, guildchat) or messages in its thread (Slack).
   */
  threadOf(recipient: Recipient, messageId: string): string[] | Promise<string[]>;
  /** The adapter's `capabilities.images`: a snapshot's chart arrives as an image. */
  images: boolean;
  /** The images the chat received, each as its bytes (empty where the platform shows none). */
  receivedImages(recipient: Recipient): Buffer[] | Promise<Buffer[]>;
  /** Waits what the emulator asks between two messages to one chat (Telegram: one a second, on its clock). Absent: nothing. */
  pace?(): Promise<void>;
  stop(): Promise<void>;
}

const signal = (fields: Partial<Signal> = {}): Signal => ({
  id: 'sig_contract', publisherId: 'contract-1', symbol: 'ETHUSDT', market: 'crypto', side: 'short', conviction: 0.71, band: 'B',
  reasons: ['Lower highs on the daily'], createdAt: new Date(Date.UTC(2026, 0, 5)), ...fields,
});

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

/** Runs the ChatPlatform contract against one adapter; `setup` starts a fresh emulator for each test. */
export function describeChatPlatformContract(name: string, setup: () => Promise<ContractHarness>): void {
  describe(`ChatPlatform contract: ${name}`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => h.stop());

    it('sends an alert, and the chat received it with the symbol and the reasons', async () => {
      const to = h.recipient('101');
      const result = await h.platform.send(to, { kind: 'alert', signal: signal() });
      expect(result.messageId).toMatch(/\S/);
      const texts = await h.received(to);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain('ETHUSDT');
      expect(texts[0]).toContain('Lower highs on the daily');
    });

    it('escapes markup characters: a ticker and reasons full of them arrive as written', async () => {
      const to = h.recipient('102');
      const reasons = ['Broke <b>above</b> the range & held', '</i> *not bold* _nor this_ [x](y) `z`'];
      await h.platform.send(to, { kind: 'alert', signal: signal({ symbol: 'BTC_USD<&>', reasons, persona: 'A&B <quant>' }) });
      const [text] = await h.received(to);
      expect(text).toContain('BTC_USD<&>');
      for (const reason of reasons) expect(text).toContain(reason);
      expect(text).toContain('A&B <quant>');
    });

    it("reports a person who blocked the bot as permanent 'blocked'", async () => {
      const err = await failure(h.platform.send(h.blockedRecipient, { kind: 'alert', signal: signal() }));
      expect(err).toMatchObject({ kind: 'permanent', reason: 'blocked' });
    });

    it('reports a missing chat as permanent', async () => {
      const err = await failure(h.platform.send(h.missingRecipient, { kind: 'alert', signal: signal() }));
      expect(err).toMatchObject({ kind: 'permanent', reason: 'chat_not_found' });
    });

    it('turns a rate limit into rate_limited with the retry_after in milliseconds', async () => {
      h.injectRateLimit(3);
      const to = h.recipient('103');
      const err = await failure(h.platform.send(to, { kind: 'alert', signal: signal() }));
      expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3_000 });
      expect(await h.received(to)).toEqual([]);
    });

    it('declares its limits: windows with a positive limit and length, and the scopes its 429s name', () => {
      const { retryAfterScopes, perRoute, ...windows } = h.platform.defaultLimits;
      expect(retryAfterScopes.length).toBeGreaterThan(0);
      for (const scope of retryAfterScopes) expect(['chat', 'tenant', 'route', 'global']).toContain(scope);
      for (const w of [...Object.values(windows), ...Object.values(perRoute ?? {})]) {
        if (w === undefined) continue;
        expect(Number.isInteger(w.limit) && w.limit > 0 && w.windowMs > 0).toBe(true);
      }
    });

    it('honours retry-after in each declared scope: the 429 comes back as that scope, with its wait', async () => {
      const scopes = h.platform.defaultLimits.retryAfterScopes;
      for (const [i, scope] of scopes.entries()) {
        h.injectRateLimit(2, scope);
        const to = h.recipient(String(110 + i));
        const err = await failure(h.platform.send(to, { kind: 'alert', signal: signal() }));
        expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 2_000, scope });
        if (scope !== 'route') expect(err.bucket).toBeUndefined();
        expect(await h.received(to)).toEqual([]);
      }
    });

    it('turns a server error into temporary', async () => {
      h.injectServerError(502);
      const err = await failure(h.platform.send(h.recipient('104'), { kind: 'alert', signal: signal() }));
      expect(err.kind).toBe('temporary');
    });

    it('edits a message it sent, where it can: the chat then shows the new text in place of the old', async () => {
      const to = h.recipient('106');
      const { messageId } = await h.platform.send(to, { kind: 'alert', signal: signal() });
      if (!h.platform.edit) return expect(h.platform.edit).toBeUndefined();
      await h.platform.edit(to, messageId, { kind: 'notice', text: 'ETHUSDT: first target hit' });
      expect(await h.received(to)).toEqual(['ETHUSDT: first target hit']);
    });

    it('threads a rationale and an update sent with replyToMessageId on that message', async () => {
      const to = h.recipient('101');
      const alert = await h.platform.send(to, { kind: 'alert', signal: signal() });
      await h.pace?.();
      await h.platform.send(to, {
        kind: 'rationale', signal: signal(), text: 'Sellers in control', replyToMessageId: alert.messageId, disclaimer: 'Not financial advice.',
        rationale: { summary: 'Sellers in control', drivers: ['Lower highs'], risks: ['Short squeeze'] },
      });
      await h.pace?.();
      const update: SignalUpdate = { id: 'u_contract', signalId: 'sig_contract', kind: 'target_hit', targetIndex: 1, price: 2900, resultPct: 3.1, createdAt: new Date(Date.UTC(2026, 0, 6)) };
      await h.platform.send(to, { kind: 'update', signal: signal(), update, updates: [update], replyToMessageId: alert.messageId });
      const thread = await h.threadOf(to, alert.messageId);
      expect(thread).toHaveLength(2);
      expect(thread[0]).toContain('Sellers in control');
      expect(thread[0]).toContain('Not financial advice.');
      expect(thread[1]).toContain('Target 1 hit at 2900 (+3.10%)');
      // Nothing else is threaded on it: another message's thread stays empty.
      const other = await h.platform.send(h.recipient('103'), { kind: 'alert', signal: signal() });
      expect(await h.threadOf(h.recipient('103'), other.messageId)).toEqual([]);
    });

    it('sends a snapshot with its chart as an image where the platform shows images, and its text everywhere', async () => {
      const to = h.recipient('102');
      const png = tinyPng(64, 32);
      await h.platform.send(to, { kind: 'snapshot', title: 'Daily snapshot', text: '2 signals, 1 closed', chart: { png, width: 64, height: 32, alt: 'Cumulative result' }, disclaimer: 'Not advice.' });
      const [text] = await h.received(to);
      expect(text).toContain('Daily snapshot');
      expect(text).toContain('2 signals, 1 closed');
      const images = await h.receivedImages(to);
      if (!h.images) return expect(images).toEqual([]);
      expect(images).toHaveLength(1);
      expect(images[0]!.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(images[0]!.equals(png)).toBe(true);
    });

    it('sends a quiet-hours digest as one message listing each held alert with its status, and threads a reply on it', async () => {
      const to = h.recipient('106');
      const hit: SignalUpdate = { id: 'u_digest', signalId: 'sig_b', kind: 'target_hit', targetIndex: 1, price: 2900, createdAt: new Date(Date.UTC(2026, 0, 6)) };
      const items = [
        { signal: signal({ id: 'sig_a', symbol: 'BTCUSDT', side: 'long', entry: 43000 }), updates: [] },
        { signal: signal({ id: 'sig_b' }), updates: [hit] },
      ];
      const digest = await h.platform.send(to, { kind: 'digest', items });
      const [text] = await h.received(to);
      expect(text).toMatch(/^While quiet hours were on: 2 alerts/);
      expect(text).toContain('BTCUSDT long (B) at 43000: Open');
      expect(text).toContain('ETHUSDT short (B): Target 1 hit at 2900');
      await h.pace?.();
      await h.platform.send(to, { kind: 'rationale', signal: signal({ id: 'sig_b' }), text: 'Sellers in control', replyToMessageId: digest.messageId });
      await h.pace?.();
      // An update of an alert that went in the digest: a reply to it, and the digest is not edited into that one alert.
      const second: SignalUpdate = { ...hit, id: 'u_digest_2', targetIndex: 2, price: 2800 };
      await h.platform.send(to, { kind: 'update', signal: signal({ id: 'sig_b' }), update: second, updates: [hit, second], replyToMessageId: digest.messageId, replyToDigest: true });
      expect(await h.threadOf(to, digest.messageId)).toEqual([expect.stringContaining('Sellers in control'), expect.stringContaining('Target 2 hit at 2800')]);
      const [after] = await h.received(to);
      expect(after).toMatch(/^While quiet hours were on: 2 alerts/);
      expect(after).toContain('BTCUSDT long (B) at 43000: Open');
    });

    it('sends a notice with its link', async () => {
      const to = h.recipient('105');
      await h.platform.send(to, { kind: 'notice', text: 'Your access ends soon <renew>', buttons: [{ label: 'Renew', url: 'http://127.0.0.1:1/renew' }] });
      const [text] = await h.received(to);
      expect(text).toContain('Your access ends soon <renew>');
    });
  });
}

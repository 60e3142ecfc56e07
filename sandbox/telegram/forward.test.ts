// The emulator's forwardMessage and copyMessage, through real grammy: protected content is refused as Telegram refuses it.
import { Api, GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { startTelegramEmulator, type TelegramEmulator } from './emulator';

describe('Telegram emulator: forwarding and copying', () => {
  let emu: TelegramEmulator;
  afterEach(async () => emu.stop());

  async function world(): Promise<{ api: Api; clock: FakeClock; channel: number }> {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
    emu = await startTelegramEmulator({ clock });
    const channel = emu.createChannel({ title: 'VIP room' }).id;
    emu.userSends(42, '/start');
    return { api: new Api(emu.token, { apiRoot: emu.apiRoot }), clock, channel };
  }

  const refusal = async (call: Promise<unknown>) => {
    const err = await call.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    return { code: (err as GrammyError).error_code, description: (err as GrammyError).description };
  };

  it('forwards and copies an unprotected post, with its origin on the forward only', async () => {
    const { api, clock, channel } = await world();
    const post = await api.sendMessage(channel, '<b>BTCUSDT</b> long', { parse_mode: 'HTML' });
    expect(post.has_protected_content).toBeUndefined();

    const forwarded = await api.forwardMessage(42, channel, post.message_id);
    expect(forwarded).toMatchObject({ chat: { id: 42 }, text: 'BTCUSDT long', entities: [{ type: 'bold', offset: 0, length: 7 }], forward_origin: { type: 'channel', chat: { id: channel }, message_id: post.message_id } });
    await clock.advance(1_100);
    const copied = await api.copyMessage(42, channel, post.message_id);
    const copy = emu.sentMessages(42).find((m) => m.message_id === copied.message_id);
    expect(copy).toMatchObject({ text: 'BTCUSDT long' });
    expect(copy && 'forward_origin' in copy).toBe(false);
  });

  it('refuses to forward or copy a message sent with protect_content, and says which message is missing', async () => {
    const { api, channel } = await world();
    const post = await api.sendMessage(channel, 'VIP alert', { protect_content: true });
    expect(post.has_protected_content).toBe(true);
    expect(emu.sentMessages(channel).at(-1)?.has_protected_content).toBe(true);

    expect(await refusal(api.forwardMessage(42, channel, post.message_id))).toEqual({ code: 400, description: "Bad Request: message can't be forwarded" });
    expect(await refusal(api.copyMessage(42, channel, post.message_id))).toEqual({ code: 400, description: "Bad Request: message can't be copied" });
    expect(await refusal(api.forwardMessage(42, channel, 9_999))).toEqual({ code: 400, description: 'Bad Request: message to forward not found' });
    expect(await refusal(api.copyMessage(42, channel, 9_999))).toEqual({ code: 400, description: 'Bad Request: message to copy not found' });
    expect(emu.sentMessages(42)).toEqual([]);
  });
});

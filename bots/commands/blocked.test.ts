import { describe, expect, it } from 'vitest';
import type { Recipient } from '../../core/types';
import { commandWorld } from './commands.fixtures';
import { handleEvent } from './router';

const actor = { platform: 'testchat', platformUserId: '42' } as const;
const chat: Recipient = { platform: 'testchat', chatId: '42' };

describe('a person blocking the bot', () => {
  async function started() {
    const w = commandWorld();
    await w.send('42', '/start');
    const destination = async () => w.accounts.findDestinationByRecipient(chat);
    return { w, destination };
  }

  it('disables their direct destination at once, with an audit event, and answers nothing', async () => {
    const { w, destination } = await started();
    expect(await handleEvent({ type: 'bot_blocked', actor, chat, blocked: true }, w.deps)).toEqual([]);
    expect(await destination()).toMatchObject({ enabled: false, disabledReason: 'blocked' });
    expect(w.audit.list({ limit: 1 })[0]).toMatchObject({ action: 'destination.disabled', actor: 'chat:testchat:42', reason: 'the user blocked the bot' });
  });

  it('enables it again when they unblock the bot', async () => {
    const { w, destination } = await started();
    await handleEvent({ type: 'bot_blocked', actor, chat, blocked: true }, w.deps);
    await handleEvent({ type: 'bot_blocked', actor, chat, blocked: false }, w.deps);
    expect(await destination()).toMatchObject({ enabled: true, disabledReason: null });
    expect(w.actions().slice(-2)).toEqual(['destination.disabled', 'destination.enabled']);
  });

  it('leaves a destination disabled for another reason disabled when they unblock', async () => {
    const { w, destination } = await started();
    const before = await destination();
    await w.accounts.disableDestination(before!.id, 'chat_not_found');
    await handleEvent({ type: 'bot_blocked', actor, chat, blocked: false }, w.deps);
    expect(await destination()).toMatchObject({ enabled: false, disabledReason: 'chat_not_found' });
    expect(w.actions()).not.toContain('destination.enabled');
  });

  it('ignores a chat that has no destination, and a second block', async () => {
    const w = commandWorld();
    expect(await handleEvent({ type: 'bot_blocked', actor, chat, blocked: true }, w.deps)).toEqual([]);
    expect(w.actions()).toEqual([]);
    const { w: w2 } = await started();
    await handleEvent({ type: 'bot_blocked', actor, chat, blocked: true }, w2.deps);
    await handleEvent({ type: 'bot_blocked', actor, chat, blocked: true }, w2.deps);
    expect(w2.actions().filter((a) => a === 'destination.disabled')).toHaveLength(1);
  });
});

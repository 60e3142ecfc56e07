import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { toInboundEvent } from './inbound';

const from = { id: 42, is_bot: false, first_name: 'Ada', last_name: 'L', username: 'ada' };
const privateChat = { id: 42, type: 'private' as const, first_name: 'Ada' };
const group = { id: -100123, type: 'supergroup' as const, title: 'G' };

function command(text: string, chat: object = privateChat): Update {
  const length = /^\/\S+/.exec(text)?.[0].length ?? 0;
  return { update_id: 1, message: { message_id: 9, date: 0, chat, from, text, entities: length ? [{ type: 'bot_command', offset: 0, length }] : [] } } as Update;
}

describe('toInboundEvent', () => {
  it('turns a command into a command event with its arguments, lower-cased name and message id', () => {
    expect(toInboundEvent(command('/Settings quiet 22:00-07:00 Europe/London'), 'signalcast_bot')).toEqual({
      type: 'command', command: 'settings', args: 'quiet 22:00-07:00 Europe/London', isPrivate: true, messageId: '9',
      actor: { platform: 'telegram', platformUserId: '42', username: 'ada', displayName: 'Ada L' }, chat: { platform: 'telegram', chatId: '42' },
    });
  });

  it('takes commands addressed to this bot and ignores those for another bot, and text in a group', () => {
    expect(toInboundEvent(command('/start@Signalcast_Bot ref_AB', group), 'signalcast_bot')).toMatchObject({ command: 'start', args: 'ref_AB', isPrivate: false, chat: { chatId: '-100123' } });
    expect(toInboundEvent(command('/start@other_bot', group), 'signalcast_bot')).toBeUndefined();
    expect(toInboundEvent(command('hello /start', group), 'signalcast_bot')).toBeUndefined();
  });

  it('turns free text in a private chat into a text event, and ignores it in a group', () => {
    expect(toInboundEvent(command('hello /start'), 'signalcast_bot')).toEqual({
      type: 'text', text: 'hello /start', isPrivate: true,
      actor: { platform: 'telegram', platformUserId: '42', username: 'ada', displayName: 'Ada L' }, chat: { platform: 'telegram', chatId: '42' },
    });
    expect(toInboundEvent(command('anyone long BTC?', group), 'signalcast_bot')).toBeUndefined();
  });

  it('turns a button press into a button event on its message', () => {
    const update = { update_id: 2, callback_query: { id: 'q', from, chat_instance: '1', data: 'set:band:A', message: { message_id: 5, date: 0, chat: privateChat } } } as Update;
    expect(toInboundEvent(update, 'b')).toMatchObject({ type: 'button', data: 'set:band:A', messageId: '5', isPrivate: true, chat: { platform: 'telegram', chatId: '42' } });
  });

  it('turns a join request and member changes into access events for the chat', () => {
    const request = { update_id: 3, chat_join_request: { chat: group, from, user_chat_id: 42, date: 0 } } as Update;
    expect(toInboundEvent(request, 'b')).toEqual({ type: 'join_request', actor: expect.objectContaining({ platformUserId: '42' }), resource: { platform: 'telegram', kind: 'chat', id: '-100123' } });
    const change = (status: string, extra: object = {}) => ({
      update_id: 4,
      chat_member: { chat: group, from: { id: 1, is_bot: false, first_name: 'Owner' }, date: 0, old_chat_member: { status: 'left', user: from }, new_chat_member: { status, user: from, ...extra } },
    }) as Update;
    expect(toInboundEvent(change('member'), 'b')).toMatchObject({ type: 'membership', state: 'member', actor: { platformUserId: '42' } });
    expect(toInboundEvent(change('kicked', { until_date: 0 }), 'b')).toMatchObject({ state: 'removed' });
    expect(toInboundEvent(change('left'), 'b')).toMatchObject({ state: 'left' });
    expect(toInboundEvent(change('restricted', { is_member: false }), 'b')).toMatchObject({ state: 'left' });
  });

  it('turns the bot blocked or unblocked in a private chat into a bot_blocked event, and ignores the bot\'s own changes in groups', () => {
    const bot = { id: 7, is_bot: true, first_name: 'Signalcast' };
    const mine = (chat: object, status: string) => ({
      update_id: 5,
      my_chat_member: { chat, from, date: 0, old_chat_member: { status: 'member', user: bot }, new_chat_member: { status, user: bot, ...(status === 'kicked' ? { until_date: 0 } : {}) } },
    }) as Update;
    expect(toInboundEvent(mine(privateChat, 'kicked'), 'b')).toEqual({
      type: 'bot_blocked', actor: expect.objectContaining({ platformUserId: '42' }), chat: { platform: 'telegram', chatId: '42' }, blocked: true,
    });
    expect(toInboundEvent(mine(privateChat, 'member'), 'b')).toMatchObject({ type: 'bot_blocked', blocked: false });
    expect(toInboundEvent(mine(group, 'kicked'), 'b')).toBeUndefined();
    expect(toInboundEvent(mine(group, 'administrator'), 'b')).toBeUndefined();
  });
});

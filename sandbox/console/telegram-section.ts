// The console's Telegram section: act as a Telegram user on the emulator (write to the bot, press its buttons, join with a link, block, leave).
import type { JoinOutcome, TelegramEmulator } from '../telegram';
import { escapeHtml } from './html';
import { ConsoleInputError, type ConsoleOutcome, type ConsoleSection } from './section';
import { isInviteLink } from './telegram-message';
import { renderChannels, renderChat, renderSendBox, renderWho, type TelegramUserView } from './telegram-view';

/** A plan's channel as the console lists it. */
export interface ConsoleChannel {
  chatId: number;
  title: string;
}

export interface TelegramSectionOptions {
  emulator: TelegramEmulator;
  /** The plans' private channels (see createPlanChannels). */
  channels: ConsoleChannel[];
  /** Who you are when the page's query names nobody; Ada, 100001, by default. */
  defaultUser?: TelegramUserView;
  /** How many of each channel's newest messages to show. Default 5. */
  channelMessages?: number;
}

/** The query parameter that holds who you are. */
export const TELEGRAM_USER_PARAM = 'tg_user';
export const DEFAULT_TELEGRAM_USER: TelegramUserView = { id: 100001, firstName: 'Ada', username: 'ada' };

const MAX_TEXT = 4096;

const JOIN_NOTICE: Record<JoinOutcome, string> = {
  joined: 'You joined the channel.',
  requested: 'You asked to join: the bot decides.',
  invalid: 'That invite link does not exist.',
  revoked: 'That invite link was revoked.',
  expired: 'That invite link has expired.',
  limit_reached: 'That invite link was used up already.',
  banned: 'You are banned from that channel.',
  already_member: 'You are in that channel already.',
  already_requested: 'You asked to join already: the bot decides.',
};

function positiveInt(raw: string | null, field: string): number {
  const text = (raw ?? '').trim();
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) throw new ConsoleInputError(`${field} must be a positive whole number, got ${JSON.stringify(raw ?? '')}.`);
  return Number(text);
}

function chatId(raw: string | null): number {
  const text = (raw ?? '').trim();
  if (!/^-?\d{1,15}$/.test(text)) throw new ConsoleInputError(`chat_id must be a whole number, got ${JSON.stringify(raw ?? '')}.`);
  return Number(text);
}

export class TelegramSection implements ConsoleSection {
  readonly id = 'telegram';
  readonly title = 'Telegram';
  private readonly profiles = new Map<number, TelegramUserView>();
  private readonly defaultUser: TelegramUserView;

  constructor(private readonly options: TelegramSectionOptions) {
    this.defaultUser = options.defaultUser ?? DEFAULT_TELEGRAM_USER;
    this.remember(this.defaultUser);
  }

  render(query: URLSearchParams, actionUrl: (action: string) => string): string {
    let userId: number;
    try {
      userId = this.userOf(query);
    } catch (err) {
      return `<p class="error" role="alert">${escapeHtml((err as Error).message)} <a href="/">Start again</a></p>`;
    }
    const { emulator } = this.options;
    const user = this.profiles.get(userId) ?? { id: userId };
    const personal = emulator.commands({ type: 'chat', chat_id: userId });
    const channels = this.options.channels.map((c) => ({
      chatId: c.chatId,
      title: c.title,
      status: emulator.memberStatus(c.chatId, userId),
      recent: emulator.messages(c.chatId).slice(-(this.options.channelMessages ?? 5)),
    }));
    return [
      renderWho(actionUrl, user),
      renderChat(actionUrl, emulator.messages(userId), emulator.botId),
      renderSendBox(actionUrl, personal.length ? personal : emulator.commands()),
      renderChannels(actionUrl, channels, emulator.botId),
    ].join('\n');
  }

  act(action: string, form: URLSearchParams, query: URLSearchParams): ConsoleOutcome {
    const { emulator } = this.options;
    if (action === 'user') return this.switchUser(form);
    const userId = this.userOf(query);
    switch (action) {
      case 'send': {
        const text = form.get('text') ?? '';
        if (!text.trim()) throw new ConsoleInputError('Type a message or a command to send (text is empty).');
        if (text.length > MAX_TEXT) throw new ConsoleInputError(`A message is at most ${MAX_TEXT} characters; this one has ${text.length}.`);
        emulator.userSends(userId, text);
        return {};
      }
      case 'press': {
        const messageId = positiveInt(form.get('message_id'), 'message_id');
        const data = form.get('data') ?? '';
        if (!data) throw new ConsoleInputError('data (the button\'s callback data) is missing.');
        emulator.userPressesButton(userId, messageId, data);
        return {};
      }
      case 'join': {
        const link = (form.get('link') ?? '').trim();
        if (!isInviteLink(link)) throw new ConsoleInputError(`link must be an invite link like https://t.me/+AbC..., got ${JSON.stringify(link)}.`);
        return { notice: JOIN_NOTICE[emulator.userJoinsWithLink(userId, link)] };
      }
      case 'leave': {
        const id = chatId(form.get('chat_id'));
        if (!this.options.channels.some((c) => c.chatId === id)) throw new ConsoleInputError(`${id} is not one of the plan channels.`, 404);
        return { notice: emulator.userLeaves(userId, id) ? 'You left the channel.' : 'You were not in that channel.' };
      }
      case 'block':
        emulator.userBlocksBot(userId);
        return { notice: 'You blocked the bot: it can no longer write to you.' };
      case 'unblock':
        emulator.userUnblocksBot(userId);
        return { notice: 'You unblocked the bot.' };
      default:
        throw new ConsoleInputError(`There is no Telegram action ${JSON.stringify(action)}.`, 404);
    }
  }

  private switchUser(form: URLSearchParams): ConsoleOutcome {
    const id = positiveInt(form.get('user_id'), 'user_id');
    const firstName = (form.get('first_name') ?? '').trim();
    const username = (form.get('username') ?? '').trim().replace(/^@/, '');
    if (firstName.length > 64) throw new ConsoleInputError('first_name is at most 64 characters.');
    if (username && !/^[A-Za-z0-9_]{3,32}$/.test(username)) throw new ConsoleInputError('username is 3 to 32 letters, digits or underscores.');
    const known = this.profiles.get(id);
    this.remember({ id, firstName: firstName || known?.firstName, username: username || known?.username });
    return { query: { [TELEGRAM_USER_PARAM]: String(id) }, notice: `You are now Telegram user ${id}.` };
  }

  private remember(user: TelegramUserView): void {
    this.profiles.set(user.id, user);
    this.options.emulator.addUser(user.id, {
      ...(user.firstName ? { firstName: user.firstName } : {}),
      ...(user.username ? { username: user.username } : {}),
    });
  }

  private userOf(query: URLSearchParams): number {
    const raw = query.get(TELEGRAM_USER_PARAM);
    return raw === null ? this.defaultUser.id : positiveInt(raw, TELEGRAM_USER_PARAM);
  }
}

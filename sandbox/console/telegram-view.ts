// The Telegram section's HTML: who you are, the private chat with the bot (buttons, links, Join), the send box, the plan channels.
import type { BotCommand, InlineKeyboardButton, Message } from 'grammy/types';
import type { MemberStatus } from '../telegram';
import { buttonForm, escapeHtml, externalLink } from './html';
import { inviteLinksIn, isInviteLink, keyboardOf, messageHtml, protectedNote } from './telegram-message';

type ActionUrl = (action: string) => string;

export interface TelegramUserView {
  id: number;
  firstName?: string | undefined;
  username?: string | undefined;
}

export interface TelegramChannelView {
  chatId: number;
  title: string;
  status: MemberStatus;
  /** The newest messages posted there, oldest first. */
  recent: Message[];
}

function time(message: Message): string {
  return new Date(message.date * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function joinForm(actionUrl: ActionUrl, link: string): string {
  return `<span class="invite">${externalLink(link)} ${buttonForm(actionUrl('join'), 'Join', { link })}</span>`;
}

function renderButton(actionUrl: ActionUrl, message: Message, button: InlineKeyboardButton): string {
  if ('callback_data' in button && button.callback_data !== undefined) {
    return buttonForm(actionUrl('press'), button.text, { message_id: message.message_id, data: button.callback_data });
  }
  if ('url' in button && button.url) {
    return isInviteLink(button.url) ? `${escapeHtml(button.text)}: ${joinForm(actionUrl, button.url)}` : `<span class="link-button">${externalLink(button.url, `${button.text} ↗`)}</span>`;
  }
  return `<button type="button" disabled title="not emulated in the console">${escapeHtml(button.text)}</button>`;
}

/** One message of the private chat: sender, time, text with links, its inline keyboard and Join buttons for invite links. */
export function renderChatMessage(actionUrl: ActionUrl, message: Message, botId: number): string {
  const fromBot = message.from?.id === botId;
  const sender = fromBot ? 'Bot' : 'You';
  const keyboard = keyboardOf(message)
    .map((row) => `<div>${row.map((b) => renderButton(actionUrl, message, b)).join(' ')}</div>`)
    .join('');
  const buttonUrls = new Set(keyboardOf(message).flat().flatMap((b) => ('url' in b && b.url ? [b.url] : [])));
  const joins = inviteLinksIn(message).filter((l) => !buttonUrls.has(l)).map((l) => `<div>${joinForm(actionUrl, l)}</div>`).join('');
  return `<li class="${fromBot ? 'bot' : 'user'}" id="m${message.message_id}"><span class="meta">${sender} · ${escapeHtml(time(message))} · #${message.message_id}${protectedNote(message)}</span>
${messageHtml(message)}${keyboard || joins ? `<div class="keyboard">${keyboard}${joins}</div>` : ''}</li>`;
}

export function renderWho(actionUrl: ActionUrl, user: TelegramUserView): string {
  const name = user.firstName ? `<strong>${escapeHtml(user.firstName)}</strong>${user.username ? ` (@${escapeHtml(user.username)})` : ''}, ` : '';
  return `<p>You are ${name}Telegram user <code>${user.id}</code>.</p>
<form method="post" action="${escapeHtml(actionUrl('user'))}">
<label>User id <input name="user_id" inputmode="numeric" size="12" value="${user.id}"></label>
<label>First name <input name="first_name" size="12" value="${escapeHtml(user.firstName ?? '')}"></label>
<label>Username <input name="username" size="12" value="${escapeHtml(user.username ?? '')}"></label>
<button type="submit">Be this user</button>
</form>`;
}

export function renderChat(actionUrl: ActionUrl, messages: Message[], botId: number): string {
  const items = messages.length
    ? `<ol class="chat">${messages.map((m) => renderChatMessage(actionUrl, m, botId)).join('\n')}</ol>`
    : `<p class="meta">No messages yet: send /start.</p>`;
  return `<h3>Your chat with the bot</h3>\n${items}`;
}

export function renderSendBox(actionUrl: ActionUrl, commands: BotCommand[]): string {
  const quick = commands.map((c) => buttonForm(actionUrl('send'), `/${c.command}`, { text: `/${c.command}` })).join('');
  const help = commands.length
    ? `<p class="meta">${commands.map((c) => `/${escapeHtml(c.command)}: ${escapeHtml(c.description)}`).join(' · ')}</p>`
    : '';
  return `<form method="post" action="${escapeHtml(actionUrl('send'))}">
<input name="text" size="50" maxlength="4096" placeholder="A message or a command, e.g. /subscribe vip" aria-label="Message" autocomplete="off">
<button type="submit">Send</button>
</form>
${quick ? `<p>${quick}</p>` : ''}${help}
<p>${buttonForm(actionUrl('block'), 'Block the bot')}${buttonForm(actionUrl('unblock'), 'Unblock the bot')}</p>`;
}

export function renderChannels(actionUrl: ActionUrl, channels: TelegramChannelView[], botId: number): string {
  if (channels.length === 0) return '<h3>Plan channels</h3><p class="meta">No plan has a Telegram channel.</p>';
  const items = channels.map((c) => {
    const member = c.status === 'member' || c.status === 'administrator' || c.status === 'creator';
    const leave = member ? buttonForm(actionUrl('leave'), 'Leave', { chat_id: c.chatId }) : '';
    const recent = c.recent.length
      ? `<ol class="chat">${c.recent.map((m) => `<li class="${m.from?.id === botId || m.sender_chat ? 'bot' : 'user'}"><span class="meta">${escapeHtml(time(m))}${protectedNote(m)}</span>\n${messageHtml(m)}</li>`).join('\n')}</ol>`
      : '<p class="meta">Nothing posted yet.</p>';
    return `<li><strong>${escapeHtml(c.title)}</strong> <code>${c.chatId}</code>: you are <strong>${member ? 'a member' : escapeHtml(c.status === 'kicked' ? 'banned' : 'not a member')}</strong> ${leave}
${recent}</li>`;
  });
  return `<h3>Plan channels</h3><ul>${items.join('\n')}</ul>`;
}

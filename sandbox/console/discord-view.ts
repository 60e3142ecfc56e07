// The Discord section's HTML: who you are in which server, the slash commands, your answers, your roles and the gated channels, your DMs.
import type { APIApplicationCommand, APIMessage } from 'discord-api-types/v10';
import type { InteractionRecord } from '../discord';
import { usageOf } from './discord-command';
import { discordMessageHtml, shortTime, type ButtonUse } from './discord-message';
import { buttonForm, escapeHtml } from './html';

type ActionUrl = (action: string) => string;

/** A member as the console shows them. */
export interface DiscordMemberView {
  id: string;
  username: string;
}

/** The server you act in, as the page shows it. */
export interface DiscordServerView {
  id: string;
  name: string;
  member: boolean;
  /** Other people in the server you can become. */
  others: DiscordMemberView[];
  /** Every server the console offers, when there is more than one. */
  choices: { id: string; name: string }[];
}

/** A gated channel: whether your roles open it, and its latest messages. */
export interface GatedChannelView {
  name: string;
  roleNames: string[];
  plans: string[];
  open: boolean;
  recent: APIMessage[];
}

export function renderWho(actionUrl: ActionUrl, you: DiscordMemberView, server: DiscordServerView): string {
  const where = server.member
    ? `a member of <strong>${escapeHtml(server.name)}</strong> ${buttonForm(actionUrl('leave'), 'Leave the server')}`
    : `<strong>not a member</strong> of ${escapeHtml(server.name)} ${buttonForm(actionUrl('join'), 'Join the server')}`;
  const others = server.others.length
    ? `<p>Be someone else in the server: ${server.others.map((m) => buttonForm(actionUrl('member'), m.username, { user_id: m.id })).join('')}</p>`
    : '';
  const servers = server.choices.length > 1
    ? `<p>Server: ${server.choices.map((c) => (c.id === server.id ? `<strong>${escapeHtml(c.name)}</strong>` : buttonForm(actionUrl('server'), c.name, { guild_id: c.id }))).join(' ')}</p>`
    : '';
  return `${servers}<p>You are <strong>${escapeHtml(you.username)}</strong>, Discord user <code>${escapeHtml(you.id)}</code>, ${where}</p>
<form method="post" action="${escapeHtml(actionUrl('member'))}">
<label>Username <input name="username" size="12" placeholder="grace"></label>
<label>User id <input name="user_id" inputmode="numeric" size="20" placeholder="new if empty"></label>
<button type="submit">Be this member (joins the server)</button>
</form>${others}`;
}

export function renderCommands(actionUrl: ActionUrl, all: APIApplicationCommand[], channelName: string): string {
  if (all.length === 0) return '<h3>Slash commands</h3><p class="meta">The bot has not registered its slash commands yet (it does once it connects to the gateway).</p>';
  // As a member's Discord shows them: without the commands only administrators see ("0" permissions); they can still be typed.
  const commands = all.filter((c) => c.default_member_permissions !== '0');
  const quick = [...commands.map((c) => `/${c.name}`), ...(commands.some((c) => c.name === 'subscribe') ? ['/subscribe vip'] : [])]
    .map((text) => buttonForm(actionUrl('run'), text, { text }))
    .join('');
  return `<h3>Slash commands</h3>
<form method="post" action="${escapeHtml(actionUrl('run'))}">
<input name="text" size="50" maxlength="2000" placeholder="A slash command, e.g. /subscribe vip" aria-label="Slash command" autocomplete="off">
<button type="submit">Run in #${escapeHtml(channelName)}</button>
</form>
<p>${quick}</p>
<p class="meta">Options in order, or as name:value (<code>/settings change:band to:A</code>). ${commands.map((c) => `${escapeHtml(usageOf(c))}: ${escapeHtml(c.description)}`).join(' · ')}</p>`;
}

/** Your commands and presses, newest last, each with the bot's answers (ephemeral: only you see them). */
export function renderAnswers(records: { record: InteractionRecord; asked: string | undefined }[], use: ButtonUse, botId: string): string {
  if (records.length === 0) return '<h3>Your answers</h3><p class="meta">Nothing yet: run /plans or /subscribe vip.</p>';
  const items = records.map(({ record: r, asked }) => {
    const answers = [r.original, ...r.followUps].filter((m): m is APIMessage => m !== undefined);
    const updated = r.callbacks.includes(7) || r.callbacks.includes(6);
    const body = answers.length
      ? `<ol class="chat">${answers.map((m) => discordMessageHtml(m, use, botId)).join('\n')}</ol>`
      : `<p class="meta">${updated ? 'The bot updated the answer the button was on.' : 'Waiting for the bot…'}</p>`;
    // `asked` is HTML the section escaped; an interaction made elsewhere (a test, a driver) is named by its kind.
    const what = asked ?? (r.messageId ? 'You pressed a button' : 'You ran a command');
    return `<li><span class="meta">${what} · ${escapeHtml(shortTime(r.createdAt))}</span>${body}</li>`;
  });
  return `<h3>Your answers</h3><ul>${items.join('\n')}</ul>`;
}

export function renderAccess(roleNames: string[], channels: GatedChannelView[], use: ButtonUse, botId: string): string {
  const roles = `<p>Your roles: ${roleNames.length ? roleNames.map((n) => `<strong>${escapeHtml(n)}</strong>`).join(', ') : '<span class="meta">none</span>'}</p>`;
  if (channels.length === 0) return `<h3>Roles and gated channels</h3>${roles}<p class="meta">No plan gates a channel of this server.</p>`;
  const items = channels.map((c) => {
    const state = c.open ? '<strong>open to you</strong>' : `<strong>closed to you</strong> (it opens with the ${c.roleNames.map(escapeHtml).join(' or ')} role)`;
    const recent = c.recent.length
      ? `<ol class="chat">${c.recent.map((m) => discordMessageHtml(m, use, botId)).join('\n')}</ol>`
      : '<p class="meta">Nothing posted yet.</p>';
    return `<li><strong>#${escapeHtml(c.name)}</strong> (${c.plans.map(escapeHtml).join(', ')}): ${state}${recent}</li>`;
  });
  return `<h3>Roles and gated channels</h3>${roles}<ul>${items.join('\n')}</ul>`;
}

export function renderDms(actionUrl: ActionUrl, messages: APIMessage[], closed: boolean, botId: string): string {
  const toggle = closed
    ? `Your DMs are <strong>closed</strong>: the bot cannot write to you. ${buttonForm(actionUrl('open-dms'), 'Open your DMs')}`
    : `Your DMs are open. ${buttonForm(actionUrl('close-dms'), 'Close your DMs')}`;
  const list = messages.length
    ? `<ol class="chat">${messages.map((m) => discordMessageHtml(m, { actionUrl, pressable: false }, botId)).join('\n')}</ol>`
    : '<p class="meta">No direct messages from the bot yet.</p>';
  return `<h3>Direct messages from the bot</h3><p>${toggle}</p>${list}`;
}

// A Discord message as console HTML: its text (markdown escapes removed, links clickable), its embeds as readable cards, and its buttons.
import { ButtonStyle, ComponentType, type APIEmbed, type APIMessage, type APIMessageComponent } from 'discord-api-types/v10';
import { buttonForm, escapeHtml, externalLink, linkify } from './html';

type ActionUrl = (action: string) => string;

/** Discord marks an ephemeral message (only its person sees it) with this flag. */
export const EPHEMERAL = 64;

/** Text as a person reads it in Discord: discord.js's escapeMarkdown backslashes taken out. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|>#\-[\]()])/g, '$1');
}

const readable = (text: string | undefined) => linkify(unescapeMarkdown(text ?? ''));

export function shortTime(iso: string | number): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

function embedHtml(embed: APIEmbed): string {
  const colour = embed.color !== undefined ? ` style="border-left-color: #${embed.color.toString(16).padStart(6, '0')}"` : '';
  const fields = (embed.fields ?? []).map((f) => `<div class="field"><dt>${readable(f.name)}</dt><dd>${readable(f.value)}</dd></div>`).join('');
  const footer = [embed.footer?.text ? readable(embed.footer.text) : '', embed.timestamp ? `${escapeHtml(shortTime(embed.timestamp))} UTC` : ''].filter(Boolean).join(' · ');
  return `<div class="embed"${colour}>${embed.author?.name ? `<div class="meta">${readable(embed.author.name)}</div>` : ''}${embed.title ? `<div><strong>${readable(embed.title)}</strong></div>` : ''}${embed.description ? `<div>${readable(embed.description)}</div>` : ''}${fields ? `<dl>${fields}</dl>` : ''}${footer ? `<div class="meta">${footer}</div>` : ''}</div>`;
}

/** How the buttons of a message can be used here: pressed through the console, or only shown. */
export interface ButtonUse {
  actionUrl: ActionUrl;
  /** False for a message whose buttons the console cannot press (a DM: the emulator presses in a server). */
  pressable: boolean;
}

function buttonsHtml(message: APIMessage, use: ButtonUse): string {
  const rows = (message.components ?? []).filter((row): row is Extract<APIMessageComponent, { type: ComponentType.ActionRow }> => row.type === ComponentType.ActionRow);
  return rows.map((row) => `<div>${row.components.map((c) => {
    if (c.type !== ComponentType.Button) return '';
    const label = ('label' in c ? c.label : undefined) ?? '';
    if (c.style === ButtonStyle.Link) return `<span class="link-button">${externalLink(c.url, `${label} ↗`)}</span>`;
    if ('custom_id' in c && use.pressable) return buttonForm(use.actionUrl('press'), label, { message_id: message.id, custom_id: c.custom_id });
    return `<button type="button" disabled title="not pressable from the console">${escapeHtml(label)}</button>`;
  }).join(' ')}</div>`).join('');
}

/** One message: who sent it and when, whether only you see it, its text, embeds and buttons. */
export function discordMessageHtml(message: APIMessage, use: ButtonUse, botId: string): string {
  const sender = message.author.id === botId ? 'Bot' : escapeHtml(message.author.username);
  const notes = [
    ...((message.flags ?? 0) & EPHEMERAL ? ['only you can see this'] : []),
    ...(message.edited_timestamp ? ['edited'] : []),
  ];
  const meta = `<span class="meta">${sender} · ${escapeHtml(shortTime(message.timestamp))}${notes.map((n) => ` · ${n}`).join('')}</span>`;
  const content = message.content ? `\n${readable(message.content)}` : '';
  const buttons = buttonsHtml(message, use);
  return `<li class="${message.author.id === botId ? 'bot' : 'user'}" id="d${escapeHtml(message.id)}">${meta}${content}${message.embeds.map(embedHtml).join('')}${buttons ? `<div class="keyboard">${buttons}</div>` : ''}</li>`;
}

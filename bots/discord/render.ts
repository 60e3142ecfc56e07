// Discord's rendering of what the core sends: an embed per alert, markdown escaped, within Discord's documented limits.
import { escapeMarkdown } from 'discord.js';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { LinkButton, OutboundMessage, Signal } from '../../core/types';

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = { content: 2000, title: 256, description: 4096, fieldValue: 1024, fields: 25, total: 6000, buttonLabel: 80, buttonsPerRow: 5, rows: 5 } as const;

const COLOURS: Record<Signal['side'], number> = { long: 0x2ecc71, short: 0xe74c3c, close: 0x95a5a6 };

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

const md = (text: string) => escapeMarkdown(text);

function alertEmbed(signal: Signal, delayedMinutes: number | undefined): APIEmbed {
  const fields = [
    { name: 'Conviction', value: `${signal.conviction.toFixed(2)} (band ${signal.band})`, inline: true },
    ...(signal.entry !== undefined ? [{ name: 'Entry', value: String(signal.entry), inline: true }] : []),
    ...(signal.stop !== undefined ? [{ name: 'Stop', value: String(signal.stop), inline: true }] : []),
    ...(signal.targets?.length ? [{ name: 'Targets', value: signal.targets.join(' · '), inline: true }] : []),
    ...(signal.horizon ? [{ name: 'Horizon', value: clip(md(signal.horizon), LIMITS.fieldValue), inline: true }] : []),
  ];
  const reasons = signal.reasons.map((r) => `• ${md(r)}`).join('\n');
  return {
    title: clip(`${signal.side.toUpperCase()} ${md(signal.symbol)} · ${md(signal.market)}`, LIMITS.title),
    description: clip(reasons, LIMITS.description),
    color: COLOURS[signal.side],
    fields: fields.slice(0, LIMITS.fields),
    ...(signal.persona ? { author: { name: clip(signal.persona, LIMITS.title) } } : {}),
    ...(delayedMinutes ? { footer: { text: `Published ${delayedMinutes} min ago` } } : {}),
    timestamp: signal.createdAt.toISOString(),
  };
}

/** Link buttons, five to a row, at most five rows; labels clipped to Discord's 80 characters. */
export function linkRows(buttons: readonly LinkButton[]): APIActionRowComponent<APIButtonComponent>[] {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length && rows.length < LIMITS.rows; i += LIMITS.buttonsPerRow) {
    rows.push({
      type: ComponentType.ActionRow,
      components: buttons.slice(i, i + LIMITS.buttonsPerRow).map((b) => ({ type: ComponentType.Button, style: ButtonStyle.Link, label: clip(b.label, LIMITS.buttonLabel), url: b.url })),
    });
  }
  return rows;
}

/** The message body for POST /channels/:id/messages (or its PATCH). Mentions are never parsed: publisher text cannot ping anyone. */
export function renderMessage(message: OutboundMessage): RESTPostAPIChannelMessageJSONBody {
  const quiet = { allowed_mentions: { parse: [] } };
  switch (message.kind) {
    case 'alert':
      return { embeds: [alertEmbed(message.signal, message.delayedMinutes)], ...quiet };
    case 'rationale':
      return {
        content: clip(md(message.text), LIMITS.content),
        ...(message.replyToMessageId ? { message_reference: { message_id: message.replyToMessageId, fail_if_not_exists: false } } : {}),
        ...quiet,
      };
    case 'snapshot':
      return { embeds: [{ title: clip(md(message.title), LIMITS.title), description: clip(md(message.text), LIMITS.description) }], ...quiet };
    case 'notice':
      return { content: clip(md(message.text), LIMITS.content), components: linkRows(message.buttons ?? []), ...quiet };
  }
}

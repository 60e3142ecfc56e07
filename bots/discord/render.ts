// Discord's rendering of what the core sends: embeds for alerts, rationales and snapshots (with their chart as a file), replies, markdown escaped, within Discord's documented limits.
import { escapeMarkdown } from 'discord.js';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { DigestItem, LinkButton, OutboundMessage, RationaleBody, Signal, SignalUpdate } from '../../core/types';
import { digestHeadline, digestMore, fitDigest, signalStatus, updateText } from '../../core/content/words';

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = { content: 2000, title: 256, description: 4096, fieldValue: 1024, fields: 25, footer: 2048, total: 6000, buttonLabel: 80, buttonsPerRow: 5, rows: 5 } as const;

/** The file name a snapshot's chart is uploaded as, and how its embed points at it. */
export const CHART_FILE = 'chart.png';

/**
 * An alert's colour: green for long, red for short, grey for close; deep for band A, paler for B,
 * palest for C, so a reader sees side and strength before reading.
 */
export const ALERT_COLOURS: Record<Signal['side'], Record<Signal['band'], number>> = {
  long: { A: 0x1e8449, B: 0x2ecc71, C: 0xa9dfbf },
  short: { A: 0xa93226, B: 0xe74c3c, C: 0xf5b7b1 },
  close: { A: 0x566573, B: 0x95a5a6, C: 0xccd1d1 },
};

const SIDE_MARK: Record<Signal['side'], string> = { long: '🟢', short: '🔴', close: '⚪' };

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

const md = (text: string) => escapeMarkdown(text);

/** The characters Discord counts towards an embed's 6,000: title, description, field names and values, footer and author. */
function embedSize(embed: APIEmbed): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0)
    + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

const field = (name: string, value: string) => ({ name, value: clip(value, LIMITS.fieldValue), inline: true });

/**
 * An alert as one embed: side and symbol in the title, coloured by side and band; conviction, entry,
 * stop, targets, horizon and persona as fields; the reasons as the description. The footer carries
 * the publication time as the embed's timestamp, which Discord shows in each reader's own time zone.
 */
function alertEmbed(signal: Signal, delayedMinutes: number | undefined, status?: string): APIEmbed {
  const fields = [
    ...(status !== undefined ? [field('Status', md(status))] : []),
    field('Conviction', `${signal.conviction.toFixed(2)} · band ${signal.band}`),
    ...(signal.entry !== undefined ? [field('Entry', String(signal.entry))] : []),
    ...(signal.stop !== undefined ? [field('Stop', String(signal.stop))] : []),
    ...(signal.targets?.length ? [field('Targets', signal.targets.join(' · '))] : []),
    ...(signal.horizon ? [field('Horizon', md(signal.horizon))] : []),
    ...(signal.persona ? [field('Persona', md(signal.persona))] : []),
  ];
  const embed: APIEmbed = {
    title: clip(`${SIDE_MARK[signal.side]} ${signal.side.toUpperCase()} ${md(signal.symbol)} · ${md(signal.market)}`, LIMITS.title),
    color: ALERT_COLOURS[signal.side][signal.band],
    fields: fields.slice(0, LIMITS.fields),
    footer: { text: delayedMinutes ? `Published, sent ${delayedMinutes} min later` : 'Published' },
    timestamp: signal.createdAt.toISOString(),
  };
  // The reasons get what is left of Discord's 6,000 characters.
  const reasons = signal.reasons.map((r) => `• ${md(r)}`).join('\n');
  const room = Math.min(LIMITS.description, LIMITS.total - embedSize(embed));
  return reasons ? { ...embed, description: clip(reasons, room) } : embed;
}

/** The alert's embed again (with its "sent N min later" when it was late), with a Status field first (its latest update), for the edit that marks it. */
export function alertWithStatus(signal: Signal, updates: readonly SignalUpdate[], delayedMinutes?: number): RESTPostAPIChannelMessageJSONBody {
  return { embeds: [alertEmbed(signal, delayedMinutes, signalStatus(updates))], allowed_mentions: { parse: [] } };
}

const footerOf = (disclaimer: string | undefined) => (disclaimer ? { footer: { text: clip(disclaimer, LIMITS.footer) } } : {});

const bullets = (items: readonly string[]) => clip(items.map((i) => `• ${md(i)}`).join('\n'), LIMITS.fieldValue);

/**
 * A rationale as an embed in its alert's colour: "Why LONG BTC" as the title, the summary as the
 * description, Drivers and Risks as fields, the disclaimer as the footer. Without structure its text
 * is the description. The description gets what the rest leaves of Discord's 6,000 characters.
 */
function rationaleEmbed(signal: Signal, text: string, body: RationaleBody | undefined, disclaimer: string | undefined): APIEmbed {
  const fields = body ? [
    ...(body.drivers.length > 0 ? [{ name: 'Drivers', value: bullets(body.drivers), inline: false }] : []),
    ...(body.risks.length > 0 ? [{ name: 'Risks', value: bullets(body.risks), inline: false }] : []),
  ] : [];
  const embed: APIEmbed = {
    title: clip(`Why ${signal.side.toUpperCase()} ${md(signal.symbol)}`, LIMITS.title),
    color: ALERT_COLOURS[signal.side][signal.band],
    fields,
    ...footerOf(disclaimer),
  };
  const room = Math.min(LIMITS.description, LIMITS.total - embedSize(embed));
  return { ...embed, description: clip(md(body ? body.summary : text), room) };
}

/** A snapshot: its title and text in an embed, its chart as the embed's image (the uploaded file), the disclaimer as the footer. */
function snapshotEmbed(message: Extract<OutboundMessage, { kind: 'snapshot' }>): APIEmbed {
  const embed: APIEmbed = {
    title: clip(md(message.title), LIMITS.title),
    ...(message.chart ? { image: { url: `attachment://${CHART_FILE}` } } : {}),
    ...footerOf(message.disclaimer),
  };
  const room = Math.min(LIMITS.description, LIMITS.total - embedSize(embed));
  return { ...embed, description: clip(md(message.text), room) };
}

/** A file to upload with a message (discord.js's RawFile). */
export interface UploadFile {
  name: string;
  data: Buffer;
  contentType: string;
}

/** The files a message carries: a snapshot's chart. */
export function renderFiles(message: OutboundMessage): UploadFile[] {
  return message.kind === 'snapshot' && message.chart ? [{ name: CHART_FILE, data: Buffer.from(message.chart.png), contentType: 'image/png' }] : [];
}

/** A digest's colour: neutral, since it gathers signals of every side. */
export const DIGEST_COLOUR = 0x5865f2;

/**
 * A quiet-hours digest as one embed: the headline as its title, one line per held alert with its status as the
 * description, oldest first; past the description's 4,096 characters the rest is counted in "… and N more".
 */
export function digestEmbed(items: readonly DigestItem[]): APIEmbed {
  const { lines, more } = fitDigest(items, { chars: LIMITS.description, lines: Number.POSITIVE_INFINITY, render: (l) => `• ${md(l)}` });
  return {
    title: clip(digestHeadline(items.length), LIMITS.title),
    description: [...lines, ...(more > 0 ? [`*${digestMore(more)}*`] : [])].join('\n'),
    color: DIGEST_COLOUR,
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
        embeds: [rationaleEmbed(message.signal, message.text, message.rationale, message.disclaimer)],
        ...(message.replyToMessageId ? { message_reference: { message_id: message.replyToMessageId, fail_if_not_exists: false } } : {}),
        ...quiet,
      };
    case 'update':
      return {
        content: clip(md(updateText(message.signal, message.update)), LIMITS.content),
        ...(message.replyToMessageId ? { message_reference: { message_id: message.replyToMessageId, fail_if_not_exists: false } } : {}),
        ...quiet,
      };
    case 'snapshot':
      return {
        embeds: [snapshotEmbed(message)],
        // The chart's alt text: Discord reads an attachment's description to screen readers.
        ...(message.chart ? { attachments: [{ id: 0, filename: CHART_FILE, description: clip(message.chart.alt, 1024) }] } : {}),
        ...quiet,
      };
    case 'digest':
      return { embeds: [digestEmbed(message.items)], ...quiet };
    case 'notice':
      return { content: clip(md(message.text), LIMITS.content), components: linkRows(message.buttons ?? []), ...quiet };
  }
}

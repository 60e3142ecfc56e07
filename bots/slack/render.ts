// Slack's rendering of what the core sends: Block Kit with a text fallback (alerts, threaded rationales and updates, snapshots and their upload), within Slack's documented limits.
import type { Block, KnownBlock, PlainTextElement } from '@slack/types';
import type { DigestItem, LinkButton, OutboundMessage, RationaleBody, Signal, SignalUpdate } from '../../core/types';
import { digestHeadline, digestMore, digestText, fitDigest, rationaleText, signalStatus, updateText } from '../../core/content/words';

/**
 * Block Kit's limits (https://docs.slack.dev/reference/block-kit): 50 blocks a message, 3,000
 * characters in a section's text, 150 in a header, 10 fields of 2,000, 10 context elements, 25
 * elements in an actions block, 75 characters in a button's label and 3,000 in its URL; 40,000 in
 * the message's `text`.
 */
export const LIMITS = {
  blocks: 50, sectionText: 3_000, header: 150, fields: 10, fieldText: 2_000, contextElements: 10, contextText: 2_000,
  actions: 25, buttonLabel: 75, buttonUrl: 3_000, text: 40_000,
} as const;

/** What chat.postMessage and chat.update take besides the channel (and ts). */
export interface SlackMessageBody {
  text: string;
  blocks: (KnownBlock | Block)[];
  thread_ts?: string | undefined;
  /** Links in publisher text never unfold into previews. */
  unfurl_links: false;
  unfurl_media: false;
}

/** Cuts text to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Escapes the three characters Slack's text reads as markup (`&`, `<`, `>`): in a fallback `text`
 * "<!channel>" would otherwise notify everyone. Block text is plain_text, which Slack shows as written.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const plain = (text: string, max: number): PlainTextElement => ({ type: 'plain_text', text: clip(text, max), emoji: true });

const SIDE_MARK: Record<Signal['side'], string> = { long: '🟢', short: '🔴', close: '⚪' };

/**
 * A quiet-hours digest: the headline as a header, then a section per held alert with its status, oldest first;
 * past Slack's 50 blocks the rest is counted in a closing context block, "… and N more".
 */
function digestBlocks(items: readonly DigestItem[]): KnownBlock[] {
  const { lines, more } = fitDigest(items, { chars: Number.POSITIVE_INFINITY, lines: LIMITS.blocks - 1 });
  return [
    { type: 'header', text: plain(digestHeadline(items.length), LIMITS.header) },
    ...lines.map((l): KnownBlock => ({ type: 'section', text: plain(l, LIMITS.sectionText) })),
    ...(more > 0 ? [{ type: 'context', elements: [plain(digestMore(more), LIMITS.contextText)] } satisfies KnownBlock] : []),
  ];
}

/** Long text as sections of at most 3,000 characters each, at most `room` of them. */
function sections(text: string, room: number): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < text.length && blocks.length < room; i += LIMITS.sectionText) {
    const last = blocks.length === room - 1 && i + LIMITS.sectionText < text.length;
    blocks.push({ type: 'section', text: plain(last ? clip(text.slice(i), LIMITS.sectionText) : text.slice(i, i + LIMITS.sectionText), LIMITS.sectionText) });
  }
  return blocks.length > 0 ? blocks : [{ type: 'section', text: plain(' ', LIMITS.sectionText) }];
}

/** The reasons as context elements: one each, the tenth holding whatever is left. */
function reasonElements(reasons: readonly string[]): PlainTextElement[] {
  const lines = reasons.map((r) => `• ${r}`);
  const head = lines.slice(0, LIMITS.contextElements - 1);
  const rest = lines.slice(LIMITS.contextElements - 1);
  return [...head, ...(rest.length > 0 ? [rest.join('\n')] : [])].map((line) => plain(line, LIMITS.contextText));
}

/**
 * An alert: a header with side and symbol; fields for entry, stop, targets, conviction and band
 * (and horizon and persona when set); the reasons as a context block; the fallback text (what a
 * notification shows) names side, symbol and entry.
 */
function alertBlocks(signal: Signal, delayedMinutes: number | undefined, status?: string): (KnownBlock | Block)[] {
  const fields = [
    ...(status !== undefined ? [`Status: ${status}`] : []),
    ...(signal.entry !== undefined ? [`Entry: ${signal.entry}`] : []),
    ...(signal.stop !== undefined ? [`Stop: ${signal.stop}`] : []),
    ...(signal.targets?.length ? [`Targets: ${signal.targets.join(' · ')}`] : []),
    `Conviction: ${signal.conviction.toFixed(2)}`,
    `Band: ${signal.band}`,
    ...(signal.horizon ? [`Horizon: ${signal.horizon}`] : []),
    ...(signal.persona ? [`Persona: ${signal.persona}`] : []),
  ].slice(0, LIMITS.fields).map((f) => plain(f, LIMITS.fieldText));
  const blocks: (KnownBlock | Block)[] = [
    { type: 'header', text: plain(`${SIDE_MARK[signal.side]} ${signal.side.toUpperCase()} ${signal.symbol} · ${signal.market}`, LIMITS.header) },
    { type: 'section', fields },
  ];
  if (signal.reasons.length > 0) blocks.push({ type: 'context', elements: reasonElements(signal.reasons) });
  if (delayedMinutes) blocks.push({ type: 'context', elements: [plain(`Sent ${delayedMinutes} min after publication`, LIMITS.contextText)] });
  return blocks;
}

function alertFallback(signal: Signal): string {
  const entry = signal.entry !== undefined ? ` at ${signal.entry}` : '';
  return clip(escapeText(`${signal.side.toUpperCase()} ${signal.symbol}${entry} (band ${signal.band}): ${signal.reasons.join('; ')}`), LIMITS.sectionText);
}

/** The disclaimer in small print: a context block (none without one). */
const disclaimerBlocks = (disclaimer: string | undefined): KnownBlock[] => (disclaimer ? [{ type: 'context', elements: [plain(disclaimer, LIMITS.contextText)] }] : []);

/** A list under its name in one section: "Drivers" then a bullet a line, within a section's 3,000 characters. */
function listSection(name: string, items: readonly string[]): KnownBlock[] {
  return items.length > 0 ? [{ type: 'section', text: plain([name, ...items.map((i) => `• ${i}`)].join('\n'), LIMITS.sectionText) }] : [];
}

/**
 * A rationale: the summary as sections, Drivers and Risks as a section each, the disclaimer as a
 * context block last; the fallback text is the whole rationale as plain words. Without structure, its text.
 */
function rationaleBlocks(text: string, body: RationaleBody | undefined, disclaimer: string | undefined): (KnownBlock | Block)[] {
  const tail = [...(body ? [...listSection('Drivers', body.drivers), ...listSection('Risks', body.risks)] : []), ...disclaimerBlocks(disclaimer)];
  return [...sections(body ? body.summary : text, LIMITS.blocks - tail.length), ...tail];
}

/** The alert again (with its "Sent N min after publication" when it was late) with a Status field first (its latest update): the parent's chat.update when an update lands in its thread. */
export function renderAlertWithStatus(signal: Signal, updates: readonly SignalUpdate[], delayedMinutes?: number): SlackMessageBody {
  return body(alertFallback(signal), alertBlocks(signal, delayedMinutes, signalStatus(updates)));
}

/** What files.completeUploadExternal shares with a snapshot's chart: a header, the text, the disclaimer in small print. */
export interface SlackSnapshotUpload {
  filename: string;
  title: string;
  altText: string;
  blocks: (KnownBlock | Block)[];
}

/** A snapshot with a chart, as its upload: Slack shows the blocks as the message the file is shared with. */
export function renderSnapshotUpload(message: Extract<OutboundMessage, { kind: 'snapshot' }>): SlackSnapshotUpload {
  const tail = disclaimerBlocks(message.disclaimer);
  return {
    filename: 'chart.png',
    title: clip(message.title, 250),
    // Slack's alt text takes 1,000 characters.
    altText: clip(message.chart?.alt ?? message.title, 1_000),
    blocks: [{ type: 'header', text: plain(message.title, LIMITS.header) }, ...sections(message.text, LIMITS.blocks - 1 - tail.length), ...tail],
  };
}

/** Link buttons in one actions block (at most 25), labels and URLs within Slack's limits. */
export function linkActions(buttons: readonly LinkButton[]): KnownBlock[] {
  if (buttons.length === 0) return [];
  return [{
    type: 'actions',
    elements: buttons.slice(0, LIMITS.actions).map((b, i) => ({ type: 'button', action_id: `link_${i}`, text: plain(b.label, LIMITS.buttonLabel), url: b.url.slice(0, LIMITS.buttonUrl) })),
  }];
}

const body = (text: string, blocks: (KnownBlock | Block)[], threadTs?: string): SlackMessageBody => ({
  text: clip(text, LIMITS.text), blocks: blocks.slice(0, LIMITS.blocks), ...(threadTs ? { thread_ts: threadTs } : {}), unfurl_links: false, unfurl_media: false,
});

/** The body of chat.postMessage (or chat.update) for one message; a rationale goes in its alert's thread. */
export function renderMessage(message: OutboundMessage): SlackMessageBody {
  switch (message.kind) {
    case 'alert':
      return body(alertFallback(message.signal), alertBlocks(message.signal, message.delayedMinutes));
    case 'rationale': {
      const words = message.rationale ? rationaleText(message.rationale) : message.text;
      return body(escapeText(words), rationaleBlocks(message.text, message.rationale, message.disclaimer), message.replyToMessageId);
    }
    case 'update': {
      const text = updateText(message.signal, message.update);
      return body(escapeText(text), sections(text, LIMITS.blocks), message.replyToMessageId);
    }
    case 'snapshot': {
      // Without a chart; with one, the platform uploads it and shares it with renderSnapshotUpload's blocks.
      const tail = disclaimerBlocks(message.disclaimer);
      return body(escapeText(`${message.title}\n${message.text}`), [{ type: 'header', text: plain(message.title, LIMITS.header) }, ...sections(message.text, LIMITS.blocks - 1 - tail.length), ...tail]);
    }
    case 'digest':
      // The fallback text within Slack's 40,000 characters even after escaping (&amp; is five).
      return body(escapeText(digestText(message.items, LIMITS.text / 5)), digestBlocks(message.items));
    case 'notice': {
      const links = linkActions(message.buttons ?? []);
      return body(escapeText(message.text), [...sections(message.text, LIMITS.blocks - links.length), ...links]);
    }
  }
}

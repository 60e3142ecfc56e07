// What a sent message carries besides its chat: text with parse_mode or entities, an inline
// keyboard (checked as Telegram checks it) and link preview options.
import type { InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, MessageEntity } from 'grammy/types';
import { badRequest } from './errors';
import { EntityParseError, parseHtml, type FormattedText } from './html';
import { compact } from './objects';
import type { Params } from './params';

/** Formats text with parse_mode (HTML is parsed and checked) or with explicit entities. */
export function formatText(text: string, parseMode: string | undefined, entities: MessageEntity[] | undefined): FormattedText {
  if (!parseMode) return { text, entities: checkEntities(text, entities ?? []) };
  switch (parseMode.toLowerCase()) {
    case 'html':
      try {
        return parseHtml(text);
      } catch (err) {
        if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.message}`);
        throw err;
      }
    case 'markdown':
    case 'markdownv2':
      // Not parsed: Signalcast sends HTML. The text is kept as given.
      return { text, entities: [] };
    default:
      throw badRequest('unsupported parse_mode');
  }
}

function checkEntities(text: string, entities: MessageEntity[]): MessageEntity[] {
  if (!Array.isArray(entities)) throw badRequest("can't parse entities JSON object");
  for (const e of entities) {
    if (!Number.isInteger(e?.offset) || !Number.isInteger(e?.length) || typeof e?.type !== 'string') {
      throw badRequest("can't parse entities: entity must have type, offset and length");
    }
  }
  return entities.filter((e) => e.length > 0 && e.offset >= 0 && e.offset + e.length <= text.length);
}

const BUTTON_ACTIONS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay',
] as const;

function checkButton(button: unknown): InlineKeyboardButton {
  if (!button || typeof button !== 'object') throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  const b = button as Record<string, unknown>;
  if (typeof b.text !== 'string') throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  const actions = BUTTON_ACTIONS.filter((key) => b[key] !== undefined);
  if (actions.length === 0) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  if (b.callback_data !== undefined) {
    const size = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
    if (size < 1 || size > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (b.url !== undefined) {
    let ok = false;
    try {
      ok = typeof b.url === 'string' && ['http:', 'https:', 'tg:'].includes(new URL(b.url).protocol);
    } catch {
      ok = false;
    }
    // Telegram also refuses localhost URLs; the sandbox must send its local checkout pages, so those pass.
    if (!ok) throw badRequest(`inline keyboard button URL '${String(b.url)}' is invalid: Wrong HTTP URL`);
  }
  const kept: Record<string, unknown> = { text: b.text };
  for (const key of ['style', 'icon_custom_emoji_id', ...BUTTON_ACTIONS]) if (b[key] !== undefined) kept[key] = b[key];
  return kept as unknown as InlineKeyboardButton;
}

/** reply_markup, checked; returns the inline keyboard the message will show (other markups are not echoed). */
export function readReplyMarkup(params: Params): InlineKeyboardMarkup | undefined {
  const markup = params.json<Record<string, unknown>>('reply_markup', 'reply keyboard markup');
  if (markup === undefined) return undefined;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (markup.inline_keyboard === undefined) {
    if (markup.keyboard === undefined && markup.remove_keyboard === undefined && markup.force_reply === undefined) {
      throw badRequest('object expected as reply markup');
    }
    return undefined;
  }
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  const inline_keyboard = (rows as unknown[][]).map((row) => row.map(checkButton)).filter((row) => row.length > 0);
  return inline_keyboard.length > 0 ? { inline_keyboard } : undefined;
}

export function readLinkPreview(params: Params): LinkPreviewOptions | undefined {
  const options = params.json<LinkPreviewOptions>('link_preview_options', 'link preview options');
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw badRequest("can't parse link preview options JSON object");
  if (options.prefer_small_media && options.prefer_large_media) throw badRequest("can't use prefer_small_media and prefer_large_media together");
  return compact({
    is_disabled: options.is_disabled || undefined,
    url: options.url,
    prefer_small_media: options.prefer_small_media || undefined,
    prefer_large_media: options.prefer_large_media || undefined,
    show_above_text: options.show_above_text || undefined,
  });
}

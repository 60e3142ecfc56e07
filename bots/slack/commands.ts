// What a slash command's text says: Slack's escaped channel mentions (`<#C123|alerts>`) written as #alerts, and the chats they name.
import type { ChatRef } from '../../core/inbound/types';

/** A channel mention as Slack escapes it with `should_escape: true`: `<#C0123|alerts>`, the name sometimes empty. */
const CHANNEL_MENTION = /<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>/g;

/**
 * The arguments as the handlers read them, and the channels they name in order: `subscribe
 * <#C1|alerts>` becomes `subscribe #alerts` with `[{ chatId: 'C1', label: '#alerts' }]`. A mention
 * without a name keeps the id (`#C1`) and has no label.
 */
export function parseCommandText(text: string): { args: string; chatRefs: ChatRef[] } {
  const chatRefs: ChatRef[] = [];
  const args = text.trim().replace(CHANNEL_MENTION, (_whole, id: string, name: string | undefined) => {
    const label = name ? `#${name}` : undefined;
    chatRefs.push({ chatId: id, ...(label ? { label } : {}) });
    return label ?? `#${id}`;
  }).replace(/\s+/g, ' ');
  return { args, chatRefs };
}

/** `/signals` → `signals`. */
export function commandName(command: string): string {
  return command.replace(/^\//, '').trim().toLowerCase();
}

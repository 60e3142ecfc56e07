// /signals settings [#channel] [symbols=BTC,ETH] [band=A|B|C] [sides=long,short] [reset]: a channel's own filters, shown or changed.
import type { ChannelFilters, Destination } from '../../../core/accounts/types';
import type { Reply } from '../../../core/inbound/types';
import { BANDS, SIDES, type Band, type Side } from '../../../core/types';
import { chatActor } from '../contact';
import type { CommandCall } from '../deps';
import { nameTheChannel, type SignalsArgs } from './args';
import { ADMINS_ONLY, channelName, isAdmin, workspaceAccount, workspaceChannels, type WorkspaceRef } from './workspace';

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/;
const ALL = new Set(['all', 'any', '*']);
const USAGE = 'settings #alerts symbols=BTC,ETH band=A sides=long,short (or reset)';

/** "symbols BTC, ETH; band B or better; sides long" or "every alert". */
export function describeFilters(filters: ChannelFilters | null): string {
  const parts: string[] = [];
  if (filters?.symbolFilter) parts.push(`symbols ${filters.symbolFilter.join(', ')}`);
  if (filters?.minBand) parts.push(filters.minBand === 'A' ? 'band A only' : `band ${filters.minBand} or better`);
  if (filters?.sideFilter) parts.push(`sides ${filters.sideFilter.join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'every alert';
}

/** The change the words ask for, or the error naming the first bad word. `{}` when they ask for none. */
export function parseFilterChanges(words: readonly string[]): { changes: Partial<ChannelFilters>; reset: boolean } | { error: string } {
  const changes: Partial<ChannelFilters> = {};
  let reset = false;
  for (const word of words) {
    if (word.toLowerCase() === 'reset') {
      reset = true;
      continue;
    }
    const eq = word.indexOf('=');
    const key = (eq < 0 ? word : word.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : word.slice(eq + 1).trim();
    if (eq < 0 || value === '') return { error: `"${word}" is not a setting: write symbols=BTC,ETH, band=A, sides=long,short or reset` };
    const all = ALL.has(value.toLowerCase());
    const list = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (key === 'symbols' || key === 'symbol') {
      const bad = list.find((s) => !SYMBOL.test(s));
      if (bad !== undefined) return { error: `"${bad}" is not a symbol (letters and digits, such as BTC or ETHUSDT)` };
      changes.symbolFilter = all ? null : list.map((s) => s.toUpperCase());
    } else if (key === 'band') {
      const band = value.toUpperCase();
      if (!all && !(BANDS as readonly string[]).includes(band)) return { error: `"${value}" is not a band: write band=A, band=B or band=C (or band=all)` };
      changes.minBand = all ? null : (band as Band);
    } else if (key === 'sides' || key === 'side') {
      const sides = list.map((s) => s.toLowerCase());
      const bad = sides.find((s) => !(SIDES as readonly string[]).includes(s));
      if (!all && bad !== undefined) return { error: `"${bad}" is not a side: write ${SIDES.join(', ')}` };
      changes.sideFilter = all ? null : [...new Set(sides)] as Side[];
    } else {
      return { error: `"${key}" is not a setting: the settings are symbols, band and sides` };
    }
  }
  return { changes, reset };
}

function pickChannel(call: CommandCall, args: SignalsArgs, channels: readonly Destination[]): Destination | undefined {
  const chatId = args.channel?.chatId ?? call.event.chat.chatId;
  return channels.find((d) => d.recipient.chatId === chatId);
}

export async function channelSettings(call: CommandCall, ws: WorkspaceRef, args: SignalsArgs): Promise<Reply[]> {
  const parsed = parseFilterChanges(args.words);
  const changing = 'error' in parsed || parsed.reset || Object.keys(parsed.changes).length > 0;
  if (changing && !isAdmin(call)) return [{ text: ADMINS_ONLY }];
  if ('error' in parsed) return [{ text: `Nothing changed: ${parsed.error}.` }];

  const installation = await call.deps.installations?.get(ws.platform, ws.tenant) ?? null;
  const account = installation ? await workspaceAccount(call, installation) : null;
  const channels = await workspaceChannels(call, ws, account?.id ?? null);
  const channel = pickChannel(call, args, channels);
  if (!channel) {
    if (args.channel || args.unresolved) {
      const name = args.channel?.label ?? args.unresolved ?? 'That channel';
      return [{ text: `${name} is not one of this workspace's alert channels${changing ? ': nothing changed' : ''}. /signals subscribe ${name} adds it.` }];
    }
    if (changing) return [{ text: `Nothing changed. ${nameTheChannel(args, USAGE)}` }];
    if (channels.length === 0) return [{ text: 'This workspace has no alert channels yet. An admin adds one with /signals subscribe #channel.' }];
    return [{ text: ['Each channel gets:', ...channels.map((d) => `${channelName(d)}: ${describeFilters(d.filters)}`), `Change one with /signals ${USAGE}.`].join('\n') }];
  }
  if (!changing) return [{ text: `${channelName(channel)} gets ${describeFilters(channel.filters)}.${isAdmin(call) ? ` Change it with /signals ${USAGE}.` : ''}` }];

  const base: ChannelFilters = parsed.reset ? { symbolFilter: null, minBand: null, sideFilter: null } : channel.filters ?? { symbolFilter: null, minBand: null, sideFilter: null };
  const saved = await call.deps.accounts.setDestinationFilters(channel.id, { ...base, ...parsed.changes });
  call.deps.audit.record({
    actor: chatActor(call.event.actor), action: 'destination.filters_changed', subjectType: 'destination', subjectId: channel.id,
    data: { platform: ws.platform, tenant: ws.tenant, filters: saved.filters },
  });
  return [{ text: `Saved: ${channelName(saved)} gets ${describeFilters(saved.filters)}.` }];
}

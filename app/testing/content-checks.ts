// What the content tests read on both sides: the rationale the service stored for a signal, and what the Discord emulator received (posts in order, embed fields, a chart's PNG signature).
import type { APIEmbed } from 'discord-api-types/v10';
import type { RationaleBody } from '../../core/types';
import type { Db } from '../../db/client';
import type { DiscordServiceWorld } from './discord-world';

/** The eight bytes every PNG starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** How the signal's rationale stands: wanted or written, by the model or the template, and why the template. */
export function signalRationale(db: Db, signalId: string): { state: string | null; source: string | null; reason: string | null; model: string | null } {
  return db.$client.prepare('SELECT rationale_state AS state, rationale_source AS source, rationale_reason AS reason, rationale_model AS model FROM signals WHERE id = ?')
    .get(signalId) as { state: string | null; source: string | null; reason: string | null; model: string | null };
}

/** The rationale stored for the signal (summary, drivers, risks). */
export function rationaleOf(db: Db, signalId: string): RationaleBody {
  const row = db.$client.prepare('SELECT rationale_json AS json FROM signals WHERE id = ?').get(signalId) as { json: string | null } | undefined;
  if (!row?.json) throw new Error(`no rationale stored for signal ${signalId}`);
  return JSON.parse(row.json) as RationaleBody;
}

/** An embed's fields by name. */
export function embedFields(embed: APIEmbed): Record<string, string> {
  return Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
}

/** A message the Discord emulator accepted for a channel, as the bot sent it: its first embed's title, its content, what it replies to. */
export interface DiscordPost {
  title: string | undefined;
  content: string | undefined;
  replyTo: string | undefined;
}

/** Every message POST the Discord emulator accepted for the channel, in the order it received them (JSON bodies; an upload's multipart body reads as no title). */
export function discordPosts(w: Pick<DiscordServiceWorld, 'discord'>, channelId: string): DiscordPost[] {
  return w.discord.server.requests
    .filter((r) => r.method === 'POST' && r.path === `/api/v10/channels/${channelId}/messages` && r.status === 200)
    .map((r) => {
      const body = (r.body ?? {}) as { content?: string; embeds?: { title?: string }[]; message_reference?: { message_id?: string } };
      return { title: body.embeds?.[0]?.title, content: body.content, replyTo: body.message_reference?.message_id };
    });
}

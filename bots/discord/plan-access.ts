// How a plan's access entry for Discord reads: `{ discord: { guild: "…", role: "…", channels: ["…"], removal: "remove-role" | "kick" } }`.
import type { AccessResource } from '../../core/access/ports';
import { READ_THIS_RELEASE_ONLY, type DeprecatedPlanField } from '../../core/plans';
import type { AccessSpec } from '../../core/platform/adapter';

/** A Discord snowflake: digits, 17 to 20 of them. Quoted in YAML, since a bare number loses precision. */
const SNOWFLAKE = /^\d{17,20}$/;
const REMOVALS = ['remove-role', 'kick'] as const;
export type DiscordRemoval = (typeof REMOVALS)[number];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snowflake(name: string, value: unknown): string | { error: string } {
  if (typeof value === 'number') return { error: `${name}: write the id in quotes ("${String(value)}" has lost digits as a YAML number)` };
  if (typeof value !== 'string' || !SNOWFLAKE.test(value.trim())) return { error: `${name}: expected a Discord id such as "112233445566778899" (in quotes)` };
  return value.trim();
}

/**
 * Discord's access entries: a role in a server. `channels` are the gated channels the role opens that
 * get the plan's alerts (posted once per channel); `removal` says what a lapse does: take the role
 * away (the default; the member stays in the server) or kick the member out of the server.
 */
export const discordAccess: AccessSpec = {
  example: '{ discord: { guild: "112233445566778899", role: "223344556677889900", channels: ["334455667788990011"] } }',
  parse(settings) {
    if (!isRecord(settings)) return { ok: false, error: 'expected { guild: "<server id>", role: "<role id>" }' };
    const unknown = Object.keys(settings).filter((k) => !['guild', 'role', 'channels', 'removal'].includes(k));
    if (unknown.length > 0) return { ok: false, error: `${unknown.join(', ')}: unknown field (a Discord entry has guild, role, channels and removal)` };
    const guild = snowflake('guild', settings.guild);
    if (typeof guild !== 'string') return { ok: false, error: guild.error };
    const role = snowflake('role', settings.role);
    if (typeof role !== 'string') return { ok: false, error: role.error };
    const listed = settings.channels ?? [];
    if (!Array.isArray(listed)) return { ok: false, error: 'channels: expected a list of channel ids, such as ["334455667788990011"]' };
    const channels: string[] = [];
    for (const [i, value] of listed.entries()) {
      const channel = snowflake(`channels[${i}]`, value);
      if (typeof channel !== 'string') return { ok: false, error: channel.error };
      if (!channels.includes(channel)) channels.push(channel);
    }
    const removal = settings.removal ?? 'remove-role';
    if (!REMOVALS.includes(removal as DiscordRemoval)) return { ok: false, error: `removal: expected "remove-role" or "kick"` };
    return { ok: true, resource: { platform: 'discord', kind: 'role', tenant: guild, id: role, options: { removal: removal as string }, ...(channels.length > 0 ? { channels } : {}) } };
  },
};

/**
 * The sandbox's demo: in sandbox mode with the built-in plans, the VIP plan gives the "VIP" role of
 * the emulator's demo server, which opens its #vip-signals channel (sandbox/ creates them with these ids).
 */
export const DISCORD_DEMO_ROLE: AccessResource = {
  platform: 'discord', kind: 'role', tenant: '900000000000000001', id: '900000000000000002',
  options: { removal: 'remove-role' }, channels: ['900000000000000003'],
};

/** An id as the new form writes it: quoted, a YAML number turned into its digits. */
function quoted(value: unknown): string {
  return JSON.stringify(typeof value === 'number' ? String(value) : value);
}

/**
 * `discordRoleIds`, the field before the access list: a role id without its server cannot be read,
 * so it is ignored, with a warning showing the new form.
 */
export const DISCORD_ROLE_IDS: DeprecatedPlanField = {
  name: 'discordRoleIds',
  read(value, _spec, notes) {
    const field = DISCORD_ROLE_IDS.name;
    const ids = Array.isArray(value) ? value : [];
    if (ids.length === 0) {
      notes.warnings.push({ field, message: `deprecated (${READ_THIS_RELEASE_ONLY}): delete it` });
      return [];
    }
    const form = `access: [${ids.map((role) => `{ discord: { guild: "<server id>", role: ${quoted(role)}, removal: "remove-role" } }`).join(', ')}]`;
    notes.warnings.push({ field, message: `ignored: a role needs its server, which this field cannot say; write ${form} (ids quoted)` });
    return [];
  },
};

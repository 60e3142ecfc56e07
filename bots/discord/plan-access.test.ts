import { describe, expect, it } from 'vitest';
import type { PlanFieldNotes } from '../../core/plans';
import { DISCORD_ROLE_IDS, discordAccess } from './plan-access';

const GUILD = '112233445566778899';
const ROLE = '223344556677889900';

describe("Discord's access entries", () => {
  it('reads a role in a server, removing the role on lapse unless told to kick', () => {
    expect(discordAccess.parse({ guild: GUILD, role: ROLE })).toEqual({ ok: true, resource: { platform: 'discord', kind: 'role', tenant: GUILD, id: ROLE, options: { removal: 'remove-role' } } });
    expect(discordAccess.parse({ guild: GUILD, role: ROLE, removal: 'kick' })).toMatchObject({ ok: true, resource: { options: { removal: 'kick' } } });
  });

  it('reads the gated channels that get the plan\'s alerts, once each', () => {
    const channel = '334455667788990011';
    expect(discordAccess.parse({ guild: GUILD, role: ROLE, channels: [channel, channel] })).toMatchObject({ ok: true, resource: { channels: [channel] } });
  });

  it('refuses an id written as a bare number, naming the field and why', () => {
    expect(discordAccess.parse({ guild: 112233445566778900, role: ROLE })).toEqual({ ok: false, error: expect.stringMatching(/^guild: write the id in quotes/) });
  });

  it('refuses a missing role, an unknown field and an unknown removal', () => {
    expect(discordAccess.parse({ guild: GUILD })).toEqual({ ok: false, error: expect.stringMatching(/^role: expected a Discord id/) });
    expect(discordAccess.parse({ guild: GUILD, role: ROLE, channel: '1' })).toEqual({ ok: false, error: expect.stringMatching(/^channel: unknown field/) });
    expect(discordAccess.parse({ guild: GUILD, role: ROLE, channels: '1' })).toEqual({ ok: false, error: expect.stringMatching(/^channels: expected a list of channel ids/) });
    expect(discordAccess.parse({ guild: GUILD, role: ROLE, channels: ['334455667788990011', 12] })).toEqual({ ok: false, error: expect.stringMatching(/^channels\[1\]: /) });
    expect(discordAccess.parse({ guild: GUILD, role: ROLE, removal: 'ban' })).toEqual({ ok: false, error: 'removal: expected "remove-role" or "kick"' });
  });
});

describe('the deprecated discordRoleIds plan field', () => {
  it('gives no entries (a role id without its server), with a warning showing the new form, ids quoted', () => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    expect(DISCORD_ROLE_IDS.read([ROLE, 42], discordAccess, notes)).toEqual([]);
    expect(notes).toEqual({ errors: [], warnings: [{ field: 'discordRoleIds', message: `ignored: a role needs its server, which this field cannot say; write access: [{ discord: { guild: "<server id>", role: "${ROLE}", removal: "remove-role" } }, { discord: { guild: "<server id>", role: "42", removal: "remove-role" } }] (ids quoted)` }] });
  });

  it('says an empty or unreadable one can be deleted', () => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    DISCORD_ROLE_IDS.read('not a list', discordAccess, notes);
    expect(notes).toEqual({ errors: [], warnings: [{ field: 'discordRoleIds', message: 'deprecated (read for this release only): delete it' }] });
  });
});

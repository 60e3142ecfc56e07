import { sendNowNoticeSink } from '../../../core/access/notices';
import type { AccessHolder } from '../../../core/access/ports';
import { systemClock } from '../../../core/clock';
import { describeAccessContract } from '../access-contract';
import { describeInboundContract, type InboundPerson } from '../inbound-contract';
import { createGuildchatAdapter, GUILDCHAT } from './adapter';
import { GuildchatEmulator } from './emulator';
import { sketchContext } from './context';

/** A guild with a members-only role below the bot's, an admin role above it, and the bot's own at 5. */
function guildchat() {
  const emulator = new GuildchatEmulator();
  emulator.addGuild('g1', { channels: ['general'], roles: { vip: 1, admin: 9 }, botPosition: 5 });
  return emulator;
}

describeInboundContract('guildchat (the sketch adapter)', async () => {
  const emulator = guildchat();
  // A short deadline, so the slow-answer test sees the acknowledgement within a moment of real time.
  const adapter = createGuildchatAdapter({ emulator, ackWithinMs: 200 }, { ...sketchContext(), clock: systemClock });
  const dm = (p: InboundPerson) => `dm:${p.userId}`;
  return {
    adapter,
    person: (n) => ({ userId: `u${n}`, chat: { platform: GUILDCHAT, chatId: `u${n}`, direct: true } }),
    say: (p, text) => emulator.say(p.userId, dm(p), text),
    pressButton: (p, messageId, data) => emulator.press(p.userId, messageId, data),
    received: (p) => emulator.messages.filter((m) => m.where === dm(p)).map((m) => ({ id: m.id, text: m.text, buttons: m.buttons })),
    transcript: (p) => emulator.seen.filter((s) => s.where === dm(p)).map((s) => s.text),
    stop: async () => {},
  };
});

describeAccessContract('guildchat (the sketch adapter)', ['role'], async () => {
  const emulator = guildchat();
  const base = sketchContext();
  const sender = createGuildchatAdapter({ emulator }, base).sender;
  const adapter = createGuildchatAdapter({ emulator }, { ...base, access: { ...base.access, notices: sendNowNoticeSink(new Map([[GUILDCHAT, sender]])) } });
  const role = (id: string) => ({ platform: GUILDCHAT, kind: 'role' as const, tenant: 'g1', id });
  return {
    gate: adapter.gate!,
    holder: async (n): Promise<AccessHolder> => {
      emulator.join('g1', `m${n}`);
      return { accountId: `acc_${n}`, platform: GUILDCHAT, platformUserId: `m${n}` };
    },
    resource: async () => role('vip'),
    completeGrant: async () => {},
    holds: async (holder, resource) => emulator.holdsRole(resource.tenant ?? '', holder.platformUserId, resource.id),
    told: async (holder) => emulator.messages.filter((m) => m.where === `dm:${holder.platformUserId}`).map((m) => m.text),
    refused: async () => role('admin'),
    missing: async () => role('gone'),
    stop: async () => {},
  };
});

// The access contract on Telegram: TelegramAccessGate (real grammy Api, real SQLite, the outbox) against the Telegram emulator.
import { describeAccessContract } from '../contract/access-contract';
import { startAccessWorld, type AccessWorld } from './access.fixtures';
import { TELEGRAM_CAPABILITIES } from './adapter';
const userIdOf = (n: number) => 7000 + n;

// Telegram gates chat membership, with join requests and personal invite links as its ways in.
describeAccessContract('telegram', TELEGRAM_CAPABILITIES.access, async () => {
  const world: AccessWorld = await startAccessWorld();
  return {
    gate: world.gate,
    holder: async (n) => {
      // Subscribed to the plan that includes the channel: the join request the invite link makes is then approved.
      const sub = await world.subscriber(userIdOf(n), 'vip');
      return { accountId: sub.accountId, platform: 'telegram', platformUserId: String(userIdOf(n)) };
    },
    resource: async () => world.resource,
    completeGrant: async (holder, _resource, outcome) => {
      if (outcome.inviteLink) await world.joinWithLink(Number(holder.platformUserId), outcome.inviteLink);
    },
    holds: async (holder, resource) => world.emu.isMember(Number(resource.id), Number(holder.platformUserId)),
    told: async (holder) => {
      await world.deliver();
      return world.emu.sentMessages(Number(holder.platformUserId)).map((m) => m.text ?? '');
    },
    refused: async () => {
      // An administrator took the bot's right to invite users (the emulator cannot demote the bot, so Telegram's answer is injected).
      world.emu.failNext({ kind: 'platform_error', status: 400, description: 'Bad Request: not enough rights to invite users' }, { method: 'createChatInviteLink' });
      return world.resource;
    },
    missing: async () => ({ platform: 'telegram', kind: 'chat', id: '-1009999999999' }),
    stop: () => world.close(),
  };
});

// Everything a method or a driver works on, in one place, rebuilt by reset().
import type { Clock } from '../../core/clock';
import type { TelegramLimits } from './limits';
import { SendLimiter } from './limits';
import { Membership } from './membership';
import { TelegramState, type UserRecord } from './state';
import { UpdateQueue } from './updates';
import { WebhookDeliverer } from './webhook';

export interface TelegramWorld {
  readonly clock: Clock;
  readonly limits: TelegramLimits;
  readonly updates: UpdateQueue;
  readonly webhook: WebhookDeliverer;
  state: TelegramState;
  membership: Membership;
  limiter: SendLimiter;
}

export function createWorld(args: { bot: UserRecord; clock: Clock; limits: TelegramLimits; webhookRetryMs: number }): TelegramWorld {
  const updates = new UpdateQueue(args.clock);
  const state = new TelegramState({ ...args.bot });
  return {
    clock: args.clock,
    limits: args.limits,
    updates,
    webhook: new WebhookDeliverer(updates, args.clock, args.webhookRetryMs),
    state,
    membership: new Membership(state, updates, args.clock),
    limiter: new SendLimiter(args.limits, args.clock),
  };
}

/** Forgets every chat, user, link, message, update and limit count; the bot stays the same. */
export function resetWorld(world: TelegramWorld, bot: UserRecord): void {
  world.updates.clear();
  world.webhook.clear();
  world.state = new TelegramState({ ...bot });
  world.membership = new Membership(world.state, world.updates, world.clock);
  world.limiter = new SendLimiter(world.limits, world.clock);
}

export function nowSeconds(world: TelegramWorld): number {
  return Math.floor(world.clock.now() / 1000);
}

// What the sandbox registers with the emulators from the plans: the paid plans as Stripe prices, the plans' gated Telegram chats as private channels.
import type { PlansConfig } from '../core/plans';
import { paidPlans } from '../core/plans';
import type { PlanPrice } from './stripe';
import type { TelegramEmulator } from './telegram';

/** The paid plans as the Stripe emulator's products and prices. */
export function stripePlanPrices(plans: PlansConfig): PlanPrice[] {
  return paidPlans(plans).map((p) => ({
    planId: p.id,
    name: p.name,
    priceId: p.stripePriceId as string,
    amountCents: p.priceCents,
    currency: p.currency,
    interval: p.interval,
    trialDays: p.trialDays,
  }));
}

/**
 * Creates a private channel, with the bot as administrator, for each numeric Telegram chat id in the
 * plans' access lists (an "@name" is a public chat and is skipped). Returns the channels made.
 */
export function createPlanChannels(telegram: TelegramEmulator, plans: PlansConfig): { chatId: string; planId: string }[] {
  const made: { chatId: string; planId: string }[] = [];
  const seen = new Set<string>();
  for (const plan of plans.plans) {
    for (const { platform, kind, id: chatId } of plan.access) {
      if (platform !== 'telegram' || kind !== 'chat' || !/^-\d+$/.test(chatId) || seen.has(chatId)) continue;
      seen.add(chatId);
      telegram.createChannel({ id: Number(chatId), title: `${plan.name} signals`, private: true });
      made.push({ chatId, planId: plan.id });
    }
  }
  return made;
}

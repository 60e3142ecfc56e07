// The plans' Telegram channels as channel destinations: each private channel a plan gates also gets that plan's alerts.
import type { AccountStore } from '../core/accounts/ports';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import type { ContentKind } from '../core/types';

/** What a plan channel receives: everything but the direct notices. */
export const CHANNEL_CONTENT: ContentKind[] = ['alert', 'rationale', 'snapshot'];

/**
 * Adds a channel destination for each of the plans' telegramChatIds that has none yet (an existing
 * one, even disabled by the operator, is left alone). Returns the chat ids it added.
 */
export async function ensurePlanChannels(deps: { accounts: AccountStore; plans: PlansConfig; platforms: readonly string[]; logger: Logger }): Promise<string[]> {
  const added: string[] = [];
  if (!deps.platforms.includes('telegram')) return added;
  for (const plan of deps.plans.plans) {
    for (const chatId of plan.telegramChatIds) {
      const recipient = { platform: 'telegram' as const, chatId };
      if (await deps.accounts.findDestinationByRecipient(recipient)) continue;
      await deps.accounts.addDestination({ kind: 'channel', recipient, planId: plan.id, contentKinds: CHANNEL_CONTENT, isGroup: true, label: `${plan.name} channel` });
      added.push(chatId);
    }
  }
  if (added.length > 0) deps.logger.info({ chatIds: added }, "added the plans' Telegram channels as channel destinations");
  return added;
}

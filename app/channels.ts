// The plans' gated chats as channel destinations: each private chat a plan gates on a running platform also gets that plan's alerts.
import type { AccountStore } from '../core/accounts/ports';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { recipientKey, type ContentKind, type PlatformName, type Recipient } from '../core/types';

/** What a plan channel receives: everything but the direct notices. */
export const CHANNEL_CONTENT: ContentKind[] = ['alert', 'rationale', 'snapshot'];

/**
 * Adds a channel destination for each chat (access of kind 'chat') the plans gate on one of the
 * running `platforms` that has none yet (an existing one, even disabled by the operator, is left
 * alone). Roles and workspace licences are not chats and get none. Returns the recipients it added.
 */
export async function ensurePlanChannels(deps: { accounts: AccountStore; plans: PlansConfig; platforms: readonly PlatformName[]; logger: Logger }): Promise<Recipient[]> {
  const added: Recipient[] = [];
  for (const plan of deps.plans.plans) {
    for (const resource of plan.access) {
      if (resource.kind !== 'chat' || !deps.platforms.includes(resource.platform)) continue;
      const recipient: Recipient = { platform: resource.platform, chatId: resource.id, ...(resource.tenant ? { tenant: resource.tenant } : {}) };
      if (await deps.accounts.findDestinationByRecipient(recipient)) continue;
      await deps.accounts.addDestination({ kind: 'channel', recipient, planId: plan.id, contentKinds: CHANNEL_CONTENT, isGroup: true, label: `${plan.name} channel` });
      added.push(recipient);
    }
  }
  if (added.length > 0) deps.logger.info({ chats: added.map(recipientKey) }, "added the plans' gated chats as channel destinations");
  return added;
}

// The plans' gated chats as channel destinations: each private chat a plan gates on a running platform also gets that plan's alerts.
import type { AccessResource } from '../core/access/ports';
import type { AccountStore } from '../core/accounts/ports';
import type { Logger } from '../core/logger';
import type { PlansConfig } from '../core/plans';
import { recipientKey, type ContentKind, type PlatformName, type Recipient } from '../core/types';

/** What a plan channel receives: everything but the direct notices. */
export const CHANNEL_CONTENT: ContentKind[] = ['alert', 'rationale', 'snapshot'];

/** The chats a plan's access entry posts its alerts to: a gated chat itself, or the channels a role opens. */
function alertChats(resource: AccessResource): Recipient[] {
  const tenant = resource.tenant ? { tenant: resource.tenant } : {};
  if (resource.kind === 'chat') return [{ platform: resource.platform, chatId: resource.id, ...tenant }];
  return (resource.channels ?? []).map((chatId) => ({ platform: resource.platform, chatId, ...tenant }));
}

/**
 * Adds a channel destination for each chat the plans gate on one of the running `platforms` (a
 * private chat, or a channel a role opens) that has none yet (an existing one, even disabled by the
 * operator, is left alone). A role without channels and workspace licences get none. Returns the recipients it added.
 */
export async function ensurePlanChannels(deps: { accounts: AccountStore; plans: PlansConfig; platforms: readonly PlatformName[]; logger: Logger }): Promise<Recipient[]> {
  const added: Recipient[] = [];
  for (const plan of deps.plans.plans) {
    for (const resource of plan.access) {
      if (!deps.platforms.includes(resource.platform)) continue;
      for (const recipient of alertChats(resource)) {
        if (await deps.accounts.findDestinationByRecipient(recipient)) continue;
        await deps.accounts.addDestination({ kind: 'channel', recipient, planId: plan.id, contentKinds: CHANNEL_CONTENT, isGroup: true, label: `${plan.name} channel` });
        added.push(recipient);
      }
    }
  }
  if (added.length > 0) deps.logger.info({ chats: added.map(recipientKey) }, "added the plans' gated chats as channel destinations");
  return added;
}

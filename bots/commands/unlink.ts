// /link remove <app>: an identity leaves the account (into a free account of its own); and the words /link uses for apps.
import type { PlatformTakenError } from '../../core/accounts/errors';
import type { Identity } from '../../core/accounts/types';
import { SignalcastError } from '../../core/errors';
import type { Reply } from '../../core/inbound/types';
import { freePlan } from '../../core/plans/lookup';
import { PLATFORM_NAMES, type PlatformName } from '../../core/types';
import { chatActor, ensureContact } from './contact';
import type { CommandCall } from './deps';

const APP_NAMES: Record<PlatformName, string> = {
  telegram: 'Telegram', discord: 'Discord', slack: 'Slack', whatsapp: 'WhatsApp', testchat: 'Test chat',
};

/** "Telegram (@ada)" or "Telegram". */
export function describeIdentity(identity: Pick<Identity, 'platform' | 'username'>): string {
  return `${APP_NAMES[identity.platform]}${identity.username ? ` (@${identity.username})` : ''}`;
}

/** What the person redeeming a code is told when the account already holds an identity on their app. */
export function platformTakenMessage(err: PlatformTakenError): string {
  const app = APP_NAMES[err.platform];
  return [
    // Not naming that user: whoever holds the code need not learn who pays.
    `Nothing changed: that account already has a ${app} user linked, and an account holds one user per app, so one subscription is never shared.`,
    `To link this ${app} user instead, the account's owner first sends /link remove ${err.platform} (from any app linked to the account), then /link for a new code.`,
  ].join('\n');
}

function toPlatform(word: string): PlatformName | undefined {
  const name = word.toLowerCase();
  if ((PLATFORM_NAMES as readonly string[]).includes(name)) return name as PlatformName;
  return (Object.entries(APP_NAMES) as [PlatformName, string][]).find(([, label]) => label.toLowerCase() === name)?.[0];
}

const usage = (linked: Identity[]) =>
  `Linked to your account: ${linked.map(describeIdentity).join(', ')}. To unlink one, send /link remove <app>, e.g. /link remove ${linked.at(-1)?.platform ?? 'telegram'}.`;

/** /link remove <app>. Refuses to unlink the last identity of the account. */
export async function unlink(call: CommandCall, rawApp: string): Promise<Reply[]> {
  const { deps, event, now } = call;
  const { account, identity: me } = await ensureContact(call);
  const linked = await deps.directory.listIdentities(account.id);
  if (!rawApp) return [{ text: usage(linked) }];
  const platform = toPlatform(rawApp);
  if (!platform) return [{ text: `I don't know the app "${rawApp}". ${usage(linked)}` }];
  const target = linked.find((i) => i.platform === platform);
  if (!target) return [{ text: `No ${APP_NAMES[platform]} user is linked to your account. ${usage(linked)}` }];
  if (linked.length === 1) {
    return [{ text: 'This chat is the only app on your account, so there is nothing to unlink it from. Nothing changed.' }];
  }
  let detached: { identity: Identity; fromAccountId: string };
  try {
    detached = await deps.directory.detachIdentity(target.id, now);
  } catch (err) {
    // Another update unlinked the rest first: this identity is the last one now.
    if (err instanceof SignalcastError && err.code === 'conflict') return [{ text: 'That is the last app on your account now, so nothing was unlinked.' }];
    throw err;
  }
  const toAccountId = detached.identity.accountId;
  deps.audit.record({
    actor: chatActor(event.actor), action: 'identity.unlinked', subjectType: 'account', subjectId: account.id,
    data: { identityId: target.id, platform: target.platform, platformUserId: target.platformUserId, toAccountId, self: target.id === me.id },
  });
  // Its access follows the free account it now has (the reconciler removes it from paid chats).
  await deps.onEntitlementChanged?.(toAccountId, 'identity unlinked');
  if (target.id === me.id) {
    const rest = linked.filter((i) => i.id !== me.id).map(describeIdentity).join(', ');
    return [{ text: `Unlinked: this chat has an account of its own now, on the ${freePlan(deps.plans).name} plan. Your subscription stays with your account in ${rest}.` }];
  }
  return [{ text: `Unlinked ${describeIdentity(target)}: it has an account of its own now and no longer shares your plan. Send /link for a code to link another.` }];
}

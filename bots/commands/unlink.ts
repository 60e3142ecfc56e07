// /link remove <app>: an identity leaves the account (into a free account of its own); and the words /link uses for apps.
import type { PlatformTakenError } from '../../core/accounts/errors';
import type { Identity } from '../../core/accounts/types';
import { SignalcastError } from '../../core/errors';
import type { Reply } from '../../core/inbound/types';
import { freePlan } from '../../core/plans/lookup';
import type { PlatformName } from '../../core/types';
import { chatActor, ensureContact } from './contact';
import type { CommandCall } from './deps';

/** Each platform's name as people write it ("Telegram"), from the adapters; the platform's own name otherwise. */
export type AppLabels = Readonly<Record<PlatformName, string>>;

export function appName(labels: AppLabels | undefined, platform: PlatformName): string {
  return labels?.[platform] ?? platform.charAt(0).toUpperCase() + platform.slice(1);
}

/** "Telegram (@ada)" or "Telegram". */
export function describeIdentity(identity: Pick<Identity, 'platform' | 'username'>, labels?: AppLabels): string {
  return `${appName(labels, identity.platform)}${identity.username ? ` (@${identity.username})` : ''}`;
}

/** What the person redeeming a code is told when the account already holds an identity on their app. */
export function platformTakenMessage(err: PlatformTakenError, labels?: AppLabels): string {
  const app = appName(labels, err.platform);
  return [
    // Not naming that user: whoever holds the code need not learn who pays.
    `Nothing changed: that account already has a ${app} user linked, and an account holds one user per app, so one subscription is never shared.`,
    `To link this ${app} user instead, the account's owner first sends /link remove ${err.platform} (from any app linked to the account), then /link for a new code.`,
  ].join('\n');
}

/** The platform a word names: its name ("telegram") or its label ("Test chat"), among those linked. */
function toPlatform(word: string, linked: readonly Identity[], labels: AppLabels | undefined): PlatformName | undefined {
  const name = word.toLowerCase();
  const known = new Set([...Object.keys(labels ?? {}), ...linked.map((i) => i.platform)]);
  return [...known].find((p) => p === name || appName(labels, p).toLowerCase() === name);
}

const usage = (linked: Identity[], labels: AppLabels | undefined) =>
  `Linked to your account: ${linked.map((i) => describeIdentity(i, labels)).join(', ')}. To unlink one, send /link remove <app>, e.g. /link remove ${linked.at(-1)?.platform ?? 'app'}.`;

/** /link remove <app>. Refuses to unlink the last identity of the account. */
export async function unlink(call: CommandCall, rawApp: string): Promise<Reply[]> {
  const { deps, event, now } = call;
  const labels = deps.appLabels;
  const { account, identity: me } = await ensureContact(call);
  const linked = await deps.directory.listIdentities(account.id);
  if (!rawApp) return [{ text: usage(linked, labels) }];
  const platform = toPlatform(rawApp, linked, labels);
  if (!platform) return [{ text: `I don't know the app "${rawApp}". ${usage(linked, labels)}` }];
  const target = linked.find((i) => i.platform === platform);
  if (!target) return [{ text: `No ${appName(labels, platform)} user is linked to your account. ${usage(linked, labels)}` }];
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
    const rest = linked.filter((i) => i.id !== me.id).map((i) => describeIdentity(i, labels)).join(', ');
    return [{ text: `Unlinked: this chat has an account of its own now, on the ${freePlan(deps.plans).name} plan. Your subscription stays with your account in ${rest}.` }];
  }
  return [{ text: `Unlinked ${describeIdentity(target, labels)}: it has an account of its own now and no longer shares your plan. Send /link for a code to link another.` }];
}

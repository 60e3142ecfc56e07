// A workspace as /signals sees it: its installation, the account it pays as (made by the first admin who subscribes), its licence and channels.
import type { Account, Destination, Subscription } from '../../../core/accounts/types';
import { entitlementOf, type Entitlement } from '../../../core/entitlement';
import { SignalcastError } from '../../../core/errors';
import type { Reply } from '../../../core/inbound/types';
import { hasWorkspaceLicence } from '../../../core/planning/filters';
import { paidPlans } from '../../../core/plans/lookup';
import type { Plan } from '../../../core/plans/schema';
import type { Installation } from '../../../core/tenancy/installations';
import type { PlatformName } from '../../../core/types';
import { chatActor } from '../contact';
import type { CommandCall } from '../deps';

/** The answer to a non-admin who tries to change something. */
export const ADMINS_ONLY = 'Only a workspace admin or owner can change where alerts go. Ask one of them.';
export const NOT_INSTALLED = 'The app is not installed in this workspace, so it cannot post here. A workspace admin can install it, then run /signals subscribe #channel.';
export const REMOVED = 'The app was removed from this workspace, so it posts nothing here. A workspace admin can install it again: the channels come back as they were.';

/** What a workspace's channel gets: the alerts, their rationale and snapshots. */
export const CHANNEL_CONTENT = ['alert', 'rationale', 'snapshot'] as const;

export interface WorkspaceRef {
  platform: PlatformName;
  tenant: string;
}

/** The workspace the command came from; null where the platform has no tenants. */
export function workspaceOf(call: CommandCall): WorkspaceRef | null {
  const { actor, chat } = call.event;
  const tenant = actor.tenant ?? chat.tenant;
  return tenant ? { platform: actor.platform, tenant } : null;
}

export function isAdmin(call: CommandCall): boolean {
  return call.event.actor.tenantAdmin === true;
}

/** The workspace's installation, or the reply saying why there is none to act on. */
export async function activeInstallation(call: CommandCall, ws: WorkspaceRef): Promise<Installation | Reply[]> {
  const installation = await call.deps.installations?.get(ws.platform, ws.tenant) ?? null;
  if (!installation) return [{ text: NOT_INSTALLED }];
  if (installation.revokedAt) return [{ text: REMOVED }];
  return installation;
}

/** The plans that give a workspace licence on the platform, lowest level first. */
export function licencePlans(call: CommandCall, platform: PlatformName): Plan[] {
  return paidPlans(call.deps.plans).filter((p) => hasWorkspaceLicence(p, platform));
}

/** The workspace's account; null before its first admin subscribed a channel. */
export async function workspaceAccount(call: CommandCall, installation: Installation): Promise<Account | null> {
  return installation.accountId ? call.deps.accounts.getAccount(installation.accountId) : null;
}

/**
 * The workspace's account, made by this admin when it has none: a new account with the admin's
 * identity in this workspace if that identity is not someone's yet (an admin already known keeps
 * theirs where it is), linked to the installation. Later admins act for it through the installation.
 */
export async function ensureWorkspaceAccount(call: CommandCall, installation: Installation): Promise<Account> {
  const existing = await workspaceAccount(call, installation);
  if (existing) return existing;
  const { deps, event } = call;
  const { actor } = event;
  const account = await deps.accounts.createAccount({ displayName: installation.tenantName ?? `${actor.platform} workspace ${installation.tenant}` });
  const known = await deps.accounts.findIdentity(actor.platform, actor.platformUserId, installation.tenant);
  if (!known) {
    try {
      await deps.accounts.addIdentity(account.id, actor.platform, actor.platformUserId, actor.username ?? null, { tenant: installation.tenant });
    } catch (err) {
      // The same person's other request made it first: it stays where it is.
      if (!(err instanceof SignalcastError && err.code === 'conflict')) throw err;
    }
  }
  await deps.installations?.setAccount(installation.platform, installation.tenant, account.id);
  deps.audit.record({
    actor: chatActor(actor), action: 'account.created', subjectType: 'account', subjectId: account.id,
    data: { platform: actor.platform, tenant: installation.tenant, workspace: true, adminIdentity: !known },
  });
  return account;
}

export interface LicenceState {
  entitlement: Entitlement;
  subscription: Subscription | undefined;
  /** The entitled plan gives the workspace licence on this platform: its channels receive. */
  licensed: boolean;
}

export async function licenceOf(call: CommandCall, account: Account | null, platform: PlatformName): Promise<LicenceState> {
  const subs = account ? await call.deps.accounts.listSubscriptions(account.id) : [];
  const entitlement = entitlementOf(call.deps.plans, subs, call.now);
  return { entitlement, subscription: subs.find((s) => s.id === entitlement.subscriptionId), licensed: hasWorkspaceLicence(entitlement.plan, platform) };
}

/** The workspace's own channels (owned by its account), oldest first. */
export async function workspaceChannels(call: CommandCall, ws: WorkspaceRef, accountId: string | null): Promise<Destination[]> {
  if (!accountId) return [];
  const all = await call.deps.accounts.listDestinations({ platform: ws.platform, tenant: ws.tenant, kind: 'channel' });
  return all.filter((d) => d.accountId === accountId);
}

/** "#alerts": the channel's label, else its id. */
export function channelName(d: Pick<Destination, 'label' | 'recipient'>): string {
  return d.label ?? `#${d.recipient.chatId}`;
}

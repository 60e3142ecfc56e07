// /signals subscribe #channel [plan] and /signals unsubscribe #channel: a workspace's own channels, added, enabled again or stopped.
import type { Destination } from '../../../core/accounts/types';
import { SignalcastError } from '../../../core/errors';
import type { Reply, ReplyButton } from '../../../core/inbound/types';
import { planById } from '../../../core/plans/lookup';
import type { Plan } from '../../../core/plans/schema';
import type { Recipient } from '../../../core/types';
import { chatActor } from '../contact';
import type { CommandCall } from '../deps';
import { joinWords } from '../format';
import { PAYMENTS_NOT_SET_UP } from '../subscribe';
import { nameTheChannel, type SignalsArgs } from './args';
import { isPerSeat, seatsForCheckout, seatWords } from './seats';
import {
  activeInstallation, ADMINS_ONLY, CHANNEL_CONTENT, channelName, ensureWorkspaceAccount, isAdmin, licenceOf, licencePlans, workspaceAccount, type WorkspaceRef,
} from './workspace';

/** How long preparing a channel (joining it on the platform) may take. */
export const PREPARE_TIMEOUT_MS = 10_000;

/** The reason an unsubscribed channel's destination is disabled with. */
export const UNSUBSCRIBED = 'unsubscribed';

/**
 * A Checkout button per plan (several licence plans: a button each); a reply line instead when payments
 * are off or a link cannot be made. A plan priced per seat asks for `seats` (counted by the caller:
 * seatsForCheckout) and its button says how many.
 */
export async function checkoutButtons(call: CommandCall, accountId: string, plans: readonly Plan[], seats?: number): Promise<{ buttons: ReplyButton[][] } | { text: string }> {
  if (plans.length === 0) return { text: 'No plan gives a workspace licence yet: ask the operator.' };
  if (!call.deps.capabilities.payments) return { text: PAYMENTS_NOT_SET_UP };
  const { actor } = call.event;
  const buttons: ReplyButton[][] = [];
  for (const plan of plans) {
    const quantity = isPerSeat(plan, actor.platform) ? (seats ?? 1) : undefined;
    try {
      const { url } = await call.deps.billing.createCheckoutLink({ accountId, planId: plan.id, identity: { platform: actor.platform, platformUserId: actor.platformUserId }, quantity });
      buttons.push([{ label: `Subscribe the workspace to ${plan.name}${quantity === undefined ? '' : ` (${seatWords(quantity)})`}`, url }]);
    } catch (err) {
      // Billing refuses a second live subscription: it would charge twice.
      if (err instanceof SignalcastError && err.code === 'conflict') return { text: 'The workspace already has a subscription: /signals billing manages it.' };
      if (!(err instanceof SignalcastError && err.code === 'not_found')) throw err;
    }
  }
  return buttons.length > 0 ? { buttons } : { text: 'The workspace licence cannot be bought right now. Please try again later.' };
}

export async function subscribeChannel(call: CommandCall, ws: WorkspaceRef, args: SignalsArgs): Promise<Reply[]> {
  if (!isAdmin(call)) return [{ text: ADMINS_ONLY }];
  if (!args.channel) return [{ text: nameTheChannel(args, 'subscribe #alerts') }];
  const offered = licencePlans(call, ws.platform);
  const planName = args.words[0]?.toLowerCase();
  const chosen = planName === undefined ? offered : offered.filter((p) => p.id === planName);
  if (planName !== undefined && chosen.length === 0) {
    const known = planById(call.deps.plans, planName) ? `${planName} gives no workspace licence` : `there is no plan "${planName}"`;
    return [{ text: `Nothing changed: ${known}. The workspace plans are ${joinWords(offered.map((p) => p.id)) || 'none yet'}.` }];
  }
  const installation = await activeInstallation(call, ws);
  if (Array.isArray(installation)) return installation;
  const port = call.deps.workspaces?.[ws.platform];
  if (!port) return [{ text: 'Channels cannot be chosen on this app yet. Nothing changed.' }];

  // A plan priced per seat needs the workspace's people counted before anything changes: no count, no change and no link.
  const known = await workspaceAccount(call, installation);
  const seats = (await licenceOf(call, known, ws.platform)).licensed ? { seats: undefined } : await seatsForCheckout(call, ws, chosen);
  if ('text' in seats) return [{ text: seats.text }];

  const prepared = await port.prepareChannel(ws.tenant, args.channel.chatId, AbortSignal.timeout(PREPARE_TIMEOUT_MS));
  if (!prepared.ok) return [{ text: prepared.detail }];
  const label = args.channel.label ?? (prepared.label.startsWith('#') ? prepared.label : `#${prepared.label}`);

  const account = await ensureWorkspaceAccount(call, installation);
  const recipient: Recipient = { platform: ws.platform, tenant: ws.tenant, chatId: args.channel.chatId };
  const existing = await call.deps.accounts.findDestinationByRecipient(recipient);
  if (existing && existing.accountId !== account.id) {
    return [{ text: `${label} already gets alerts another way (set up by the operator). Nothing changed.` }];
  }
  const destination = existing ?? await call.deps.accounts.addDestination({ kind: 'channel', recipient, accountId: account.id, contentKinds: [...CHANNEL_CONTENT], label });
  if (!destination.enabled) await call.deps.accounts.enableDestination(destination.id);
  if (!existing || !existing.enabled) {
    call.deps.audit.record({
      actor: chatActor(call.event.actor), action: existing ? 'destination.enabled' : 'destination.added', subjectType: 'destination', subjectId: destination.id,
      data: { platform: ws.platform, tenant: ws.tenant, chatId: recipient.chatId, accountId: account.id, workspace: true },
    });
  }

  const licence = await licenceOf(call, account, ws.platform);
  if (licence.licensed) return [{ text: `${label} will get ${licence.entitlement.plan.name} alerts.` }];
  const checkout = await checkoutButtons(call, account.id, chosen, seats.seats);
  const ready = `${label} is ready. Alerts start when the workspace subscribes:`;
  return 'buttons' in checkout ? [{ text: ready, buttons: checkout.buttons }] : [{ text: `${ready}\n${checkout.text}` }];
}

export async function unsubscribeChannel(call: CommandCall, ws: WorkspaceRef, args: SignalsArgs): Promise<Reply[]> {
  if (!isAdmin(call)) return [{ text: ADMINS_ONLY }];
  if (!args.channel) return [{ text: nameTheChannel(args, 'unsubscribe #alerts') }];
  const name = args.channel.label ?? `#${args.channel.chatId}`;
  const installation = await call.deps.installations?.get(ws.platform, ws.tenant) ?? null;
  const account = installation ? await workspaceAccount(call, installation) : null;
  const found: Destination | null = await call.deps.accounts.findDestinationByRecipient({ platform: ws.platform, tenant: ws.tenant, chatId: args.channel.chatId });
  if (!found || !account || found.accountId !== account.id) return [{ text: `${name} is not one of this workspace's alert channels: nothing to stop. /signals status lists them.` }];
  if (!found.enabled) return [{ text: `${channelName(found)} already gets no alerts.` }];
  await call.deps.accounts.disableDestination(found.id, UNSUBSCRIBED);
  call.deps.audit.record({
    actor: chatActor(call.event.actor), action: 'destination.disabled', subjectType: 'destination', subjectId: found.id, reason: UNSUBSCRIBED,
    data: { platform: ws.platform, tenant: ws.tenant, chatId: args.channel.chatId, workspace: true },
  });
  return [{ text: `${channelName(found)} will get no more alerts. /signals subscribe ${channelName(found)} brings them back.` }];
}

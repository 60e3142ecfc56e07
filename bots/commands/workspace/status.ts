// /signals status (the licence, each channel and whether it receives, who can change it), /signals billing and /signals help.
import type { Destination } from '../../../core/accounts/types';
import { SignalcastError } from '../../../core/errors';
import type { Reply } from '../../../core/inbound/types';
import { planById } from '../../../core/plans/lookup';
import type { CommandCall } from '../deps';
import { formatDate } from '../format';
import { UNSUBSCRIBED, checkoutButtons } from './channels';
import { seatsForCheckout, seatsLine } from './seats';
import { describeFilters } from './settings';
import {
  activeInstallation, ADMINS_ONLY, channelName, ensureWorkspaceAccount, isAdmin, licenceOf, licencePlans, NOT_INSTALLED, REMOVED,
  workspaceAccount, workspaceChannels, type LicenceState, type WorkspaceRef,
} from './workspace';

export const SIGNALS_HELP = [
  '/signals subscribe #channel [plan]: alerts in that channel (admins)',
  '/signals unsubscribe #channel: no more alerts there (admins)',
  '/signals status: the workspace licence and each channel',
  '/signals billing: manage or buy the workspace licence (admins)',
  '/signals settings [#channel] [symbols=BTC,ETH] [band=A|B|C] [sides=long,short] [reset]: what a channel gets (changes: admins)',
  '/signals track: the track record over 30 days and all time, by band',
  '/signals help: this list',
].join('\n');

/** "Enterprise (active), renews on 5 Feb 2026." or "none". */
function licenceLine(call: CommandCall, licence: LicenceState): string {
  const { entitlement, subscription } = licence;
  const date = (t: number | Date | null | undefined) => (t === null || t === undefined ? undefined : formatDate(t, 'UTC'));
  if (!licence.licensed) {
    const lapsed = subscription ? (planById(call.deps.plans, subscription.planId)?.name ?? subscription.planId) : undefined;
    return lapsed ? `Licence: none (the ${lapsed} subscription is ${subscription?.status.replace(/_/g, ' ')}).` : 'Licence: none.';
  }
  const state = subscription?.source === 'grant' ? 'granted' : (subscription?.status.replace(/_/g, ' ') ?? 'active');
  const until = date(entitlement.until);
  const renews = date(subscription?.currentPeriodEnd);
  const when = subscription?.cancelAtPeriodEnd || entitlement.reason === 'grant' || entitlement.reason === 'past_due_grace' || entitlement.reason === 'trialing'
    ? (until ? `, ends on ${until}` : '')
    : (renews ? `, renews on ${renews}` : '');
  return `Licence: ${entitlement.plan.name} (${state})${when}.`;
}

function channelLine(d: Destination, licensed: boolean): string {
  const gets = describeFilters(d.filters);
  if (!d.enabled) return `${channelName(d)}: receives nothing (${d.disabledReason === UNSUBSCRIBED ? 'unsubscribed' : (d.disabledReason ?? 'stopped')}).`;
  if (!licensed) return `${channelName(d)}: receives nothing until the workspace subscribes (${gets}).`;
  return `${channelName(d)}: receives ${gets}.`;
}

export async function workspaceStatus(call: CommandCall, ws: WorkspaceRef): Promise<Reply[]> {
  const installation = await call.deps.installations?.get(ws.platform, ws.tenant) ?? null;
  if (!installation) return [{ text: NOT_INSTALLED }];
  const account = await workspaceAccount(call, installation);
  const licence = await licenceOf(call, account, ws.platform);
  const channels = await workspaceChannels(call, ws, account?.id ?? null);
  const lines = [`Workspace: ${installation.tenantName ?? ws.tenant}.`, licenceLine(call, licence)];
  const seats = licence.licensed ? await seatsLine(call, ws, licence.entitlement.plan) : undefined;
  if (seats) lines.push(seats);
  if (installation.revokedAt) lines.push(REMOVED);
  if (channels.length === 0) lines.push('Channels: none yet.');
  else lines.push('Channels:', ...channels.map((d) => `- ${channelLine(d, licence.licensed && !installation.revokedAt)}`));
  lines.push(isAdmin(call)
    ? 'Workspace admins and owners (you too) can change this: /signals help.'
    : 'Workspace admins and owners can change this.');
  return [{ text: lines.join('\n') }];
}

export async function workspaceBilling(call: CommandCall, ws: WorkspaceRef): Promise<Reply[]> {
  if (!isAdmin(call)) return [{ text: ADMINS_ONLY }];
  const installation = await activeInstallation(call, ws);
  if (Array.isArray(installation)) return installation;
  const account = await ensureWorkspaceAccount(call, installation);
  try {
    const { url } = await call.deps.billing.createPortalLink(account.id);
    return [{ text: 'Tap the button to update the workspace\'s payment details, see invoices or cancel. The link is for you only.', buttons: [[{ label: 'Manage billing', url }]] }];
  } catch (err) {
    if (!(err instanceof SignalcastError && err.code === 'not_found')) throw err;
  }
  const plans = licencePlans(call, ws.platform);
  const seats = await seatsForCheckout(call, ws, plans);
  if ('text' in seats) return [{ text: seats.text }];
  const checkout = await checkoutButtons(call, account.id, plans, seats.seats);
  const intro = 'The workspace has no subscription yet.';
  return 'buttons' in checkout ? [{ text: `${intro} Subscribe it:`, buttons: checkout.buttons }] : [{ text: `${intro}\n${checkout.text}` }];
}

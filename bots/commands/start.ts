// /start: first contact (account, identity, direct messages), with deep-link payloads ref_<code> and link_<code>.
import { normalizeCode } from '../../core/accounts/link-codes';
import { entitlementOf } from '../../core/entitlement';
import type { Reply } from '../../core/inbound/types';
import { chatActor, ensureContact, findContact, type Contact } from './contact';
import type { CommandCall } from './deps';
import { redeemLinkCode } from './link';

async function welcome(call: CommandCall, contact: Contact, note?: string): Promise<Reply[]> {
  const { account, isNew } = contact;
  const plan = entitlementOf(call.deps.plans, await call.deps.accounts.listSubscriptions(account.id), call.now).plan;
  const lines = isNew
    ? [`Welcome! You are on the ${plan.name} plan.`, 'Send /plans to see what each plan gives, /settings to choose what you get, /help for every command.']
    : [`Welcome back. You are on the ${plan.name} plan. Send /help for every command.`];
  if (note) lines.push(note);
  return [{ text: lines.join('\n') }];
}

async function startWithReferral(call: CommandCall, rawCode: string): Promise<Reply[]> {
  const { deps, event } = call;
  const code = normalizeCode(rawCode);
  const existing = await findContact(deps, event.actor);
  if (existing) {
    return welcome(call, await ensureContact(call), 'Referral codes count only for new accounts, so this one was not applied.');
  }
  const referrer = code ? await deps.referrals.findAccountByReferralCode(code) : null;
  if (!referrer) {
    return [{ text: `The referral code "${rawCode}" is not known, so nothing was set up. Check the link, or send /start to begin without it.` }];
  }
  const contact = await ensureContact(call, { referredBy: referrer.id });
  deps.audit.record({
    actor: chatActor(event.actor), action: 'referral.recorded', subjectType: 'account', subjectId: contact.account.id,
    data: { referrerAccountId: referrer.id, code },
  });
  return welcome(call, contact, 'Your referral is recorded: it counts when you subscribe. Send /plans to choose a plan.');
}

export async function start(call: CommandCall): Promise<Reply[]> {
  const payload = call.args.split(/\s+/)[0] ?? '';
  if (!call.event.isPrivate) return [{ text: 'Please write to me in a private chat to start.' }];
  if (payload === '') return welcome(call, await ensureContact(call));
  const ref = /^ref_(.+)$/i.exec(payload);
  if (ref) return startWithReferral(call, ref[1] ?? '');
  const link = /^link_(.+)$/i.exec(payload);
  if (link) return redeemLinkCode(call, link[1] ?? '');
  return [{ text: `I don't know the start code "${payload}", so nothing was set up. Send /start to begin.` }];
}

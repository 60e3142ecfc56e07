// /link (a one-time code to use the account in another app; one user per app), its redemption by /start link_<code>, and /refer.
import { PlatformTakenError } from '../../core/accounts/errors';
import { LINK_CODE_TTL_MS, normalizeCode, randomCode } from '../../core/accounts/link-codes';
import type { Identity } from '../../core/accounts/types';
import { entitlementOf } from '../../core/entitlement';
import type { Reply } from '../../core/inbound/types';
import { chatActor, ensureContact, findContact } from './contact';
import type { CommandCall } from './deps';
import { describeIdentity, platformTakenMessage, unlink } from './unlink';

const LINK_CODE_LENGTH = 8;

/** /link: a one-time code; /link remove <app>: unlink an app (bots/commands/unlink.ts). */
export async function link(call: CommandCall): Promise<Reply[]> {
  const { deps, event, now, args } = call;
  const remove = /^(remove|unlink|delete)\b\s*(.*)$/i.exec(args);
  if (remove) return unlink(call, (remove[2] ?? '').trim());
  if (args) return [{ text: `I don't know "/link ${args}". Send /link for a code to use in another app, or /link remove <app> to unlink one.` }];
  const { account, identity } = await ensureContact(call);
  const code = randomCode(LINK_CODE_LENGTH);
  await deps.linkCodes.create(code, account.id, now + LINK_CODE_TTL_MS);
  deps.audit.record({ actor: chatActor(event.actor), action: 'link_code.created', subjectType: 'account', subjectId: account.id, data: { expiresAt: now + LINK_CODE_TTL_MS } });
  const others = (await deps.directory.listIdentities(account.id)).filter((i) => i.id !== identity.id);
  return [{
    text: [
      `Your link code is ${code}. It works once, for the next ${LINK_CODE_TTL_MS / 60_000} minutes.`,
      'In the other chat app, send this to the bot:',
      `/start link_${code}`,
      'An account holds one user per app.',
      ...(others.length > 0 ? [`Already linked: ${others.map((i) => describeIdentity(i, deps.appLabels)).join(', ')}. To unlink one: /link remove <app>.`] : []),
    ].join('\n'),
  }];
}

/** Why an identity may not leave its account: it would strand a subscription or other apps there. */
async function refusesToMove(call: CommandCall, identity: Identity): Promise<string | undefined> {
  const holdings = await call.deps.directory.holdings(identity.accountId);
  if (holdings.subscriptions > 0 || holdings.stripeCustomer) {
    return 'This chat already has its own subscription, so it cannot join another account. Cancel it with /billing first, or link the other way round: send /link here and use the code in the other app.';
  }
  if (holdings.identities > 1) {
    return 'This chat is already linked with other apps, so it cannot join another account. Link the other way round: send /link here and use the code in the other app.';
  }
  return undefined;
}

/** /start link_<code>: this identity joins the account that asked for the code. */
export async function redeemLinkCode(call: CommandCall, rawCode: string): Promise<Reply[]> {
  const { deps, event, now } = call;
  const code = normalizeCode(rawCode);
  const found = code ? await deps.linkCodes.find(code) : null;
  if (!found) return [{ text: `The link code "${rawCode}" is not known. Check it, or send /link again in your other app.` }];
  if (found.usedAt) return [{ text: 'That link code was already used. Send /link again in your other app for a new one.' }];
  if (found.expiresAt.getTime() <= now) return [{ text: 'That link code has expired. Send /link again in your other app for a new one.' }];

  const current = await findContact(deps, event.actor);
  if (current?.account.id === found.accountId) {
    return [{ text: 'This chat is already linked to that account. Nothing changed.' }];
  }
  // One user per app: a second Telegram user would share the first one's subscription.
  const held = (await deps.directory.listIdentities(found.accountId)).find((i) => i.platform === event.actor.platform);
  if (held) return refuseSecond(call, new PlatformTakenError(found.accountId, held.platform, { identityId: held.id, username: held.username }), found.accountId);
  if (current) {
    const refusal = await refusesToMove(call, current.identity);
    if (refusal) return [{ text: refusal }];
  }
  if (!(await deps.linkCodes.markUsed(code, now))) {
    return [{ text: 'That link code was already used. Send /link again in your other app for a new one.' }];
  }
  let identity: Identity;
  try {
    identity = current
      ? await deps.directory.moveIdentity(current.identity.id, found.accountId)
      : await deps.accounts.addIdentity(found.accountId, event.actor.platform, event.actor.platformUserId, event.actor.username ?? null, { tenant: event.actor.tenant });
  } catch (err) {
    // Another app's user got linked between the check and here; the store refused this one.
    if (err instanceof PlatformTakenError) return refuseSecond(call, err, found.accountId);
    throw err;
  }
  deps.audit.record({
    actor: chatActor(event.actor), action: 'identity.linked', subjectType: 'account', subjectId: found.accountId,
    data: { identityId: identity.id, platform: identity.platform, ...(current ? { fromAccountId: current.account.id } : {}) },
  });
  await deps.onEntitlementChanged?.(found.accountId, 'identity linked');
  const { account } = await ensureContact(call);
  const plan = entitlementOf(deps.plans, await deps.accounts.listSubscriptions(account.id), now).plan;
  return [{ text: `Linked. This chat now shares your account with your other app: you are on the ${plan.name} plan here too.` }];
}

/** Refuses a second identity of one app on an account, audits the attempt, and says what to do. */
function refuseSecond(call: CommandCall, err: PlatformTakenError, accountId: string): Reply[] {
  call.deps.audit.record({
    actor: chatActor(call.event.actor), action: 'identity.link_refused', subjectType: 'account', subjectId: accountId,
    reason: 'the account already has a user on this app', data: { platform: err.platform, heldByIdentityId: err.heldBy.identityId },
  });
  return [{ text: platformTakenMessage(err, call.deps.appLabels) }];
}

export async function refer(call: CommandCall): Promise<Reply[]> {
  const { deps, event } = call;
  const { account } = await ensureContact(call);
  const code = await deps.referrals.ensureReferralCode(account.id);
  if (code !== account.referralCode) {
    deps.audit.record({ actor: chatActor(event.actor), action: 'referral_code.created', subjectType: 'account', subjectId: account.id });
  }
  const payload = `ref_${code}`;
  const deepLink = deps.deepLinks?.[event.actor.platform]?.(payload);
  const lines = [
    `Your referral code is ${code}.`,
    'A friend who starts with it gets a discount when they subscribe, and you get a credit when they pay.',
    deepLink ? `Share this link: ${deepLink}` : `They send this to the bot: /start ${payload}`,
  ];
  return [{ text: lines.join('\n'), ...(deepLink ? { buttons: [[{ label: 'Open the referral link', url: deepLink }]] } : {}) }];
}

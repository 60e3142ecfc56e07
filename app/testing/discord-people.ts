// What people do in the Discord service world, for whole-service tests: meet the bot, pay on the Stripe emulator's page, look at roles.
import { SqliteAccountStore } from '../../db/stores/account-store';
import type { DiscordServiceWorld } from './discord-world';

const CARD_OK = '4242 4242 4242 4242';

/** Pays on the hosted checkout page as a browser would: GET the page, POST its form. */
export async function payAt(checkoutUrl: string): Promise<void> {
  const page = await fetch(checkoutUrl);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1];
  if (!action) throw new Error(`no payment form at ${checkoutUrl}`);
  const body = new URLSearchParams({ email: 'member@example.com', card_number: CARD_OK, card_expiry: '12 / 34', card_cvc: '123', name: 'Member' });
  const paid = await fetch(new URL(action, checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' });
  if (paid.status !== 303) throw new Error(`the payment was refused: ${paid.status}`);
}

/**
 * The person's account with their Discord identity, as the bot makes it when they first write to it
 * in private (in this branch Discord's slash commands in a server are not private yet, so it is made
 * here on the service's database).
 */
export async function meetBot(w: DiscordServiceWorld, userId: string): Promise<string> {
  const accounts = new SqliteAccountStore({ db: w.service.db, clock: w.clock });
  const found = await w.service.access!.store.findAccessAccount('discord', userId);
  if (found) return found.accountId;
  const account = await accounts.createAccount({ displayName: null, referredBy: null });
  await accounts.addIdentity(account.id, 'discord', userId, null);
  return account.id;
}

/**
 * The member pays for VIP: the checkout /subscribe links to, paid on the Stripe emulator's page as
 * a browser would. Resolves once Stripe's webhooks are delivered.
 */
export async function subscribeAndPay(w: DiscordServiceWorld, userId: string): Promise<void> {
  const accountId = await meetBot(w, userId);
  const checkout = await w.service.billing!.billing.createCheckoutLink({ accountId, planId: 'vip', identity: { platform: 'discord', platformUserId: userId } });
  await payAt(checkout.url);
  await w.stripe.whenWebhooksDelivered();
}

/** Whether the member holds the role on the emulated Discord now. */
export function hasRole(w: DiscordServiceWorld, userId: string, roleId: string): boolean {
  return w.discord.memberRoles(w.guild.id, userId)?.includes(roleId) ?? false;
}

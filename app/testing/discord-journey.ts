// What a Discord member does in the journey tests: run a slash command and read the private answer, pay at the checkout the answer links to, read their DMs.
import type { APIMessage, APIButtonComponentWithURL } from 'discord-api-types/v10';
import { signBody } from '../../server/signature';
import { until } from '../../core/testing/until';
import type { DiscordServiceWorld } from './discord-world';

/** The link buttons (label and url) of a message's components. */
export function linkButtons(message: APIMessage): { label: string; url: string }[] {
  const inRows: unknown[] = (message.components ?? []).flatMap((row) => ('components' in row ? [...row.components] : []));
  return inRows
    .filter((c): c is APIButtonComponentWithURL => typeof c === 'object' && c !== null && typeof (c as { url?: unknown }).url === 'string')
    .map((c) => ({ label: c.label ?? '', url: c.url }));
}

/** The member runs `/name args` in #general; the bot's answer (the interaction's original message) once it is final (not "Working on it…"). */
export async function runCommand(w: DiscordServiceWorld, userId: string, name: string, args?: string): Promise<APIMessage> {
  const record = w.discord.runCommand({
    guildId: w.guild.id, userId, channelId: w.guild.channels.general!, name,
    ...(args ? { options: [{ type: 3, name: 'args', value: args }] } : {}),
  });
  return until(() => (record.original && !record.original.content.startsWith('Working on it') ? record.original : undefined), `the answer to /${name}`);
}

/** Pays on the hosted checkout page as a browser would: GET the page, POST its form with the test card. The status of the POST (303 on success). */
export async function payAt(checkoutUrl: string): Promise<number> {
  const page = await fetch(checkoutUrl);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const body = new URLSearchParams({ email: 'ada@example.com', card_number: '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123', name: 'Ada' });
  const paid = await fetch(new URL(action, checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' });
  return paid.status;
}

/** What the bot sent the person by DM, oldest first (none before it opened the DM channel). */
export function dmsTo(w: DiscordServiceWorld, userId: string): APIMessage[] {
  const channel = w.discord.state.dmChannels.get(userId);
  return channel ? w.discord.messagesIn(channel.id) : [];
}

/** Publishes a signal through the signed ingest API (of any platform's world: it needs the service's address and clock). */
export async function publishSignal(w: Pick<DiscordServiceWorld, 'url' | 'clock'>, secret: string, signal: Record<string, unknown>): Promise<Response> {
  const body = JSON.stringify(signal);
  return fetch(`${w.url}/v1/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(secret, body, w.clock.now()) },
    body,
  });
}

/** The status of a Stripe subscription's mirror. */
export function mirrorStatus(w: DiscordServiceWorld, subscriptionId: string): string | undefined {
  const row = w.service.db.$client.prepare('select status from subscriptions where stripe_subscription_id = ?').get(subscriptionId) as { status: string } | undefined;
  return row?.status;
}

/** The Stripe emulator's only subscription. */
export function onlySubscription(w: DiscordServiceWorld): string {
  const [id] = [...w.stripe.store.subscriptions.keys()];
  if (!id) throw new Error('no subscription in the Stripe emulator');
  return id;
}

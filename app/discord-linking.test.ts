// Linking across apps with the whole service on Telegram and Discord: a member who paid on one app links the other with /link, and the entitlement (the Discord role, the Telegram channel) follows the account.
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption, type APIMessage } from 'discord-api-types/v10';
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { startTwoAppWorld, type TwoAppWorld } from './testing/two-app-world';

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const TG_USER = 4242;
const TG_VIP_CHANNEL = -1001000000001;

/** The Telegram user writes to the bot; the bot's new messages to them. */
async function say(w: TwoAppWorld, text: string): Promise<Message[]> {
  const before = w.tg.sentMessages(TG_USER).length;
  w.tg.userSends(TG_USER, text, { profile: { firstName: 'Ada', username: 'ada_tg' } });
  return until(() => w.tg.sentMessages(TG_USER).length > before && w.tg.sentMessages(TG_USER).slice(before), `an answer to ${text}`);
}

/** A Discord member runs a slash command in #general; the answer only they see. */
async function run(w: TwoAppWorld, userId: string, name: string, options: APIApplicationCommandInteractionDataOption[] = []): Promise<string> {
  const record = w.discord.runCommand({ guildId: w.guild.id, userId, channelId: w.guild.channels.general!, name, options });
  const answer = await until(() => (record.original && !record.original.content.startsWith('Working on it') ? record.original : undefined), `the answer to /${name}`);
  return (answer as APIMessage).content;
}

const code = (value: string): APIApplicationCommandInteractionDataOption => ({ name: 'code', type: ApplicationCommandOptionType.String, value });

/** Pays on the hosted checkout page as a browser would. */
async function payAt(checkoutUrl: string): Promise<number> {
  const page = await fetch(checkoutUrl);
  const action = /<form method="post" action="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const body = new URLSearchParams({ email: 'ada@example.com', card_number: '4242 4242 4242 4242', card_expiry: '12 / 34', card_cvc: '123', name: 'Ada' });
  return (await fetch(new URL(action, checkoutUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString(), redirect: 'manual' })).status;
}

const hasVipRole = (w: TwoAppWorld, userId: string) => w.discord.memberRoles(w.guild.id, userId)?.includes(w.guild.roles.VIP!) ?? false;

describe('linking Telegram and Discord', () => {
  it('gives the VIP role to a Discord member who paid on Telegram once they link with the code from /link, and takes it away when the subscription lapses', async () => {
    const w = await startTwoAppWorld(running, { signingSecret: 's'.repeat(32) });
    await until(() => w.discord.state.globalCommands.some((c) => c.name === 'link'), 'the slash commands, /link among them');

    // Paid on Telegram.
    await say(w, '/start');
    const offer = await say(w, '/subscribe vip');
    const pay = offer.flatMap((m) => m.reply_markup?.inline_keyboard.flat() ?? []).find((b) => 'url' in b);
    expect(await payAt(pay && 'url' in pay ? pay.url : '')).toBe(303);
    await w.stripe.whenWebhooksDelivered();

    // A member of the Discord server, not paying there: no role.
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    expect(await run(w, ada, 'status')).not.toMatch(/VIP/);
    expect(hasVipRole(w, ada)).toBe(false);

    // /link on Telegram, the code in Discord's /start: the same account, the role given.
    await say(w, '/link');
    const linkCode = await until(() => w.tg.sentMessages(TG_USER).map((m) => /\/start (link_\S+)/.exec(m.text ?? '')?.[1]).find(Boolean), 'the link code');
    expect(await run(w, ada, 'start', [code(linkCode)])).toMatch(/^Linked\. .*you are on the VIP plan here too/);
    await until(() => hasVipRole(w, ada), 'the VIP role on Discord');
    expect(await run(w, ada, 'status')).toMatch(/VIP/);

    // The renewals fail until the subscription is unpaid: the role goes on Discord too.
    const subscriptionId = [...w.stripe.store.subscriptions.keys()][0] ?? '';
    expect((await w.stripe.renewalFails(subscriptionId)).status).toBe('past_due');
    expect((await w.stripe.renewalFails(subscriptionId)).status).toBe('unpaid');
    await w.stripe.whenWebhooksDelivered();
    await until(() => !hasVipRole(w, ada), 'the VIP role removed');
  });

  it('lets a member who paid on Discord link Telegram the other way round: /link on Discord, /start link_… on Telegram', async () => {
    const w = await startTwoAppWorld(running, { signingSecret: 's'.repeat(32) });
    await until(() => w.discord.state.globalCommands.some((c) => c.name === 'link'), 'the slash commands');
    const ada = w.discord.memberJoins(w.guild.id, { username: 'ada' });
    await run(w, ada, 'start');
    const record = w.discord.runCommand({ guildId: w.guild.id, userId: ada, channelId: w.guild.channels.general!, name: 'subscribe', options: [{ name: 'plan', type: ApplicationCommandOptionType.String, value: 'vip' }] });
    const offer = await until(() => record.original, 'the checkout button');
    const checkout = offer.components?.flatMap((row) => ('components' in row ? (row.components as { url?: string }[]) : [])).find((b) => b.url)?.url ?? '';
    expect(await payAt(checkout)).toBe(303);
    await w.stripe.whenWebhooksDelivered();
    await until(() => hasVipRole(w, ada), 'the VIP role on Discord');

    const linkAnswer = await run(w, ada, 'link');
    const linkCode = /\/start (link_\S+)/.exec(linkAnswer)?.[1] ?? '';
    const sentBefore = w.tg.sentMessages(TG_USER).length;
    await say(w, `/start ${linkCode}`);
    // The answer, and the access job's welcome with the invite link, in whichever order they come.
    const linked = await until(() => w.tg.sentMessages(TG_USER).slice(sentBefore).find((m) => m.text?.startsWith('Linked.')), 'the answer to the link code');
    expect(linked.text).toMatch(/you are on the VIP plan here too/);
    // The Telegram side of VIP: a personal invite link to the channel, by DM.
    const invite = await until(() => w.tg.sentMessages(TG_USER).slice(sentBefore).map((m) => /https:\/\/t\.me\/\+\S+/.exec(m.text ?? '')?.[0]).find(Boolean), 'the invite link on Telegram');
    expect(w.tg.userJoinsWithLink(TG_USER, invite)).toBe('requested');
    await until(() => w.tg.isMember(TG_VIP_CHANNEL, TG_USER), 'the Telegram channel opened');
  });
});

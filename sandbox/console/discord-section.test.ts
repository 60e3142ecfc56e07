// The console's Discord section over real HTTP, against the whole service on the Discord emulator: what the page shows and what each form does.
import { REST } from '@discordjs/rest';
import { Routes, type APIChannel, type APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscordServiceWorld, type DiscordServiceWorld } from '../../app/testing/discord-world';
import { until } from '../../core/testing/until';
import { signBody } from '../../server/signature';
import { DEMO_GUILD, type SandboxGuild } from '../discord';
import { DEFAULT_DISCORD_USER, DiscordSection } from './discord-section';
import { startConsole, type SandboxConsole } from './server';
import { StripeSection } from './stripe-section';
import { submitForm } from './testing/submit';

const SECRET = 'discord-section-signing-secret';
const ADA = DEFAULT_DISCORD_USER.id;

const running: (() => Promise<void>)[] = [];
let w: DiscordServiceWorld;
let consolePage: SandboxConsole;

beforeEach(async () => {
  w = await startDiscordServiceWorld(running, { signingSecret: SECRET });
  const server: SandboxGuild = { guild: w.guild, name: 'Signal Room', gated: [{ channelId: DEMO_GUILD.vipChannel, name: 'vip-signals', roleIds: [DEMO_GUILD.vipRole], plans: ['VIP'] }] };
  consolePage = await startConsole({ sections: [new DiscordSection({ emulator: w.discord, servers: [server] }), new StripeSection({ emulator: w.stripe })], refreshMs: 0 });
  running.push(() => consolePage.stop());
  await until(() => w.discord.state.globalCommands.some((c) => c.name === 'subscribe') || undefined, 'the slash commands');
});

afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

const page = async (query = '') => {
  const res = await fetch(`${consolePage.url}/${query}`);
  expect(res.status).toBe(200);
  return res.text();
};
const post = (path: string, fields: Record<string, string>) => submitForm(`${consolePage.url}${path}`, fields);
/** The part of the page under a heading of the Discord section. */
const part = (html: string, heading: string) => html.slice(html.indexOf(`<h3>${heading}</h3>`));

describe('the console page for Discord', () => {
  it('runs /subscribe vip as a member: the private answer shows the checkout link; once paid, the VIP role opens #vip-signals and the alert shows there as a readable embed', async () => {
    const before = await page();
    expect(before).toContain(`You are <strong>ada</strong>, Discord user <code>${ADA}</code>, a member of <strong>Signal Room</strong>`);
    expect(before).toContain('<strong>#vip-signals</strong> (VIP): <strong>closed to you</strong> (it opens with the VIP role)');
    expect(before).toContain('<input type="hidden" name="text" value="/subscribe vip"><button type="submit">/subscribe vip</button>');

    expect(await post('/discord/run', { text: '/subscribe vip' })).toEqual({ status: 303, location: '/' });
    const asked = [...w.discord.interactions.byId.values()].at(-1);
    expect(asked).toMatchObject({ userId: ADA, guildId: DEMO_GUILD.id, channelId: w.guild.channels.general });
    const checkout = await until(async () => new RegExp(`href="(${w.stripe.url}/c/pay/(cs_[^"]+))" target="_blank" rel="noopener noreferrer">[^<]+ ↗</a>`).exec(await page()), 'the checkout link');
    const answers = part(await page(), 'Your answers');
    expect(answers).toContain('You ran <code>/subscribe plan:vip</code>');
    expect(answers).toContain('only you can see this');
    expect(asked?.original?.flags).toBe(64);

    // Pay as the Stripe emulator's page would: Stripe's webhook reaches the service, whose access job gives the role.
    expect(w.stripe.completeCheckout(checkout[2]!, { card: '4242 4242 4242 4242', email: 'ada@example.com' }).ok).toBe(true);
    await w.stripe.whenWebhooksDelivered();
    const opened = await until(async () => {
      const html = await page();
      return html.includes('<strong>#vip-signals</strong> (VIP): <strong>open to you</strong>') && html;
    }, 'the VIP role to open #vip-signals');
    expect(opened).toContain('Your roles: <strong>VIP</strong>');
    expect(w.discord.memberRoles(DEMO_GUILD.id, ADA)).toContain(DEMO_GUILD.vipRole);

    // An alert: one embed in #vip-signals, shown with its title, reasons and fields, without markdown escapes.
    const body = JSON.stringify({ publisherId: 'discord-console-1', symbol: 'SOLUSDT', market: 'crypto', side: 'long', conviction: 0.91, entry: 142.5, reasons: ['Breakout *above* <range>'] });
    const published = await fetch(`${w.url}/v1/signals`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(SECRET, body, w.clock.now()) }, body });
    expect(published.status).toBe(202);
    const channel = await until(async () => {
      const html = part(await page(), 'Roles and gated channels');
      return html.includes('LONG SOLUSDT') && html;
    }, 'the alert in #vip-signals');
    expect(channel).toContain('<div><strong>🟢 LONG SOLUSDT · crypto</strong></div>');
    expect(channel).toContain('• Breakout *above* &lt;range&gt;');
    expect(channel).toContain('<dt>Entry</dt><dd>142.5</dd>');
    expect(channel).toContain('style="border-left-color: #1e8449"');
    expect(w.discord.messagesIn(DEMO_GUILD.vipChannel)).toHaveLength(1);
  });

  it('presses an action button under a private answer: /settings, then "A only" updates that answer in place', async () => {
    await post('/discord/run', { text: '/settings' });
    const form = await until(async () => /<input type="hidden" name="message_id" value="(\d+)"><input type="hidden" name="custom_id" value="set:band:A"><button type="submit">A only<\/button>/.exec(await page()), 'the settings buttons');
    expect(await post('/discord/press', { message_id: form[1]!, custom_id: 'set:band:A' })).toEqual({ status: 303, location: '/' });
    const press = [...w.discord.interactions.byId.values()].at(-1);
    expect(press).toMatchObject({ userId: ADA, messageId: form[1] });
    await until(() => press?.callbacks.length, 'the press answered');
    const answers = part(await page(), 'Your answers');
    expect(answers).toContain('<button type="submit">✓ A only</button>');
    expect(answers).toContain('Alerts: band A only');
    expect(answers).toContain('You pressed the button <code>set:band:A</code>');
  });

  it('makes a new member who joins the server, switches back to another, and leaves and joins again', async () => {
    const made = await post('/discord/member', { username: 'grace' });
    expect(made.status).toBe(303);
    const location = new URL(made.location ?? '', consolePage.url);
    const grace = location.searchParams.get('dc_user') ?? '';
    expect(location.searchParams.get('notice')).toBe(`You are now grace (Discord user ${grace}), a member of Signal Room.`);
    expect(w.discord.state.guilds.get(DEMO_GUILD.id)?.members.has(grace)).toBe(true);
    const asGrace = await page(`?dc_user=${grace}`);
    expect(asGrace).toContain(`You are <strong>grace</strong>, Discord user <code>${grace}</code>`);
    // The others in the server, to become with one press (the bot and the owner are not offered).
    expect(asGrace).toContain(`<input type="hidden" name="user_id" value="${ADA}"><button type="submit">ada</button>`);
    expect(asGrace).not.toContain(`value="${w.discord.state.bot.id}"`);

    await post(`/discord/run?dc_user=${grace}`, { text: '/plans' });
    await until(() => [...w.discord.interactions.byId.values()].find((r) => r.userId === grace)?.original, 'the answer to grace');
    expect(part(await page(`?dc_user=${grace}`), 'Your answers')).toContain('You ran <code>/plans</code>');
    expect(part(await page(), 'Your answers')).toContain('Nothing yet');

    expect((await post(`/discord/leave?dc_user=${grace}`, {})).status).toBe(303);
    expect(w.discord.memberRoles(DEMO_GUILD.id, grace)).toBeUndefined();
    expect(await page(`?dc_user=${grace}`)).toContain('<strong>not a member</strong> of Signal Room');
    expect((await post(`/discord/join?dc_user=${grace}`, {})).status).toBe(303);
    expect(w.discord.memberRoles(DEMO_GUILD.id, grace)).toEqual([]);
  });

  it('shows the bot\'s DMs, and with DMs closed the bot\'s next DM is refused with 50007', async () => {
    const rest = new REST({ api: w.discord.apiUrl, retries: 0 }).setToken(w.discord.token);
    const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: ADA } })) as APIChannel;
    await rest.post(Routes.channelMessages(dm.id), { body: { content: 'Welcome to **VIP**: https://example.test/guide', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Settings', custom_id: 'set:dm:off' }] }] } });
    const dms = part(await page(), 'Direct messages from the bot');
    expect(dms).toContain('Welcome to **VIP**: <a href="https://example.test/guide" target="_blank" rel="noopener noreferrer">https://example.test/guide</a>');
    expect(dms).toContain('<button type="button" disabled title="not pressable from the console">Settings</button>');

    expect((await post('/discord/close-dms', {})).status).toBe(303);
    expect(part(await page(), 'Direct messages from the bot')).toContain('Your DMs are <strong>closed</strong>');
    await expect(rest.post(Routes.channelMessages(dm.id), { body: { content: 'hello?' } })).rejects.toMatchObject({ code: 50007 });
    await post('/discord/open-dms', {});
    expect(((await rest.post(Routes.channelMessages(dm.id), { body: { content: 'hello again' } })) as APIMessage).content).toBe('hello again');
  });

  it('answers bad input with a clear message and runs nothing', async () => {
    const before = w.discord.interactions.byId.size;
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ['/discord/run', { text: '  ' }, 400, /text is empty/],
      ['/discord/run', { text: 'plans' }, 400, /type one starting with \//],
      ['/discord/run', { text: '/nope' }, 404, /The bot has no \/nope command/],
      ['/discord/run', { text: '/plans vip' }, 400, /\/plans takes nothing after it/],
      ['/discord/run', { text: '/subscribe gold' }, 400, /\/subscribe plan is one of [a-z, ]*vip/],
      ['/discord/run', { text: '/publish' }, 400, /\/publish &lt;signal&gt;: signal is needed/],
      ['/discord/run?dc_user=abc', { text: '/plans' }, 400, /dc_user must be a Discord id/],
      ['/discord/member', {}, 400, /Give a username/],
      ['/discord/member', { username: 'Bad Name!' }, 400, /username is 2 to 32/],
      ['/discord/press', { message_id: '1', custom_id: 'x' }, 400, /message_id must be a Discord id/],
      ['/discord/press', { message_id: '123456789012345678' }, 400, /custom_id .* is missing/],
      ['/discord/press', { message_id: '123456789012345678', custom_id: 'x' }, 409, /no message 123456789012345678/],
      ['/discord/fly', {}, 404, /There is no Discord action &quot;fly&quot;/],
    ];
    for (const [path, fields, status, message] of cases) {
      const res = await fetch(`${consolePage.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
      expect(res.status, path).toBe(status);
      expect(await res.text(), path).toMatch(message);
    }
    // A person who left runs nothing until they join again.
    await post('/discord/leave', {});
    const res = await fetch(`${consolePage.url}/discord/run`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=%2Fplans', redirect: 'manual' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('You are not in Signal Room: join the server first.');
    expect(w.discord.interactions.byId.size).toBe(before);
  });
});

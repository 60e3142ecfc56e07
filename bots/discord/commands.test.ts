// The slash commands the adapter registers, as the Discord emulator received them: Discord's rules, the OpenAPI spec, the plans as choices, operator commands hidden; and options back as arguments.
import { ApplicationCommandOptionType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock';
import type { InboundEvent } from '../../core/inbound/types';
import { silentLogger } from '../../core/logger';
import { DEFAULT_PLANS, type PlansConfig } from '../../core/plans';
import type { AdapterContext } from '../../core/platform/adapter';
import { until } from '../../core/testing/until';
import { attachGateway, startDiscordEmulator } from '../../sandbox/discord';
import { DiscordSpecChecker } from '../../sandbox/discord/openapi-check';
import { createDiscordAdapter } from './adapter';
import { argsOf } from './commands';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** The built-in plans, Enterprise sold on Telegram only. */
const PLANS: PlansConfig = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'enterprise' ? { ...p, platforms: ['telegram'] } : p)) };

/** The adapter started against the emulator; the body of its bulk overwrite, as the emulator received it. */
async function registered(plans: PlansConfig | undefined, platforms = ['discord', 'telegram']) {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs: 30_000 });
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  const guild = emulator.createGuild({ channels: ['general'] });
  const context: AdapterContext = {
    logger: silentLogger, clock: systemClock, publicUrl: undefined, platforms, plans,
    access: { store: undefined as never, notices: async () => ({ sent: true }) }, installations: undefined as never,
  };
  const adapter = createDiscordAdapter({ token: emulator.token, apiUrl: emulator.apiUrl, operatorIds: [] }, context);
  stops.push(() => adapter.stop());
  const events: InboundEvent[] = [];
  await adapter.start(async (event) => (events.push(event), [{ text: 'ok' }]));
  const put = emulator.server.requests.find((r) => r.method === 'PUT' && r.path === `/api/v10/applications/${emulator.applicationId}/commands`);
  if (!put) throw new Error('no bulk overwrite of the commands');
  const body = put.body as RESTPostAPIChatInputApplicationCommandsJSONBody[];
  const byName = (name: string) => body.find((c) => c.name === name);
  return { emulator, guild, events, body, byName };
}

describe('the slash commands registered on Discord', () => {
  it('follow Discord\'s rules and its OpenAPI spec: lowercase names of 32 characters or fewer, descriptions of 100 or fewer, required options first', async () => {
    const { body } = await registered(PLANS);
    const spec = new DiscordSpecChecker();
    // The spec types default_member_permissions as an integer; Discord documents and takes a string (discord.js sends one).
    const problems = body.flatMap(({ default_member_permissions: permissions, ...c }) => {
      const found = spec.check('ApplicationCommandUpdateRequest', c).map((p) => `/${c.name}: ${p}`);
      return permissions === undefined || /^\d+$/.test(permissions ?? '') ? found : [...found, `/${c.name}: default_member_permissions "${permissions}" is not a permission bitfield`];
    });
    expect(problems).toEqual([]);
    for (const command of body) {
      expect(command.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(command.description.length).toBeGreaterThan(0);
      expect(command.description.length).toBeLessThanOrEqual(100);
      const options = command.options ?? [];
      for (const option of options) {
        expect(option.name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
        expect(option.description.length).toBeLessThanOrEqual(100);
      }
      const required = options.map((o) => ('required' in o && o.required) === true);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
    }
    expect(body.map((c) => c.name)).toEqual(['start', 'plans', 'track', 'subscribe', 'status', 'join', 'billing', 'settings', 'link', 'refer', 'stop', 'resume', 'help', 'publish', 'stats', 'grant', 'revoke']);
  });

  it('offer in /subscribe the paid plans sold on Discord, and in /grant every paid plan', async () => {
    const { byName } = await registered(PLANS);
    expect(byName('subscribe')?.options).toEqual([{
      type: ApplicationCommandOptionType.String, name: 'plan', description: 'The plan to subscribe to', required: false,
      choices: [{ name: 'Pro, $49.00/month', value: 'pro' }, { name: 'VIP, $149.00/month', value: 'vip' }],
    }]);
    expect(byName('grant')?.options).toEqual([
      { type: ApplicationCommandOptionType.User, name: 'user', description: 'Who gets the plan', required: true },
      { type: ApplicationCommandOptionType.String, name: 'plan', description: 'The plan to give', required: true, choices: [{ name: 'Pro', value: 'pro' }, { name: 'VIP', value: 'vip' }, { name: 'Enterprise', value: 'enterprise' }] },
      { type: ApplicationCommandOptionType.Integer, name: 'days', description: 'For how many days', required: true, min_value: 1, max_value: 3650 },
    ]);
    expect(byName('revoke')?.options).toMatchObject([{ type: ApplicationCommandOptionType.User, name: 'user', required: true }]);
    expect(byName('publish')?.options).toMatchObject([{ type: ApplicationCommandOptionType.String, name: 'signal', required: true }]);
  });

  it('hide the operator commands from members (only administrators, and whom they allow, see them) and keep them to the server', async () => {
    const { body } = await registered(PLANS);
    const operator = body.filter((c) => ['publish', 'stats', 'grant', 'revoke'].includes(c.name));
    expect(operator.map((c) => [c.default_member_permissions, c.contexts])).toEqual(operator.map(() => ['0', [InteractionContextType.Guild]]));
    const others = body.filter((c) => !operator.includes(c));
    for (const c of others) {
      expect(c.default_member_permissions ?? null).toBeNull();
      expect(c.contexts).toEqual([InteractionContextType.Guild, InteractionContextType.BotDM]);
    }
  });

  it('leave /subscribe\'s plan free text when no plans are given, and offer /link only when a second app runs', async () => {
    const { byName, body } = await registered(undefined, ['discord']);
    expect(byName('subscribe')?.options).toEqual([{ type: ApplicationCommandOptionType.String, name: 'plan', description: 'The plan to subscribe to', required: false }]);
    expect(body.map((c) => c.name)).not.toContain('link');
  });

  it('hand a user option to the handler as the user\'s id, the options in the order the handler reads them', async () => {
    const { emulator, guild, events } = await registered(PLANS);
    const operator = emulator.memberJoins(guild.id, { username: 'operator' });
    const member = emulator.memberJoins(guild.id, { username: 'ada' });
    emulator.runCommand({
      guildId: guild.id, userId: operator, channelId: guild.channels.general!, name: 'grant',
      // Discord sends the options in the order they were filled in, not as declared.
      options: [
        { name: 'days', type: ApplicationCommandOptionType.Integer, value: 30 },
        { name: 'user', type: ApplicationCommandOptionType.User, value: member },
        { name: 'plan', type: ApplicationCommandOptionType.String, value: 'vip' },
      ],
    });
    const [event] = await until(() => (events.length > 0 ? events : undefined), 'the command');
    expect(event).toMatchObject({ type: 'command', command: 'grant', args: `${member} vip 30` });
  });
});

describe('argsOf', () => {
  it('writes /link\'s remove option as "remove <app>", /settings\' change and value as one line, and skips empty options', () => {
    expect(argsOf('link', [{ name: 'remove', value: 'Telegram' }])).toBe('remove Telegram');
    expect(argsOf('settings', [{ name: 'to', value: '22:00-07:00 Europe/London' }, { name: 'change', value: 'quiet' }])).toBe('quiet 22:00-07:00 Europe/London');
    expect(argsOf('start', [{ name: 'code', value: '  ' }])).toBe('');
  });

  it('keeps the values of options it does not know (a command registered by an older version), in the order given', () => {
    expect(argsOf('subscribe', [{ name: 'args', value: 'vip' }])).toBe('vip');
  });
});

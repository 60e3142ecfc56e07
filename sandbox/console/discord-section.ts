// The console's Discord section: act as a member of the emulator's server (join, run slash commands, press buttons, close DMs) and see your roles and the gated channels.
import type { APIApplicationCommand, APIMessage } from 'discord-api-types/v10';
import type { DiscordEmulator, GuildRecord, SandboxGuild } from '../discord';
import { commandOptions, splitCommand } from './discord-command';
import { escapeHtml } from './html';
import { ConsoleInputError, type ConsoleOutcome, type ConsoleSection } from './section';
import { renderAccess, renderAnswers, renderCommands, renderDms, renderWho, type DiscordMemberView, type GatedChannelView } from './discord-view';

export interface DiscordSectionOptions {
  emulator: DiscordEmulator;
  /** The servers to act in (see startSandboxDiscord), the first by default, with their gated channels. */
  servers: SandboxGuild[];
  /** Who you are when the page's query names nobody: ada, 900000000000000101, by default (a member of the first server). */
  defaultUser?: DiscordMemberView;
  /** How many of your latest commands and presses to show. Default 8. */
  answers?: number;
  /** How many of each gated channel's newest messages to show. Default 5. */
  channelMessages?: number;
}

/** The query parameters that hold who you are and in which server. */
export const DISCORD_USER_PARAM = 'dc_user';
export const DISCORD_SERVER_PARAM = 'dc_server';
export const DEFAULT_DISCORD_USER: DiscordMemberView = { id: '900000000000000101', username: 'ada' };

const SNOWFLAKE = /^\d{17,20}$/;
const USERNAME = /^[a-z0-9_.]{2,32}$/;
/** The others in the server offered to become with one press (the newest). */
const MEMBERS_SHOWN = 20;

function snowflake(raw: string | null, field: string): string {
  const text = (raw ?? '').trim();
  if (!SNOWFLAKE.test(text)) throw new ConsoleInputError(`${field} must be a Discord id (17 to 20 digits), got ${JSON.stringify(raw ?? '')}.`);
  return text;
}

export class DiscordSection implements ConsoleSection {
  readonly id = 'discord';
  readonly title = 'Discord';
  private readonly defaultUser: DiscordMemberView;
  /** What each interaction made here was ("/subscribe vip", "the button set:band:A"), by interaction id. */
  private readonly asked = new Map<string, string>();

  constructor(private readonly options: DiscordSectionOptions) {
    if (options.servers.length === 0) throw new Error('DiscordSection: no server to act in');
    this.defaultUser = options.defaultUser ?? DEFAULT_DISCORD_USER;
    options.emulator.createUser(this.defaultUser.username, this.defaultUser.id);
    options.emulator.memberJoins(options.servers[0]!.guild.id, { userId: this.defaultUser.id });
  }

  render(query: URLSearchParams, actionUrl: (action: string) => string): string {
    let userId: string;
    let server: SandboxGuild;
    let guild: GuildRecord;
    try {
      userId = this.userOf(query);
      server = this.serverOf(query);
      guild = this.guild(server);
    } catch (err) {
      return `<p class="error" role="alert">${escapeHtml((err as Error).message)} <a href="/">Start again</a></p>`;
    }
    const { emulator } = this.options;
    const botId = emulator.state.bot.id;
    const you = { id: userId, username: emulator.state.users.get(userId)?.user.username ?? 'unknown' };
    const others = [...guild.members.values()].map((m) => m.user)
      .filter((u) => u.id !== userId && u.id !== botId && u.id !== guild.ownerId)
      .slice(-MEMBERS_SHOWN)
      .map((u) => ({ id: u.id, username: u.username }));
    const member = guild.members.get(userId);
    const roleIds = member?.roles ?? [];
    const use = { actionUrl, pressable: member !== undefined };
    const gated: GatedChannelView[] = server.gated.map((c) => ({
      name: c.name,
      plans: c.plans,
      roleNames: c.roleIds.map((id) => guild.roles.get(id)?.name ?? id),
      open: c.roleIds.some((id) => roleIds.includes(id)),
      recent: emulator.messagesIn(c.channelId).slice(-(this.options.channelMessages ?? 5)),
    }));
    const records = [...emulator.interactions.byId.values()].filter((r) => r.userId === userId && r.guildId === guild.id).slice(-(this.options.answers ?? 8))
      .map((record) => ({ record, asked: this.asked.get(record.id) }));
    const dmChannel = emulator.state.dmChannels.get(userId);
    const dms: APIMessage[] = dmChannel ? emulator.messagesIn(dmChannel.id) : [];
    return [
      renderWho(actionUrl, you, { id: guild.id, name: server.name, member: member !== undefined, others, choices: this.options.servers.map((s) => ({ id: s.guild.id, name: s.name })) }),
      member ? renderCommands(actionUrl, this.commands(guild.id), this.channelName(guild)) : '',
      renderAnswers(records, use, botId),
      renderAccess(roleIds.flatMap((id) => guild.roles.get(id)?.name ?? []), gated, use, botId),
      renderDms(actionUrl, dms, emulator.state.users.get(userId)?.dmsClosed ?? false, botId),
    ].join('\n');
  }

  act(action: string, form: URLSearchParams, query: URLSearchParams): ConsoleOutcome {
    const { emulator } = this.options;
    if (action === 'server') {
      const id = snowflake(form.get('guild_id'), 'guild_id');
      const server = this.options.servers.find((s) => s.guild.id === id);
      if (!server) throw new ConsoleInputError(`${id} is not one of the sandbox's servers.`, 404);
      return { query: { [DISCORD_SERVER_PARAM]: id }, notice: `You are in ${server.name} now.` };
    }
    const server = this.serverOf(query);
    const guildId = server.guild.id;
    if (action === 'member') return this.becomeMember(form, server);
    const userId = this.userOf(query);
    switch (action) {
      case 'join':
        emulator.memberJoins(guildId, { userId });
        return { notice: `You joined ${server.name}.` };
      case 'leave':
        if (!this.guild(server).members.has(userId)) throw new ConsoleInputError(`You are not in ${server.name}.`, 409);
        emulator.memberLeaves(guildId, userId);
        return { notice: `You left ${server.name}: your roles there went with you.` };
      case 'run':
        this.run(server, userId, form.get('text') ?? '');
        return {};
      case 'press': {
        const messageId = snowflake(form.get('message_id'), 'message_id');
        const customId = form.get('custom_id') ?? '';
        if (!customId) throw new ConsoleInputError('custom_id (the button\'s id) is missing.');
        this.requireMember(server, userId);
        const press = emulator.pressButton({ guildId, userId, messageId, customId });
        this.asked.set(press.id, `You pressed the button <code>${escapeHtml(customId)}</code>`);
        return {};
      }
      case 'close-dms':
        emulator.closeDms(userId, true);
        return { notice: 'You closed your DMs: the bot can no longer write to you.' };
      case 'open-dms':
        emulator.closeDms(userId, false);
        return { notice: 'You opened your DMs.' };
      default:
        throw new ConsoleInputError(`There is no Discord action ${JSON.stringify(action)}.`, 404);
    }
  }

  /** Runs "/name args" as the member, in #general (or the server's first channel), with the options Discord's client would send. */
  private run(server: SandboxGuild, userId: string, raw: string): void {
    const { name, args } = splitCommand(raw);
    const known = this.commands(server.guild.id);
    const command = known.find((c) => c.name === name);
    if (!command) throw new ConsoleInputError(`The bot has no /${name} command${known.length ? '' : ' (it registers its commands once it connects)'}.`, 404);
    const options = commandOptions(command, args);
    this.requireMember(server, userId);
    const guild = this.guild(server);
    const record = this.options.emulator.runCommand({ guildId: guild.id, userId, channelId: this.channelId(guild), name, ...(options.length ? { options } : {}) });
    const shown = options.map((o) => `${o.name}:${'value' in o ? String(o.value) : ''}`).join(' ');
    this.asked.set(record.id, `You ran <code>/${escapeHtml(name)}${shown ? ` ${escapeHtml(shown)}` : ''}</code>`);
  }

  private becomeMember(form: URLSearchParams, server: SandboxGuild): ConsoleOutcome {
    const { emulator } = this.options;
    const rawId = (form.get('user_id') ?? '').trim();
    const username = (form.get('username') ?? '').trim().replace(/^@/, '').toLowerCase();
    if (username && !USERNAME.test(username)) throw new ConsoleInputError('username is 2 to 32 lowercase letters, digits, _ or . (as Discord\'s usernames).');
    const id = rawId ? snowflake(rawId, 'user_id') : undefined;
    const known = id ? emulator.state.users.get(id) : undefined;
    if (!id && !username) throw new ConsoleInputError('Give a username for a new member, or the user id of one.');
    const userId = known ? known.user.id : emulator.createUser(username || 'member', id);
    emulator.memberJoins(server.guild.id, { userId });
    const name = emulator.state.users.get(userId)?.user.username ?? username;
    return { query: { [DISCORD_USER_PARAM]: userId }, notice: `You are now ${name} (Discord user ${userId}), a member of ${server.name}.` };
  }

  private requireMember(server: SandboxGuild, userId: string): void {
    if (!this.guild(server).members.has(userId)) throw new ConsoleInputError(`You are not in ${server.name}: join the server first.`, 409);
  }

  private commands(guildId: string): APIApplicationCommand[] {
    const { state } = this.options.emulator;
    return [...(state.guildCommands.get(guildId) ?? []), ...state.globalCommands];
  }

  private guild(server: SandboxGuild): GuildRecord {
    const guild = this.options.emulator.state.guilds.get(server.guild.id);
    if (!guild) throw new ConsoleInputError(`The server ${server.name} is gone from the emulator.`, 404);
    return guild;
  }

  private channelId(guild: GuildRecord): string {
    const channels = [...guild.channels.values()];
    return (channels.find((c) => c.name === 'general') ?? channels[0])?.id ?? '';
  }

  private channelName(guild: GuildRecord): string {
    return guild.channels.get(this.channelId(guild))?.name ?? 'general';
  }

  private serverOf(query: URLSearchParams): SandboxGuild {
    const raw = query.get(DISCORD_SERVER_PARAM);
    if (raw === null) return this.options.servers[0]!;
    const id = snowflake(raw, DISCORD_SERVER_PARAM);
    const server = this.options.servers.find((s) => s.guild.id === id);
    if (!server) throw new ConsoleInputError(`${id} is not one of the sandbox's servers.`, 404);
    return server;
  }

  private userOf(query: URLSearchParams): string {
    const raw = query.get(DISCORD_USER_PARAM);
    if (raw === null) return this.defaultUser.id;
    const id = snowflake(raw, DISCORD_USER_PARAM);
    if (!this.options.emulator.state.users.has(id)) throw new ConsoleInputError(`Discord knows no user ${id}: become a member with the form.`, 404);
    return id;
  }
}

// An imaginary chat app with guilds, roles and threads ("guildchat"), in memory: the sketch adapter's emulator.
// It exists to prove the seam: a new platform is one folder and one table row. Not shipped to users.

/** What the app answers when it refuses a call. */
export class GuildchatError extends Error {
  constructor(readonly code: 'rate_limited' | 'blocked' | 'no_channel' | 'no_member' | 'no_role' | 'role_too_high' | 'unavailable',
    message: string, readonly extra: { scope?: 'channel' | 'guild' | 'route' | 'app'; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'GuildchatError';
  }
}

export interface GuildchatMessage {
  id: string;
  /** "dm:<user>" or "<guild>/<channel>". */
  where: string;
  text: string;
  buttons: { label: string; url?: string; data?: string }[];
  /** The message this one answers in a thread. */
  threadOf?: string | undefined;
}

interface Guild {
  channels: Set<string>;
  /** Role id → position; the bot's own role sits at `botPosition`. */
  roles: Map<string, number>;
  botPosition: number;
  members: Map<string, Set<string>>;
}

/** What a person does, delivered to the bot that listens. */
export type GuildchatEvent =
  | { type: 'message'; user: string; where: string; text: string; interactionId: string }
  | { type: 'button'; user: string; where: string; data: string; messageId: string };

/** The app: guilds with channels, roles and members; direct messages; threads; injectable refusals. */
export class GuildchatEmulator {
  readonly messages: GuildchatMessage[] = [];
  /** Every text people saw, in order: each message as posted, then each edit. */
  readonly seen: { where: string; text: string }[] = [];
  private readonly guilds = new Map<string, Guild>();
  private readonly blockedUsers = new Set<string>();
  private readonly faults: GuildchatError[] = [];
  private listener: ((event: GuildchatEvent) => Promise<void>) | undefined;
  private nextId = 1;

  addGuild(guild: string, options: { channels: string[]; roles: Record<string, number>; botPosition: number }): void {
    this.guilds.set(guild, { channels: new Set(options.channels), roles: new Map(Object.entries(options.roles)), botPosition: options.botPosition, members: new Map() });
  }

  addChannel(guild: string, channel: string): void {
    this.guild(guild)?.channels.add(channel);
  }

  join(guild: string, user: string): void {
    this.guild(guild)?.members.set(user, this.guild(guild)?.members.get(user) ?? new Set());
  }

  block(user: string): void {
    this.blockedUsers.add(user);
  }

  /** The next call fails with this. */
  failNext(error: GuildchatError): void {
    this.faults.push(error);
  }

  rolesOf(guild: string, user: string): string[] {
    return [...(this.guild(guild)?.members.get(user) ?? [])];
  }

  post(where: string, text: string, buttons: GuildchatMessage['buttons'] = [], threadOf?: string): string {
    this.fault();
    if (where.startsWith('dm:')) {
      if (this.blockedUsers.has(where.slice(3))) throw new GuildchatError('blocked', 'this user does not take messages from the bot');
    } else {
      const [guild, channel] = where.split('/');
      if (!this.guild(guild ?? '')?.channels.has(channel ?? '')) throw new GuildchatError('no_channel', `no channel ${where}`);
    }
    const id = `m${this.nextId++}`;
    this.messages.push({ id, where, text, buttons, threadOf });
    this.seen.push({ where, text });
    return id;
  }

  edit(id: string, text: string): void {
    this.fault();
    const message = this.messages.find((m) => m.id === id);
    if (!message) throw new GuildchatError('no_channel', `no message ${id}`);
    message.text = text;
    this.seen.push({ where: message.where, text });
  }

  giveRole(guild: string, user: string, role: string): void {
    this.changeRole(guild, user, role, (roles) => roles.add(role));
  }

  takeRole(guild: string, user: string, role: string): void {
    this.changeRole(guild, user, role, (roles) => roles.delete(role));
  }

  /** The bot listens for what people do. */
  listen(listener: ((event: GuildchatEvent) => Promise<void>) | undefined): void {
    this.listener = listener;
  }

  /** A person writes (a command when it starts with "/"); resolves once the bot has handled it. */
  async say(user: string, where: string, text: string): Promise<void> {
    await this.listener?.({ type: 'message', user, where, text, interactionId: `i${this.nextId++}` });
  }

  holdsRole(guild: string, user: string, role: string): boolean {
    return this.guild(guild)?.members.get(user)?.has(role) ?? false;
  }

  async press(user: string, messageId: string, data: string): Promise<void> {
    const message = this.messages.find((m) => m.id === messageId);
    await this.listener?.({ type: 'button', user, where: message?.where ?? '', data, messageId });
  }

  private changeRole(guild: string, user: string, role: string, change: (roles: Set<string>) => void): void {
    this.fault();
    const g = this.guild(guild);
    const position = g?.roles.get(role);
    if (!g || position === undefined) throw new GuildchatError('no_role', `no role ${role} in ${guild}`);
    if (position >= g.botPosition) throw new GuildchatError('role_too_high', `role ${role} is at or above the bot's own role`);
    const roles = g.members.get(user);
    if (!roles) throw new GuildchatError('no_member', `${user} is not in ${guild}`);
    change(roles);
  }

  private guild(id: string): Guild | undefined {
    return this.guilds.get(id);
  }

  private fault(): void {
    const next = this.faults.shift();
    if (next) throw next;
  }
}

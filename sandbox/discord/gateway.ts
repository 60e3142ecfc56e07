// The Discord emulator's WebSocket gateway (v10, JSON): HELLO, IDENTIFY, READY then GUILD_CREATE, heartbeats, RESUME with replay, INVALID_SESSION, dispatches, drivers that drop connections.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type APIUser,
  type GatewayGuildCreateDispatchData,
} from 'discord-api-types/v10';
import type { EmulatorServer } from '../base/emulator';

/** Discord's daily IDENTIFY budget per bot (GET /gateway/bot's `session_start_limit.total`). */
export const IDENTIFY_DAILY_LIMIT = 1_000;

/**
 * What the gateway reads of the emulated Discord: the bot, its application and its guilds.
 * The REST side's state implements it; the gateway never changes it.
 */
export interface GatewayWorld {
  /** The bot's token, without the "Bot " prefix. IDENTIFY and RESUME with any other are refused. */
  readonly token: string;
  readonly botUser: APIUser;
  readonly applicationId: string;
  /** Every guild the bot is in, as sent in GUILD_CREATE (channels, roles with positions, members, member_count). */
  guilds(): GatewayGuildCreateDispatchData[];
}

export interface GatewayOptions {
  /** Milliseconds between the client's heartbeats, sent in HELLO; a connection silent for 1.5 times that is closed with 4009. Default 41,250 as Discord. */
  heartbeatIntervalMs?: number;
  /** Dispatches kept per session for RESUME. Default 1,000; a RESUME from further back is invalid. */
  replayLimit?: number;
}

/** What the gateway has seen: IDENTIFYs (Discord allows 1,000 a day), RESUMEs and their refusals. */
export interface GatewayStats {
  identifies: number;
  resumes: number;
  invalidSessions: number;
  heartbeats: number;
  /** Dispatches sent again on a RESUME (missed while disconnected). */
  replayed: number;
  /** Dispatches sent or queued, READY and GUILD_CREATE included. */
  dispatches: number;
}

interface Dispatch {
  s: number;
  t: string;
  d: unknown;
}

interface Session {
  id: string;
  intents: number;
  seq: number;
  /** The latest dispatches, oldest first, for a RESUME. */
  events: Dispatch[];
  socket: WebSocket | undefined;
}

/** Dispatches that a session receives only with the intent named. */
const REQUIRED_INTENT: Record<string, number> = {
  [GatewayDispatchEvents.GuildCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildRoleDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildMemberAdd]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberUpdate]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberRemove]: GatewayIntentBits.GuildMembers,
  // Either of the two (guild channels or DMs); the emulator does not tell them apart here.
  [GatewayDispatchEvents.MessageCreate]: GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages,
  [GatewayDispatchEvents.MessageUpdate]: GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages,
};

/** The token a client presents, with or without the "Bot " prefix. */
function bare(token: unknown): string {
  return typeof token === 'string' ? token.replace(/^Bot\s+/i, '') : '';
}

export class DiscordGateway {
  readonly stats: GatewayStats = { identifies: 0, resumes: 0, invalidSessions: 0, heartbeats: 0, replayed: 0, dispatches: 0 };
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  /** The session each open socket is identified or resumed as. */
  private readonly bound = new Map<WebSocket, Session>();
  private readonly heartbeatIntervalMs: number;
  private readonly replayLimit: number;

  constructor(
    private readonly world: GatewayWorld,
    private readonly emulator: EmulatorServer,
    options: GatewayOptions = {},
  ) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.replayLimit = options.replayLimit ?? 1_000;
    emulator.onUpgrade((req, socket, head) => this.upgrade(req, socket, head));
  }

  /** The gateway's address (the emulator's, as ws://), handed out by GET /gateway/bot and as resume_gateway_url. */
  get url(): string {
    return this.emulator.url.replace(/^http/, 'ws');
  }

  /** Sockets open now. */
  get connections(): number {
    return this.wss.clients.size;
  }

  /**
   * Sends a dispatch to every identified session whose intents allow it (GUILD_MEMBER_* need
   * GuildMembers); a session that is disconnected keeps it for its RESUME.
   */
  dispatch(type: string, data: unknown): void {
    const intent = REQUIRED_INTENT[type];
    for (const session of this.sessions.values()) {
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.send(session, type, data);
    }
  }

  /** Driver: closes every connection, with a close frame (`code`, default 4000 Unknown error) or, with `destroy`, by cutting the socket. Sessions stay resumable. */
  dropAll(options: { code?: number; destroy?: boolean } = {}): void {
    for (const socket of this.wss.clients) {
      this.unbind(socket);
      if (options.destroy) socket.terminate();
      else socket.close(options.code ?? GatewayCloseCodes.UnknownError, 'dropped by the emulator');
    }
  }

  /**
   * Driver: forgets every session, as when Discord restarts a gateway node: the next RESUME gets
   * INVALID_SESSION (d: false). With `notify`, connected clients get INVALID_SESSION (d: false) at once
   * (they IDENTIFY again); without, they hear nothing until their connection drops.
   */
  invalidateSessions(options: { notify?: boolean } = {}): void {
    for (const session of this.sessions.values()) {
      if (!options.notify || !session.socket) continue;
      this.stats.invalidSessions += 1;
      this.raw(session.socket, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      this.unbind(session.socket);
    }
    this.sessions.clear();
  }

  /** Forgets sessions and counts (the emulator's reset); open connections are closed. */
  reset(): void {
    this.dropAll({ code: GatewayCloseCodes.UnknownError });
    this.sessions.clear();
    Object.assign(this.stats, { identifies: 0, resumes: 0, invalidSessions: 0, heartbeats: 0, replayed: 0, dispatches: 0 });
  }

  /** Closes every connection and the WebSocket side. */
  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, req));
  }

  private connected(ws: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', 'http://gateway').searchParams;
    ws.on('error', () => this.unbind(ws));
    if (query.get('v') !== '10') {
      ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    if ((query.get('encoding') ?? 'json') !== 'json') {
      ws.close(GatewayCloseCodes.DecodeError, 'Only JSON encoding is emulated');
      return;
    }
    // A connection that misses its heartbeats is closed with 4009, as Discord does; the session stays resumable.
    const timeoutMs = Math.ceil(this.heartbeatIntervalMs * 1.5);
    const silence = setTimeout(() => ws.close(GatewayCloseCodes.SessionTimedOut, 'Session timed out'), timeoutMs).unref();
    ws.on('message', (raw) => {
      silence.refresh();
      this.received(ws, raw);
    });
    ws.on('close', (code) => {
      clearTimeout(silence);
      const session = this.bound.get(ws);
      this.unbind(ws);
      // A client that closes with 1000 or 1001 ends its session, as on Discord; any other code keeps it resumable.
      if (session && (code === 1000 || code === 1001)) this.sessions.delete(session.id);
    });
    this.raw(ws, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.heartbeatIntervalMs }, s: null, t: null });
  }

  private received(ws: WebSocket, raw: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(raw.toString()) as { op?: unknown; d?: unknown };
    } catch {
      ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload');
      return;
    }
    const d = (payload.d ?? {}) as Record<string, unknown>;
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.stats.heartbeats += 1;
        this.raw(ws, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      case GatewayOpcodes.Identify:
        this.identify(ws, d);
        return;
      case GatewayOpcodes.Resume:
        this.resume(ws, d);
        return;
      case GatewayOpcodes.RequestGuildMembers:
        if (this.bound.has(ws)) this.requestGuildMembers(this.bound.get(ws) as Session, d);
        else ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated');
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!this.bound.has(ws)) ws.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated');
        return;
      default:
        ws.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode');
    }
  }

  private identify(ws: WebSocket, d: Record<string, unknown>): void {
    this.stats.identifies += 1;
    if (this.bound.has(ws)) {
      ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated');
      return;
    }
    if (bare(d.token) !== this.world.token) {
      ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed');
      return;
    }
    if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0) {
      ws.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s)');
      return;
    }
    const session: Session = { id: randomBytes(16).toString('hex'), intents: d.intents, seq: 0, events: [], socket: ws };
    this.sessions.set(session.id, session);
    this.bound.set(ws, session);
    const guilds = this.world.guilds();
    this.send(session, GatewayDispatchEvents.Ready, {
      v: 10,
      user: this.world.botUser,
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.url,
      shard: Array.isArray(d.shard) ? d.shard : undefined,
      application: { id: this.world.applicationId, flags: 0 },
    });
    if ((session.intents & GatewayIntentBits.Guilds) === 0) return;
    for (const guild of guilds) this.send(session, GatewayDispatchEvents.GuildCreate, guild);
  }

  private resume(ws: WebSocket, d: Record<string, unknown>): void {
    this.stats.resumes += 1;
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    const since = typeof d.seq === 'number' ? d.seq : -1;
    const oldest = session?.events[0]?.s ?? (session ? session.seq + 1 : 0);
    // Unknown, foreign or too old to replay: the client must IDENTIFY again.
    if (!session || bare(d.token) !== this.world.token || since > session.seq || since < oldest - 1) {
      this.stats.invalidSessions += 1;
      if (session) this.sessions.delete(session.id);
      this.raw(ws, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (session.socket && session.socket !== ws) session.socket.close(GatewayCloseCodes.UnknownError, 'Session resumed elsewhere');
    session.socket = ws;
    this.bound.set(ws, session);
    for (const event of session.events) {
      if (event.s <= since) continue;
      this.stats.replayed += 1;
      this.raw(ws, { op: GatewayOpcodes.Dispatch, s: event.s, t: event.t, d: event.d });
    }
    this.send(session, GatewayDispatchEvents.Resumed, null);
  }

  /**
   * Op 8: answers with GUILD_MEMBERS_CHUNK (1,000 members a chunk) from the world's guild, filtered by
   * `user_ids` or by a username prefix `query`, up to `limit` (0: all), echoing the nonce.
   */
  private requestGuildMembers(session: Session, d: Record<string, unknown>): void {
    const ids = new Set([d.user_ids ?? []].flat().map(String));
    const query = typeof d.query === 'string' ? d.query.toLowerCase() : '';
    const limit = typeof d.limit === 'number' && d.limit > 0 ? d.limit : Infinity;
    const guildIds = [d.guild_id].flat().map(String);
    for (const guild of this.world.guilds().filter((g) => guildIds.includes(g.id))) {
      const members = guild.members
        .filter((m) => (ids.size > 0 ? ids.has(m.user.id) : m.user.username.toLowerCase().startsWith(query)))
        .slice(0, limit);
      const found = new Set(members.map((m) => m.user.id));
      const notFound = [...ids].filter((id) => !found.has(id));
      const count = Math.max(1, Math.ceil(members.length / 1_000));
      for (let i = 0; i < count; i++) {
        this.send(session, GatewayDispatchEvents.GuildMembersChunk, {
          guild_id: guild.id,
          members: members.slice(i * 1_000, (i + 1) * 1_000),
          chunk_index: i,
          chunk_count: count,
          ...(i === 0 && notFound.length > 0 ? { not_found: notFound } : {}),
          ...(typeof d.nonce === 'string' ? { nonce: d.nonce } : {}),
        });
      }
    }
  }

  /** Numbers a dispatch in its session, keeps it for RESUME, and sends it when the session is connected. */
  private send(session: Session, type: string, data: unknown): void {
    session.seq += 1;
    const event: Dispatch = { s: session.seq, t: type, d: data };
    session.events.push(event);
    if (session.events.length > this.replayLimit) session.events.shift();
    this.stats.dispatches += 1;
    if (session.socket) this.raw(session.socket, { op: GatewayOpcodes.Dispatch, s: event.s, t: event.t, d: event.d });
  }

  private raw(ws: WebSocket, payload: { op: number; d: unknown; s: number | null; t: string | null }): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  private unbind(ws: WebSocket): void {
    const session = this.bound.get(ws);
    if (session?.socket === ws) session.socket = undefined;
    this.bound.delete(ws);
  }
}

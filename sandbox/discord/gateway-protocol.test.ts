// The gateway's protocol on the wire, with a bare WebSocket: close codes, READY's shape, sequence numbers, the intents filter, INVALID_SESSION.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { until } from '../../core/testing/until';
import { startDiscordEmulator } from './emulator';
import { attachGateway } from './gateway-world';

interface Frame {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function startGateway(heartbeatIntervalMs = 45_000) {
  const emulator = await startDiscordEmulator();
  const gateway = attachGateway(emulator, { heartbeatIntervalMs });
  stops.push(async () => {
    await gateway.close();
    await emulator.stop();
  });
  const view = emulator.createGuild({ channels: ['general'], roles: ['VIP'] });
  return { emulator, gateway, view, token: emulator.token };
}

/** A bare gateway connection recording every frame and the close code. */
function connect(url: string, token: string, query = '?v=10&encoding=json') {
  const ws = new WebSocket(`${url}/${query}`);
  const frames: Frame[] = [];
  const state: { closeCode?: number } = {};
  ws.on('message', (raw: Buffer) => frames.push(JSON.parse(raw.toString()) as Frame));
  ws.on('close', (code) => {
    state.closeCode = code;
  });
  stops.push(async () => {
    ws.terminate();
  });
  const send = (op: number, d: unknown) => ws.send(JSON.stringify({ op, d }));
  const identify = (intents: number, as = token) =>
    send(GatewayOpcodes.Identify, { token: as, intents, properties: { os: 'linux', browser: 'test', device: 'test' } });
  return { ws, frames, state, send, identify };
}

const dispatches = (frames: Frame[], t: string) => frames.filter((f) => f.op === GatewayOpcodes.Dispatch && f.t === t);

describe('Discord gateway protocol', () => {
  it('says HELLO, then READY with the guilds unavailable, then GUILD_CREATE, numbered in order', async () => {
    const { gateway, view, token } = await startGateway();
    const c = connect(gateway.url, token);
    await until(() => c.frames.some((f) => f.op === GatewayOpcodes.Hello), 'HELLO');
    expect(c.frames[0]).toMatchObject({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 45_000 } });
    c.identify(GatewayIntentBits.Guilds);
    await until(() => dispatches(c.frames, GatewayDispatchEvents.GuildCreate).length === 1, 'GUILD_CREATE');
    const [ready] = dispatches(c.frames, GatewayDispatchEvents.Ready);
    expect(ready).toMatchObject({
      s: 1,
      d: { v: 10, user: { bot: true }, guilds: [{ id: view.id, unavailable: true }], resume_gateway_url: gateway.url },
    });
    expect(typeof (ready?.d as { session_id?: unknown }).session_id).toBe('string');
    expect(dispatches(c.frames, GatewayDispatchEvents.GuildCreate)[0]).toMatchObject({ s: 2, d: { id: view.id, member_count: 2, unavailable: false } });
  });

  it('closes with 4004 on a wrong token and counts the IDENTIFY', async () => {
    const { gateway, token } = await startGateway();
    const c = connect(gateway.url, token);
    await until(() => c.frames.length > 0, 'HELLO');
    c.identify(GatewayIntentBits.Guilds, 'not-the-token');
    await until(() => c.state.closeCode, 'the close');
    expect(c.state.closeCode).toBe(4004);
    expect(dispatches(c.frames, GatewayDispatchEvents.Ready)).toHaveLength(0);
    expect(gateway.stats.identifies).toBe(1);
  });

  it('refuses an API version other than 10 with 4012', async () => {
    const { gateway, token } = await startGateway();
    const c = connect(gateway.url, token, '?v=9&encoding=json');
    await until(() => c.state.closeCode, 'the close');
    expect(c.state.closeCode).toBe(4012);
  });

  it('closes with 4003 when a client sends a presence before identifying', async () => {
    const { gateway, token } = await startGateway();
    const c = connect(gateway.url, token);
    await until(() => c.frames.length > 0, 'HELLO');
    c.send(GatewayOpcodes.PresenceUpdate, { since: null, activities: [], status: 'online', afk: false });
    await until(() => c.state.closeCode, 'the close');
    expect(c.state.closeCode).toBe(4003);
  });

  it('sends member events only to sessions with the GuildMembers intent, and role updates to all', async () => {
    const { emulator, gateway, view, token } = await startGateway();
    const plain = connect(gateway.url, token);
    const members = connect(gateway.url, token);
    await until(() => plain.frames.length > 0 && members.frames.length > 0, 'both HELLOs');
    plain.identify(GatewayIntentBits.Guilds);
    members.identify(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers);
    await until(() => dispatches(plain.frames, 'GUILD_CREATE').length && dispatches(members.frames, 'GUILD_CREATE').length, 'both GUILD_CREATEs');
    emulator.memberJoins(view.id, { username: 'ada' });
    emulator.moveRoleAboveBot(view.id, view.roles.VIP as string);
    await until(() => dispatches(plain.frames, 'GUILD_ROLE_UPDATE').length && dispatches(members.frames, 'GUILD_ROLE_UPDATE').length, 'both role updates');
    expect(dispatches(members.frames, 'GUILD_MEMBER_ADD')).toHaveLength(1);
    expect(dispatches(plain.frames, 'GUILD_MEMBER_ADD')).toHaveLength(0);
    expect(dispatches(plain.frames, 'GUILD_ROLE_UPDATE')[0]?.s).toBe(3);
  });

  it('answers a RESUME of an unknown session with INVALID_SESSION false', async () => {
    const { gateway, token } = await startGateway();
    const c = connect(gateway.url, token);
    await until(() => c.frames.length > 0, 'HELLO');
    c.send(GatewayOpcodes.Resume, { token, session_id: 'no-such-session', seq: 4 });
    await until(() => c.frames.some((f) => f.op === GatewayOpcodes.InvalidSession), 'INVALID_SESSION');
    expect(c.frames.find((f) => f.op === GatewayOpcodes.InvalidSession)?.d).toBe(false);
    expect(gateway.stats).toMatchObject({ resumes: 1, invalidSessions: 1 });
  });

  it('tells GET /gateway/bot callers where the gateway is and how many IDENTIFYs are left, only with the token', async () => {
    const { emulator, gateway, token } = await startGateway();
    const refused = await fetch(`${emulator.server.url}/api/v10/gateway/bot`);
    expect(refused.status).toBe(401);
    const c = connect(gateway.url, token);
    await until(() => c.frames.length > 0, 'HELLO');
    c.identify(GatewayIntentBits.Guilds);
    await until(() => gateway.stats.identifies === 1, 'the IDENTIFY');
    const info = (await (await fetch(`${emulator.server.url}/api/v10/gateway/bot`, { headers: { authorization: `Bot ${token}` } })).json()) as {
      url: string;
      session_start_limit: { total: number; remaining: number };
    };
    expect(info.url).toBe(gateway.url);
    expect(info.session_start_limit).toMatchObject({ total: 1000, remaining: 999 });
  });

  it('closes a connection that stops heartbeating with 4009, and the session can still be resumed', async () => {
    const { emulator, gateway, view, token } = await startGateway(50);
    const c = connect(gateway.url, token);
    await until(() => c.frames.length > 0, 'HELLO');
    c.identify(GatewayIntentBits.Guilds);
    await until(() => c.state.closeCode, 'the close for silence');
    expect(c.state.closeCode).toBe(4009);
    const ready = dispatches(c.frames, GatewayDispatchEvents.Ready)[0]?.d as { session_id: string };
    emulator.moveRoleAboveBot(view.id, view.roles.VIP as string);
    const again = connect(gateway.url, token);
    await until(() => again.frames.length > 0, 'HELLO again');
    again.send(GatewayOpcodes.Resume, { token, session_id: ready.session_id, seq: 2 });
    await until(() => dispatches(again.frames, GatewayDispatchEvents.Resumed).length, 'RESUMED');
    expect(again.frames.filter((f) => f.op === GatewayOpcodes.Dispatch).map((f) => [f.s, f.t])).toEqual([
      [3, 'GUILD_ROLE_UPDATE'],
      [4, 'GUILD_ROLE_UPDATE'],
      [5, 'RESUMED'],
    ]);
  });
});

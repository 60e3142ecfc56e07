// Socket Mode as a bare WebSocket client sees it: a single-use URL from apps.connections.open (app
// token only), hello, envelopes acked by envelope_id with their payload, and disconnect on demand.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from './test-world';

let world: TestWorld | undefined;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await world?.emulator.stop();
  world = undefined;
});

async function openUrl(w: TestWorld, token: string): Promise<{ ok: boolean; url?: string; error?: string }> {
  const res = await fetch(`${w.emulator.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { ok: boolean; url?: string; error?: string };
}

function connect(url: string): Promise<{ ws: WebSocket; messages: Record<string, unknown>[]; next: () => Promise<Record<string, unknown>> }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const messages: Record<string, unknown>[] = [];
  let waiting: ((m: Record<string, unknown>) => void) | undefined;
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(m);
    } else messages.push(m);
  });
  const next = () => (messages.length > 0 ? Promise.resolve(messages.shift()!) : new Promise<Record<string, unknown>>((resolve) => (waiting = resolve)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, messages, next }));
    ws.once('error', reject);
  });
}

describe('Slack Socket Mode', () => {
  it('gives a ws:// URL for the app token only, usable once', async () => {
    world = await startTestWorld();
    expect(await openUrl(world, world.install.botToken)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    const opened = await openUrl(world, world.emulator.app.appToken);
    expect(opened.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/socket\\?ticket=`));
    await connect(opened.url!);
    await expect(connect(opened.url!)).rejects.toThrow(/401/);
  });

  it('says hello, sends a command envelope and takes the ack with its payload as the answer', async () => {
    world = await startTestWorld();
    const { emulator, ws } = world;
    emulator.configureApp({ socketMode: true });
    const socket = await connect((await openUrl(world, emulator.app.appToken)).url!);
    expect(await socket.next()).toMatchObject({ type: 'hello', num_connections: 1, connection_info: { app_id: emulator.app.id } });
    const pending = emulator.slashCommand({ team: ws.id, user: ws.users.sam!, channel: ws.channels.general!, text: 'help' });
    const envelope = await socket.next();
    expect(envelope).toMatchObject({ type: 'slash_commands', accepts_response_payload: true, payload: { command: '/signals', text: 'help', user_id: ws.users.sam } });
    socket.ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'Commands: …' } }));
    const result = await pending;
    expect(result).toMatchObject({ via: 'socket', status: 200, body: { text: 'Commands: …' } });
    expect(emulator.ephemeralsFor(ws.users.sam!).map((e) => e.text)).toEqual(['Commands: …']);
  });

  it('sends events as events_api envelopes and tells sockets to disconnect on demand', async () => {
    world = await startTestWorld();
    const { emulator, ws } = world;
    emulator.configureApp({ socketMode: true });
    const socket = await connect((await openUrl(world, emulator.app.appToken)).url!);
    await socket.next();
    const pending = emulator.sendEvent(ws.id, { type: 'app_home_opened', user: ws.users.sam! });
    const envelope = await socket.next();
    expect(envelope).toMatchObject({ type: 'events_api', accepts_response_payload: false, retry_attempt: 0, payload: { type: 'event_callback', event: { type: 'app_home_opened' } } });
    socket.ws.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
    expect((await pending).attempts[0]!.status).toBe(200);
    emulator.socketMode.disconnect('refresh_requested');
    expect(await socket.next()).toMatchObject({ type: 'disconnect', reason: 'refresh_requested' });
  });

  it('reports no delivery when the app uses Socket Mode and no socket is open', async () => {
    world = await startTestWorld();
    world.emulator.configureApp({ socketMode: true });
    const result = await world.emulator.sendEvent(world.ws.id, { type: 'app_home_opened', user: world.ws.users.sam! });
    expect(result.attempts[0]).toMatchObject({ via: 'socket', status: 0, error: 'no socket connected' });
  });
});

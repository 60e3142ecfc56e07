import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { until } from '../../core/testing/until';
import { EmulatorServer } from './emulator';

function makeEmulator(): EmulatorServer {
  const emu = new EmulatorServer({
    name: 'demo',
    renderFault: (fault) =>
      fault.kind === 'rate_limit'
        ? { status: 429, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: { error: 'slow down' } }
        : fault.kind === 'server_error'
          ? { status: fault.status ?? 500, body: { error: 'boom' } }
          : { status: fault.status, body: { error: fault.description } },
  });
  emu.route('POST', '/bot:token/:method', (req) => ({ body: { token: req.params.token, method: req.params.method, got: req.body } }));
  return emu;
}

describe('EmulatorServer', () => {
  let emu: EmulatorServer;
  afterEach(async () => emu.stop());

  it('routes with parameters, answers JSON and records the request', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${base}/bot123:abc/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"chat_id":1}' });
    expect(await res.json()).toEqual({ token: '123:abc', method: 'sendMessage', got: { chat_id: 1 } });
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0]).toMatchObject({ method: 'POST', path: '/bot123:abc/sendMessage', body: { chat_id: 1 }, status: 200 });
  });

  it('answers the next calls with an injected fault, then normally again', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    emu.failNext({ kind: 'rate_limit', retryAfterSeconds: 3 }, { count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/botx/getMe`, { method: 'POST' })).status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('injects a fault only into matching requests', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    emu.failNext({ kind: 'platform_error', status: 403, description: 'Forbidden' }, { match: (r) => r.path.endsWith('/sendMessage') });
    expect((await fetch(`${base}/botx/getMe`, { method: 'POST' })).status).toBe(200);
    expect((await fetch(`${base}/botx/sendMessage`, { method: 'POST' })).status).toBe(403);
  });

  it('refuses connections while paused and answers again on the same address after resume, keeping its records', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    expect((await fetch(`${base}/botx/getMe`, { method: 'POST' })).status).toBe(200);
    await emu.pause();
    expect(emu.paused).toBe(true);
    const refused = await fetch(`${base}/botx/getMe`, { method: 'POST' }).catch((err: Error) => err);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error & { cause?: { code?: string } }).cause?.code)).toBe('ECONNREFUSED');
    await emu.resume();
    expect(emu.url).toBe(base);
    expect((await fetch(`${base}/botx/getMe`, { method: 'POST' })).status).toBe(200);
    expect(emu.requests).toHaveLength(2);
  });

  it('ends hanging requests when its faults are cleared', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    emu.failNext({ kind: 'hang' }, { count: 10 });
    const hung = fetch(`${base}/botx/getMe`, { method: 'POST' }).then(() => 'answered', () => 'dropped');
    await until(() => emu.requests.length === 1, 'the request to arrive');
    emu.clearFaults();
    expect(await hung).toBe('dropped');
    expect((await fetch(`${base}/botx/getMe`, { method: 'POST' })).status).toBe(200);
  });

  it('hangs a request until the time given, then drops it', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    emu.failNext({ kind: 'hang', ms: 50 });
    await expect(fetch(`${base}/botx/getMe`, { method: 'POST' })).rejects.toThrow();
  });

  it('tells a handler, through its signal, that the client went away', async () => {
    emu = makeEmulator();
    let sawAbort!: () => void;
    const aborted = new Promise<void>((resolve) => (sawAbort = resolve));
    emu.route('POST', '/slow', (req) => new Promise((resolve) => {
      req.signal.addEventListener('abort', () => {
        sawAbort();
        resolve({ body: 'too late' });
      });
    }));
    const base = await emu.start();
    const client = new AbortController();
    const call = fetch(`${base}/slow`, { method: 'POST', signal: client.signal }).catch(() => 'gone');
    while (emu.requests.length === 0) await new Promise((r) => setImmediate(r));
    client.abort();
    expect(await call).toBe('gone');
    await aborted;
  });

  it('answers 404 for an unknown route and resets its records', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    emu.resetBase();
    expect(emu.requests).toHaveLength(0);
  });

  it('answers 400 to a request target it cannot read, and keeps serving', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    const { port } = new URL(base);
    // "//" is not a path the URL parser accepts: the emulator must answer, not reject unhandled.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '//', method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject).end();
    });
    expect(status).toBe(400);
    expect((await fetch(`${base}/botx/getMe`, { method: 'POST' })).status).toBe(200);
  });

  it('hands WebSocket upgrades to its handler and cuts those sockets when paused', async () => {
    emu = makeEmulator();
    const wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws) => ws.send('hello'));
    emu.onUpgrade((req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
    const base = await emu.start();
    const ws = new WebSocket(base.replace('http', 'ws'));
    const got: string[] = [];
    let closed = false;
    ws.on('message', (raw: Buffer) => got.push(raw.toString()));
    ws.on('close', () => {
      closed = true;
    });
    await until(() => got.length > 0, 'the greeting');
    expect(got).toEqual(['hello']);
    await emu.pause();
    await until(() => closed, 'the socket cut by the pause');
    await emu.resume();
    wss.close();
  });

  it('refuses a WebSocket upgrade when no handler takes it', async () => {
    emu = makeEmulator();
    const base = await emu.start();
    const ws = new WebSocket(base.replace('http', 'ws'));
    const failed = await new Promise<boolean>((resolve) => {
      ws.on('open', () => resolve(false));
      ws.on('error', () => resolve(true));
    });
    expect(failed).toBe(true);
  });
});

import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../core/testing/until';
import { createHarness, validSignal, type Harness } from './testing/harness';

let h: Harness | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.app.close();
  h = undefined;
});

const SHORT = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200, maxConnections: 30 };

interface Slow {
  socket: Socket;
  /** Everything the server wrote, once it closed the connection. */
  closed: Promise<string>;
}

/** Opens a connection and sends `text`, never finishing the request. */
async function openSlow(port: number, text: string): Promise<Slow> {
  const socket = connect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString('utf8')));
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(text);
  return { socket, closed };
}

async function listen(harness: Harness): Promise<{ url: string; port: number }> {
  const url = await harness.app.listen({ port: 0, host: '127.0.0.1' });
  return { url, port: Number(new URL(url).port) };
}

function ingest(url: string, key: string, publisherId: string): Promise<Response> {
  return fetch(`${url}/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify(validSignal({ publisherId })),
  });
}

describe('slow and idle connections', () => {
  it('keeps answering ingest while half-sent requests hang, and closes those after the header timeout with a 408 in our shape', async () => {
    h = await createHarness({ http: SHORT });
    const { url, port } = await listen(h);
    const slow = await Promise.all(Array.from({ length: 20 }, () => openSlow(port, 'POST /v1/signals HTTP/1.1\r\nHost: x\r\nContent-Type: appl')));

    const res = await ingest(url, h.key, 'during-slowloris');
    expect(res.status).toBe(202);

    const answers = await Promise.all(slow.map((s) => s.closed));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('{"error":{"code":"request_timeout","message":"the request did not arrive in time"}}');
    }
  });

  it('closes a request whose body never finishes arriving', async () => {
    h = await createHarness({ http: SHORT });
    const { port } = await listen(h);
    const slow = await openSlow(port, `POST /v1/signals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${h.key}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"publisherId":`);
    await slow.closed;
    expect(slow.socket.destroyed).toBe(true);
    expect((h.db.$client.prepare('select count(*) as n from signals').get() as { n: number }).n).toBe(0);
  });

  it('refuses connections above the cap, and answers again once the hanging ones time out', async () => {
    // Long enough that the hanging ones are surely still open when the sixth connection arrives.
    h = await createHarness({ http: { headersTimeoutMs: 2_000, requestTimeoutMs: 2_000, keepAliveTimeoutMs: 200, maxConnections: 5 } });
    const { url, port } = await listen(h);
    const slow = await Promise.all(Array.from({ length: 5 }, () => openSlow(port, 'GET /healthz HTTP/1.1\r\n')));
    await until(async () => (await connections(h!)) === 5, 'five open connections');

    await expect(ingest(url, h.key, 'over-the-cap')).rejects.toThrow();
    await until(() => h!.logger.records.find((r) => r.msg === 'connections refused: HTTP_MAX_CONNECTIONS reached'), 'the refusal to be logged');

    await Promise.all(slow.map((s) => s.closed));
    await until(async () => (await connections(h!)) === 0, 'the hanging connections to close');
    expect((await ingest(url, h.key, 'after-the-timeout')).status).toBe(202);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    // The other timeouts are far longer than the test's own, so only the keep-alive one can close it.
    h = await createHarness({ http: { headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 200, maxConnections: 30 } });
    const { port } = await listen(h);
    const idle = await openSlow(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await idle.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});

function connections(harness: Harness): Promise<number> {
  return new Promise((resolve, reject) => harness.app.server.getConnections((err, count) => (err ? reject(err) : resolve(count))));
}

// A loopback endpoint that records webhook deliveries byte for byte and answers as a test tells it,
// so tests can check signatures, retries, duplicates and order without a full app.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  rawBody: string;
  signature: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** The event's id and type, read from the body. */
  id: string;
  type: string;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** The statuses to answer next, one per delivery; 200 once they run out. */
  answerNext(...statuses: number[]): void;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(path = '/webhooks/stripe'): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let parsed: { id?: string; type?: string } = {};
      try {
        parsed = JSON.parse(rawBody) as { id?: string; type?: string };
      } catch {
        // recorded as is; the test decides what a bad body means
      }
      const signature = req.headers['stripe-signature'];
      received.push({ rawBody, signature: Array.isArray(signature) ? signature[0] : signature, headers: req.headers, id: parsed.id ?? '', type: parsed.type ?? '' });
      res.writeHead(req.url === path ? (statuses.shift() ?? 200) : 404, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answerNext: (...next) => statuses.push(...next),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

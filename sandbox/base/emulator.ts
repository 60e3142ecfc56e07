// The base every emulator stands on: a loopback HTTP server that records each request,
// injects faults on demand (rate limit, server error, hang, platform error), can be paused (connections refused) and reset.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Takes over an HTTP upgrade request (a WebSocket side, such as a chat app's gateway). */
export type UpgradeHandler = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

export interface RecordedRequest {
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** The body parsed as JSON or a form when it is one, else undefined. */
  body: unknown;
  /** What the emulator answered. */
  status?: number;
}

export interface EmulatorRequest extends RecordedRequest {
  params: Record<string, string>;
  /** Aborted when the client goes away (or the server stops) before the answer is written. */
  signal: AbortSignal;
}

export interface EmulatorResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string or a Buffer. */
  body?: unknown;
  /** Closes the connection instead of answering: the work was done but the client never hears back. */
  drop?: boolean;
}

export type Fault =
  | { kind: 'rate_limit'; retryAfterSeconds: number; global?: boolean }
  | { kind: 'server_error'; status?: number }
  | { kind: 'hang'; ms?: number }
  | { kind: 'platform_error'; status: number; description: string; code?: number | string };

export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

interface PendingFault {
  fault: Fault;
  remaining: number;
  match: ((req: RecordedRequest) => boolean) | undefined;
}

export interface EmulatorOptions {
  name: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Renders an injected fault in the platform's own error shape. */
  renderFault: (fault: Exclude<Fault, { kind: 'hang' }>, req: RecordedRequest) => EmulatorResponse;
}

/** "/bot:token/:method" -> a RegExp with named captures; "*" at the end matches the rest. */
function compile(path: string | RegExp): { pattern: RegExp; keys: string[] } {
  if (path instanceof RegExp) return { pattern: path, keys: [] };
  const keys: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part === '*') {
        keys.push('rest');
        return '(.*)';
      }
      return part.replace(/:([A-Za-z_]\w*)/g, (_m, key: string) => {
        keys.push(key);
        return '([^/]+)';
      }).replace(/\./g, '\\.');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), keys };
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  return undefined;
}

export class EmulatorServer {
  readonly name: string;
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private faults: PendingFault[] = [];
  private server: Server | undefined;
  private readonly hangs = new Set<ServerResponse>();
  private baseUrl = '';
  private upgradeHandler: UpgradeHandler | undefined;
  /** Sockets taken over by an upgrade: the HTTP server no longer tracks them, so pause and stop cut them here. */
  private readonly upgraded = new Set<Socket>();

  constructor(private readonly options: EmulatorOptions) {
    this.name = options.name;
  }

  route(method: string, path: string | RegExp, handler: Handler): this {
    const { pattern, keys } = compile(path);
    this.routes.push({ method: method.toUpperCase(), pattern, keys, handler });
    return this;
  }

  /** Hands HTTP upgrade requests (WebSockets) to `handler`; without one they are refused. Survives pause and resume. */
  onUpgrade(handler: UpgradeHandler): this {
    this.upgradeHandler = handler;
    return this;
  }

  /** The next `count` requests (that `match`, when given) get `fault` instead of an answer. */
  failNext(fault: Fault, options: { count?: number; match?: (req: RecordedRequest) => boolean } = {}): void {
    this.faults.push({ fault, remaining: options.count ?? 1, match: options.match });
  }

  /** Drops pending faults and ends the requests held by a 'hang' fault (their connections close unanswered). */
  clearFaults(): void {
    this.faults = [];
    for (const res of this.hangs) res.destroy();
    this.hangs.clear();
  }

  /**
   * Stops listening, as an outage would: new connections are refused and open ones are closed,
   * while the emulator keeps its state and its address. `resume()` listens on the same port again.
   */
  async pause(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const res of this.hangs) res.destroy();
    this.hangs.clear();
    this.server = undefined;
    server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the port it had before `pause()`. */
  async resume(): Promise<void> {
    if (this.server) return;
    if (!this.baseUrl) throw new Error(`${this.name} emulator was never started`);
    await this.listen(Number(new URL(this.baseUrl).port));
  }

  /** The address and port it listens on as the system reports them (0.0.0.0 when every address), or null when not listening. */
  get listening(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null | undefined) ?? null;
  }

  get paused(): boolean {
    return this.baseUrl !== '' && !this.server;
  }

  /** Forgets recorded requests and pending faults (emulator state is the subclass's to reset). */
  resetBase(): void {
    this.requests.length = 0;
    this.faults = [];
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} emulator is not started`);
    return this.baseUrl;
  }

  async start(): Promise<string> {
    await this.listen(this.options.port ?? 0);
    return this.baseUrl;
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      // A request it cannot even read (a target URL cannot parse, a body cut off) is answered 400, never left unhandled.
      this.handle(req, res).catch(() => {
        if (res.headersSent) res.destroy();
        else this.write(res, { status: 400, body: { error: `${this.name} emulator could not read the request` } });
      });
    });
    server.keepAliveTimeout = 60_000;
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (!this.upgradeHandler) {
        socket.destroy();
        return;
      }
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
      this.upgradeHandler(req, socket, head);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    // An IPv6 address (::1, or :: for every address) is bracketed in a URL.
    this.baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hangs) res.destroy();
    this.hangs.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private takeFault(req: RecordedRequest): Fault | undefined {
    const pending = this.faults.find((f) => !f.match || f.match(req));
    if (!pending) return undefined;
    pending.remaining -= 1;
    if (pending.remaining <= 0) this.faults = this.faults.filter((f) => f !== pending);
    return pending.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const recorded: RecordedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    this.requests.push(recorded);
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });

    const fault = this.takeFault(recorded);
    if (fault?.kind === 'hang') {
      this.hangs.add(res);
      res.on('close', () => this.hangs.delete(res));
      if (fault.ms !== undefined) setTimeout(() => res.destroy(), fault.ms).unref();
      return;
    }
    let answer: EmulatorResponse;
    try {
      answer = fault ? this.options.renderFault(fault, recorded) : await this.dispatch(recorded, aborter.signal);
    } catch (err) {
      answer = { status: 500, body: { error: `${this.name} emulator failed: ${(err as Error).message}` } };
    }
    recorded.status = answer.status ?? 200;
    this.write(res, answer);
  }

  private async dispatch(req: RecordedRequest, signal: AbortSignal): Promise<EmulatorResponse> {
    for (const route of this.routes) {
      if (route.method !== req.method && route.method !== '*') continue;
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      const params: Record<string, string> = { ...(m.groups ?? {}) };
      route.keys.forEach((key, i) => {
        params[key] = decodeURIComponent(m[i + 1] ?? '');
      });
      return route.handler({ ...req, params, signal });
    }
    return { status: 404, body: { error: `${this.name} emulator has no route ${req.method} ${req.path}` } };
  }

  private write(res: ServerResponse, answer: EmulatorResponse): void {
    // A long-polling client may have gone away while its answer was pending.
    if (res.destroyed || res.writableEnded) return;
    if (answer.drop) {
      res.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(answer.body) || typeof answer.body === 'string') {
      payload = answer.body;
    } else if (answer.body !== undefined) {
      payload = JSON.stringify(answer.body);
      headers['content-type'] ??= 'application/json';
    }
    res.writeHead(answer.status ?? 200, headers);
    res.end(payload);
  }
}

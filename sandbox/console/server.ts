// The sandbox console's loopback HTTP server: GET / renders every platform section, POST /<section>/<action> runs a form and redirects back.
import { randomBytes } from 'node:crypto';
import { EmulatorServer, type EmulatorRequest, type EmulatorResponse } from '../base/emulator';
import { contentSecurityPolicy, consolePage, escapeHtml } from './html';
import { renderHowTo } from './how-to';
import { ConsoleInputError, type ConsoleSection } from './section';

export interface ConsoleOptions {
  /** The platforms' parts of the page, in order. */
  sections: ConsoleSection[];
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The address to listen on: 127.0.0.1 by default; the service's HOST in the sandbox (0.0.0.0 reaches it from outside a container). */
  host?: string;
  /** How often the page reloads itself when JavaScript runs; 0 turns it off. Default 3000 ms. */
  refreshMs?: number;
}

function html(body: string, nonce: string, status = 200): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': contentSecurityPolicy(nonce) },
    body,
  };
}

function pageQuery(query: URLSearchParams): string {
  const q = query.toString();
  return q ? `?${q}` : '';
}

/**
 * A page where a person acts as a subscriber on each platform of the sandbox: it stands on its own
 * server (not on one emulator's) because it spans platforms, and so its traffic never shows in an
 * emulator's recorded requests. Listens on 127.0.0.1 only.
 */
export class SandboxConsole {
  readonly server: EmulatorServer;
  private serviceUrl: string | undefined;

  constructor(private readonly options: ConsoleOptions) {
    this.server = new EmulatorServer({
      name: 'console',
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      renderFault: () => ({ status: 500, body: 'injected fault' }),
    });
    this.server.route('GET', '/', (req) => this.render(req.query));
    this.server.route('POST', '/:section/:action', (req) => this.act(req));
    this.server.route('*', '/*', (req) => this.error(new ConsoleInputError(`There is no page ${req.method} ${req.path}.`, 404), req.query));
  }

  /** `http://<host>:<port>` to open it on this machine (127.0.0.1 when it listens on every address). */
  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    const shown = ANY_ADDRESS.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.port}`;
  }

  /** The port it listens on. */
  get port(): number {
    return Number(/:(\d+)$/.exec(this.server.url)?.[1]);
  }

  /** The service's own URL, once it listens: the how-to shows how to publish a signal to it. */
  setServiceUrl(url: string): void {
    this.serviceUrl = url.replace(/\/+$/, '');
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  private render(query: URLSearchParams): EmulatorResponse {
    const nonce = randomBytes(12).toString('base64url');
    const notice = query.get('notice');
    const parts = this.options.sections.map((s) => {
      const actionUrl = (action: string) => `/${encodeURIComponent(s.id)}/${encodeURIComponent(action)}${pageQuery(withoutNotice(query))}`;
      return `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>${s.render(query, actionUrl)}</section>`;
    });
    const body = `<h1>Signalcast sandbox console</h1>
<p class="meta">Act as a subscriber: nothing here leaves this machine. <a href="/${escapeHtml(pageQuery(withoutNotice(query)))}">Refresh</a></p>
${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}
${renderHowTo(this.serviceUrl)}
${parts.join('\n')}`;
    return html(consolePage({ title: 'Signalcast sandbox console', body, nonce, refreshMs: this.options.refreshMs ?? 3000 }), nonce);
  }

  private act(req: EmulatorRequest): EmulatorResponse {
    // A page on another site may not drive the console (browsers send Origin on a cross-site form post).
    const origin = req.headers.origin;
    if (typeof origin === 'string' && !this.isOwnOrigin(origin, req.headers.host)) return this.error(new ConsoleInputError('Forms from another site are refused.', 403), req.query);
    const section = this.options.sections.find((s) => s.id === req.params.section);
    if (!section) return this.error(new ConsoleInputError(`There is no section ${JSON.stringify(req.params.section)}.`, 404), req.query);
    const form = req.body instanceof URLSearchParams ? req.body : new URLSearchParams(req.rawBody.toString('utf8'));
    try {
      const outcome = section.act(req.params.action ?? '', form, req.query);
      const next = withoutNotice(req.query);
      for (const [key, value] of Object.entries(outcome.query ?? {})) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      if (outcome.notice) next.set('notice', outcome.notice);
      return { status: 303, headers: { location: `/${pageQuery(next)}` }, body: '' };
    } catch (err) {
      // The emulator's drivers refuse with a plain Error saying why (e.g. the user blocked the bot).
      const failure = err instanceof ConsoleInputError ? err : new ConsoleInputError((err as Error).message, 409);
      return this.error(failure, req.query);
    }
  }

  /**
   * This console's own page, whichever loopback name the browser used for it (127.0.0.1, localhost,
   * [::1]), or the name it was reached by from elsewhere (a Docker host, another machine): the form's
   * Origin is the address the request itself went to.
   */
  private isOwnOrigin(origin: string, host: string | string[] | undefined): boolean {
    if (origin === this.url) return true;
    try {
      const from = new URL(origin);
      // Only when it listens beyond loopback: on loopback alone, a page on another name is never the console.
      const beyondLoopback = !LOOPBACK_HOSTS.has(this.options.host ?? '127.0.0.1');
      if (beyondLoopback && typeof host === 'string' && from.protocol === 'http:' && from.host === host.toLowerCase()) return true;
      return LOOPBACK_NAMES.has(from.hostname) && from.port === String(this.port);
    } catch {
      return false;
    }
  }

  private error(err: ConsoleInputError, query: URLSearchParams): EmulatorResponse {
    const nonce = randomBytes(12).toString('base64url');
    const body = `<h1>That did not work</h1><p class="error" role="alert">${escapeHtml(err.message)}</p><p><a href="/${escapeHtml(pageQuery(withoutNotice(query)))}">Back to the console</a></p>`;
    return html(consolePage({ title: 'Signalcast sandbox console: error', body, nonce }), nonce, err.status);
  }
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

function withoutNotice(query: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(query);
  copy.delete('notice');
  return copy;
}

/** Starts the console on a free loopback port (or `options.port`). */
export async function startConsole(options: ConsoleOptions): Promise<SandboxConsole> {
  return new SandboxConsole(options).start();
}

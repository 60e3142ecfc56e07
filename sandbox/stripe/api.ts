// The /v1 surface on top of the base emulator: the Bearer key, form decoding, `expand[]`, Stripe-shaped
// errors, Idempotency-Key replay, and the response headers stripe-node reads.
import type { EmulatorRequest, EmulatorResponse, EmulatorServer, RecordedRequest } from '../base/emulator';
import { authenticationFailed, idempotencyMismatch, invalidParam, StripeApiError, unrecognizedUrl } from './errors';
import { expand } from './expand';
import { decodeForm, FormDecodeError, type FormObject } from './form';
import { stripeId } from './ids';
import { processDue } from './lifecycle';
import type { Cause, StripeWorld } from './world';

/** What a route handler receives: path parameters, the decoded form (query or body) without `expand`, and the cause. */
export interface ApiContext {
  path: Record<string, string>;
  form: FormObject;
  cause: Cause;
}

export type ApiHandler = (ctx: ApiContext) => unknown;

export interface ApiOptions {
  secretKey: string;
  apiVersion: string;
  /** Consulted for every POST after it has been processed: true loses the answer (the connection drops). */
  dropAnswer: (req: RecordedRequest) => boolean;
}

function header(req: RecordedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readExpand(form: FormObject): string[] {
  const raw = form.expand;
  delete form.expand;
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) throw invalidParam('expand', 'Invalid array');
  return raw as string[];
}

export class StripeApi {
  constructor(
    private readonly server: EmulatorServer,
    private readonly world: StripeWorld,
    private readonly options: ApiOptions,
  ) {}

  get(path: string, handler: ApiHandler): this {
    this.server.route('GET', path, (req) => this.handle(req, handler));
    return this;
  }

  post(path: string, handler: ApiHandler): this {
    this.server.route('POST', path, (req) => this.handle(req, handler));
    return this;
  }

  delete(path: string, handler: ApiHandler): this {
    this.server.route('DELETE', path, (req) => this.handle(req, handler));
    return this;
  }

  /** Answers every other /v1 path as Stripe does; register it last. */
  fallback(): this {
    this.server.route('*', '/v1/*', (req) => this.handle(req, () => {
      throw unrecognizedUrl(req.method, req.path);
    }));
    return this;
  }

  private authenticate(req: RecordedRequest): void {
    const auth = header(req, 'authorization');
    const match = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
    if (!match) throw authenticationFailed(auth === undefined ? undefined : '');
    if (match[1] !== this.options.secretKey) throw authenticationFailed(match[1]);
  }

  private handle(req: EmulatorRequest, handler: ApiHandler): EmulatorResponse {
    const requestId = stripeId('req');
    const headers: Record<string, string> = { 'request-id': requestId, 'stripe-version': header(req, 'stripe-version') ?? this.options.apiVersion };
    const key = req.method === 'POST' ? header(req, 'idempotency-key') : undefined;
    if (key !== undefined) headers['idempotency-key'] = key;
    try {
      this.authenticate(req);
      const body = req.rawBody.toString('utf8');
      if (key !== undefined) {
        const stored = this.world.store.idempotency.get(key);
        if (stored) {
          if (stored.method !== req.method || stored.path !== req.path || stored.body !== body) throw idempotencyMismatch(key);
          return {
            status: stored.status,
            headers: { ...headers, 'content-type': 'application/json', 'idempotent-replayed': 'true', 'original-request': stored.requestId },
            body: stored.payload,
          };
        }
      }
      const answer = this.execute(req, handler, { requestId, idempotencyKey: key ?? null });
      const payload = JSON.stringify(answer.body, null, 2);
      // Stripe keeps the result of any request that began executing; validation failures are not kept.
      if (key !== undefined && answer.status !== 400) {
        this.world.store.idempotency.set(key, { method: req.method, path: req.path, body, status: answer.status, payload, requestId });
      }
      if (req.method === 'POST' && this.options.dropAnswer(req)) return { drop: true };
      return { status: answer.status, headers: { ...headers, 'content-type': 'application/json' }, body: payload };
    } catch (err) {
      if (err instanceof StripeApiError) return err.toResponse(headers);
      throw err;
    }
  }

  private execute(req: EmulatorRequest, handler: ApiHandler, cause: Cause): { status: number; body: unknown } {
    try {
      const source = req.method === 'POST' ? req.rawBody.toString('utf8') : req.query;
      const form = decodeForm(source);
      const paths = readExpand(form);
      processDue(this.world);
      const result = this.world.run(() => handler({ path: req.params, form, cause }), cause);
      return { status: 200, body: expand(this.world, result, paths) };
    } catch (err) {
      if (err instanceof FormDecodeError) return { status: 400, body: invalidParam(err.param, err.message).toResponse().body };
      if (err instanceof StripeApiError) return { status: err.status, body: err.toResponse().body };
      // A bug in the emulator still answers in Stripe's shape, with the cause in the message.
      return { status: 500, body: { error: { type: 'api_error', message: `The Stripe emulator failed: ${(err as Error).message}` } } };
    }
  }
}

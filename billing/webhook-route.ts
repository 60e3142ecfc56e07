// POST /webhooks/stripe (fastify): raw-body signature check, 400 for a bad signature, 500 (so Stripe retries) when processing fails.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/logger';
import { errorBody } from '../server/http-errors';
import { WebhookSignatureError, type StripeWebhook } from './webhook';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

/** Stripe's events are a few KiB; this leaves room without accepting anything huge. */
const WEBHOOK_BODY_LIMIT = 512 * 1024;

/** The processor behind the route, a logger, and the path (default /webhooks/stripe). */
export interface StripeWebhookRouteDeps {
  webhook: StripeWebhook;
  logger: Logger;
  path?: string;
}

/**
 * Registers the webhook in its own fastify scope, whose JSON parser keeps the raw bytes: the
 * signature is over them, and re-serialised JSON would not match. Other routes keep their parsers.
 */
export function registerStripeWebhook(app: FastifyInstance, deps: StripeWebhookRouteDeps): void {
  const path = deps.path ?? STRIPE_WEBHOOK_PATH;
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.post(path, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      let event;
      try {
        event = deps.webhook.verify(raw, request.headers['stripe-signature']);
      } catch (err) {
        if (!(err instanceof WebhookSignatureError)) throw err;
        deps.logger.warn({ reqId: request.id, reason: err.message }, 'Stripe webhook refused');
        return reply.code(400).send(errorBody('bad_signature', err.message));
      }
      try {
        const result = await deps.webhook.handle(event);
        return reply.code(200).send({ received: true, outcome: result.outcome });
      } catch (err) {
        deps.logger.error({ err, reqId: request.id, eventId: event.id, type: event.type }, 'Stripe webhook failed; Stripe will retry it');
        return reply.code(500).send(errorBody('internal', 'processing failed; retry later'));
      }
    });
  });
}

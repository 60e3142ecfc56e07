// /v1/events: every event the emulator has emitted, newest first, filterable by type and creation time.
import type { StripeApi } from '../api';
import { paginate } from '../objects/list';
import { listShape, p, parseParams } from '../params';
import { StripeStore } from '../store';
import type { StripeWorld } from '../world';

const range = p.object({ gt: p.integer().optional(), gte: p.integer().optional(), lt: p.integer().optional(), lte: p.integer().optional() });
const listSchema = p.object({
  ...listShape,
  type: p.string().optional(),
  types: p.array(p.string()).optional(),
  created: range.or(p.integer()).optional(),
  delivery_success: p.boolean().optional(),
});

/** Stripe's type filter: "customer.subscription.*" matches a family. */
function typeMatches(pattern: string, type: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

export function registerEventRoutes(api: StripeApi, world: StripeWorld): void {
  api.get('/v1/events/:id', ({ path }) => world.store.event(path.id as string));
  api.get('/v1/events', ({ form }) => {
    const params = parseParams(listSchema, form);
    const created = params.created;
    const all = StripeStore.newestFirst(world.store.events.values()).filter((e) => {
      if (params.type !== undefined && !typeMatches(params.type, e.type)) return false;
      if (params.types !== undefined && !params.types.some((t) => typeMatches(t, e.type))) return false;
      if (typeof created === 'number') return e.created === created;
      if (created) {
        if (created.gt !== undefined && !(e.created > created.gt)) return false;
        if (created.gte !== undefined && !(e.created >= created.gte)) return false;
        if (created.lt !== undefined && !(e.created < created.lt)) return false;
        if (created.lte !== undefined && !(e.created <= created.lte)) return false;
      }
      return true;
    });
    return paginate(all, params, '/v1/events', 'event');
  });
}

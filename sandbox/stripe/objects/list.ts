// Stripe's list envelope and cursor pagination (newest first, `starting_after` / `ending_before`, `has_more`).
import type Stripe from 'stripe';
import { invalidParam, resourceMissing } from '../errors';

export interface PageParams {
  limit?: number | undefined;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

export function buildList<T>(data: T[], url: string, hasMore = false): Stripe.ApiList<T> {
  return { object: 'list', data, has_more: hasMore, url };
}

/** Pages through `items`, which must already be in the API's order (newest first). */
export function paginate<T extends { id: string }>(items: T[], params: PageParams, url: string, kind: string): Stripe.ApiList<T> {
  const limit = params.limit ?? 10;
  if (limit < 1 || limit > 100) throw invalidParam('limit', `Invalid limit: must be between 1 and 100`);
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw invalidParam('ending_before', 'You may only specify one of these parameters: ending_before, starting_after.');
  }
  if (params.starting_after !== undefined) {
    const at = items.findIndex((i) => i.id === params.starting_after);
    if (at < 0) throw resourceMissing(kind, params.starting_after, 'starting_after');
    const rest = items.slice(at + 1);
    return buildList(rest.slice(0, limit), url, rest.length > limit);
  }
  if (params.ending_before !== undefined) {
    const at = items.findIndex((i) => i.id === params.ending_before);
    if (at < 0) throw resourceMissing(kind, params.ending_before, 'ending_before');
    const before = items.slice(0, at);
    return buildList(before.slice(Math.max(0, before.length - limit)), url, before.length > limit);
  }
  return buildList(items.slice(0, limit), url, items.length > limit);
}

// Reconciliation: lists every subscription in Stripe and repairs the local mirror where it drifted (a missed webhook).
import type Stripe from 'stripe';
import type { Instant } from '../core/entitlement';
import type { StripeEventStore } from '../core/billing/store';
import type { Logger } from '../core/logger';
import { toBillingError } from './errors';
import type { MirroredField } from './subscription-mirror';
import type { SubscriptionSync } from './subscription-sync';

/** A subscription's state as a report shows it. */
export interface MirrorState {
  planId: string;
  status: string;
  /** Milliseconds since the epoch. */
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
}

/** One subscription whose mirror differed from Stripe. */
export interface ReconcileChange {
  stripeSubscriptionId: string;
  accountId: string;
  /** 'missing': no local row; 'drifted': the row differs in `fields`. */
  kind: 'missing' | 'drifted';
  fields: MirroredField[];
  before: MirrorState | null;
  after: MirrorState;
  /** False in a dry run. */
  applied: boolean;
}

/** What a run found and (unless a dry run) repaired. */
export interface ReconcileReport {
  dryRun: boolean;
  /** Subscriptions Stripe listed. */
  checked: number;
  changes: ReconcileChange[];
  /** Stripe subscriptions no account claims (no metadata, unknown customer): left alone. */
  unknown: { stripeSubscriptionId: string; customerId: string }[];
  /** Local mirrors of subscriptions Stripe did not list: reported, not changed. */
  orphans: { stripeSubscriptionId: string; accountId: string }[];
  errors: { stripeSubscriptionId: string; message: string }[];
}

export interface ReconcileOptions {
  /** Report what would change, change nothing. */
  dryRun?: boolean;
  /** Subscriptions per page of Stripe's list (1-100, default 100). */
  pageSize?: number;
}

/** What reconciliation needs: the client to list with, and the sync that repairs (the webhook's own path). */
export interface ReconcileDeps {
  stripe: Stripe;
  sync: SubscriptionSync;
  events: StripeEventStore;
  logger: Logger;
}

const ms = (t: Instant | null | undefined): number | null => (t === null || t === undefined ? null : typeof t === 'number' ? t : t.getTime());

function stateOf(row: { planId: string; status: string; currentPeriodEnd?: Instant | null; cancelAtPeriodEnd?: boolean }): MirrorState {
  return { planId: row.planId, status: row.status, currentPeriodEnd: ms(row.currentPeriodEnd), cancelAtPeriodEnd: row.cancelAtPeriodEnd ?? false };
}

/**
 * Compares every Stripe subscription (all statuses, every page) with the mirror and, unless
 * `dryRun`, repairs each difference through the webhook's own path (fresh fetch, audit, hook).
 * One subscription failing does not stop the others; failing to list at all throws.
 */
export async function reconcileSubscriptions(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const dryRun = options.dryRun ?? false;
  const report: ReconcileReport = { dryRun, checked: 0, changes: [], unknown: [], orphans: [], errors: [] };
  const listed = new Set<string>();
  try {
    for await (const sub of deps.stripe.subscriptions.list({ status: 'all', limit: options.pageSize ?? 100 })) {
      report.checked += 1;
      listed.add(sub.id);
      try {
        await reconcileOne(deps, sub, report, dryRun);
      } catch (err) {
        deps.logger.error({ err, stripeSubscriptionId: sub.id }, 'reconcile: could not repair a subscription');
        report.errors.push({ stripeSubscriptionId: sub.id, message: (err as Error).message });
      }
    }
  } catch (err) {
    throw toBillingError(err, 'listing subscriptions');
  }
  for (const row of await deps.events.listStripeSubscriptions()) {
    if (row.stripeSubscriptionId && !listed.has(row.stripeSubscriptionId)) report.orphans.push({ stripeSubscriptionId: row.stripeSubscriptionId, accountId: row.accountId });
  }
  deps.logger.info({ dryRun, checked: report.checked, changes: report.changes.length, unknown: report.unknown.length, orphans: report.orphans.length, errors: report.errors.length }, 'billing reconcile finished');
  return report;
}

async function reconcileOne(deps: ReconcileDeps, sub: Stripe.Subscription, report: ReconcileReport, dryRun: boolean): Promise<void> {
  const preview = await deps.sync.preview(sub);
  if (!preview.account || !preview.next) {
    report.unknown.push({ stripeSubscriptionId: sub.id, customerId: typeof sub.customer === 'string' ? sub.customer : sub.customer.id });
    return;
  }
  if (preview.fields.length === 0) return;
  const kind = preview.before ? 'drifted' : 'missing';
  const before = preview.before ? stateOf(preview.before) : null;
  if (dryRun) {
    report.changes.push({ stripeSubscriptionId: sub.id, accountId: preview.account.id, kind, fields: preview.fields, before, after: stateOf(preview.next), applied: false });
    return;
  }
  // Fetched again under the subscription's lock: a webhook may have moved it since the list was read.
  const result = await deps.sync.syncById(sub.id, { actor: 'system', reason: 'billing reconcile' });
  if (result.outcome !== 'applied') return;
  report.changes.push({ stripeSubscriptionId: sub.id, accountId: result.accountId, kind, fields: result.fields, before, after: stateOf(result.change.after), applied: true });
}

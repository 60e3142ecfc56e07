// `signalcast billing reconcile [--dry-run]`: compare Stripe's subscriptions with the local mirror and repair drift.
import type { ReconcileChange, ReconcileReport } from '../../billing/reconcile';
import { CliError, EXIT, type CliIo } from '../io';

/** Billing as the CLI needs it; absent when Stripe is not configured. */
export interface BillingReconciler {
  reconcile(options: { dryRun: boolean }): Promise<ReconcileReport>;
}

/** The command's dependencies: billing (absent without Stripe settings) and where to print. */
export interface BillingDeps {
  billing: BillingReconciler | undefined;
  io: CliIo;
}

const day = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 10));

function describe(change: ReconcileChange): string {
  const after = `${change.after.planId} ${change.after.status} until ${day(change.after.currentPeriodEnd)}${change.after.cancelAtPeriodEnd ? ' (cancels)' : ''}`;
  if (!change.before) return `${change.stripeSubscriptionId} (account ${change.accountId}): missing locally -> ${after}`;
  const before = `${change.before.planId} ${change.before.status} until ${day(change.before.currentPeriodEnd)}${change.before.cancelAtPeriodEnd ? ' (cancels)' : ''}`;
  return `${change.stripeSubscriptionId} (account ${change.accountId}): ${before} -> ${after} [${change.fields.join(', ')}]`;
}

/** The report as lines of text. */
export function formatReconcileReport(report: ReconcileReport): string[] {
  const lines = [`Checked ${report.checked} Stripe subscriptions${report.dryRun ? ' (dry run: nothing changed)' : ''}.`];
  if (report.changes.length === 0) lines.push('No drift: the local mirror matches Stripe.');
  else lines.push(`${report.dryRun ? 'Would repair' : 'Repaired'} ${report.changes.length}:`, ...report.changes.map((c) => `  ${describe(c)}`));
  if (report.unknown.length > 0) lines.push(`Not ours (no account for the customer) ${report.unknown.length}:`, ...report.unknown.map((u) => `  ${u.stripeSubscriptionId} (customer ${u.customerId})`));
  if (report.orphans.length > 0) lines.push(`Not in Stripe ${report.orphans.length}:`, ...report.orphans.map((o) => `  ${o.stripeSubscriptionId} (account ${o.accountId})`));
  if (report.errors.length > 0) lines.push(`Failed ${report.errors.length}:`, ...report.errors.map((e) => `  ${e.stripeSubscriptionId}: ${e.message}`));
  return lines;
}

/** Prints what changed (or would); exits 1 when some subscription could not be repaired. */
export async function billingReconcile(deps: BillingDeps, opts: { dryRun?: boolean; json?: boolean }): Promise<void> {
  if (!deps.billing) throw new CliError('Stripe is not configured: set STRIPE_SECRET_KEY (and STRIPE_API_BASE to use another endpoint)', EXIT.config);
  const report = await deps.billing.reconcile({ dryRun: opts.dryRun ?? false });
  if (opts.json) deps.io.out(JSON.stringify(report, null, 2));
  else for (const line of formatReconcileReport(report)) deps.io.out(line);
  if (report.errors.length > 0) throw new CliError(`${report.errors.length} subscriptions could not be reconciled`, EXIT.failure);
}

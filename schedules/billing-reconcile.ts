// The daily billing reconciliation job: repairs subscriptions whose webhooks were missed.
import type { Logger } from '../core/logger';
import type { ScheduledJob } from './index';

/** What the job needs: billing's reconcile (see billing/reconcile.ts). */
export interface BillingReconcileJobDeps {
  reconcile: (options: { dryRun: boolean }) => Promise<{ checked: number; changes: unknown[]; errors: unknown[] }>;
  logger: Logger;
}

/** Daily at 04:17 in the operator's time zone: off the hour, when traffic is low. */
export const BILLING_RECONCILE_SCHEDULE = '17 4 * * *';

/** One run: reconcile, and warn when it had to repair something (a webhook was missed). */
export async function runBillingReconcile(deps: BillingReconcileJobDeps): Promise<void> {
  const report = await deps.reconcile({ dryRun: false });
  if (report.changes.length > 0 || report.errors.length > 0) {
    deps.logger.warn({ checked: report.checked, repaired: report.changes.length, errors: report.errors.length }, 'billing reconcile repaired drift: check webhook delivery in the Stripe dashboard');
  }
}

export function billingReconcileJob(deps: BillingReconcileJobDeps, schedule: string = BILLING_RECONCILE_SCHEDULE): ScheduledJob {
  return { name: 'billing-reconcile', schedule, run: () => runBillingReconcile(deps) };
}

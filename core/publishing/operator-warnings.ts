// Tells the operator, once per status and reason, about subscriptions a publish kept delivering to at a guessed plan.
import type { Logger } from '../logger';
import type { OperatorAlert } from '../planning/types';

/** One warning per (reason, status), naming up to ten of the accounts. */
export function warnOperator(logger: Logger, signalId: string, alerts: readonly OperatorAlert[]): void {
  if (alerts.length === 0) return;
  const byStatus = new Map<string, OperatorAlert[]>();
  for (const a of alerts) {
    const key = `${a.reason}:${a.status}`;
    const group = byStatus.get(key);
    if (group) group.push(a);
    else byStatus.set(key, [a]);
  }
  for (const group of byStatus.values()) {
    const first = group[0] as OperatorAlert;
    logger.warn(
      { signalId, status: first.status, reason: first.reason, accounts: group.length, accountIds: group.slice(0, 10).map((a) => a.accountId) },
      first.reason === 'unknown_status'
        ? 'subscriptions with an unknown status keep their plan: check them in Stripe'
        : 'subscriptions name a plan the plans file does not have: they get the free plan',
    );
  }
}

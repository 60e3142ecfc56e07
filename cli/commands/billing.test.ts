// `signalcast billing reconcile` through the real program: flags reach the reconciler, the report is printed, exit codes mean something.
import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../billing/reconcile';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase } from '../../db/client';
import { DEFAULT_PLANS } from '../../core/plans';
import type { BillingReconciler } from './billing';
import { testCli } from './cli.fixtures';

function report(fields: Partial<ReconcileReport> = {}): ReconcileReport {
  return { dryRun: false, checked: 2, changes: [], unknown: [], orphans: [], errors: [], ...fields };
}

function setup(billing: BillingReconciler | undefined) {
  return testCli(openMemoryDatabase(), new FakeClock(), DEFAULT_PLANS, { billing });
}

describe('signalcast billing reconcile', () => {
  it('passes --dry-run to the reconciler and prints what would change', async () => {
    const asked: boolean[] = [];
    const s = setup({
      reconcile: async ({ dryRun }) => {
        asked.push(dryRun);
        return report({
          dryRun,
          changes: [{ stripeSubscriptionId: 'sub_1', accountId: 'acc_1', kind: 'drifted', fields: ['status'], applied: false, before: { planId: 'pro', status: 'active', currentPeriodEnd: Date.UTC(2026, 1, 15), cancelAtPeriodEnd: false }, after: { planId: 'pro', status: 'past_due', currentPeriodEnd: Date.UTC(2026, 2, 15), cancelAtPeriodEnd: false } }],
        });
      },
    });
    expect(await s.run('billing', 'reconcile', '--dry-run')).toBe(0);
    expect(asked).toEqual([true]);
    expect(s.io.stdout).toEqual([
      'Checked 2 Stripe subscriptions (dry run: nothing changed).',
      'Would repair 1:',
      '  sub_1 (account acc_1): pro active until 2026-02-15 -> pro past_due until 2026-03-15 [status]',
    ]);
  });

  it('reconciles for real without the flag, and prints JSON with --json', async () => {
    const asked: boolean[] = [];
    const s = setup({ reconcile: async ({ dryRun }) => (asked.push(dryRun), report()) });
    expect(await s.run('billing', 'reconcile', '--json')).toBe(0);
    expect(asked).toEqual([false]);
    expect(JSON.parse(s.io.stdout.join('\n'))).toMatchObject({ checked: 2, changes: [] });
  });

  it('exits 1 when some subscription could not be repaired', async () => {
    const s = setup({ reconcile: async () => report({ errors: [{ stripeSubscriptionId: 'sub_9', message: 'Stripe is unavailable' }] }) });
    expect(await s.run('billing', 'reconcile')).toBe(1);
    expect(s.io.stdout).toContain('  sub_9: Stripe is unavailable');
  });

  it('exits 78 with the setting to fix when Stripe is not configured', async () => {
    const s = setup(undefined);
    expect(await s.run('billing', 'reconcile')).toBe(78);
    expect(s.io.stderr.join('\n')).toContain('STRIPE_SECRET_KEY');
  });
});

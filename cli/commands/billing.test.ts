// `signalcast billing reconcile` through the real program: flags reach the reconciler, the report is printed, exit codes mean something.
import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../billing/reconcile';
import { FakeClock } from '../../core/clock';
import { loadConfig } from '../../config';
import { openMemoryDatabase } from '../../db/client';
import { SqliteApiKeyStore } from '../../db/stores/api-key-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { SqliteDeliveryStore } from '../../db/stores/delivery-store';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { DEFAULT_PLANS } from '../../core/plans';
import { captureIo } from '../io';
import { runCli, type CliDeps } from '../program';
import type { BillingReconciler } from './billing';

function report(fields: Partial<ReconcileReport> = {}): ReconcileReport {
  return { dryRun: false, checked: 2, changes: [], unknown: [], orphans: [], errors: [], ...fields };
}

function setup(billing: BillingReconciler | undefined) {
  const db = openMemoryDatabase();
  const clock = new FakeClock();
  const io = captureIo();
  const deps: CliDeps = {
    io,
    loadConfig: () => loadConfig({}),
    openDatabase: () => db,
    closeDatabase: () => {},
    createContext: () => ({
      clock,
      apiKeys: new SqliteApiKeyStore({ db, clock }),
      audit: new SqliteAuditLog({ db, clock }),
      signals: new SqliteSignalService({ db, clock, plans: DEFAULT_PLANS, bands: { aMin: 0.8, bMin: 0.6 } }),
      deliveries: new SqliteDeliveryStore({ db, clock }),
      billing,
    }),
    start: async () => {},
  };
  return { io, run: (...args: string[]) => runCli(args, deps) };
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

// `signalcast access reconcile [--dry-run]`: repairs access (channel memberships, invite links) and prints the actions as a table.
import type { AccessReconcile, ReconcileReport } from '../../core/access/reconciler';
import { CliError, EXIT, formatTable, type CliIo } from '../io';

export interface AccessReconcileDeps {
  /** Null when no platform with gated access is configured (no TELEGRAM_BOT_TOKEN). */
  access: AccessReconcile | null;
  io: CliIo;
}

export interface AccessReconcileFlags {
  dryRun?: boolean;
  account?: string;
  json?: boolean;
}

const WOULD: Record<string, string> = { grant: 'would grant', approve: 'would approve', revoke: 'would revoke', decline: 'would decline' };

/** Runs the reconciler once and prints what it did (or, with --dry-run, what it would do). */
export async function accessReconcile(deps: AccessReconcileDeps, flags: AccessReconcileFlags = {}): Promise<ReconcileReport> {
  if (!deps.access) {
    throw new CliError('access reconcile needs a platform with gated access: set TELEGRAM_BOT_TOKEN (the bot must be an admin of the plans\' channels)', EXIT.config);
  }
  const report = await deps.access.reconcile({ dryRun: flags.dryRun ?? false, accountId: flags.account, actor: 'cli', trigger: 'cli' });
  if (flags.json) {
    deps.io.out(JSON.stringify(report));
    return report;
  }
  if (report.actions.length === 0) {
    deps.io.out('Access matches the subscriptions: nothing to do.');
  } else {
    const rows = report.actions.map((a) => [
      report.dryRun ? (WOULD[a.kind] ?? a.kind) : a.kind,
      a.outcome?.result ?? '-',
      a.person.accountId ?? '(no account)',
      `${a.person.platform}:${a.person.platformUserId}`,
      a.resourceKey,
      a.reason,
      (a.outcome?.detail ?? '').slice(0, 100),
    ]);
    for (const line of formatTable(['ACTION', 'RESULT', 'ACCOUNT', 'USER', 'RESOURCE', 'REASON', 'DETAIL'], rows)) deps.io.out(line);
  }
  const notes: string[] = [];
  if (report.waiting.length > 0) notes.push(`${report.waiting.length} waiting on an unused invite link`);
  if (report.expiredLinks > 0) notes.push(`${report.expiredLinks} expired link${report.expiredLinks === 1 ? '' : 's'} marked`);
  if (report.failed > 0) notes.push(`${report.failed} failed (see DETAIL; the next run tries again)`);
  const count = `${report.actions.length} action${report.actions.length === 1 ? '' : 's'}`;
  deps.io.out(report.dryRun ? `Dry run: ${count} planned, nothing changed.` : `${count} taken.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`);
  if (report.dryRun && notes.length > 0) deps.io.out(`${notes.join('; ')}.`);
  if (report.failed > 0) throw new CliError(`${report.failed} access change${report.failed === 1 ? '' : 's'} failed`, EXIT.failure);
  return report;
}

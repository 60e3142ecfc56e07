// `signalcast access reconcile|jobs|retry`: repairs access (channel memberships, invite links) now, and shows and retries the access jobs.
import type { AccessJob, AccessJobState, AccessJobStore } from '../../core/access/jobs';
import type { AccessReconcile, ReconcileReport } from '../../core/access/reconciler';
import type { Clock } from '../../core/clock';
import { CliError, EXIT, formatTable, type CliIo } from '../io';
import { parseLimit } from './deliveries';

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

const WOULD: Record<string, string> = { grant: 'would grant', approve: 'would approve', revoke: 'would revoke', decline: 'would decline', revoke_link: 'would revoke used link' };
const DID: Record<string, string> = { revoke_link: 'revoke used link' };

/**
 * Holders of a managed role given by hand, not entitled: those the platform only reports (kept),
 * and those removed (or, in a dry run, to be removed) because the operator turned removal on.
 */
function printUnmanaged(io: CliIo, report: ReconcileReport): void {
  const removed = report.actions.filter((a) => a.unmanaged);
  if (report.unmanaged.length === 0 && removed.length === 0) return;
  io.out('');
  io.out('Given by hand (not through Signalcast) to people not entitled:');
  const rows = [
    ...report.unmanaged.map((u) => ['kept (reported only)', u.person.accountId ?? '(no account)', `${u.person.platform}:${u.person.platformUserId}`, u.resourceKey, u.reason]),
    ...removed.map((a) => [report.dryRun ? 'would remove' : `removed: ${a.outcome?.result ?? '-'}`, a.person.accountId ?? '(no account)', `${a.person.platform}:${a.person.platformUserId}`, a.resourceKey, a.reason]),
  ];
  for (const line of formatTable(['HANDLING', 'ACCOUNT', 'USER', 'RESOURCE', 'REASON'], rows)) io.out(line);
  if (report.unmanaged.length > 0) io.out('Kept: this platform removes hand-given roles only when told to (Discord: DISCORD_REMOVE_UNMANAGED_HOLDERS=true).');
}

/** Runs the reconciler once and prints what it did (or, with --dry-run, what it would do). */
export async function accessReconcile(deps: AccessReconcileDeps, flags: AccessReconcileFlags = {}): Promise<ReconcileReport> {
  if (!deps.access) {
    throw new CliError('access reconcile needs a platform with gated access: set TELEGRAM_BOT_TOKEN (the bot must be an admin of the plans\' channels) or DISCORD_BOT_TOKEN (its role above the plans\' roles)', EXIT.config);
  }
  const report = await deps.access.reconcile({ dryRun: flags.dryRun ?? false, accountId: flags.account, actor: 'cli', trigger: 'cli' });
  if (flags.json) {
    deps.io.out(JSON.stringify(report));
    return report;
  }
  if (report.actions.length === 0) {
    deps.io.out(report.unmanaged.length === 0 ? 'Access matches the subscriptions: nothing to do.' : 'Access matches the subscriptions: nothing to grant or remove.');
  } else {
    const rows = report.actions.map((a) => [
      report.dryRun ? (WOULD[a.kind] ?? a.kind) : (DID[a.kind] ?? a.kind),
      a.outcome?.result ?? '-',
      a.person.accountId ?? '(no account)',
      `${a.person.platform}:${a.person.platformUserId}`,
      a.resourceKey,
      a.reason,
      (a.outcome?.detail ?? '').slice(0, 100),
    ]);
    for (const line of formatTable(['ACTION', 'RESULT', 'ACCOUNT', 'USER', 'RESOURCE', 'REASON', 'DETAIL'], rows)) deps.io.out(line);
  }
  printUnmanaged(deps.io, report);
  const notes: string[] = [];
  if (report.drift.length > 0) notes.push(`${report.drift.length} membership${report.drift.length === 1 ? '' : 's'} found changed on the platform (given or taken away by hand, or missed while offline)`);
  if (report.waiting.length > 0) notes.push(`${report.waiting.length} waiting on an unused invite link`);
  if (report.expiredLinks > 0) notes.push(`${report.expiredLinks} expired link${report.expiredLinks === 1 ? '' : 's'} marked`);
  if (report.failed > 0) notes.push(`${report.failed} failed (see DETAIL; the next run tries again)`);
  const count = `${report.actions.length} action${report.actions.length === 1 ? '' : 's'}`;
  deps.io.out(report.dryRun ? `Dry run: ${count} planned, nothing changed.` : `${count} taken.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`);
  if (report.dryRun && notes.length > 0) deps.io.out(`${notes.join('; ')}.`);
  if (report.failed > 0) throw new CliError(`${report.failed} access change${report.failed === 1 ? '' : 's'} failed`, EXIT.failure);
  return report;
}

/** What `access jobs` and `access retry` need from the job store. */
export type AccessJobAdmin = Pick<AccessJobStore, 'list' | 'retryDead'>;

export interface AccessJobsDeps {
  /** Null when no platform with gated access is configured. */
  jobs: AccessJobAdmin | null;
  clock: Clock;
  io: CliIo;
}

function requireJobs(deps: AccessJobsDeps): AccessJobAdmin {
  if (!deps.jobs) throw new CliError('access jobs need a platform with gated access: set TELEGRAM_BOT_TOKEN', EXIT.config);
  return deps.jobs;
}

/** Lists access jobs, newest first: pending and dead by default, only dead with --dead, every state with --all. */
export async function accessJobsList(deps: AccessJobsDeps, flags: { dead?: boolean; all?: boolean; json?: boolean; limit?: string } = {}): Promise<AccessJob[]> {
  const states: AccessJobState[] | undefined = flags.dead ? ['dead'] : flags.all ? undefined : ['pending', 'running', 'parked', 'dead'];
  const jobs = requireJobs(deps).list({ ...(states ? { states } : {}), limit: parseLimit(flags.limit) });
  if (flags.json) {
    deps.io.out(JSON.stringify(jobs));
    return jobs;
  }
  if (jobs.length === 0) {
    deps.io.out(flags.dead ? 'No dead access jobs.' : 'No access jobs waiting or dead.');
    return jobs;
  }
  const rows = jobs.map((j) => [
    j.id, j.state, j.accountId, j.trigger, String(j.attempts), new Date(j.state === 'pending' ? j.dueAt : j.updatedAt).toISOString(), (j.lastError ?? j.outcome ?? '-').slice(0, 100),
  ]);
  for (const line of formatTable(['ID', 'STATE', 'ACCOUNT', 'TRIGGER', 'ATTEMPTS', 'DUE/UPDATED', 'LAST ERROR/OUTCOME'], rows)) deps.io.out(line);
  const parked = jobs.filter((j) => j.state === 'parked').length;
  if (parked > 0) deps.io.out(`${parked} waiting for a fix on the platform (see LAST ERROR); they run again when the role order changes or at the next scheduled reconcile.`);
  const dead = jobs.filter((j) => j.state === 'dead').length;
  if (dead > 0) deps.io.out(`${dead} dead. Retry with: signalcast access retry <id...> or --all`);
  return jobs;
}

/** Dead access jobs back to pending, due now; the running service picks them up. */
export async function accessJobsRetry(deps: AccessJobsDeps, ids: string[], flags: { all?: boolean } = {}): Promise<number> {
  if (flags.all && ids.length > 0) throw new CliError('give job ids or --all, not both', EXIT.usage);
  if (!flags.all && ids.length === 0) throw new CliError('give the access job ids to retry, or --all', EXIT.usage);
  for (const id of ids) if (!/^ajb_[A-Za-z0-9]+$/.test(id)) throw new CliError(`"${id}" is not an access job id (ajb_...)`, EXIT.usage);
  const count = requireJobs(deps).retryDead(flags.all ? 'all' : ids, deps.clock.now());
  deps.io.out(`${count} access job${count === 1 ? '' : 's'} queued again, due now (the running service carries them out).`);
  if (!flags.all && count < ids.length) deps.io.out(`${ids.length - count} of the ids given were not dead access jobs and were left alone.`);
  return count;
}

// The daily dead-letter report: on a day when deliveries died, the operators of every platform get one message with the counts and the commands to look.
import type { NoticeOutbox } from '../core/access/notices';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { PlatformName } from '../core/types';
import type { Db } from '../db/client';
import type { OnceKeys } from '../db/stores/once-keys';
import type { GuardableJob } from './guard';
import { dailyAt, dateTimeIn, dayIn } from './time';

const DAY_MS = 86_400_000;
/** How many destinations the report names. */
const TOP_DESTINATIONS = 5;
const KEY_PREFIX = 'dead-letter-report:';

export interface DeadLetterReportDeps {
  db: Db;
  onceKeys: OnceKeys;
  /** The notice outbox (the same path the access alarms use to DM operators). */
  outbox: NoticeOutbox;
  /** Wakes the dispatcher once the notices are queued (absent in the CLI: the running service sends them). */
  poke?: (() => void) | undefined;
  /** Each platform's operators (TELEGRAM_OPERATOR_IDS, DISCORD_OPERATOR_IDS, SLACK_OPERATOR_IDS). */
  operatorIds: Partial<Record<PlatformName, readonly string[]>>;
  clock: Clock;
  timeZone: string;
  logger: Logger;
}

/** What died in a window: counts by platform and error code, and the destinations with most. */
export interface DeadLetterSummary {
  died: number;
  byPlatformAndCode: { platform: string; code: string | null; count: number }[];
  topDestinations: { platform: string; destination: string; count: number }[];
}

export interface DeadLetterReportResult {
  day: string;
  died: number;
  /** Operators the message was queued for. */
  told: number;
  /** Already reported today (a second run, another process). */
  alreadyReported: boolean;
}

/** The deliveries that died (state dead, last changed) in [since, until). */
export function summariseDeaths(db: Db, since: number, until: number): DeadLetterSummary {
  const sqlite = db.$client;
  const where = `FROM deliveries d JOIN destinations t ON t.ref = d.destination_ref WHERE d.state = 'dead' AND d.updated_at >= ? AND d.updated_at < ?`;
  const byPlatformAndCode = sqlite.prepare(`SELECT t.platform AS platform, d.last_error_code AS code, count(*) AS count ${where}
    GROUP BY t.platform, d.last_error_code ORDER BY count DESC, platform, code`).all(since, until) as DeadLetterSummary['byPlatformAndCode'];
  const topDestinations = sqlite.prepare(`SELECT t.platform AS platform, coalesce(t.label, t.recipient_key) AS destination, count(*) AS count ${where}
    GROUP BY t.ref ORDER BY count DESC, destination LIMIT ${TOP_DESTINATIONS}`).all(since, until) as DeadLetterSummary['topDestinations'];
  return { died: byPlatformAndCode.reduce((n, r) => n + r.count, 0), byPlatformAndCode, topDestinations };
}

/** The operators' message. */
export function deadLetterText(summary: DeadLetterSummary, since: string): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [
    `Signalcast: ${plural(summary.died, 'delivery', 'deliveries')} died since ${since} (out of attempts, or refused for good).`,
    `By platform and error: ${summary.byPlatformAndCode.map((r) => `${r.platform} ${r.code ?? 'unknown'} ${r.count}`).join('; ')}.`,
    `Most at: ${summary.topDestinations.map((r) => `${r.platform} ${r.destination} (${r.count})`).join(', ')}.`,
    'See them: signalcast deliveries dead',
    'Send them again: signalcast deliveries retry <id...> (or --all)',
  ].join('\n');
}

/**
 * One run: what died since the last report (or the last 24 hours before the first one), told once
 * per day in the operator's time zone. The day's key and the notices commit in one transaction, so
 * a second run (another process, a restart) tells nobody twice. A clean day sends and records nothing.
 */
export async function reportDeadLetters(deps: DeadLetterReportDeps): Promise<DeadLetterReportResult> {
  const now = deps.clock.now();
  const day = dayIn(now, deps.timeZone);
  const key = `${KEY_PREFIX}${day}`;
  if (deps.onceKeys.claimedAt(key) !== null) return { day, died: 0, told: 0, alreadyReported: true };
  const since = deps.onceKeys.latest(KEY_PREFIX)?.at ?? now - DAY_MS;
  const summary = summariseDeaths(deps.db, since, now);
  if (summary.died === 0) return { day, died: 0, told: 0, alreadyReported: false };
  const text = deadLetterText(summary, `${dateTimeIn(since, deps.timeZone)} (${deps.timeZone})`);
  const operators = Object.entries(deps.operatorIds).flatMap(([platform, ids]) => (ids ?? []).map((id) => ({ platform, id })));
  const result = deps.db.transaction(() => {
    if (!deps.onceKeys.claim(key, now)) return { day, died: summary.died, told: 0, alreadyReported: true };
    let told = 0;
    for (const { platform, id } of operators) {
      const queued = deps.outbox.enqueue({ accountId: null, platform, platformUserId: id }, { topic: 'operator', text }, now);
      if (queued.queued) told += 1;
      else deps.logger.warn({ platform, operatorId: id, detail: queued.detail }, 'could not tell an operator about dead deliveries');
    }
    return { day, died: summary.died, told, alreadyReported: false };
  });
  if (result.alreadyReported) return result;
  if (result.told > 0) deps.poke?.();
  else deps.logger.warn({ died: summary.died, byPlatformAndCode: summary.byPlatformAndCode }, `${text.split('\n')[0]} No operator could be told (set TELEGRAM_OPERATOR_IDS, DISCORD_OPERATOR_IDS or SLACK_OPERATOR_IDS)`);
  return result;
}

/** Daily at DEAD_LETTER_REPORT_TIME in OPERATOR_TIME_ZONE. */
export function deadLetterReportJob(deps: DeadLetterReportDeps, at: { hour: number; minute: number }): GuardableJob {
  return { name: 'dead-letter-report', schedule: dailyAt(at), maxDurationMs: 5 * 60_000, run: () => reportDeadLetters(deps) };
}

// `signalcast deliveries dead|retry`: the dead-letter list, and sending dead deliveries again.
import type { Clock } from '../../core/clock';
import type { DeadDelivery, DeliveryStore, RetryDeadResult } from '../../core/delivery/ports';
import type { PlatformName } from '../../core/types';
import { CliError, EXIT, formatTable, type CliIo } from '../io';

/** What these commands need from the delivery store. */
export type DeadLetterAdmin = Pick<DeliveryStore, 'listDead' | 'retryDead'>;

export interface DeliveriesDeps {
  deliveries: DeadLetterAdmin;
  clock: Clock;
  io: CliIo;
  /** The chat apps this build has adapters for, for --platform. */
  platforms?: readonly PlatformName[] | undefined;
}

/** `known`: the chat apps this build has adapters for. */
export function parsePlatform(value: string | undefined, known: readonly PlatformName[] = []): PlatformName | undefined {
  if (value === undefined) return undefined;
  if (!known.includes(value)) {
    throw new CliError(`--platform: expected one of ${known.join(', ')}; got "${value}"`, EXIT.usage);
  }
  return value as PlatformName;
}

export function parseLimit(value: string | undefined, fallback = 50): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new CliError(`--limit: expected a whole number from 1 to 10000; got "${value}"`, EXIT.usage);
  return n;
}

export async function deliveriesDead(deps: Omit<DeliveriesDeps, 'clock'>, options: { limit?: string; platform?: string; json?: boolean } = {}): Promise<DeadDelivery[]> {
  const rows = await deps.deliveries.listDead({ limit: parseLimit(options.limit), platform: parsePlatform(options.platform, deps.platforms) });
  if (options.json) {
    deps.io.out(JSON.stringify(rows));
  } else if (rows.length === 0) {
    deps.io.out('No dead deliveries.');
  } else {
    const table = rows.map((r) => [
      String(r.id), r.platform, r.recipientKey + (r.destinationEnabled ? '' : ' (disabled)'), r.kind, r.contentId, String(r.attempts),
      new Date(r.updatedAt).toISOString(), (r.lastErrorCode ? `${r.lastErrorCode}: ` : '') + (r.lastError ?? '-').slice(0, 80),
    ]);
    for (const line of formatTable(['ID', 'PLATFORM', 'RECIPIENT', 'KIND', 'CONTENT', 'ATTEMPTS', 'DIED', 'LAST ERROR'], table)) deps.io.out(line);
    deps.io.out(`${rows.length} dead. Retry with: signalcast deliveries retry <id...> or --all`);
  }
  return rows;
}

export async function deliveriesRetry(deps: DeliveriesDeps, ids: string[], options: { all?: boolean } = {}): Promise<RetryDeadResult> {
  if (options.all && ids.length > 0) throw new CliError('give delivery ids or --all, not both', EXIT.usage);
  if (!options.all && ids.length === 0) throw new CliError('give the delivery ids to retry, or --all', EXIT.usage);
  const parsed = ids.map((id) => {
    const n = Number(id);
    if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`"${id}" is not a delivery id (expected a whole number)`, EXIT.usage);
    return n;
  });
  const result = await deps.deliveries.retryDead(options.all ? 'all' : parsed, deps.clock.now());
  const count = result.retried;
  deps.io.out(`${count} ${count === 1 ? 'delivery' : 'deliveries'} queued again, due now.`);
  if (result.heldAgain > 0) {
    const n = result.heldAgain;
    deps.io.out(`${n} ${n === 1 ? 'alert goes' : 'alerts go'} in ${n === 1 ? 'its' : 'their'} retried quiet-hours digest again, not one by one.`);
  }
  if (result.disabledDestination > 0) {
    deps.io.out(`${result.disabledDestination} of them go to a disabled destination and wait until it is enabled again.`);
  }
  // Alerts held again count as handled: given with their digest, they were not left alone.
  const leftAlone = parsed.length - count - result.heldAgain;
  if (!options.all && leftAlone > 0) {
    deps.io.out(`${leftAlone} of the ids given were not dead deliveries and were left alone.`);
  }
  return result;
}

// Drift repair's first step: tracked memberships brought in line with who holds each resource, as the platform says.
import type { Logger } from '../logger';
import type { PlatformName } from '../types';
import type { AccessGate, AccessResource } from './ports';
import { HOLDING_STATES, type AccessStore, type MembershipRecord, type MembershipState } from './store';

/** One tracked membership the platform contradicted, and what it became. */
export interface DriftChange {
  platform: PlatformName;
  platformUserId: string;
  resourceKey: string;
  /** The tracked state before (null: never tracked). */
  from: MembershipState | null;
  /** 'held': holds it, not through us (given by hand, or tracked as gone); 'left': tracked as holding, but does not. */
  to: 'held' | 'left';
}

export interface HolderSyncResult {
  changes: DriftChange[];
  /** Resources whose holders could not be read (the platform refused or did not answer): left as tracked. */
  unread: { resourceKey: string; detail: string }[];
}

/** The tracked states a holder list is compared with (a 'requested' row that holds it becomes 'held'). */
const TRACKED_STATES: MembershipState[] = ['member', 'held', 'requested'];

const holding = (state: MembershipState | undefined) => state !== undefined && HOLDING_STATES.includes(state);

/**
 * For each managed resource whose gate can list its holders, compares the list with that
 * resource's tracked rows (read a page of `pageSize` at a time): someone holding it who is not tracked as
 * holding becomes 'held' (not through us: the plan then adopts them if entitled, or reports or
 * removes them); someone tracked as holding who does not becomes 'left' (the plan grants again if
 * entitled). Writes the changes unless `dryRun`; in a dry run the caller lays them over what it reads
 * (driftOverlay).
 */
export async function syncHolders(
  deps: { store: AccessStore; gates: ReadonlyMap<PlatformName, AccessGate>; now: number; pageSize: number; logger?: Logger | undefined },
  managed: ReadonlyMap<string, AccessResource>,
  options: { dryRun: boolean },
): Promise<HolderSyncResult> {
  const changes: DriftChange[] = [];
  const unread: HolderSyncResult['unread'] = [];
  for (const [key, resource] of managed) {
    const gate = deps.gates.get(resource.platform);
    if (!gate?.holders) continue;
    let listed: Awaited<ReturnType<NonNullable<AccessGate['holders']>>>;
    try {
      listed = await gate.holders(resource);
    } catch (err) {
      listed = { failed: { result: 'failed', detail: err instanceof Error ? err.message : String(err) } };
    }
    if ('failed' in listed) {
      unread.push({ resourceKey: key, detail: listed.failed.detail ?? 'failed' });
      deps.logger?.warn({ resource: key, detail: listed.failed.detail }, 'could not list who holds a gated resource; its drift is left for the next run');
      continue;
    }
    const holders = new Set(listed.holders);
    // The resource's tracked rows, a page at a time (keyset on the user id), with a turn for the event loop between pages.
    const holdingTracked = new Set<string>();
    const requested = new Set<string>();
    const found: DriftChange[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await deps.store.listMemberships({ platform: resource.platform, resourceKey: key, states: TRACKED_STATES, limit: deps.pageSize, ...(after === undefined ? {} : { afterUserId: after }) });
      for (const m of page) {
        if (!holding(m.state)) {
          if (holders.has(m.platformUserId)) requested.add(m.platformUserId);
        } else if (holders.has(m.platformUserId)) holdingTracked.add(m.platformUserId);
        else found.push({ platform: m.platform, platformUserId: m.platformUserId, resourceKey: key, from: m.state, to: 'left' });
      }
      if (page.length < deps.pageSize) break;
      after = page.at(-1)!.platformUserId;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    for (const userId of holders) {
      if (!holdingTracked.has(userId)) found.push({ platform: resource.platform, platformUserId: userId, resourceKey: key, from: requested.has(userId) ? 'requested' : null, to: 'held' });
    }
    if (!options.dryRun) for (const c of found) await deps.store.setMembership({ platform: c.platform, resourceKey: c.resourceKey, platformUserId: c.platformUserId, state: c.to });
    changes.push(...found);
  }
  return { changes, unread };
}

/**
 * The drift changes by person, to lay over the rows a page reads (a dry run wrote none of them):
 * `apply` gives a person's tracked rows as they are after the sync, and forgets the person;
 * `rest` is who no page read (in a dry run: holders never tracked).
 */
export function driftOverlay(changes: readonly DriftChange[], now: number) {
  const byPerson = new Map<string, DriftChange[]>();
  for (const c of changes) {
    const key = `${c.platform}|${c.platformUserId}`;
    const list = byPerson.get(key) ?? [];
    list.push(c);
    byPerson.set(key, list);
  }
  const asRow = (c: DriftChange): MembershipRecord => ({ platform: c.platform, resourceKey: c.resourceKey, platformUserId: c.platformUserId, state: c.to, updatedAt: now });
  return {
    /** The rows of the people read (all of them, whatever their platform), with their drift applied. */
    apply(people: readonly { platform: PlatformName; platformUserId: string }[], rows: readonly MembershipRecord[]): MembershipRecord[] {
      const out = new Map(rows.map((m) => [`${m.platform}|${m.platformUserId}|${m.resourceKey}`, m]));
      for (const p of people) {
        const key = `${p.platform}|${p.platformUserId}`;
        for (const c of byPerson.get(key) ?? []) out.set(`${key}|${c.resourceKey}`, asRow(c));
        byPerson.delete(key);
      }
      return [...out.values()];
    },
    /** The people no page read, each with their drifted rows. */
    rest(): { person: { platform: PlatformName; platformUserId: string }; rows: MembershipRecord[] }[] {
      return [...byPerson.values()].map((cs) => ({ person: { platform: cs[0]!.platform, platformUserId: cs[0]!.platformUserId }, rows: cs.map(asRow) }));
    },
  };
}

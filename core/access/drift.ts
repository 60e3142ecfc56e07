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
  /** The tracked rows in scope, as they are after the sync (in a dry run: as they would be). */
  memberships: MembershipRecord[];
  changes: DriftChange[];
  /** Resources whose holders could not be read (the platform refused or did not answer): left as tracked. */
  unread: { resourceKey: string; detail: string }[];
}

const holding = (state: MembershipState | undefined) => state !== undefined && HOLDING_STATES.includes(state);

/**
 * For each managed resource whose gate can list its holders, compares the list with the tracked
 * rows: someone holding it who is not tracked as holding becomes 'held' (not through us: the plan
 * then adopts them if entitled, or reports or removes them); someone tracked as holding who does
 * not becomes 'left' (the plan grants again if entitled). Writes the changes unless `dryRun`.
 */
export async function syncHolders(
  deps: { store: AccessStore; gates: ReadonlyMap<PlatformName, AccessGate>; now: number; logger?: Logger | undefined },
  managed: ReadonlyMap<string, AccessResource>,
  memberships: readonly MembershipRecord[],
  options: { dryRun: boolean },
): Promise<HolderSyncResult> {
  const rows = new Map(memberships.map((m) => [`${m.platform}|${m.resourceKey}|${m.platformUserId}`, m]));
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
    const tracked = [...rows.values()].filter((m) => m.platform === resource.platform && m.resourceKey === key);
    for (const m of tracked) {
      if (holding(m.state) && !holders.has(m.platformUserId)) changes.push({ platform: m.platform, platformUserId: m.platformUserId, resourceKey: key, from: m.state, to: 'left' });
    }
    for (const userId of holders) {
      const state = rows.get(`${resource.platform}|${key}|${userId}`)?.state;
      if (!holding(state)) changes.push({ platform: resource.platform, platformUserId: userId, resourceKey: key, from: state ?? null, to: 'held' });
    }
  }
  for (const c of changes) {
    rows.set(`${c.platform}|${c.resourceKey}|${c.platformUserId}`, { platform: c.platform, resourceKey: c.resourceKey, platformUserId: c.platformUserId, state: c.to, updatedAt: deps.now });
    if (!options.dryRun) await deps.store.setMembership({ platform: c.platform, resourceKey: c.resourceKey, platformUserId: c.platformUserId, state: c.to });
  }
  return { memberships: [...rows.values()], changes, unread };
}

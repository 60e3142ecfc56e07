// The full access reconcile's pages: accounts by id, then strangers by identity, each page with its tracked rows; memory stays that of one page.
import type { PlatformName } from '../types';
import type { driftOverlay } from './drift';
import type { AccessAccount, AccessStore, IdentityRef, InviteLinkRecord, MembershipRecord, MembershipState } from './store';

/**
 * Accounts (or strangers, or tracked rows in the drift step) read, planned and acted on at a time in
 * a full reconcile. Measured at 100,000 accounts: pages of 250 take about 2 ms each and keep the heap
 * flat; pages of 1,000 took about 12 ms and let V8 grow the heap by some 100 MiB of garbage.
 */
export const ACCESS_RECONCILE_PAGE_SIZE = 250;

/** The tracked states the plan looks at. */
const PLANNED_STATES: MembershipState[] = ['member', 'held', 'requested'];

/** What one page plans with: its accounts (none on a strangers' page) and the tracked rows of its people. */
export interface AccessPage {
  accounts: AccessAccount[];
  /** A page of people who belong to no account: planned with includeStrangers. */
  strangers: boolean;
  memberships: MembershipRecord[];
  activeLinks: InviteLinkRecord[];
  liveLinks: InviteLinkRecord[];
}

/** The tracked memberships and links of these people, read per platform. */
export async function trackedOf(store: AccessStore, people: readonly IdentityRef[], now: number): Promise<Omit<AccessPage, 'accounts' | 'strangers'>> {
  const byPlatform = new Map<PlatformName, string[]>();
  for (const p of people) {
    const ids = byPlatform.get(p.platform) ?? [];
    ids.push(p.platformUserId);
    byPlatform.set(p.platform, ids);
  }
  const out: Omit<AccessPage, 'accounts' | 'strangers'> = { memberships: [], activeLinks: [], liveLinks: [] };
  for (const [platform, platformUserIds] of byPlatform) {
    out.memberships.push(...await store.listMemberships({ platform, platformUserIds, states: PLANNED_STATES }));
    out.activeLinks.push(...await store.listActiveInviteLinks({ now, platform, platformUserIds }));
    out.liveLinks.push(...await store.listUnrevokedInviteLinks({ platform, platformUserIds }));
  }
  return out;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every page of a full run, in turn: accounts with an identity on `platforms` (keyset on the account
 * id), then the people tracked rows name who belong to no account (keyset on platform and user id),
 * then, in a dry run, holders the drift found who were never tracked. Between pages it gives the
 * event loop a turn. The drift is laid over each page's rows (a dry run wrote none of it).
 */
export async function* fullRunPages(deps: {
  store: AccessStore;
  platforms: PlatformName[];
  now: number;
  pageSize: number;
  overlay: ReturnType<typeof driftOverlay>;
  gated: (platform: PlatformName) => boolean;
}): AsyncGenerator<AccessPage> {
  const { store, platforms, now, pageSize, overlay } = deps;
  let after: string | undefined;
  for (;;) {
    const accounts = await store.listAccessAccounts({ platforms, limit: pageSize, ...(after === undefined ? {} : { after }) });
    if (accounts.length === 0) break;
    const people = accounts.flatMap((a) => a.identities).filter((i) => deps.gated(i.platform));
    const tracked = await trackedOf(store, people, now);
    yield { accounts, strangers: false, ...tracked, memberships: overlay.apply(people, tracked.memberships) };
    after = accounts.at(-1)!.accountId;
    if (accounts.length < pageSize) break;
    await nextTurn();
  }
  let cursor: IdentityRef | null = null;
  do {
    await nextTurn();
    const page = await store.listStrangerPage({ platforms, after: cursor, limit: pageSize });
    cursor = page.next;
    if (page.strangers.length === 0) continue;
    const tracked = await trackedOf(store, page.strangers, now);
    yield { accounts: [], strangers: true, ...tracked, memberships: overlay.apply(page.strangers, tracked.memberships) };
  } while (cursor);
  const rest = overlay.rest();
  if (rest.length > 0) yield { accounts: [], strangers: true, memberships: rest.flatMap((r) => r.rows), activeLinks: [], liveLinks: [] };
}

// The access reconciler: moves what each account holds (tracked memberships, invite links) towards what it should hold.
import type { AuditLog } from '../audit';
import type { Clock } from '../clock';
import { entitlementOf } from '../entitlement';
import type { Logger } from '../logger';
import type { PlansConfig } from '../plans/schema';
import type { PlatformName } from '../types';
import { planAccessActions, type AccessAction, type UnmanagedHolder } from './actions';
import { AccessAlarms } from './alarms';
import { managedResources, type DesiredGrant } from './desired';
import { syncHolders, type DriftChange } from './drift';
import { applyOutcome, callGate, gatesByPlatform, type AccessGates } from './gates';
import type { AccessCallOptions, AccessGate, AccessHolder, AccessOutcome, AccessResource } from './ports';
import type { AccessStore, InviteLinkRecord, MembershipRecord } from './store';

export interface AccessReconcilerDeps {
  store: AccessStore;
  gates: AccessGates;
  plans: PlansConfig;
  clock: Clock;
  audit: AuditLog;
  logger?: Logger | undefined;
  /** Where refusals only an operator can fix (a role above the bot's) are told, once; one is made when absent. */
  alarms?: AccessAlarms | undefined;
}

export interface ReconcileOptions {
  /** Only this account (after a subscription change); absent: every account and every tracked member. */
  accountId?: string | undefined;
  /** Work out the actions and return them; call no platform and change nothing. */
  dryRun?: boolean | undefined;
  /** Who asked, for the audit trail: 'system' (default), 'cli', 'operator:<identity>'. */
  actor?: string | undefined;
  /** What set it off, for the audit trail (default 'reconcile'). */
  trigger?: string | undefined;
  /** Aborted (a job's deadline passed, the service stops): no further action is started, and the next run need not wait for this one. */
  signal?: AbortSignal | undefined;
}

/** An action and what the platform answered; `outcome` is null in a dry run. */
export interface AccessActionResult extends AccessAction {
  outcome: AccessOutcome | null;
}

export interface ReconcileReport {
  dryRun: boolean;
  /** 'all', or the account id. */
  scope: string;
  actions: AccessActionResult[];
  /** Desired access with an unused, unexpired invite link already out: nothing to do until it is used or expires. */
  waiting: DesiredGrant[];
  /** Full runs: where the platform contradicted the tracked memberships (given or taken away by hand, missed events). */
  drift: DriftChange[];
  /** Holders not given it by us and not entitled, left alone (their platform only reports them). */
  unmanaged: UnmanagedHolder[];
  /** Links found past their expiry and marked 'expired' (0 in a dry run). */
  expiredLinks: number;
  failed: number;
  /** The run was aborted (see ReconcileOptions.signal) before every action ran. */
  aborted: boolean;
}

/** A reconcile run, as the CLI and the billing hook call it. */
export interface AccessReconcile {
  reconcile(options?: ReconcileOptions): Promise<ReconcileReport>;
}

/**
 * Compares desired access (entitlements and plans) with tracked memberships and invite links and
 * acts through the platforms' gates: grant where missing (no new link while an unused one is out),
 * revoke where not entitled, withdraw used links the platform has not confirmed revoked. A full
 * run first brings tracked memberships in line with what platforms that list holders say
 * (syncHolders); holders given it by hand are adopted, reported or removed (planAccessActions). Runs one
 * at a time, so a billing hook and a scheduled run never race into two links for one person.
 */
export class AccessReconciler implements AccessReconcile {
  private readonly gates: ReadonlyMap<PlatformName, AccessGate>;
  private readonly alarms: AccessAlarms;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AccessReconcilerDeps) {
    this.gates = gatesByPlatform(deps.gates);
    this.alarms = deps.alarms ?? new AccessAlarms({ audit: deps.audit, logger: deps.logger });
  }

  reconcile(options: ReconcileOptions = {}): Promise<ReconcileReport> {
    const run = this.queue.then(() => this.run(options));
    const settled = run.catch(() => undefined);
    // A run whose caller gave up on it (a platform call hanging) stops holding the queue.
    const signal = options.signal;
    this.queue = signal ? Promise.race([settled, new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))]) : settled;
    return run;
  }

  private async run(options: ReconcileOptions): Promise<ReconcileReport> {
    const { store, plans, clock } = this.deps;
    const dryRun = options.dryRun ?? false;
    const platforms = [...this.gates.keys()];
    const now = clock.now();
    const expiredLinks = dryRun ? 0 : await store.expireInviteLinks(now);

    const managed = managedResources(plans, platforms);
    const accounts = await store.listAccessAccounts({ platforms, ...(options.accountId ? { accountId: options.accountId } : {}) });
    const tracked = options.accountId
      ? await this.trackedFor(accounts.flatMap((a) => a.identities).filter((i) => this.gates.has(i.platform)), now)
      : {
          memberships: await store.listMemberships({ states: ['member', 'held', 'requested'] }),
          activeLinks: await store.listActiveInviteLinks({ now }),
          liveLinks: await store.listUnrevokedInviteLinks({}),
        };
    const { activeLinks, liveLinks } = tracked;
    // A full run first asks the platforms that can say who holds what (drift: roles given or taken by hand, missed events).
    const synced = options.accountId ? null : await syncHolders({ store, gates: this.gates, now, logger: this.deps.logger }, managed, tracked.memberships, { dryRun });
    const memberships = synced?.memberships ?? tracked.memberships;

    const plan = planAccessActions({
      accounts: accounts.map((account) => ({ account, entitlement: entitlementOf(plans, account.subscriptions, now) })),
      memberships,
      activeLinks,
      liveLinks,
      managed,
      platforms,
      includeStrangers: !options.accountId,
      strangers: (platform) => this.gates.get(platform)?.strangers ?? 'remove',
    });
    // Entitled people who hold it by hand are ours to manage from now on (a lapse removes it).
    if (!dryRun) for (const g of plan.adopt) await store.setMembership({ platform: g.holder.platform, resourceKey: g.resourceKey, platformUserId: g.holder.platformUserId, state: 'member' });

    // revoke_link actions name a link by id; the URL goes only to the gate.
    const linkUrls = new Map(liveLinks.map((l) => [l.id, l.link]));
    const results: AccessActionResult[] = [];
    let aborted = false;
    for (const action of plan.actions) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      results.push({ ...action, outcome: dryRun ? null : await this.act(action, options, linkUrls) });
    }
    const failed = results.filter((r) => r.outcome?.result === 'failed').length;
    const drift = synced?.changes ?? [];
    this.deps.logger?.info({ scope: options.accountId ?? 'all', dryRun, actions: results.length, failed, waiting: plan.waiting.length, drift: drift.length, unmanaged: plan.unmanaged.length, expiredLinks, aborted }, 'access reconciled');
    return { dryRun, scope: options.accountId ?? 'all', actions: results, waiting: plan.waiting, drift, unmanaged: plan.unmanaged, expiredLinks, failed, aborted };
  }

  private async trackedFor(identities: { platform: PlatformName; platformUserId: string }[], now: number): Promise<{ memberships: MembershipRecord[]; activeLinks: InviteLinkRecord[]; liveLinks: InviteLinkRecord[] }> {
    const memberships: MembershipRecord[] = [];
    const activeLinks: InviteLinkRecord[] = [];
    const liveLinks: InviteLinkRecord[] = [];
    for (const id of identities) {
      memberships.push(...await this.deps.store.listMemberships({ platform: id.platform, platformUserIds: [id.platformUserId], states: ['member', 'held', 'requested'] }));
      activeLinks.push(...await this.deps.store.listActiveInviteLinks({ now, platform: id.platform, platformUserId: id.platformUserId }));
      liveLinks.push(...await this.deps.store.listUnrevokedInviteLinks({ platform: id.platform, platformUserId: id.platformUserId }));
    }
    return { memberships, activeLinks, liveLinks };
  }

  private async act(action: AccessAction, options: ReconcileOptions, linkUrls: ReadonlyMap<string, string>): Promise<AccessOutcome> {
    const gate = this.gates.get(action.person.platform);
    const ids = { accountId: action.person.accountId, platformUserId: action.person.platformUserId, resource: action.resourceKey, kind: action.kind };
    const outcome = !gate
      ? { result: 'failed' as const, detail: `no access gate for ${action.person.platform}` }
      : await callGate(() => this.call(gate, action, linkUrls, { signal: options.signal }), this.deps.logger, ids);
    await applyOutcome(this.deps, {
      ...action,
      outcome,
      trigger: options.trigger ?? 'reconcile',
      actor: options.actor ?? 'system',
    });
    // A refusal only an operator can fix is told once (alarms), not once per member and retry.
    await this.alarms.observe(action.person.platform, action.resourceKey, outcome);
    if (outcome.result === 'failed' && !this.alarms.isBlocked(action.resourceKey)) this.deps.logger?.warn({ ...ids, detail: outcome.detail }, 'access change refused by the platform');
    return outcome;
  }

  /** Withdraws one link; recorded revoked once the platform confirmed (the Telegram gate records it too). */
  private async revokeLink(revoke: (resource: AccessResource, link: string) => Promise<AccessOutcome>, resource: AccessResource, link: string): Promise<AccessOutcome> {
    const outcome = await revoke(resource, link);
    if (outcome.result === 'revoked') await this.deps.store.confirmInviteLinkGone(link, 'revoked');
    return outcome;
  }

  private call(gate: AccessGate, action: AccessAction, linkUrls: ReadonlyMap<string, string>, call: AccessCallOptions): Promise<AccessOutcome> {
    const holder = action.person as AccessHolder;
    switch (action.kind) {
      case 'grant':
        return gate.grant(holder, action.resource, action.reason, call);
      case 'approve':
        return gate.approveJoinRequest ? gate.approveJoinRequest(holder, action.resource, action.reason) : gate.grant(holder, action.resource, action.reason, call);
      case 'revoke':
        return gate.revoke(action.person, action.resource, action.reason, call);
      case 'decline':
        return gate.declineJoinRequest
          ? gate.declineJoinRequest(action.person, action.resource, action.reason)
          : Promise.resolve({ result: 'noop', detail: 'this platform has no join requests' });
      case 'revoke_link': {
        // A failure fails the job, which retries with backoff until the platform confirms.
        const link = action.inviteLinkId === undefined ? undefined : linkUrls.get(action.inviteLinkId);
        if (!link || !gate.revokeInviteLink) return Promise.resolve({ result: 'noop', detail: link ? 'this platform has no invite links' : 'the invite link is no longer tracked' });
        return this.revokeLink(gate.revokeInviteLink.bind(gate), action.resource, link);
      }
    }
  }
}

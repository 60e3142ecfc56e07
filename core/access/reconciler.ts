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
import { driftOverlay, syncHolders, type DriftChange } from './drift';
import { applyOutcome, callGate, gatesByPlatform, type AccessGates } from './gates';
import type { AccessCallOptions, AccessGate, AccessHolder, AccessOutcome, AccessResource } from './ports';
import { ACCESS_RECONCILE_PAGE_SIZE, fullRunPages, trackedOf, type AccessPage } from './pages';
import type { AccessStore } from './store';

export interface AccessReconcilerDeps {
  store: AccessStore;
  gates: AccessGates;
  plans: PlansConfig;
  clock: Clock;
  audit: AuditLog;
  logger?: Logger | undefined;
  /** Where refusals only an operator can fix (a role above the bot's) are told, once; one is made when absent. */
  alarms?: AccessAlarms | undefined;
  /** Accounts (and strangers) planned and acted on at a time in a full run (default ACCESS_RECONCILE_PAGE_SIZE, 250). */
  pageSize?: number | undefined;
}

/** What a run has done so far, page by page. */
interface Totals {
  actions: AccessActionResult[];
  waiting: DesiredGrant[];
  unmanaged: UnmanagedHolder[];
  aborted: boolean;
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
  /** Aborted (a job's deadline passed, the service stops): no further action or page is started, and the next run need not wait for this one. */
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
 * (syncHolders); holders given it by hand are adopted, reported or removed (planAccessActions). A
 * full run then plans and acts a page of accounts at a time, then a page of strangers (fullRunPages),
 * so its memory is one page's whatever the number of accounts. Runs one at a time, so a billing hook
 * and a scheduled run never race into two links for one person.
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
    const { store, clock } = this.deps;
    const dryRun = options.dryRun ?? false;
    const platforms = [...this.gates.keys()];
    const now = clock.now();
    const expiredLinks = dryRun ? 0 : await store.expireInviteLinks(now);
    const managed = managedResources(this.deps.plans, platforms);
    const totals: Totals = { actions: [], waiting: [], unmanaged: [], aborted: false };
    let drift: DriftChange[] = [];

    if (options.accountId) {
      const accounts = await store.listAccessAccounts({ platforms, accountId: options.accountId });
      const tracked = await trackedOf(store, accounts.flatMap((a) => a.identities).filter((i) => this.gates.has(i.platform)), now);
      await this.planAndAct({ accounts, strangers: false, ...tracked }, { managed, platforms, now, dryRun }, options, totals);
    } else {
      // A full run first asks the platforms that can say who holds what (drift: roles given or taken by hand, missed events),
      // then plans and acts a page of accounts at a time, then a page of strangers at a time: memory stays that of one page.
      const pageSize = this.deps.pageSize ?? ACCESS_RECONCILE_PAGE_SIZE;
      drift = (await syncHolders({ store, gates: this.gates, now, pageSize, logger: this.deps.logger }, managed, { dryRun })).changes;
      const pages = fullRunPages({ store, platforms, now, pageSize, overlay: driftOverlay(drift, now), gated: (p) => this.gates.has(p) });
      for await (const page of pages) {
        if (options.signal?.aborted) totals.aborted = true;
        if (totals.aborted) break;
        await this.planAndAct(page, { managed, platforms, now, dryRun }, options, totals);
      }
    }

    const { actions, waiting, unmanaged, aborted } = totals;
    const failed = actions.filter((r) => r.outcome?.result === 'failed').length;
    this.deps.logger?.info({ scope: options.accountId ?? 'all', dryRun, actions: actions.length, failed, waiting: waiting.length, drift: drift.length, unmanaged: unmanaged.length, expiredLinks, aborted }, 'access reconciled');
    return { dryRun, scope: options.accountId ?? 'all', actions, waiting, drift, unmanaged, expiredLinks, failed, aborted };
  }

  /** Plans one page (or one account), adopts, and runs its actions, adding them to the run's totals. */
  private async planAndAct(page: AccessPage, ctx: { managed: ReadonlyMap<string, AccessResource>; platforms: PlatformName[]; now: number; dryRun: boolean }, options: ReconcileOptions, totals: Totals): Promise<void> {
    const { store, plans } = this.deps;
    const plan = planAccessActions({
      accounts: page.accounts.map((account) => ({ account, entitlement: entitlementOf(plans, account.subscriptions, ctx.now) })),
      memberships: page.memberships,
      activeLinks: page.activeLinks,
      liveLinks: page.liveLinks,
      managed: ctx.managed,
      platforms: ctx.platforms,
      includeStrangers: page.strangers,
      strangers: (platform) => this.gates.get(platform)?.strangers ?? 'remove',
    });
    totals.waiting.push(...plan.waiting);
    totals.unmanaged.push(...plan.unmanaged);
    // Entitled people who hold it by hand are ours to manage from now on (a lapse removes it).
    if (!ctx.dryRun) for (const g of plan.adopt) await store.setMembership({ platform: g.holder.platform, resourceKey: g.resourceKey, platformUserId: g.holder.platformUserId, state: 'member' });

    // revoke_link actions name a link by id; the URL goes only to the gate.
    const linkUrls = new Map(page.liveLinks.map((l) => [l.id, l.link]));
    for (const action of plan.actions) {
      if (options.signal?.aborted) {
        totals.aborted = true;
        return;
      }
      totals.actions.push({ ...action, outcome: ctx.dryRun ? null : await this.act(action, options, linkUrls) });
    }
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

// Gated access (a private Telegram channel, a Discord role): what each platform adapter does to grant and revoke it.
import type { PlatformName } from '../types';

/**
 * Something an entitled account holds on a platform, the same shape on every platform: a private
 * chat (`kind: 'chat'`, `id` the chat), a role in a tenant (`kind: 'role'`, `tenant` the Discord
 * server), a licence for a whole workspace (`kind: 'workspace'`). `options` carries what the plan
 * says about it that only its platform reads (e.g. whether a lapse removes the role or kicks).
 */
export interface AccessResource {
  platform: PlatformName;
  kind: 'chat' | 'role' | 'workspace';
  id: string;
  tenant?: string | undefined;
  options?: Readonly<Record<string, string | boolean>> | undefined;
  /**
   * The chats this access opens that carry the plan's alerts, in `tenant` (a Discord role's gated
   * channels): each gets the plan's alerts once, as a channel destination, never once per member.
   * A `chat` resource carries its own alerts and needs none.
   */
  channels?: readonly string[] | undefined;
}

/** A stable string for a resource, e.g. "telegram:chat:-1001234" or "discord:role:<guild>:<role>". */
export function resourceKey(r: AccessResource): string {
  return r.tenant ? `${r.platform}:${r.kind}:${r.tenant}:${r.id}` : `${r.platform}:${r.kind}:${r.id}`;
}

/** The person on the platform the access is for. */
export interface AccessHolder {
  accountId: string;
  platform: PlatformName;
  platformUserId: string;
}

/** Someone on a platform who may have no account: a stranger found in a gated chat, or asking to join it. */
export interface AccessPerson {
  /** Null when the platform identity belongs to no account. */
  accountId: string | null;
  platform: PlatformName;
  platformUserId: string;
  /** Where user ids are per tenant (a Slack workspace): the tenant the person is in, so a message finds its way (and token) there. */
  tenant?: string | null | undefined;
}

/**
 * Why a platform refused an access change, the same on every platform: missing_permission (the bot
 * lacks a right), hierarchy (the role is at or above the bot's own: nothing works until an admin
 * changes the role order, so the access job waits for that instead of retrying), resource_not_found (the chat or role is gone),
 * not_member, rate_limited, platform_unreachable (no answer: network, timeout), platform_error
 * (any other refusal), unknown. The platform's own words stay in `detail`.
 */
export type AccessFailureCode = 'missing_permission' | 'hierarchy' | 'resource_not_found' | 'not_member' | 'rate_limited' | 'platform_unreachable' | 'platform_error' | 'unknown';

/** What the platform did, for the audit trail. */
export interface AccessOutcome {
  /**
   * granted: holds it now; invited: was sent a personal invite link; approved: a join request was approved;
   * revoked: removed now; noop: nothing to do; failed: the platform refused (see detail).
   */
  result: 'granted' | 'invited' | 'approved' | 'revoked' | 'noop' | 'failed';
  /** The platform's answer or our reason, short and free of secrets. */
  detail?: string;
  /** Set when result is 'failed' and the platform said why. */
  code?: AccessFailureCode | undefined;
  inviteLink?: string;
  /** After the call, whether the person holds the resource (in the chat, has the role), when the platform said. */
  holds?: boolean;
}

/**
 * What a full reconcile does with someone who holds a managed resource without being entitled and
 * without having been given it by us (a role given by hand): 'remove' it (Telegram: a stranger in a
 * private chat), or only 'report' it in the drift report (Discord, unless the operator turns removal on).
 */
export type StrangerHandling = 'remove' | 'report';

/** Who holds a resource now, as the platform says; or the refusal. */
export type HoldersResult = { holders: string[] } | { failed: AccessOutcome };

/** How one access call may be cut short. */
export interface AccessCallOptions {
  /**
   * Aborted when the caller gave up (an access job's deadline, a stop): the gate should abort its platform
   * call and start no further step (no role change, no notice) after it, so an abandoned try never acts late.
   */
  signal?: AbortSignal | undefined;
  /**
   * Runs one platform request under the platform's limiter (given by `limitGate`): a gate that makes
   * several requests in one call (read, then change; a paged list) sends each through it, so access work
   * and deliveries together stay under the platform's overall limit. Absent: requests go straight out.
   */
  paced?: (<T>(request: () => Promise<T>) => Promise<T>) | undefined;
}

/** A platform's side of access control. Errors are reported as outcomes, not thrown. */
export interface AccessGate {
  readonly platform: PlatformName;
  /** Sends each of its platform requests through `AccessCallOptions.paced` when given (a slot per request, not per call). */
  readonly pacesItself?: boolean | undefined;
  /** See StrangerHandling; default 'remove'. */
  readonly strangers?: StrangerHandling | undefined;
  /**
   * Platforms that can list who holds a resource (Discord: the members with the role): the full
   * reconcile brings tracked memberships in line with it before planning (drift repair).
   */
  holders?(resource: AccessResource, options?: AccessCallOptions): Promise<HoldersResult>;
  grant(holder: AccessHolder, resource: AccessResource, reason: string, options?: AccessCallOptions): Promise<AccessOutcome>;
  /** Also takes people without an account (`AccessPerson`), so strangers can be removed from a gated chat. */
  revoke(holder: AccessHolder | AccessPerson, resource: AccessResource, reason: string, options?: AccessCallOptions): Promise<AccessOutcome>;
  /** Platforms with join requests (Telegram): let a pending requester in. */
  approveJoinRequest?(holder: AccessHolder, resource: AccessResource, reason: string): Promise<AccessOutcome>;
  /** Platforms with join requests: turn a requester away (and tell them how to get in). */
  declineJoinRequest?(person: AccessPerson, resource: AccessResource, reason: string): Promise<AccessOutcome>;
  /** Platforms with invite links: revoke one on the platform (e.g. once it has been used). */
  revokeInviteLink?(resource: AccessResource, link: string): Promise<AccessOutcome>;
  /**
   * Platforms whose links can admit the wrong person: remove `person`, who came in with `link`
   * (someone else's personal link), and revoke that link.
   */
  removeIntruder?(person: AccessPerson, resource: AccessResource, link: string): Promise<AccessOutcome>;
  /** Queues a short direct message about access (welcome, lapse) in the outbox; sent: true once queued. Never throws. */
  notify?(person: AccessPerson, text: string): Promise<NotifyResult>;
}

/** Whether a direct message reached the person; if not, the platform's answer. */
export type NotifyResult = { sent: true } | { sent: false; detail: string };

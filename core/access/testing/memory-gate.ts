// A neutral access gate for tests: memberships in a Map, every call recorded, failures on demand, notices through a recording sink.
import type { InboundEvent } from '../../inbound/types';
import type { PlatformName } from '../../types';
import { removedText } from '../messages';
import type { AccessNotice, NoticeSink } from '../notices';
import { resourceKey, type AccessFailureCode, type AccessGate, type AccessHolder, type AccessOutcome, type AccessPerson, type AccessResource, type HoldersResult, type NotifyResult, type StrangerHandling } from '../ports';

/** One call the gate received, in order. */
export interface MemoryGateCall {
  method: 'grant' | 'revoke' | 'notify';
  platformUserId: string;
  /** Empty for notify. */
  resourceKey: string;
  reason: string;
  /** What the gate answered. */
  result: AccessOutcome['result'] | 'sent' | 'not_sent';
}

/** A notice the recording sink received. */
export interface RecordedNotice {
  person: AccessPerson;
  notice: AccessNotice;
}

/** A NoticeSink that keeps every notice in `notices` and reports it sent. */
export function recordingNoticeSink(): NoticeSink & { notices: RecordedNotice[] } {
  const notices: RecordedNotice[] = [];
  const sink = async (person: AccessPerson, notice: AccessNotice): Promise<NotifyResult> => {
    notices.push({ person, notice });
    return { sent: true };
  };
  return Object.assign(sink, { notices });
}

/** The text a person gets when access is granted. */
export function grantedText(resource: AccessResource): string {
  return `You have access to ${resourceKey(resource)} now.`;
}

/**
 * An in-memory platform gate with no optional capabilities (no join requests, no invite links):
 * a grant holds at once, like a role. It keeps who holds which resource, records each call, fails
 * the next call(s) with a given detail when told to, and tells people through `notices` on a grant
 * and on a removal, as a platform gate does (the billing hook leaves those messages to the gate).
 */
export class MemoryAccessGate implements AccessGate {
  readonly platform: PlatformName;
  readonly calls: MemoryGateCall[] = [];
  private readonly held = new Map<string, Set<string>>();
  private failures: { detail: string; method: 'grant' | 'revoke' | undefined; code: AccessFailureCode | undefined }[] = [];
  readonly strangers: StrangerHandling | undefined;
  /** Present with `listsHolders`: who holds a resource, as the full reconcile's drift step reads it. */
  readonly holders?: (resource: AccessResource) => Promise<HoldersResult>;

  constructor(private readonly options: { platform: PlatformName; notices: NoticeSink; listsHolders?: boolean; strangers?: StrangerHandling }) {
    this.platform = options.platform;
    this.strangers = options.strangers;
    if (options.listsHolders) this.holders = async (resource) => ({ holders: this.holdersOf(resource) });
  }

  /** The platform changes on its own (an admin's hand): `platformUserId` holds `resource` or not, with no event. */
  setHolding(resource: AccessResource, platformUserId: string, holds: boolean): void {
    this.hold(resource, platformUserId, holds);
  }

  /** Whether `platformUserId` holds `resource` on the platform now. */
  holds(resource: AccessResource, platformUserId: string): boolean {
    return this.held.get(resourceKey(resource))?.has(platformUserId) ?? false;
  }

  /** Everyone holding `resource`, sorted. */
  holdersOf(resource: AccessResource): string[] {
    return [...(this.held.get(resourceKey(resource)) ?? [])].sort();
  }

  /**
   * Someone gets the resource on the platform itself (an admin hands out the role by hand): held
   * from now on; returns the membership event the platform would report, for the access handler.
   */
  admit(resource: AccessResource, platformUserId: string): InboundEvent {
    this.hold(resource, platformUserId, true);
    return { type: 'membership', actor: { platform: this.platform, platformUserId }, resource, state: 'member' };
  }

  /** The next `count` calls (of `method`, when given) fail with `detail` (and `code`), changing nothing. */
  failNext(detail: string, options: { method?: 'grant' | 'revoke'; count?: number; code?: AccessFailureCode } = {}): void {
    for (let i = 0; i < (options.count ?? 1); i += 1) this.failures.push({ detail, method: options.method, code: options.code });
  }

  /** Calls made with `method`. */
  callsOf(method: MemoryGateCall['method']): MemoryGateCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async grant(holder: AccessHolder, resource: AccessResource, reason: string): Promise<AccessOutcome> {
    const outcome = await this.act('grant', holder, resource, reason);
    this.record('grant', holder, resource, reason, outcome.result);
    return outcome;
  }

  async revoke(person: AccessHolder | AccessPerson, resource: AccessResource, reason: string): Promise<AccessOutcome> {
    const outcome = await this.act('revoke', person, resource, reason);
    this.record('revoke', person, resource, reason, outcome.result);
    return outcome;
  }

  async notify(person: AccessPerson, text: string): Promise<NotifyResult> {
    const told = await this.options.notices(person, { topic: 'notice', text });
    this.calls.push({ method: 'notify', platformUserId: person.platformUserId, resourceKey: '', reason: text, result: told.sent ? 'sent' : 'not_sent' });
    return told;
  }

  private async act(method: 'grant' | 'revoke', person: AccessPerson, resource: AccessResource, _reason: string): Promise<AccessOutcome> {
    const failure = this.takeFailure(method);
    if (failure !== undefined) return { result: 'failed', detail: failure.detail, ...(failure.code ? { code: failure.code } : {}) };
    if (resource.platform !== this.platform) return { result: 'failed', detail: `not a ${this.platform} resource: ${resourceKey(resource)}` };
    const held = this.holds(resource, person.platformUserId);
    if (method === 'grant') {
      if (held) return { result: 'noop', detail: 'holds it already', holds: true };
      this.hold(resource, person.platformUserId, true);
      const told = await this.options.notices(person, { topic: 'welcome', text: grantedText(resource) });
      return { result: 'granted', detail: told.sent ? 'granted; told them' : `granted; could not tell them: ${told.detail}`, holds: true };
    }
    if (!held) return { result: 'noop', detail: 'does not hold it', holds: false };
    this.hold(resource, person.platformUserId, false);
    const told = await this.options.notices(person, { topic: 'removed', text: removedText(true) });
    return { result: 'revoked', detail: told.sent ? 'removed; told the way back' : `removed; could not tell them: ${told.detail}`, holds: false };
  }

  private takeFailure(method: 'grant' | 'revoke'): { detail: string; code: AccessFailureCode | undefined } | undefined {
    const index = this.failures.findIndex((f) => f.method === undefined || f.method === method);
    if (index < 0) return undefined;
    return this.failures.splice(index, 1)[0];
  }

  private hold(resource: AccessResource, platformUserId: string, holds: boolean): void {
    const key = resourceKey(resource);
    const set = this.held.get(key) ?? new Set<string>();
    if (holds) set.add(platformUserId);
    else set.delete(platformUserId);
    this.held.set(key, set);
  }

  private record(method: 'grant' | 'revoke', person: AccessPerson, resource: AccessResource, reason: string, result: AccessOutcome['result']): void {
    this.calls.push({ method, platformUserId: person.platformUserId, resourceKey: resourceKey(resource), reason, result });
  }
}

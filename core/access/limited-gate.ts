// Access calls under the platform's own send limiter: one per-platform limit covers every call a platform receives.
import type { Clock } from '../clock';
import type { RateLimiter, SendKey } from '../delivery/rate-limiter';
import { SignalcastError } from '../errors';
import type { AccessCallOptions, AccessGate, AccessOutcome, AccessResource } from './ports';

export interface LimitedGateDeps {
  /** The dispatcher's limiter for the gate's platform (Dispatcher.limiterFor). */
  limiter: RateLimiter;
  /** The limiter's time: the same clock the dispatcher runs on. */
  clock: Clock;
  /** A send was waiting for the slot this call held: wake the dispatcher. */
  onSlotFreed?: (() => void) | undefined;
  /** How long a platform that said "too many requests" is left alone, when its answer gave no time. Default 1 s. */
  penaltyMs?: number | undefined;
}

/**
 * Wraps a gate so each of its calls first takes a slot in the platform's overall (and tenant) window,
 * the same windows the alerts use, so access work and deliveries together stay under one limit. Each
 * call is its own "chat" to the limiter: a membership change is not a message to a chat. A refusal
 * with code rate_limited pauses the whole platform for a moment, deliveries included.
 */
export function limitGate(gate: AccessGate, deps: LimitedGateDeps): AccessGate {
  let calls = 0;
  /** Runs `run` holding one slot in the platform's windows; `check` sees its result before the slot is given back. */
  async function inSlot<T>(resource: AccessResource | undefined, run: () => Promise<T>, check?: (result: T, key: SendKey) => void, signal?: AbortSignal): Promise<T> {
    const key: SendKey = { chat: `access#${++calls}`, isGroup: false, tenant: resource?.tenant };
    for (;;) {
      // A caller that gave up (its job's deadline) sends nothing more, however long it waited for a slot.
      if (signal?.aborted) throw new SignalcastError('unavailable', 'the access call was given up before its turn under the rate limit');
      const admission = deps.limiter.tryAcquire(key, deps.clock.now());
      if (!admission.ok) {
        await deps.clock.sleep(Math.max(1, admission.waitMs));
        continue;
      }
      const { grant } = admission;
      if (!grant.start(deps.clock.now())) {
        if (grant.cancel()) deps.onSlotFreed?.();
        continue;
      }
      try {
        const result = await run();
        check?.(result, key);
        return result;
      } finally {
        if (grant.finish(deps.clock.now())) deps.onSlotFreed?.();
      }
    }
  }
  const penalize = (outcome: AccessOutcome, key: SendKey) => {
    if (outcome.code === 'rate_limited') deps.limiter.penalize('global', key, deps.clock.now() + (deps.penaltyMs ?? 1_000));
  };
  const limited = (resource: AccessResource | undefined, run: () => Promise<AccessOutcome>) => inSlot(resource, run, penalize);
  /**
   * A gate that paces its own requests (AccessCallOptions.paced) gets a slot per request; one that
   * does not, a slot for the whole call.
   */
  const pacedCall = (resource: AccessResource, call: AccessCallOptions | undefined): AccessCallOptions => ({
    ...call,
    paced: (request) => inSlot(resource, request, undefined, call?.signal),
  });
  const wrapped: AccessGate = {
    platform: gate.platform,
    pacesItself: gate.pacesItself,
    strangers: gate.strangers,
    grant: (holder, resource, reason, call) => (gate.pacesItself
      ? gate.grant(holder, resource, reason, pacedCall(resource, call))
      : limited(resource, () => gate.grant(holder, resource, reason, call))),
    revoke: (person, resource, reason, call) => (gate.pacesItself
      ? gate.revoke(person, resource, reason, pacedCall(resource, call))
      : limited(resource, () => gate.revoke(person, resource, reason, call))),
  };
  if (gate.approveJoinRequest) wrapped.approveJoinRequest = (holder, resource, reason) => limited(resource, () => gate.approveJoinRequest!(holder, resource, reason));
  if (gate.declineJoinRequest) wrapped.declineJoinRequest = (person, resource, reason) => limited(resource, () => gate.declineJoinRequest!(person, resource, reason));
  if (gate.revokeInviteLink) wrapped.revokeInviteLink = (resource, link) => limited(resource, () => gate.revokeInviteLink!(resource, link));
  if (gate.removeIntruder) wrapped.removeIntruder = (person, resource, link) => limited(resource, () => gate.removeIntruder!(person, resource, link));
  if (gate.notify) wrapped.notify = gate.notify.bind(gate);
  // Paged reads: each page under the limiter when the gate paces itself, else the call as one.
  const holders = gate.holders?.bind(gate);
  if (holders) wrapped.holders = (resource, call) => (gate.pacesItself ? holders(resource, pacedCall(resource, call)) : inSlot(resource, () => holders(resource, call)));
  return wrapped;
}

// Access messages as durable notices: the outbox port they go through and the sink the platform gates write to.
import type { ChatPlatform } from '../delivery/chat-platform';
import type { PlatformName, Recipient } from '../types';
import type { AccessPerson, NotifyResult } from './ports';

/** A short message to one person about their access, with an optional link button. */
export interface AccessNotice {
  /** What it is: 'welcome', 'lapse', 'invite', 'removed', 'approved', 'declined', 'billing'. */
  topic: string;
  text: string;
  button?: { label: string; url: string } | undefined;
  /**
   * The caller acts right after and the message must arrive first (Telegram lets a bot write to a
   * join requester only while the request is pending): the sink waits, briefly, until it is sent.
   */
  sendBeforeReturning?: boolean | undefined;
}

/** Where a notice went: queued in the outbox, or why not (no way to reach the person on that platform). */
export type QueuedNotice = { queued: true; deliveryId: number } | { queued: false; detail: string };

/**
 * The delivery outbox for access notices: each goes to the person's personal destination (created
 * when missing) and is sent by the dispatcher, under the platform's rate limits, with its retries and
 * dead letters. Synchronous, so it can run inside the caller's transaction.
 */
export interface NoticeOutbox {
  enqueue(person: AccessPerson, notice: AccessNotice, now: number): QueuedNotice;
  /** The delivery's state ('pending', 'sending', 'sent', 'dead', 'skipped'); null when there is no such delivery. */
  deliveryState(deliveryId: number): string | null;
}

/** What a gate calls to tell a person something; resolves once the notice is durably queued (or could not be). */
export type NoticeSink = (person: AccessPerson, notice: AccessNotice) => Promise<NotifyResult>;

/**
 * A sink onto the outbox: queue, then wake the dispatcher. A notice marked sendBeforeReturning is
 * waited for (real time, at most `waitMs`, default 5 s) until the dispatcher has sent it or given up.
 */
export function outboxNoticeSink(deps: { outbox: NoticeOutbox; clock: { now(): number }; poke?: (() => void) | undefined; waitMs?: number | undefined }): NoticeSink {
  return async (person, notice) => {
    const queued = deps.outbox.enqueue(person, notice, deps.clock.now());
    if (!queued.queued) return { sent: false, detail: queued.detail };
    deps.poke?.();
    if (!notice.sendBeforeReturning) return { sent: true };
    const deadline = Date.now() + (deps.waitMs ?? 5_000);
    for (;;) {
      const state = deps.outbox.deliveryState(queued.deliveryId);
      if (state === 'sent') return { sent: true };
      if (state !== 'pending' && state !== 'sending') return { sent: false, detail: `the message was not delivered (${state ?? 'gone'}; see signalcast deliveries dead)` };
      if (Date.now() > deadline) return { sent: false, detail: 'the message is queued but not sent yet' };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
}

/**
 * The direct-message address of a person: their user id, marked direct (the adapter opens the
 * private chat), in their tenant where user ids are per tenant (the Slack sender finds the
 * workspace's token by it).
 */
export function personalRecipient(person: Pick<AccessPerson, 'platform' | 'platformUserId' | 'tenant'>): Recipient {
  return person.tenant
    ? { platform: person.platform, tenant: person.tenant, chatId: person.platformUserId, direct: true }
    : { platform: person.platform, chatId: person.platformUserId, direct: true };
}

/**
 * A sink that sends at once through the platform adapter, bypassing the outbox: for a caller that
 * has no outbox (a one-off script, the gate's own tests). The service uses outboxNoticeSink.
 */
export function sendNowNoticeSink(platforms: ReadonlyMap<PlatformName, ChatPlatform>): NoticeSink {
  return async (person, notice) => {
    const platform = platforms.get(person.platform);
    const to = personalRecipient(person);
    if (!platform) return { sent: false, detail: `no direct messages on ${person.platform}` };
    try {
      await platform.send(to, { kind: 'notice', text: notice.text, buttons: notice.button ? [notice.button] : undefined });
      return { sent: true };
    } catch (err) {
      return { sent: false, detail: err instanceof Error ? err.message : String(err) };
    }
  };
}

// Access notices in SQLite: the text in `notices`, one outbox row in `deliveries` to the person's personal destination.
import { and, eq, isNull } from 'drizzle-orm';
import { personalRecipient, type AccessNotice, type NoticeOutbox, type QueuedNotice } from '../../core/access/notices';
import type { AccessPerson } from '../../core/access/ports';
import { newId } from '../../core/ids';
import { DELIVERY_PRIORITY } from '../../core/planning/types';
import { recipientKey, type ContentKind, type PlatformName } from '../../core/types';
import type { Db } from '../client';
import { deliveries, destinations, identities, notices } from '../schema';

/** What a personal destination made here gets: the same as one made when the person writes to the bot. */
const DIRECT_CONTENT: ContentKind[] = ['alert', 'rationale', 'snapshot', 'notice'];

/**
 * Queues each notice as a delivery (content type 'notice', paid real-time priority) so access
 * messages share the dispatcher's rate limits, retries and dead letters with alerts. A person without
 * a personal destination gets one (created as if they had written to the bot; strangers get notices
 * only, and so does a person in a tenant, a workspace's admin told of its licence: the notice must
 * not make their direct messages an alert channel the workspace did not choose); a disabled one
 * (they blocked the bot) takes nothing: the row is written 'skipped'.
 */
export class SqliteNoticeOutbox implements NoticeOutbox {
  /** `directMessages`: whether a bot on the platform can write to a person (the adapters' capability); every platform by default. */
  constructor(private readonly deps: { db: Db; directMessages?: ((platform: PlatformName) => boolean) | undefined }) {}

  enqueue(person: AccessPerson, notice: AccessNotice, now: number): QueuedNotice {
    if (this.deps.directMessages && !this.deps.directMessages(person.platform)) return { queued: false, detail: `no direct messages on ${person.platform}` };
    const recipient = personalRecipient(person);
    return this.deps.db.transaction((tx) => {
      const key = recipientKey(recipient);
      let destination = tx.select({ ref: destinations.ref, enabled: destinations.enabled, reason: destinations.disabledReason }).from(destinations)
        .where(eq(destinations.recipientKey, key)).get();
      if (!destination) {
        const identity = tx.select({ id: identities.id, accountId: identities.accountId }).from(identities)
          .where(and(eq(identities.platform, person.platform), eq(identities.platformUserId, person.platformUserId),
            person.tenant ? eq(identities.tenant, person.tenant) : isNull(identities.tenant))).get();
        const accountId = identity?.accountId ?? person.accountId;
        destination = tx.insert(destinations).values({
          id: newId('dst'), platform: recipient.platform, kind: 'direct', address: recipient, recipientKey: key, tenant: recipient.tenant ?? null,
          identityId: identity?.id ?? null, accountId, contentKinds: accountId && !person.tenant ? DIRECT_CONTENT : ['notice'], createdAt: new Date(now),
        }).returning({ ref: destinations.ref, enabled: destinations.enabled, reason: destinations.disabledReason }).get();
      }
      const { ref } = tx.insert(notices).values({
        accountId: person.accountId, topic: notice.topic, text: notice.text,
        buttonLabel: notice.button?.label ?? null, buttonUrl: notice.button?.url ?? null, createdAt: now,
      }).returning({ ref: notices.ref }).get();
      const skipped = !destination.enabled;
      const { id } = tx.insert(deliveries).values({
        contentType: 'notice', contentRef: ref, kind: 'notice', destinationRef: destination.ref, platform: recipient.platform, priority: DELIVERY_PRIORITY.paidRealtime,
        dueAt: now, state: skipped ? 'skipped' : 'pending', skipReason: skipped ? 'destination_disabled' : null, createdAt: now, updatedAt: now,
      }).returning({ id: deliveries.id }).get();
      if (skipped) return { queued: false, detail: `their direct messages are off (${destination.reason ?? 'destination disabled'})` };
      return { queued: true, deliveryId: id };
    });
  }

  deliveryState(deliveryId: number): string | null {
    return this.deps.db.select({ state: deliveries.state }).from(deliveries).where(eq(deliveries.id, deliveryId)).get()?.state ?? null;
  }
}

// A send's result recorded on its delivery row (for delivery-store.ts): sent, tried again, dead, or dead for good with its destination disabled.
import type { AuditLog } from '../../core/audit';
import type { DeliveryResult } from '../../core/delivery/ports';
import type { StatementCache } from './statement-cache';

/** Each result changes only a row still 'sending' (claimed by this process), so a result recorded twice changes nothing. */
export class DeliveryResults {
  constructor(private readonly stmts: StatementCache, private readonly audit: AuditLog) {}

  record(r: DeliveryResult): void {
    switch (r.type) {
      case 'sent':
        this.stmts.get('sent', `UPDATE deliveries SET state = 'sent', platform_message_id = ?, sent_at = ?, attempts = attempts + 1,
            claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.platformMessageId, r.at, r.at, r.id);
        return;
      case 'retry':
        this.stmts.get('retry', `UPDATE deliveries SET attempts = ?, due_at = ?, last_error = ?, last_error_code = ?,
            claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.attempts, r.dueAt, r.error, r.errorCode, r.at, r.id);
        this.requeue(r.id, r.at);
        return;
      case 'rate_limited':
        this.stmts.get('rate-limited', `UPDATE deliveries SET due_at = ?, last_error = ?, last_error_code = ?,
            claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.dueAt, r.error, r.errorCode, r.at, r.id);
        this.requeue(r.id, r.at);
        return;
      case 'deferred':
        this.stmts.get('deferred', `UPDATE deliveries SET due_at = ?, claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.dueAt, r.at, r.id);
        this.requeue(r.id, r.at);
        return;
      case 'skipped':
        this.stmts.get('skipped', `UPDATE deliveries SET state = 'skipped', skip_reason = ?, cap_day = NULL, cap_account_id = NULL, claimed_at = NULL,
            updated_at = ? WHERE id = ? AND state = 'sending'`)
          .run(r.reason, r.at, r.id);
        return;
      case 'dead':
        this.markDead(r.id, r.attempts, r.error, r.errorCode, r.at);
        return;
      case 'permanent':
        this.markDead(r.id, r.attempts, r.error, r.errorCode, r.at);
        this.disableDestination(r);
        return;
    }
  }

  /**
   * A try that will be tried again waits as pending, unless its destination was disabled while it was
   * in flight (a workspace's app removed): then it is skipped, as the pending rows were, so a
   * reinstall does not send it late.
   */
  private requeue(id: number, at: number): void {
    this.stmts.get('requeue', `UPDATE deliveries SET
        state = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN 'pending' ELSE 'skipped' END,
        skip_reason = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN skip_reason ELSE 'destination_disabled' END,
        cap_day = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN cap_day END,
        cap_account_id = CASE WHEN (SELECT enabled FROM destinations WHERE ref = deliveries.destination_ref) = 1 THEN cap_account_id END,
        updated_at = ? WHERE id = ? AND state = 'sending'`)
      .run(at, id);
  }

  private markDead(id: number, attempts: number, error: string, errorCode: string, at: number): void {
    this.stmts.get('dead', `UPDATE deliveries SET state = 'dead', attempts = ?, last_error = ?, last_error_code = ?,
        claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`)
      .run(attempts, error, errorCode, at, id);
  }

  /** Disables the destination (once), skips its other pending deliveries and records why. */
  private disableDestination(r: Extract<DeliveryResult, { type: 'permanent' }>): void {
    const disabled = this.stmts.get('disable', `UPDATE destinations SET enabled = 0, disabled_reason = ?, disabled_at = ? WHERE id = ? AND enabled = 1`)
      .run(r.reason, r.at, r.destinationId).changes === 1;
    // A skipped row no longer counts toward a daily cap: it loses its cap fields.
    const skipped = this.stmts.get('skip-destination', `UPDATE deliveries SET state = 'skipped', skip_reason = 'destination_disabled', cap_day = NULL, cap_account_id = NULL, updated_at = ?
        WHERE destination_ref = (SELECT ref FROM destinations WHERE id = ?) AND state = 'pending'`)
      .run(r.at, r.destinationId).changes;
    if (!disabled) return;
    this.audit.record({
      actor: 'system',
      action: 'destination.disabled',
      subjectType: 'destination',
      subjectId: r.destinationId,
      reason: r.reason,
      data: { platform: r.platform, recipientKey: r.recipientKey, deliveryId: r.id, answer: r.error, platformCode: r.errorCode, skippedDeliveries: skipped },
    });
  }
}

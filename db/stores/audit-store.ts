// The audit trail in SQLite: append-only rows, written inside the caller's transaction when there is one.
import { desc, eq, and } from 'drizzle-orm';
import type { AuditEntry, AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import type { Db } from '../client';
import { auditEvents, type AuditEventRow } from '../schema';

export class SqliteAuditLog implements AuditLog {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  record(entry: AuditEntry): void {
    this.deps.db.insert(auditEvents).values({
      at: new Date(this.deps.clock.now()),
      actor: entry.actor,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      reason: entry.reason ?? null,
      data: entry.data ?? null,
    }).run();
  }

  /** Newest first; optionally only one subject's events. */
  list(filter: { subjectType?: string; subjectId?: string; limit?: number } = {}): AuditEventRow[] {
    const where = [];
    if (filter.subjectType) where.push(eq(auditEvents.subjectType, filter.subjectType));
    if (filter.subjectId) where.push(eq(auditEvents.subjectId, filter.subjectId));
    return this.deps.db.select().from(auditEvents).where(and(...where)).orderBy(desc(auditEvents.id)).limit(filter.limit ?? 100).all();
  }
}

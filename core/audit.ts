// The append-only audit trail: every publish, entitlement change, access change and admin action.

export interface AuditEntry {
  /** Who did it: 'system', 'api-key:<id>', 'cli', 'operator:<identity>', 'stripe'. */
  actor: string;
  /** What happened, e.g. 'signal.published', 'destination.disabled', 'access.granted'. */
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | undefined;
  data?: Record<string, unknown> | undefined;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

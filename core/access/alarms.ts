// Access that is blocked until an operator changes something on the platform (a role above the bot's): told once, not once per member or retry.
import type { AuditLog } from '../audit';
import type { Logger } from '../logger';
import type { PlatformName } from '../types';
import type { AccessOutcome } from './ports';

/** Refusals only an operator can cure; told once per resource until access there works again. */
export const OPERATOR_FIX_CODES: ReadonlySet<string> = new Set(['hierarchy']);

export interface AccessAlarmDeps {
  audit: AuditLog;
  logger?: Logger | undefined;
  /** Tells the platform's operators privately (a direct message through the outbox); optional. */
  tellOperators?: ((platform: PlatformName, text: string) => Promise<void>) | undefined;
}

/**
 * Remembers which resources are blocked by a refusal only an operator can fix. The first refusal
 * is logged as an error with the platform's words (which name the fix), audited as
 * 'access.blocked' and sent to the operators; later ones for the same resource are quiet. The first
 * success there clears it ('access.unblocked'), so a later block is told again. Kept in memory: a
 * restart tells a still-blocked resource once more.
 */
export class AccessAlarms {
  private readonly blocked = new Map<string, string>();

  constructor(private readonly deps: AccessAlarmDeps) {}

  /** Whether `resourceKey` is known blocked now. */
  isBlocked(resourceKey: string): boolean {
    return this.blocked.has(resourceKey);
  }

  /** Looks at one gate outcome for a resource and raises or clears its alarm. */
  async observe(platform: PlatformName, resourceKey: string, outcome: AccessOutcome): Promise<void> {
    if (outcome.result === 'failed' && OPERATOR_FIX_CODES.has(outcome.code ?? '')) {
      if (this.blocked.has(resourceKey)) return;
      const detail = outcome.detail ?? 'the platform refused the change';
      this.blocked.set(resourceKey, detail);
      this.deps.logger?.error({ resource: resourceKey, code: outcome.code, detail }, `access blocked on ${resourceKey}: ${detail}. Access changes there wait until this is fixed`);
      this.deps.audit.record({ actor: 'system', action: 'access.blocked', subjectType: 'resource', subjectId: resourceKey, reason: detail, data: { platform, code: outcome.code } });
      try {
        await this.deps.tellOperators?.(platform, `Signalcast cannot change access to ${resourceKey}: ${detail}. Members' access waits until then and follows on its own afterwards.`);
      } catch (err) {
        this.deps.logger?.warn({ err, resource: resourceKey }, 'could not tell the operators that access is blocked');
      }
      return;
    }
    // A no-op proves nothing (no change was asked of the platform); a change that went through does.
    if (outcome.result !== 'failed' && outcome.result !== 'noop' && this.blocked.delete(resourceKey)) {
      this.deps.logger?.info({ resource: resourceKey }, `access to ${resourceKey} works again`);
      this.deps.audit.record({ actor: 'system', action: 'access.unblocked', subjectType: 'resource', subjectId: resourceKey });
    }
  }
}

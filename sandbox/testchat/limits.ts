// The test platform's own view of its limits: windows measured at arrival, retry_after penalties, violations.
import type { PlatformWindows, RateWindow } from '../../core/delivery/chat-platform';
import { WindowLog } from '../base/window-log';

/** Why a request broke the platform's rules. */
export type ViolationKind = 'retry_after' | 'overall' | 'per_chat' | 'per_group';

/** A refusal: answer 429 with this retry_after (seconds), for this chat or for everyone ('global'). */
export interface Refusal {
  violation: ViolationKind;
  retryAfterSeconds: number;
  scope: 'chat' | 'global';
}

/**
 * Judges each arriving send: inside a retry_after it was given, or over a
 * window (overall, per chat, per group for chat ids starting with '-'), is a
 * violation and gets a 429. Only sends that pass are counted in the windows.
 */
export class ArrivalJudge {
  private readonly overall = new WindowLog();
  private readonly chats = new Map<string, { chat: WindowLog; group: WindowLog }>();
  private readonly penalties = new Map<string, number>();
  private globalPenaltyUntil = -Infinity;

  constructor(private readonly limits: PlatformWindows) {}

  judge(chatId: string, now: number): Refusal | undefined {
    const penalty = Math.max(this.globalPenaltyUntil, this.penalties.get(chatId) ?? -Infinity);
    if (now < penalty) {
      return { violation: 'retry_after', retryAfterSeconds: Math.max(1, Math.ceil((penalty - now) / 1000)), scope: now < this.globalPenaltyUntil ? 'global' : 'chat' };
    }
    const logs = this.logsFor(chatId);
    const checks: [WindowLog, RateWindow | undefined, ViolationKind][] = [
      [this.overall, this.limits.overall, 'overall'],
      [logs.chat, this.limits.perChat, 'per_chat'],
      [logs.group, chatId.startsWith('-') ? this.limits.perGroup : undefined, 'per_group'],
    ];
    for (const [log, window, kind] of checks) {
      if (!window || log.count(now, window.windowMs) < window.limit) continue;
      const retryAfterSeconds = Math.max(1, Math.ceil(log.waitMs(now, window) / 1000));
      this.penalize(chatId, kind === 'overall', now + retryAfterSeconds * 1000);
      return { violation: kind, retryAfterSeconds, scope: kind === 'overall' ? 'global' : 'chat' };
    }
    this.overall.add(now);
    logs.chat.add(now);
    logs.group.add(now);
    return undefined;
  }

  /** A 429 was answered: nothing may arrive for this chat (or anyone, when global) before `untilMs`. */
  penalize(chatId: string | undefined, global: boolean, untilMs: number): void {
    if (global || chatId === undefined) this.globalPenaltyUntil = Math.max(this.globalPenaltyUntil, untilMs);
    else this.penalties.set(chatId, Math.max(this.penalties.get(chatId) ?? -Infinity, untilMs));
  }

  private logsFor(chatId: string): { chat: WindowLog; group: WindowLog } {
    let logs = this.chats.get(chatId);
    if (!logs) {
      logs = { chat: new WindowLog(), group: new WindowLog() };
      this.chats.set(chatId, logs);
    }
    return logs;
  }
}

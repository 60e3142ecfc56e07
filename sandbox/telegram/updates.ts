// The bot's update queue: ids, allowed_updates filtering, confirmation by offset, and long polling
// that answers as soon as an update arrives or the timeout passes on the emulator's clock.
import type { Update } from 'grammy/types';
import type { Clock } from '../../core/clock';
import { conflict, type TelegramApiError } from './errors';

export type UpdateKind = Exclude<keyof Update, 'update_id'>;
type UpdatePayload<K extends UpdateKind> = NonNullable<Update[K]>;

/** Left out unless named in allowed_updates. */
const OPT_IN_KINDS = new Set<string>(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Every update the world produced; `dropped` when allowed_updates filtered it out. */
export interface UpdateLogEntry {
  update: Update;
  dropped: boolean;
}

interface Waiter {
  limit: number;
  finish(result: Update[] | TelegramApiError): void;
}

export class UpdateQueue {
  /** Survives reset(), so a running client's offset never hides new updates. */
  private nextId = 1;
  private pending: Update[] = [];
  private allowed: string[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<() => void>();
  log: UpdateLogEntry[] = [];

  constructor(private readonly clock: Clock) {}

  /** Sets allowed_updates; undefined keeps the previous setting, [] restores the default. */
  setAllowed(list: string[] | undefined): void {
    if (list !== undefined) this.allowed = [...list];
  }

  get allowedUpdates(): string[] {
    return [...this.allowed];
  }

  isAllowed(kind: string): boolean {
    return this.allowed.length === 0 ? !OPT_IN_KINDS.has(kind) : this.allowed.includes(kind);
  }

  /** Adds an update as Telegram would, unless allowed_updates filters it out. */
  emit<K extends UpdateKind>(kind: K, payload: UpdatePayload<K>): Update {
    const update = { update_id: this.nextId++, [kind]: payload } as Update;
    const dropped = !this.isAllowed(kind);
    this.log.push({ update, dropped });
    if (!dropped) {
      this.pending.push(update);
      // Wake pollers after the current driver call, so updates it makes together arrive together.
      queueMicrotask(() => this.wake());
    }
    return update;
  }

  /** Forgets updates below `offset`; a negative offset keeps only the last -offset ones. */
  confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    this.pending = offset < 0 ? this.pending.slice(offset) : this.pending.filter((u) => u.update_id >= offset);
  }

  peek(limit = 100): Update[] {
    return this.pending.slice(0, limit);
  }

  /** Removes the oldest pending update (a webhook delivered it). */
  shift(): void {
    this.pending.shift();
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  drop(): void {
    this.pending = [];
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** getUpdates: answers at once when updates wait, else when one arrives or `timeoutSeconds` pass. */
  async poll(args: { offset?: number | undefined; limit: number; timeoutSeconds: number; signal: AbortSignal }): Promise<Update[]> {
    // Like Telegram, a newer getUpdates ends the one still waiting.
    this.cancelPolls(conflict('terminated by other getUpdates request; make sure that only one bot instance is running'));
    this.confirm(args.offset);
    const ready = this.peek(args.limit);
    if (ready.length > 0 || args.timeoutSeconds <= 0 || args.signal.aborted) return ready;
    const result = await new Promise<Update[] | TelegramApiError>((resolve) => {
      // Ends the timeout's sleep once the poll is answered, so no timer outlives it.
      const timeout = new AbortController();
      const waiter: Waiter = {
        limit: args.limit,
        finish: (r) => {
          if (!this.waiters.delete(waiter)) return;
          args.signal.removeEventListener('abort', onAbort);
          timeout.abort();
          resolve(r);
        },
      };
      const onAbort = (): void => waiter.finish([]);
      this.waiters.add(waiter);
      args.signal.addEventListener('abort', onAbort, { once: true });
      void this.clock.sleep(args.timeoutSeconds * 1000, timeout.signal).then(() => waiter.finish(this.peek(args.limit)));
    });
    if (result instanceof Error) throw result;
    return result;
  }

  /** Ends every waiting poll, with an error or with no updates. */
  cancelPolls(reason: TelegramApiError | 'empty'): void {
    for (const waiter of [...this.waiters]) waiter.finish(reason === 'empty' ? [] : reason);
  }

  /** Forgets pending updates, the log and allowed_updates (the id counter stays). */
  clear(): void {
    this.cancelPolls('empty');
    this.pending = [];
    this.allowed = [];
    this.log = [];
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      const ready = this.peek(waiter.limit);
      if (ready.length > 0) waiter.finish(ready);
    }
    for (const listener of this.listeners) listener();
  }
}

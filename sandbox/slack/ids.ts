// Slack-shaped identifiers: "T…", "U…", "C…" ids of at least nine upper-case characters, and message
// timestamps ("1712345678.000100") unique and increasing within one emulator.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Makes ids and timestamps for one emulator. */
export class SlackIds {
  private counter = 0;
  private lastTs = 0;

  constructor(private readonly clock: Clock) {}

  /** A new id with Slack's prefix for the kind ("T" team, "U" user, "C" channel, "G" private, "D" DM, "B" bot, "A" app, "E" enterprise). */
  next(prefix: string): string {
    this.counter += 1;
    const serial = this.counter.toString(36).toUpperCase().padStart(4, '0');
    const noise = [...randomBytes(6)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
    return `${prefix}0${serial}${noise}`;
  }

  /** A message timestamp: seconds with six digits of a per-emulator sequence, always above the last one. */
  ts(): string {
    const micros = Math.max(this.clock.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** A random secret-looking string (tokens, codes, trigger ids). */
  secret(bytes = 12): string {
    return randomBytes(bytes).toString('hex');
  }
}

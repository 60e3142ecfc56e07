// Snowflake ids as Discord makes them: milliseconds since 2015 shifted left 22 bits, plus a counter.
import type { Clock } from '../../core/clock';

/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

/** Makes increasing snowflake ids from a clock. */
export class SnowflakeSource {
  private counter = 0n;
  private last = '0';

  constructor(private readonly clock: Clock) {}

  next(): string {
    const ms = BigInt(Math.max(0, Math.floor(this.clock.now()))) - DISCORD_EPOCH;
    this.counter = (this.counter + 1n) & 0xfffn;
    let id = ((ms > 0n ? ms : 0n) << 22n) | (1n << 17n) | this.counter;
    if (id <= BigInt(this.last)) id = BigInt(this.last) + 1n;
    this.last = id.toString();
    return this.last;
  }
}

/** When a snowflake was made, in milliseconds since the epoch. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

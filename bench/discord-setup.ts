// What both Discord scenarios share: the bench server's fixed ids, the plans file whose VIP role names them, the seeded Discord subscribers, request counts.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { openDatabase } from '../db/client';
import { seedSubscribers } from '../db/testing/seed';
import type { BenchGuild, DiscordSummary } from './discord-child';
import { BENCH_PLANS_FILE } from './emulators-process';

/** The bench server: a guild, its VIP role and `channels` gated channels, with ids fixed ahead (snowflake-shaped). */
export function benchGuild(channels: number): BenchGuild {
  const base = 920_000_000_000_000_000n;
  return {
    guildId: String(base + 1n),
    roleId: String(base + 2n),
    channelIds: Array.from({ length: channels }, (_, i) => String(base + 1_000n + BigInt(i))),
  };
}

/**
 * The bench's plans (bench/plans.yaml) with VIP giving the bench server's VIP role, which opens its
 * gated channels, and no trial (the first payment is at checkout). Written next to the database.
 */
export function writeDiscordPlans(databaseUrl: string, guild: BenchGuild): string {
  const plans = parse(readFileSync(BENCH_PLANS_FILE, 'utf8')) as { plans: { id: string; access: unknown[]; trialDays: number }[] };
  for (const plan of plans.plans) {
    if (plan.id !== 'vip') continue;
    plan.access = [{ discord: { guild: guild.guildId, role: guild.roleId, channels: guild.channelIds } }];
    plan.trialDays = 0;
  }
  const file = join(dirname(databaseUrl.replace(/^file:/, '')), 'plans.yaml');
  writeFileSync(file, stringify(plans));
  return file;
}

/** Seeds one account per Discord user id (identity and DM destination), on `planId` (null: free, no subscription). Returns the account ids. */
export function seedDiscordSubscribers(databaseUrl: string, userIds: readonly string[], planId: string | null): string[] {
  const db = openDatabase(databaseUrl);
  try {
    return seedSubscribers(db, { count: userIds.length, userIds, platform: 'discord', planId }).accountIds;
  } finally {
    db.$client.close();
  }
}

/** Requests by route at or after `since`, and how they were answered. */
export function requestCounts(summary: DiscordSummary, since: number): { byRoute: Record<string, number>; byStatus: Record<string, number> } {
  const byRoute: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  for (const r of summary.requests) {
    if (r.at < since) continue;
    byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
    byStatus[String(r.status)] = (byStatus[String(r.status)] ?? 0) + 1;
  }
  return { byRoute, byStatus };
}

// The bot's command handlers on the billing harness's database and real billing, for tests that go from a chat command to Stripe.
import type { CommandDeps } from '../../bots/commands/deps';
import { handleEvent } from '../../bots/commands/router';
import { currentCapabilities } from '../../core/capabilities';
import { SqliteAccountDirectory } from '../../db/stores/account-directory';
import { SqliteLinkCodeStore } from '../../db/stores/link-code-store';
import { SqliteSignalService } from '../../db/stores/signal-service';
import { SqliteOperatorStats } from '../../db/stores/stats-store';
import type { BillingHarness } from './harness';

/** The Telegram user id that may run operator commands here. */
export const OPERATOR = '900';

/** Sends `/command args` as Telegram user `userId` in their private chat; the replies' texts, one per line. */
export async function sendCommand(h: BillingHarness, userId: string, text: string): Promise<{ text: string; urls: string[] }> {
  const deps: CommandDeps = {
    accounts: h.accounts, directory: new SqliteAccountDirectory({ db: h.db }), referrals: h.referrals, linkCodes: new SqliteLinkCodeStore({ db: h.db }),
    billing: h.service.billing, plans: h.plans, signals: new SqliteSignalService({ db: h.db, clock: h.clock, plans: h.plans, bands: { aMin: 0.8, bMin: 0.6 } }),
    stats: new SqliteOperatorStats({ db: h.db }), audit: h.audit, clock: h.clock, logger: h.logger, operatorIds: { telegram: [OPERATOR] }, capabilities: currentCapabilities(['telegram'], true),
  };
  const m = /^\/(\w+)\s*(.*)$/s.exec(text);
  if (!m) throw new Error(`not a command: ${text}`);
  const replies = await handleEvent({
    type: 'command', actor: { platform: 'telegram', platformUserId: userId }, chat: { platform: 'telegram', chatId: userId }, isPrivate: true,
    command: m[1] ?? '', args: m[2] ?? '',
  }, deps);
  return { text: replies.map((r) => r.text).join('\n'), urls: replies.flatMap((r) => (r.buttons ?? []).flat().flatMap((b) => ('url' in b && b.url ? [b.url] : []))) };
}

/** The Telegram user id of the harness account's identity. */
export function telegramUserOf(h: BillingHarness, accountId: string): string {
  return h.rows(`select platform_user_id as id from identities where account_id = '${accountId}'`)[0]?.id as string;
}

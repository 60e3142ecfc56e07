// Billing without Stripe: a stand-in whose every call names the missing setting.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { recordingLogger } from '../core/testing/logger';
import { handleEvent } from '../bots/commands';
import { commandWorld } from '../bots/commands/commands.fixtures';
import { createBilling, unconfiguredBilling } from './billing';

describe('billing without STRIPE_SECRET_KEY', () => {
  it('is not built, and the stand-in refuses checkout and portal naming STRIPE_SECRET_KEY', async () => {
    expect(createBilling(loadConfig({}).stripe, {} as never)).toBeNull();
    const request = { accountId: 'acc_1', planId: 'pro', identity: { platform: 'telegram' as const, platformUserId: '1' } };
    await expect(unconfiguredBilling.createCheckoutLink(request)).rejects.toThrow('payments are not configured (STRIPE_SECRET_KEY)');
    await expect(unconfiguredBilling.createPortalLink('acc_1')).rejects.toThrow('STRIPE_SECRET_KEY');
  });

  it('makes /subscribe answer with an apology and log why', async () => {
    const logger = recordingLogger();
    const world = commandWorld({ billing: unconfiguredBilling, logger });
    const replies = await handleEvent({ type: 'command', actor: { platform: 'testchat', platformUserId: '5' }, chat: { platform: 'testchat', chatId: '5' }, isPrivate: true, command: 'subscribe', args: 'pro' }, world.deps);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.buttons).toBeUndefined();
    expect(logger.records.filter((r) => r.level === 'error').map((r) => String((r.obj.err as Error | undefined)?.message))).toEqual(['payments are not configured (STRIPE_SECRET_KEY)']);
  });
});

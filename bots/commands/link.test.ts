import { describe, expect, it } from 'vitest';
import { commandWorld, only } from './commands.fixtures';

const codeIn = (text: string): string => /\/start link_([A-Z2-9]+)/.exec(text)?.[1] ?? '';

describe('/link and /start link_<code>', () => {
  it('gives a one-time code for 10 minutes, shown as the /start command to send elsewhere', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/link'));
    const code = codeIn(reply.text);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(reply.text).toContain('It works once, for the next 10 minutes.');
    const stored = await w.deps.linkCodes.find(code);
    const account = await w.accounts.findAccountByIdentity('testchat', '42');
    expect(stored).toMatchObject({ accountId: account!.id, usedAt: null, expiresAt: new Date(w.clock.now() + 600_000) });
    expect(w.actions()).toContain('link_code.created');
  });

  it('links a new identity on another platform to the account, with its own direct messages', async () => {
    const w = commandWorld();
    const code = codeIn(only(await w.send('42', '/link')).text);
    const reply = only(await w.send('7001', `/start link_${code.toLowerCase()}`, { platform: 'telegram' }));
    expect(reply.text).toMatch(/^Linked\./);
    const first = await w.accounts.findAccountByIdentity('testchat', '42');
    const second = await w.accounts.findAccountByIdentity('telegram', '7001');
    expect(second?.id).toBe(first!.id);
    expect((await w.accounts.listDestinations({ accountId: first!.id })).map((d) => d.recipientKey).sort()).toEqual(['telegram:7001', 'testchat:42']);
    expect(await w.deps.linkCodes.find(code)).toMatchObject({ usedAt: new Date(w.clock.now()) });
    expect(w.actions()).toContain('identity.linked');
  });

  it('moves an identity that had its own empty account, with its destination', async () => {
    const w = commandWorld();
    await w.send('7001', '/start', { platform: 'telegram' });
    const code = codeIn(only(await w.send('42', '/link')).text);
    await w.send('7001', `/start link_${code}`, { platform: 'telegram' });
    const target = await w.accounts.findAccountByIdentity('testchat', '42');
    expect((await w.accounts.findAccountByIdentity('telegram', '7001'))?.id).toBe(target!.id);
    const telegramDm = await w.accounts.findDestinationByRecipient({ platform: 'telegram', chatId: '7001' });
    expect(telegramDm?.accountId).toBe(target!.id);
  });

  it('refuses to move an identity whose account has a subscription, and uses no code', async () => {
    const w = commandWorld();
    await w.send('7001', '/start', { platform: 'telegram' });
    const own = await w.accounts.findAccountByIdentity('telegram', '7001');
    await w.accounts.upsertSubscription({ accountId: own!.id, planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_1' });
    const code = codeIn(only(await w.send('42', '/link')).text);
    const reply = only(await w.send('7001', `/start link_${code}`, { platform: 'telegram' }));
    expect(reply.text).toContain('already has its own subscription');
    expect((await w.accounts.findAccountByIdentity('telegram', '7001'))?.id).toBe(own!.id);
    expect((await w.deps.linkCodes.find(code))?.usedAt).toBeNull();
  });

  it('refuses an expired code, a used code and an unknown code', async () => {
    const w = commandWorld();
    const code = codeIn(only(await w.send('42', '/link')).text);
    await w.clock.advance(600_000);
    expect(only(await w.send('7001', `/start link_${code}`, { platform: 'telegram' })).text).toContain('has expired');
    expect(await w.accounts.findIdentity('telegram', '7001')).toBeNull();

    const fresh = codeIn(only(await w.send('42', '/link')).text);
    await w.send('7001', `/start link_${fresh}`, { platform: 'telegram' });
    expect(only(await w.send('7002', `/start link_${fresh}`, { platform: 'telegram' })).text).toContain('already used');
    expect(only(await w.send('7003', '/start link_ZZZZZZZZ', { platform: 'telegram' })).text).toContain('is not known');
    expect(await w.accounts.findIdentity('telegram', '7002')).toBeNull();
  });

  it('is private: in a group it gives no code', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/link', { group: true })).text).toContain('private chat');
    expect(w.actions()).toEqual([]);
  });
});

describe('/refer', () => {
  it("shows the account's referral code and the platform's deep link", async () => {
    const w = commandWorld({ deepLinks: { testchat: (payload) => `https://chat.example/bot?start=${payload}` } });
    const reply = only(await w.send('42', '/refer'));
    const account = await w.accounts.findAccountByIdentity('testchat', '42');
    expect(reply.text).toContain(`Your referral code is ${account!.referralCode}.`);
    expect(reply.buttons).toEqual([[{ label: 'Open the referral link', url: `https://chat.example/bot?start=ref_${account!.referralCode}` }]]);
  });

  it('without a deep link, says what to send to the bot; the code is made once and kept', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/refer'));
    const code = (await w.accounts.findAccountByIdentity('testchat', '42'))?.referralCode;
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(reply.text).toContain(`They send this to the bot: /start ref_${code}`);
    expect(only(await w.send('42', '/refer')).text).toContain(`Your referral code is ${code}.`);
    expect(w.actions().filter((a) => a === 'referral_code.created')).toHaveLength(1);
  });
});

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

  it('refuses a second Telegram user on a paying account: the friend gets no plan, is told what to do, and the attempt is audited', async () => {
    const changed: string[] = [];
    const w = commandWorld({ onEntitlementChanged: (accountId, reason) => void changed.push(`${accountId}:${reason}`) });
    await w.send('7001', '/start', { platform: 'telegram', username: 'payer' });
    const payer = (await w.accounts.findAccountByIdentity('telegram', '7001'))!;
    await w.accounts.upsertSubscription({ accountId: payer.id, planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_1' });
    const code = codeIn(only(await w.send('7001', '/link', { platform: 'telegram' })).text);

    const fresh = only(await w.send('7002', `/start link_${code}`, { platform: 'telegram' })).text;
    expect(fresh).toContain('Nothing changed: that account already has a Telegram user linked, and an account holds one user per app');
    expect(fresh).not.toContain('payer');
    expect(fresh).toContain('/link remove telegram');
    expect(await w.accounts.findIdentity('telegram', '7002')).toBeNull();

    await w.send('7003', '/start', { platform: 'telegram' });
    const own = (await w.accounts.findAccountByIdentity('telegram', '7003'))!;
    expect(only(await w.send('7003', `/start link_${code}`, { platform: 'telegram' })).text).toMatch(/^Nothing changed: that account already has a Telegram user/);
    expect((await w.accounts.findAccountByIdentity('telegram', '7003'))?.id).toBe(own.id);
    expect(await w.accounts.listDestinations({ accountId: payer.id })).toHaveLength(1);

    expect((await w.deps.linkCodes.find(code))?.usedAt).toBeNull();
    expect(w.actions().filter((a) => a === 'identity.link_refused')).toHaveLength(2);
    expect(w.audit.list({ limit: 1 })[0]).toMatchObject({ actor: 'chat:telegram:7003', subjectId: payer.id, data: { platform: 'telegram' } });
    expect(changed).toEqual([]);
  });

  it('links another app of the same person, and tells the account to reconcile its access', async () => {
    const changed: string[] = [];
    const w = commandWorld({ onEntitlementChanged: (accountId, reason) => void changed.push(`${accountId}:${reason}`) });
    const code = codeIn(only(await w.send('42', '/link')).text);
    await w.send('7001', `/start link_${code}`, { platform: 'telegram' });
    const account = (await w.accounts.findAccountByIdentity('testchat', '42'))!;
    expect(changed).toEqual([`${account.id}:identity linked`]);
    expect(only(await w.send('42', '/link')).text).toContain('Already linked: Telegram. To unlink one: /link remove <app>.');
  });

  it('/link remove telegram unlinks the other user into a free account of its own, audited, and a new user can then be linked', async () => {
    const changed: string[] = [];
    const w = commandWorld({ onEntitlementChanged: (accountId, reason) => void changed.push(`${accountId}:${reason}`) });
    await w.send('42', '/start');
    const payer = (await w.accounts.findAccountByIdentity('testchat', '42'))!;
    await w.accounts.upsertSubscription({ accountId: payer.id, planId: 'pro', status: 'active', stripeSubscriptionId: 'sub_1' });
    await w.send('7001', `/start link_${codeIn(only(await w.send('42', '/link')).text)}`, { platform: 'telegram', username: 'old_phone' });
    expect((await w.accounts.findAccountByIdentity('telegram', '7001'))?.id).toBe(payer.id);

    const reply = only(await w.send('42', '/link remove Telegram')).text;
    expect(reply).toBe('Unlinked Telegram (@old_phone): it has an account of its own now and no longer shares your plan. Send /link for a code to link another.');
    const detached = (await w.accounts.findAccountByIdentity('telegram', '7001'))!;
    expect(detached.id).not.toBe(payer.id);
    expect(await w.accounts.listSubscriptions(detached.id)).toEqual([]);
    expect((await w.accounts.findDestinationByRecipient({ platform: 'telegram', chatId: '7001' }))?.accountId).toBe(detached.id);
    expect(changed.at(-1)).toBe(`${detached.id}:identity unlinked`);
    expect(w.audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'identity.unlinked', actor: 'chat:testchat:42', subjectId: payer.id, data: { platform: 'telegram', platformUserId: '7001', toAccountId: detached.id, self: false },
    });

    const code = codeIn(only(await w.send('42', '/link')).text);
    expect(only(await w.send('7002', `/start link_${code}`, { platform: 'telegram' })).text).toMatch(/^Linked\. .* Pro plan here too\.$/);
  });

  it('/link remove of the app you write from leaves the subscription with the other apps, and refuses when it is the last one', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/link remove testchat')).text).toBe('This chat is the only app on your account, so there is nothing to unlink it from. Nothing changed.');
    const account = (await w.accounts.findAccountByIdentity('testchat', '42'))!;
    expect(w.actions()).not.toContain('identity.unlinked');

    await w.send('7001', `/start link_${codeIn(only(await w.send('42', '/link')).text)}`, { platform: 'telegram' });
    const reply = only(await w.send('7001', '/link remove telegram', { platform: 'telegram' })).text;
    expect(reply).toBe('Unlinked: this chat has an account of its own now, on the Free plan. Your subscription stays with your account in Test chat.');
    expect((await w.accounts.findAccountByIdentity('telegram', '7001'))?.id).not.toBe(account.id);
    expect((await w.accounts.findAccountByIdentity('testchat', '42'))?.id).toBe(account.id);
    expect(w.audit.list({ limit: 1 })[0]).toMatchObject({ action: 'identity.unlinked', data: { self: true } });
  });

  it('/link remove says what is linked and how, for no app, an unknown app and an app not linked; other words are refused', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/link remove')).text).toBe('Linked to your account: Test chat. To unlink one, send /link remove <app>, e.g. /link remove testchat.');
    expect(only(await w.send('42', '/link remove myspace')).text).toMatch(/^I don't know the app "myspace"\. Linked to your account: Test chat\./);
    expect(only(await w.send('42', '/link remove discord')).text).toMatch(/^No Discord user is linked to your account\./);
    expect(only(await w.send('42', '/link please')).text).toBe('I don\'t know "/link please". Send /link for a code to use in another app, or /link remove <app> to unlink one.');
    expect(w.actions()).toEqual(['account.created', 'destination.created']);
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

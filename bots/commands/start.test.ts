import { describe, expect, it } from 'vitest';
import { commandWorld, only } from './commands.fixtures';

describe('/start', () => {
  it('creates the account, the identity and the direct-message destination on first contact', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/start', { username: 'ada' }));
    expect(reply.text).toMatch(/^Welcome! You are on the Free plan\./);
    const identity = await w.accounts.findIdentity('testchat', '42');
    expect(identity).toMatchObject({ username: 'ada' });
    const account = await w.accounts.getAccount(identity!.accountId);
    const destinations = await w.accounts.listDestinations({ accountId: account!.id });
    expect(destinations).toEqual([expect.objectContaining({
      kind: 'direct', recipient: { platform: 'testchat', chatId: '42' }, identityId: identity!.id, enabled: true,
      contentKinds: ['alert', 'rationale', 'snapshot', 'notice'],
    })]);
    expect(w.actions()).toEqual(['account.created', 'destination.created']);
  });

  it('welcomes a returning user without creating anything', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    expect(only(await w.send('42', '/start')).text).toMatch(/^Welcome back/);
    expect(await w.accounts.listDestinations()).toHaveLength(1);
    expect(w.actions()).toEqual(['account.created', 'destination.created']);
  });

  it('turns direct messages back on for someone whose destination was disabled when they blocked the bot', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    const [destination] = await w.accounts.listDestinations();
    await w.accounts.disableDestination(destination!.id, 'blocked');
    await w.send('42', '/start');
    expect(await w.accounts.getDestination(destination!.id)).toMatchObject({ enabled: true, disabledReason: null });
    expect(w.actions().at(-1)).toBe('destination.enabled');
  });

  it('records the referrer from a ref_<code> payload', async () => {
    const w = commandWorld();
    await w.send('1', '/refer');
    const referrer = await w.deps.accounts.findAccountByIdentity('testchat', '1');
    const reply = only(await w.send('2', `/start ref_${referrer!.referralCode!.toLowerCase()}`));
    expect(reply.text).toContain('Your referral is recorded');
    const referred = await w.accounts.findAccountByIdentity('testchat', '2');
    expect(referred?.referredBy).toBe(referrer!.id);
    expect(w.actions()).toContain('referral.recorded');
  });

  it('refuses an unknown referral code and creates nothing', async () => {
    const w = commandWorld();
    const reply = only(await w.send('2', '/start ref_NOPE1234'));
    expect(reply.text).toBe('The referral code "NOPE1234" is not known, so nothing was set up. Check the link, or send /start to begin without it.');
    expect(await w.accounts.findIdentity('testchat', '2')).toBeNull();
    expect(w.actions()).toEqual([]);
  });

  it('does not apply a referral code to an account that already exists', async () => {
    const w = commandWorld();
    await w.send('1', '/refer');
    await w.send('2', '/start');
    const referrer = await w.accounts.findAccountByIdentity('testchat', '1');
    const reply = only(await w.send('2', `/start ref_${referrer!.referralCode}`));
    expect(reply.text).toContain('Referral codes count only for new accounts');
    expect((await w.accounts.findAccountByIdentity('testchat', '2'))?.referredBy).toBeNull();
  });

  it('answers an unknown payload without setting anything up', async () => {
    const w = commandWorld();
    expect(only(await w.send('2', '/start promo_x')).text).toContain('I don\'t know the start code "promo_x"');
    expect(await w.accounts.findIdentity('testchat', '2')).toBeNull();
  });

  it('asks for a private chat when sent in a group, and creates nothing', async () => {
    const w = commandWorld();
    expect(only(await w.send('2', '/start', { group: true })).text).toBe('Please write to me in a private chat to start.');
    expect(await w.accounts.findIdentity('testchat', '2')).toBeNull();
  });
});

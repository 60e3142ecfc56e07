import { describe, expect, it } from 'vitest';
import { currentCapabilities } from '../../core/capabilities';
import type { Reply } from '../../core/inbound/types';
import { recordingLogger } from '../../core/testing/logger';
import { FREE_TEXT_HELP, handleEvent } from './router';
import { commandWorld, only, OPERATOR_ID } from './commands.fixtures';
import { OPERATOR_COMMANDS, PUBLIC_COMMANDS } from './help';

describe('handleEvent', () => {
  it('answers /help with every command on one line each, and the operator commands only to operators', async () => {
    const w = commandWorld();
    const text = only(await w.send('42', '/help')).text;
    const lines = text.split('\n');
    expect(lines).toHaveLength(1 + PUBLIC_COMMANDS.length);
    for (const c of PUBLIC_COMMANDS) expect(text).toContain(`/${c.command}`);
    expect(text).not.toContain('/grant');
    const operator = only(await w.send(OPERATOR_ID, '/help')).text;
    for (const c of OPERATOR_COMMANDS) expect(operator).toContain(`/${c.command}`);
    expect(operator).toContain('/grant USER PLAN DAYS: Give someone a plan for some days');
  });

  it('offers /link only where a second chat app runs to link with', async () => {
    const telegramOnly = commandWorld({ capabilities: currentCapabilities(['telegram'], true) });
    expect(only(await telegramOnly.send('42', '/help')).text).not.toContain('/link');
    expect(only(await commandWorld().send('42', '/help')).text).toContain('/link: Use the same account in another chat app');
  });

  it('says an unknown command is unknown in a private chat, and stays quiet in a group', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/frobnicate')).text).toBe("I don't know /frobnicate. Send /help to see what I can do.");
    expect(await w.send('42', '/frobnicate', { group: true })).toEqual([]);
    expect(only(await w.press('42', 'zap:1')).text).toContain('out of date');
  });

  it('gives a personal answer in a group only where the platform shows it to the person alone (Discord\'s ephemeral replies)', async () => {
    const w = commandWorld();
    const actor = { platform: 'testchat', platformUserId: '42', username: 'ada' } as const;
    const inGroup = (answeredPrivately: boolean) => ({
      type: 'command', actor, chat: { platform: 'testchat', chatId: '-7' }, isPrivate: false, answeredPrivately, command: 'subscribe', args: 'pro',
    }) as const;
    expect(only(await handleEvent(inGroup(false), w.deps)).text).toBe('Please send /subscribe to me in a private chat: the answer is for you only.');
    const [offer] = await handleEvent(inGroup(true), w.deps);
    expect(offer?.buttons?.flat().some((b) => 'url' in b)).toBe(true);
  });

  it('answers free text with a short help in a private chat only, and changes nothing', async () => {
    const w = commandWorld();
    const actor = { platform: 'testchat', platformUserId: '42' } as const;
    const text = (isPrivate: boolean) => ({ type: 'text', actor, chat: { platform: 'testchat', chatId: isPrivate ? '42' : '-7' }, isPrivate, text: 'hi there' }) as const;
    const [reply] = await handleEvent(text(true), w.deps);
    expect(reply?.text).toBe(FREE_TEXT_HELP);
    expect(reply?.text).toContain('/help');
    expect(reply?.text.split('\n').length).toBeLessThanOrEqual(3);
    expect(await handleEvent(text(false), w.deps)).toEqual([]);
    expect(w.actions()).toEqual([]);
  });

  it('leaves join requests and membership changes to the access reconciler', async () => {
    const w = commandWorld();
    const resource = { platform: 'telegram', kind: 'chat', id: '-100' } as const;
    const actor = { platform: 'telegram', platformUserId: '42' } as const;
    expect(await handleEvent({ type: 'join_request', actor, resource }, w.deps)).toEqual([]);
    expect(await handleEvent({ type: 'membership', actor, resource, state: 'member' }, w.deps)).toEqual([]);
    expect(w.actions()).toEqual([]);
  });

  it('answers a failure with an apology and logs it, without the details', async () => {
    const logger = recordingLogger();
    const w = commandWorld({ logger });
    w.billing.fail = new Error('connect ECONNREFUSED 10.0.0.1:443 sk_test_secret');
    const reply = only(await w.send('42', '/subscribe pro'));
    expect(reply.text).toBe('Sorry, something went wrong on our side. Nothing was changed; please try again in a minute.');
    expect(logger.records.filter((r) => r.level === 'error').map((r) => r.obj)).toEqual([expect.objectContaining({ platform: 'testchat', userId: '42', command: '/subscribe' })]);
  });

  it('never names a platform in what it says', async () => {
    const w = commandWorld({ operatorIds: { testchat: ['42'] } });
    const replies: Reply[] = [];
    for (const command of ['/start', '/help', '/plans', '/subscribe', '/status', '/settings', '/link', '/refer', '/stop', '/resume', '/billing', '/stats']) {
      replies.push(...(await w.send('42', command)));
    }
    const said = JSON.stringify(replies);
    expect(said).not.toMatch(/telegram|discord|slack|whatsapp|testchat/i);
  });
});

import { describe, expect, it } from 'vitest';
import { filterExclusion } from '../../core/planning/filters';
import { commandWorld, only, type CommandWorld } from './commands.fixtures';
import { SETTINGS_BUTTONS } from './settings-view';

async function accountOf(w: CommandWorld) {
  return (await w.accounts.findAccountByIdentity('testchat', '42'))!;
}

describe('/settings', () => {
  it('shows the settings with buttons whose data is short', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/settings'));
    expect(reply.text).toContain('Symbols: all\nAlerts: all bands\nSides: all\nDirect messages: on\nQuiet hours: none\nTime zone: UTC');
    expect(reply.text).toContain('/settings quiet 22:00-07:00 Europe/London (or off)');
    const data = reply.buttons!.flat().map((b) => ('data' in b ? b.data : ''));
    expect(data).toEqual(['set:band:all', 'set:band:B', 'set:band:A', 'set:dm:on', 'set:dm:off']);
    expect(reply.buttons![0]![0]!.label).toBe('✓ All bands');
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
  });

  it('changes the minimum band with a button, redraws the same message and audits the change', async () => {
    const w = commandWorld();
    await w.send('42', '/settings');
    const reply = only(await w.press('42', SETTINGS_BUTTONS.bandA, '31'));
    expect((await accountOf(w)).minBand).toBe('A');
    expect(reply.editMessageId).toBe('31');
    expect(reply.text).toMatch(/^Saved\.\n\nYour settings:/);
    expect(reply.buttons![0]![2]!.label).toBe('✓ A only');
    const event = w.audit.list({ limit: 1 })[0];
    expect(event).toMatchObject({ action: 'settings.changed', actor: 'chat:testchat:42', data: { minBand: 'A' } });
  });

  it('turns direct messages off and on with buttons, and clears symbols and quiet hours', async () => {
    const w = commandWorld();
    await w.press('42', SETTINGS_BUTTONS.dmOff);
    expect((await accountOf(w)).directMessages).toBe(false);
    await w.press('42', SETTINGS_BUTTONS.dmOn);
    expect((await accountOf(w)).directMessages).toBe(true);
    await w.send('42', '/settings symbols BTC,ETH');
    await w.send('42', '/settings quiet 22:00-7:00');
    const shown = only(await w.send('42', '/settings'));
    expect(shown.buttons!.at(-1)!.map((b) => ('data' in b ? b.data : ''))).toEqual([SETTINGS_BUTTONS.symbolsAll, SETTINGS_BUTTONS.quietOff]);
    await w.press('42', SETTINGS_BUTTONS.symbolsAll);
    await w.press('42', SETTINGS_BUTTONS.quietOff);
    expect(await accountOf(w)).toMatchObject({ symbolFilter: null, quietStart: null, quietEnd: null });
  });

  it('takes what buttons cannot say as text: symbols, quiet hours with a time zone, sides, band', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/settings symbols BTC_USD, ETH  SOL')).text).toContain('Symbols: BTC_USD, ETH, SOL');
    expect(only(await w.send('42', '/settings quiet 22:00-07:00 Europe/London')).text).toContain('Quiet hours: 22:00-07:00\nTime zone: Europe/London');
    await w.send('42', '/settings sides long, short');
    await w.send('42', '/settings band b');
    expect(await accountOf(w)).toMatchObject({
      symbolFilter: ['BTC_USD', 'ETH', 'SOL'], quietStart: '22:00', quietEnd: '07:00', timeZone: 'Europe/London', sideFilter: ['long', 'short'], minBand: 'B',
    });
  });

  it('keeps its example true: "symbols BTC,ETH" lets BTCUSDT and ETH-PERP through, not SOLUSDT or BTCDOWNUSDT', async () => {
    const w = commandWorld();
    const reply = only(await w.send('42', '/settings symbols BTC,ETH'));
    expect(reply.text).toContain('/settings symbols BTC,ETH (or all): BTC also takes BTCUSDT, BTC-PERP, BTC/USDT');
    const account = await accountOf(w);
    const passes = (symbol: string) => filterExclusion(account, { id: `sig_${symbol}`, symbol, side: 'long', band: 'A' }) === null;
    expect(['BTCUSDT', 'ETH-PERP', 'BTC/USDT', 'ETHUSD'].filter(passes)).toEqual(['BTCUSDT', 'ETH-PERP', 'BTC/USDT', 'ETHUSD']);
    expect(['SOLUSDT', 'BTCDOWNUSDT'].filter(passes)).toEqual([]);
  });

  it('names what is wrong with bad input and changes nothing', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    const before = await accountOf(w);
    const cases: [string, string][] = [
      ['/settings quiet 25:00-07:00', 'Nothing changed. Quiet hours: "25:00" is not a 24-hour time such as 22:00.'],
      ['/settings quiet 22:00-07:00 Mars/Olympus', 'Nothing changed. Time zone: "Mars/Olympus" is not a time zone such as Europe/London.'],
      ['/settings band D', 'Nothing changed. Band: expected A, B, C or all, got "D".'],
      ['/settings sides up', 'Nothing changed. Sides: expected some of long, short, close, or all; got "up".'],
      ['/settings dm maybe', 'Nothing changed. Direct messages: expected on or off, got "maybe".'],
      ['/settings colour blue', 'Nothing changed. I can change symbols, band, sides, dm, quiet and timezone; "colour" is none of them.'],
      [`/settings symbols ${'X'.repeat(33)}`, `Nothing changed. Symbols: "${'X'.repeat(33)}" is longer than 32 characters.`],
    ];
    for (const [command, answer] of cases) expect(only(await w.send('42', command)).text).toBe(answer);
    expect(await accountOf(w)).toEqual(before);
    expect(w.actions()).not.toContain('settings.changed');
  });

  it('refuses a quiet-hours time zone change that would leave only half of the quiet hours (checked by the store)', async () => {
    const w = commandWorld();
    await w.send('42', '/start');
    w.db.$client.prepare("UPDATE accounts SET quiet_start = '22:00'").run();
    expect(only(await w.send('42', '/settings timezone Europe/Paris')).text).toBe('Nothing changed. Quiet hours: quiet hours need both quietStart and quietEnd (or neither).');
    expect((await accountOf(w)).timeZone).toBe('UTC');
  });
});

describe('/stop and /resume', () => {
  it('pauses and resumes direct messages, each once', async () => {
    const w = commandWorld();
    expect(only(await w.send('42', '/stop')).text).toBe('Paused: no more direct messages until you send /resume. Your plan is unchanged.');
    expect((await accountOf(w)).paused).toBe(true);
    expect(only(await w.send('42', '/stop')).text).toContain('already paused');
    expect(only(await w.send('42', '/resume')).text).toBe('Resumed: alerts come by direct message again.');
    expect((await accountOf(w)).paused).toBe(false);
    expect(w.actions().filter((a) => a === 'settings.changed')).toHaveLength(2);
  });
});

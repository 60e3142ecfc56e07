import { describe, expect, it } from 'vitest';
import { commandName, parseCommandText } from './commands';

describe('parseCommandText', () => {
  it('writes escaped channel mentions as #name and lists them in order', () => {
    expect(parseCommandText('subscribe <#C0123|alerts>')).toEqual({ args: 'subscribe #alerts', chatRefs: [{ chatId: 'C0123', label: '#alerts' }] });
    expect(parseCommandText('  settings <#C1|desk-a>   symbols=BTC,ETH <#G2|private-b> ')).toEqual({
      args: 'settings #desk-a symbols=BTC,ETH #private-b',
      chatRefs: [{ chatId: 'C1', label: '#desk-a' }, { chatId: 'G2', label: '#private-b' }],
    });
  });

  it('keeps the id of a mention Slack sent without a name, and leaves text without mentions alone', () => {
    expect(parseCommandText('unsubscribe <#C9|>')).toEqual({ args: 'unsubscribe #C9', chatRefs: [{ chatId: 'C9' }] });
    expect(parseCommandText('help')).toEqual({ args: 'help', chatRefs: [] });
    expect(parseCommandText('')).toEqual({ args: '', chatRefs: [] });
  });

  it('names the command without its slash', () => {
    expect(commandName('/signals')).toBe('signals');
  });
});

import { describe, expect, it } from 'vitest';
import { filterExclusion } from './filters';
import { symbolForms } from './symbols';
import type { PlanningSignal } from './types';

const signalOf = (symbol: string): PlanningSignal => ({ id: `sig_${symbol}`, symbol, side: 'long', band: 'A' });
const takes = (filter: string[], symbol: string): boolean =>
  filterExclusion({ symbolFilter: filter, minBand: null, sideFilter: null }, signalOf(symbol)) === null;

describe('symbol filter', () => {
  it('takes a base asset followed by a known quote or contract suffix, with or without a separator', () => {
    for (const symbol of ['BTCUSDT', 'BTCUSD', 'BTCUSDC', 'BTCEUR', 'BTC-PERP', 'BTC/USDT', 'btc_usdt', 'BTC-USDT-PERP', 'BTCUSDT-PERP', 'BTC']) {
      expect(takes(['BTC'], symbol), symbol).toBe(true);
    }
    expect(takes(['eth'], 'ETHBTC')).toBe(true);
  });

  it('refuses a symbol that only starts with the asset (BTCDOWN, BTCST) or has it as its quote', () => {
    for (const symbol of ['BTCDOWNUSDT', 'BTCDOWN', 'BTCSTUSDT', 'WBTCUSDT', 'ETHBTC', 'SOLUSDT']) {
      expect(takes(['BTC'], symbol), symbol).toBe(false);
    }
  });

  it('still takes an exact symbol, in any case and with any separator', () => {
    expect(takes(['btc/usdt'], 'BTCUSDT')).toBe(true);
    expect(takes(['BTCUSDT'], 'BTC-USDT')).toBe(true);
    expect(takes(['BTCUSDT'], 'BTCUSDT-PERP')).toBe(true);
    expect(takes(['BTCUSDT'], 'BTCUSD')).toBe(false);
    expect(takes(['AAPL'], 'aapl')).toBe(true);
  });

  it('takes a signal when any entry matches, and everything with an empty list', () => {
    expect(takes(['SOL', 'ETH', 'BTC'], 'ETH-PERP')).toBe(true);
    expect(takes([], 'XRPUSDT')).toBe(true);
  });

  it('gives the same answer for the same account and signal objects checked again (the planner reuses both)', () => {
    const account = { symbolFilter: ['BTC'], minBand: null, sideFilter: null };
    const btc = signalOf('BTCUSDT');
    const eth = signalOf('ETHUSDT');
    for (let i = 0; i < 3; i++) {
      expect(filterExclusion(account, btc)).toBeNull();
      expect(filterExclusion(account, eth)).toBe('symbol_filter');
    }
    expect(filterExclusion({ ...account, symbolFilter: ['ETH'] }, btc)).toBe('symbol_filter');
  });
});

describe('symbolForms', () => {
  it('lists the compact symbol, without its contract suffix, and without a known quote', () => {
    expect(symbolForms('BTC-USDT-PERP').sort()).toEqual(['BTC', 'BTCUSDT', 'BTCUSDTPERP']);
    expect(symbolForms('BTCDOWNUSDT').sort()).toEqual(['BTCDOWN', 'BTCDOWNUSDT']);
    expect(symbolForms('USDT')).toEqual(['USDT']);
  });
});

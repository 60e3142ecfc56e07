// What the answer check keeps and what it discards, with the reason.
import { describe, expect, it } from 'vitest';
import type { Signal } from '../types';
import { checkAnswer, symbolNames } from './check';

const signal = (over: Partial<Signal> = {}): Signal => ({
  id: 'sig_1', publisherId: 'p', symbol: 'BTC_USDT', market: 'spot', side: 'long', conviction: 0.8, band: 'A', reasons: ['r'], createdAt: new Date(0), ...over,
});
const answer = (summary: string, drivers = ['Volume is rising.'], risks = ['A short squeeze could reverse.']) => JSON.stringify({ summary, drivers, risks });

describe('checkAnswer', () => {
  it('keeps an answer about the signal, trimmed, with risks free to name the other side', () => {
    expect(checkAnswer(answer('  A long in BTC/USDT: the range broke.  '), signal())).toEqual({
      ok: true, body: { summary: 'A long in BTC/USDT: the range broke.', drivers: ['Volume is rising.'], risks: ['A short squeeze could reverse.'] },
    });
    expect(checkAnswer(answer('BTC holds its short-term support; the long-term trend agrees.'), signal()).ok).toBe(true);
  });

  it('discards what does not parse, has the wrong shape, or is too long', () => {
    expect(checkAnswer('not json', signal())).toMatchObject({ ok: false, reason: 'unparsable' });
    expect(checkAnswer('{"summary": "cut', signal())).toMatchObject({ ok: false, reason: 'unparsable' });
    expect(checkAnswer(JSON.stringify({ summary: 'x', drivers: 'y', risks: [] }), signal())).toMatchObject({ ok: false, reason: 'unparsable' });
    expect(checkAnswer(answer('B'.repeat(601)), signal())).toMatchObject({ ok: false, reason: 'unparsable' });
    expect(checkAnswer(answer('BTC up.', Array.from({ length: 7 }, () => 'd')), signal())).toMatchObject({ ok: false, reason: 'unparsable' });
  });

  it('discards an empty answer', () => {
    expect(checkAnswer('', signal())).toMatchObject({ ok: false, reason: 'empty' });
    expect(checkAnswer(null, signal())).toMatchObject({ ok: false, reason: 'empty' });
    expect(checkAnswer(answer('   '), signal())).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('discards an answer that calls the other side', () => {
    expect(checkAnswer(answer('Short BTC here.'), signal())).toMatchObject({ ok: false, reason: 'contradiction' });
    expect(checkAnswer(answer('BTC looks bearish.'), signal())).toMatchObject({ ok: false, reason: 'contradiction' });
    expect(checkAnswer(answer('BTC: buy the dip.'), signal({ side: 'short' }))).toMatchObject({ ok: false, reason: 'contradiction' });
    expect(checkAnswer(answer('BTC fades.', ['Sell pressure builds.']), signal({ side: 'short' })).ok).toBe(true);
  });

  it('discards an answer about another symbol, not one that mentions another beside ours', () => {
    expect(checkAnswer(answer('ETH is breaking out.'), signal())).toMatchObject({ ok: false, reason: 'contradiction', detail: 'its summary is about ETH, not BTC_USDT' });
    expect(checkAnswer(answer('BTC leads while ETH lags.'), signal())).toMatchObject({ ok: true });
    expect(checkAnswer(answer('BTCUSDT breaks out; RSI and MACD agree.'), signal())).toMatchObject({ ok: true });
  });

  it('reads a symbol\'s names from its pair', () => {
    expect([...symbolNames('BTC_USDT')]).toEqual(expect.arrayContaining(['BTC_USDT', 'BTC', 'USDT']));
    expect([...symbolNames('ETHUSDT')]).toEqual(expect.arrayContaining(['ETHUSDT', 'ETH']));
  });
});

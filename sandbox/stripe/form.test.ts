// Bracket-key form decoding and the parameter errors built on it.
import { describe, expect, it } from 'vitest';
import type { StripeApiError } from './errors';
import { decodeForm, FormDecodeError, paramName } from './form';
import { p, parseParams } from './params';

describe('decodeForm', () => {
  it('nests bracket keys into objects and indexed keys into arrays', () => {
    const form = decodeForm('mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=2&metadata[account]=acc%201&subscription_data[metadata][plan]=pro');
    expect(form).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_1', quantity: '2' }],
      metadata: { account: 'acc 1' },
      subscription_data: { metadata: { plan: 'pro' } },
    });
  });

  it('reads encoded brackets, `expand[]` appends and indices keep their order', () => {
    expect(decodeForm('expand%5B%5D=customer&expand[]=latest_invoice')).toEqual({ expand: ['customer', 'latest_invoice'] });
    expect(decodeForm('items[1][price]=b&items[0][price]=a')).toEqual({ items: [{ price: 'a' }, { price: 'b' }] });
  });

  it('refuses keys that would reach the prototype, and a value that is also a hash', () => {
    expect(() => decodeForm('metadata[__proto__][x]=1')).toThrow(FormDecodeError);
    expect(() => decodeForm('a=1&a[b]=2')).toThrow(/Invalid hash: a/);
  });

  it('names parameters the way Stripe does in errors', () => {
    expect(paramName(['line_items', 0, 'price'])).toBe('line_items[0][price]');
  });
});

describe('parseParams', () => {
  const schema = p.object({ amount: p.integer(), live: p.boolean().optional(), mode: p.oneOf(['payment', 'subscription']).optional(), nested: p.object({ x: p.string() }).optional() });

  function errorOf(raw: string): StripeApiError {
    try {
      parseParams(schema, decodeForm(raw));
    } catch (err) {
      return err as StripeApiError;
    }
    throw new Error('expected a parameter error');
  }

  it('converts integers and booleans from their wire strings', () => {
    expect(parseParams(schema, decodeForm('amount=-500&live=true'))).toEqual({ amount: -500, live: true });
  });

  it('reports missing, unknown, malformed and out-of-set values with the parameter named', () => {
    expect(errorOf('live=true').body).toMatchObject({ param: 'amount', message: 'Missing required param: amount.' });
    expect(errorOf('amount=1&nested[y]=2').body).toMatchObject({ param: 'nested[y]', message: 'Received unknown parameter: nested[y]' });
    expect(errorOf('amount=ten').body).toMatchObject({ param: 'amount', message: 'Invalid integer: ten' });
    expect(errorOf('amount=1&mode=setup').body).toMatchObject({ param: 'mode', message: 'Invalid mode: must be one of payment, or subscription' });
    expect(errorOf('amount=1&mode=setup').status).toBe(400);
  });
});

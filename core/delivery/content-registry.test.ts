import { describe, expect, it } from 'vitest';
import { SignalcastError } from '../errors';
import { ContentRegistry } from './content-registry';
import type { DueDelivery } from './ports';

const delivery = (contentType: string): DueDelivery => ({
  id: 1, contentType, contentId: `${contentType}#1`, kind: 'notice', destinationId: 'dst_1', accountId: null, platform: 'testchat',
  recipientKey: 'testchat:1', recipient: { platform: 'testchat', chatId: '1' }, isGroup: false, priority: 0, dueAt: 0, attempts: 0,
});

describe('ContentRegistry', () => {
  it('hands each delivery to the builder registered for its content type', () => {
    const registry = new ContentRegistry()
      .register('notice', { build: (d) => ({ kind: 'notice', text: `notice ${d.contentId}` }) })
      .register('digest', { build: (d, now) => ({ kind: 'notice', text: `digest at ${now}` + (d.isGroup ? ' (group)' : '') }) });
    expect(registry.resolve(delivery('notice'), 5)).toEqual({ kind: 'notice', text: 'notice notice#1' });
    expect(registry.resolve(delivery('digest'), 5)).toEqual({ kind: 'notice', text: 'digest at 5' });
    expect(registry.contentTypes).toEqual(['notice', 'digest']);
  });

  it('an unknown content type is a typed not_found error naming the type', () => {
    const registry = new ContentRegistry().register('notice', { build: () => ({ kind: 'notice', text: 'hi' }) });
    let error: unknown;
    try {
      registry.resolve(delivery('snapshot'), 0);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SignalcastError);
    expect(error).toMatchObject({ code: 'not_found', message: 'no content builder for snapshot deliveries' });
  });

  it('refuses a second builder for one content type', () => {
    const registry = new ContentRegistry().register('notice', { build: () => ({ kind: 'notice', text: 'a' }) });
    expect(() => registry.register('notice', { build: () => ({ kind: 'notice', text: 'b' }) })).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(registry.resolve(delivery('notice'), 0)).toEqual({ kind: 'notice', text: 'a' });
  });
});

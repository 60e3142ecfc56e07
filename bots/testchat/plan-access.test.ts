import { describe, expect, it } from 'vitest';
import { testchatAccess } from './plan-access';

describe('testchat access entries in plans', () => {
  it('gates a chat, optionally in a tenant, or a role in a tenant', () => {
    expect(testchatAccess.parse({ chat: 'c1' })).toEqual({ ok: true, resource: { platform: 'testchat', kind: 'chat', id: 'c1' } });
    expect(testchatAccess.parse({ tenant: 't1', chat: 'c1' })).toEqual({ ok: true, resource: { platform: 'testchat', kind: 'chat', id: 'c1', tenant: 't1' } });
    expect(testchatAccess.parse({ tenant: 't1', role: 'r1' })).toEqual({ ok: true, resource: { platform: 'testchat', kind: 'role', id: 'r1', tenant: 't1' } });
  });

  it('refuses a role without its tenant, a chat and a role at once, ids with spaces or ":", and other fields', () => {
    expect(testchatAccess.parse({ role: 'r1' })).toEqual({ ok: false, error: 'tenant: required: an id such as "c1"' });
    expect(testchatAccess.parse({ chat: 'c1', role: 'r1', tenant: 't' })).toEqual({ ok: false, error: 'expected either "chat" or "role" (a role with its "tenant")' });
    expect(testchatAccess.parse({ chat: 'a:b' })).toEqual({ ok: false, error: 'chat: expected an id such as "c1" (a string without spaces or ":")' });
    expect(testchatAccess.parse({ tenant: 't 1', role: 'r1' })).toEqual({ ok: false, error: 'tenant: expected an id such as "c1" (a string without spaces or ":")' });
    expect(testchatAccess.parse({ chat: 'c1', removal: 'kick' })).toEqual({ ok: false, error: 'removal: unknown field (a testchat entry has chat, or tenant and role)' });
    expect(testchatAccess.parse(null)).toEqual({ ok: false, error: 'expected { chat: "c1" } or { tenant: "t1", role: "r1" }' });
  });
});

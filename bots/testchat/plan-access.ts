// How a plan's access entry for testchat, the neutral test platform, reads: a chat `{ chat }` or a role in a tenant `{ tenant, role }`.
import type { AccessResource } from '../../core/access/ports';
import type { AccessSpec } from '../../core/platform/adapter';

/** Testchat's ids: up to 64 characters, no spaces and no ":" (a resource key's separator). */
const ID = /^[^\s:]{1,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idError(field: string, value: unknown): string | undefined {
  if (value === undefined) return `${field}: required: an id such as "c1"`;
  return typeof value === 'string' && ID.test(value) ? undefined : `${field}: expected an id such as "c1" (a string without spaces or ":")`;
}

/** `{ chat: "c1" }` (optionally `tenant`), a chat; `{ tenant: "t1", role: "r1" }`, a role in that tenant. */
export const testchatAccess: AccessSpec = {
  example: '{ testchat: { chat: "c1" } }',
  parse(settings) {
    if (!isRecord(settings)) return { ok: false, error: 'expected { chat: "c1" } or { tenant: "t1", role: "r1" }' };
    const unknown = Object.keys(settings).filter((k) => k !== 'chat' && k !== 'role' && k !== 'tenant');
    if (unknown.length > 0) return { ok: false, error: `${unknown.join(', ')}: unknown field (a testchat entry has chat, or tenant and role)` };
    if ('chat' in settings === 'role' in settings) return { ok: false, error: 'expected either "chat" or "role" (a role with its "tenant")' };
    const kind = 'chat' in settings ? 'chat' : 'role';
    const error = idError(kind, settings[kind]) ?? (kind === 'role' || settings.tenant !== undefined ? idError('tenant', settings.tenant) : undefined);
    if (error) return { ok: false, error };
    const tenant = settings.tenant as string | undefined;
    const resource: AccessResource = { platform: 'testchat', kind, id: settings[kind] as string, ...(tenant ? { tenant } : {}) };
    return { ok: true, resource };
  },
};

// `signalcast keys create|list|revoke`: API keys for the ingest API.
import type { AuditLog } from '../../core/audit';
import type { ApiKeyInfo, CreatedApiKey, RevokedApiKey } from '../../db/stores/api-key-store';
import { formatTable, type CliIo } from '../io';

/** What the keys commands need from the API key store. */
export interface ApiKeyAdmin {
  create(name: string): CreatedApiKey;
  list(): ApiKeyInfo[];
  revoke(idOrPrefix: string): RevokedApiKey;
}

export interface KeysDeps {
  apiKeys: ApiKeyAdmin;
  audit: AuditLog;
  io: CliIo;
}

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export function keysCreate(deps: KeysDeps, name: string): CreatedApiKey {
  const created = deps.apiKeys.create(name);
  deps.audit.record({ actor: 'cli', action: 'api_key.created', subjectType: 'api_key', subjectId: created.id, data: { name: created.name, prefix: created.prefix } });
  deps.io.out(`Created API key ${created.id} "${created.name}". It is shown once; store it now:`);
  deps.io.out('');
  deps.io.out(`  ${created.key}`);
  deps.io.out('');
  deps.io.out(`Use it as: Authorization: Bearer ${created.prefix}...`);
  return created;
}

export function keysList(deps: Omit<KeysDeps, 'audit'>, options: { json?: boolean } = {}): ApiKeyInfo[] {
  const keys = deps.apiKeys.list();
  if (options.json) {
    deps.io.out(JSON.stringify(keys));
  } else if (keys.length === 0) {
    deps.io.out('No API keys. Make one with: signalcast keys create <name>');
  } else {
    const rows = keys.map((k) => [k.id, k.prefix, k.name, when(k.createdAt), when(k.lastUsedAt), k.revokedAt ? `revoked ${when(k.revokedAt)}` : 'active']);
    for (const line of formatTable(['ID', 'PREFIX', 'NAME', 'CREATED', 'LAST USED', 'STATUS'], rows)) deps.io.out(line);
  }
  return keys;
}

/** Revokes a key; a key revoked before is reported as such (exit 0) and audited once only. */
export function keysRevoke(deps: KeysDeps, idOrPrefix: string): RevokedApiKey {
  const revoked = deps.apiKeys.revoke(idOrPrefix);
  if (revoked.alreadyRevoked) {
    deps.io.out(`API key ${revoked.id} "${revoked.name}" (${revoked.prefix}...) was already revoked on ${when(revoked.revokedAt)}; nothing changed.`);
    return revoked;
  }
  deps.audit.record({ actor: 'cli', action: 'api_key.revoked', subjectType: 'api_key', subjectId: revoked.id, data: { name: revoked.name, prefix: revoked.prefix } });
  deps.io.out(`Revoked API key ${revoked.id} "${revoked.name}" (${revoked.prefix}...).`);
  return revoked;
}

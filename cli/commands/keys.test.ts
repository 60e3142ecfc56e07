import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { openMemoryDatabase } from '../../db/client';
import { SqliteApiKeyStore } from '../../db/stores/api-key-store';
import { SqliteAuditLog } from '../../db/stores/audit-store';
import { captureIo } from '../io';
import { keysCreate, keysRevoke } from './keys';

function setup() {
  const db = openMemoryDatabase();
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 9, 30));
  const io = captureIo();
  return { db, clock, io, deps: { apiKeys: new SqliteApiKeyStore({ db, clock }), audit: new SqliteAuditLog({ db, clock }), io } };
}

describe('signalcast keys revoke', () => {
  it('says a key was already revoked, and when, and writes no second audit event', async () => {
    const { db, clock, io, deps } = setup();
    const created = keysCreate(deps, 'engine');
    keysRevoke(deps, created.id);
    await clock.advance(86_400_000);
    io.stdout.length = 0;
    const again = keysRevoke(deps, created.prefix);
    expect(again.alreadyRevoked).toBe(true);
    expect(io.stdout).toEqual([`API key ${created.id} "engine" (${created.prefix}...) was already revoked on 2026-12-06T09:30:00Z; nothing changed.`]);
    const actions = db.$client.prepare("select action from audit_events where subject_type = 'api_key' order by id").all();
    expect(actions).toEqual([{ action: 'api_key.created' }, { action: 'api_key.revoked' }]);
  });
});

// SLACK_BOT_TOKEN's workspace recorded as an installation without its token, beside OAuth installs, on real SQLite.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { Secret } from '../../core/tenancy/secret';
import { SecretBox } from '../../core/tenancy/secret-box';
import { openMemoryDatabase } from '../../db/client';
import { SqliteInstallationStore } from '../../db/stores/installation-store';
import { SlackWorkspaces } from './workspaces';

const TOKEN = 'xoxb-1-2-settings';

function world(options: { key?: boolean } = {}) {
  const clock = new FakeClock(Date.UTC(2026, 11, 6));
  const installations = new SqliteInstallationStore({ db: openMemoryDatabase(), clock, secrets: new SecretBox(options.key === false ? undefined : randomBytes(32)) });
  const workspaces = new SlackWorkspaces({ apiUrl: 'http://127.0.0.1:9/api/', botToken: TOKEN, installations, clock, logger: silentLogger });
  workspaces.single = { team: 'T1', botUserId: 'UBOT', botName: 'signalcast' };
  return { clock, installations, workspaces };
}

const details = { tenantName: 'Desk', enterpriseId: null, scopes: ['chat:write'] };

describe('SLACK_BOT_TOKEN\'s workspace as an installation', () => {
  it('is recorded with no stored token, even without SECRETS_KEY, and its token is the setting', async () => {
    const w = world({ key: false });
    await w.workspaces.registerSingle(details);
    expect(await w.installations.get('slack', 'T1')).toMatchObject({ tenant: 'T1', tenantName: 'Desk', botUserId: 'UBOT', botToken: null, revokedAt: null });
    expect(await w.workspaces.tokenOf('T1')).toMatchObject({ token: TOKEN, source: 'single' });
  });

  it('leaves an OAuth installation of the same workspace as it is', async () => {
    const w = world();
    await w.installations.save({ platform: 'slack', tenant: 'T1', scopes: ['commands'], botUserId: 'UOAUTH', botToken: new Secret('xoxb-oauth') });
    await w.workspaces.registerSingle(details);
    expect(await w.installations.get('slack', 'T1')).toMatchObject({ botUserId: 'UOAUTH', scopes: ['commands'] });
    expect((await w.workspaces.tokenOf('T1'))?.token).toBe('xoxb-oauth');
  });

  it('after a revocation gives no token until a start records it again, which brings its channels back', async () => {
    const w = world();
    await w.workspaces.registerSingle(details);
    await w.installations.markRevoked('slack', 'T1', 'tokens_revoked');
    expect(await w.workspaces.tokenOf('T1')).toBeNull();
    w.clock.advance(60_000);
    await w.workspaces.registerSingle(details);
    expect(await w.installations.get('slack', 'T1')).toMatchObject({ revokedAt: null, botToken: null });
    expect((await w.workspaces.tokenOf('T1'))?.token).toBe(TOKEN);
    expect(await w.installations.list()).toHaveLength(1);
  });
});

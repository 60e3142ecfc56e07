import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMMAND_PLANS } from '../../bots/commands/commands.fixtures';
import { FakeClock } from '../../core/clock';
import { Secret } from '../../core/tenancy/secret';
import { SecretBox } from '../../core/tenancy/secret-box';
import { openMemoryDatabase } from '../../db/client';
import { SqliteAccountStore } from '../../db/stores/account-store';
import { SqliteInstallationStore } from '../../db/stores/installation-store';
import { SqliteWorkspaceDirectory } from '../../db/stores/workspace-directory';
import { testCli } from './cli.fixtures';

const TOKEN = 'xoxb-4444-5555-secret-token';

describe('signalcast workspaces list', () => {
  it('prints each workspace with its state, account id, licence and channels, and never a token (no SECRETS_KEY needed)', async () => {
    const db = openMemoryDatabase();
    const clock = new FakeClock(Date.UTC(2026, 0, 5));
    const installations = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(randomBytes(32)) });
    const accounts = new SqliteAccountStore({ db, clock });
    await installations.save({ platform: 'slack', tenant: 'T1', tenantName: 'Acme Desk', scopes: ['commands'], botToken: new Secret(TOKEN) });
    await installations.save({ platform: 'slack', tenant: 'T2', tenantName: 'Gone Ltd', scopes: ['commands'], botToken: new Secret(TOKEN) });
    await installations.markRevoked('slack', 'T2', 'uninstalled');
    const account = await accounts.createAccount();
    await installations.setAccount('slack', 'T1', account.id);
    await accounts.upsertSubscription({ accountId: account.id, planId: 'enterprise', status: 'active', source: 'grant', currentPeriodEnd: Date.UTC(2026, 1, 5) });
    await accounts.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C1' }, accountId: account.id, contentKinds: ['alert'], label: '#alerts' });
    const off = await accounts.addDestination({ kind: 'channel', recipient: { platform: 'slack', tenant: 'T1', chatId: 'C2' }, accountId: account.id, contentKinds: ['alert'], label: '#old' });
    await accounts.disableDestination(off.id, 'unsubscribed');

    const { io, run } = testCli(db, clock, COMMAND_PLANS, { workspaces: new SqliteWorkspaceDirectory({ db, plans: () => COMMAND_PLANS, clock }) });
    expect(await run('workspaces', 'list')).toBe(0);
    const out = io.stdout.join('\n');
    expect(io.stdout[0]).toMatch(/^PLATFORM\s+TENANT\s+NAME\s+STATE\s+ACCOUNT\s+LICENCE\s+CHANNELS/);
    expect(io.stdout[1]).toMatch(new RegExp(`^slack\\s+T1\\s+Acme Desk\\s+installed\\s+${account.id}\\s+enterprise \\(grant until 2026-02-05\\)\\s+#alerts, #old \\(off: unsubscribed\\)$`));
    expect(io.stdout[2]).toMatch(/^slack\s+T2\s+Gone Ltd\s+revoked \(uninstalled\)\s+-\s+none\s+-$/);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('xoxb');

    io.stdout.length = 0;
    expect(await run('workspaces', 'list', '--json')).toBe(0);
    const json = io.stdout.join('\n');
    expect(JSON.parse(json)).toHaveLength(2);
    expect(json).not.toContain('xoxb');
  });
});

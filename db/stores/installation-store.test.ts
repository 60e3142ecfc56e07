// Per-tenant installations: tokens stored encrypted, reinstalls update, revocations stick, and no token is ever printed.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock';
import { INSTALLATION_REVOKED } from '../../core/tenancy/installations';
import { Secret } from '../../core/tenancy/secret';
import { SecretBox, SecretsKeyMissingError, SecretUnreadableError } from '../../core/tenancy/secret-box';
import { createLogger } from '../../logging';
import { openMemoryDatabase, type Db } from '../client';
import { SqliteAccountStore } from './account-store';
import { CandidateCache } from './candidate-cache';
import { SqliteInstallationStore } from './installation-store';

const TOKEN = 'xoxb-1111-2222-3333-abcdefABCDEF';
const NEW_TOKEN = 'xoxb-9999-8888-7777-zyxwvuZYXWVU';
const KEY = randomBytes(32);

let db: Db;
let clock: FakeClock;
let store: SqliteInstallationStore;

const install = (over: Partial<Parameters<SqliteInstallationStore['save']>[0]> = {}) => ({
  platform: 'teamchat', tenant: 'T1', tenantName: 'Desk One', enterpriseId: 'E1', botUserId: 'B1',
  scopes: ['chat:write', 'commands'], installerPlatformUserId: 'U1', botToken: new Secret(TOKEN), ...over,
});

const storedColumns = () => db.$client.prepare('SELECT * FROM installations').all() as Record<string, unknown>[];

beforeEach(() => {
  db = openMemoryDatabase();
  clock = new FakeClock();
  store = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(KEY) });
});

describe('SqliteInstallationStore', () => {
  it('stores a workspace\'s bot token encrypted and gives it back decrypted', async () => {
    const saved = await store.save(install());
    expect(saved).toMatchObject({ platform: 'teamchat', tenant: 'T1', tenantName: 'Desk One', enterpriseId: 'E1', botUserId: 'B1', scopes: ['chat:write', 'commands'],
      installerPlatformUserId: 'U1', installedAt: new Date(clock.now()), revokedAt: null, accountId: null });
    expect(saved.botToken?.reveal()).toBe(TOKEN);
    const raw = JSON.stringify(storedColumns());
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain('1111-2222');
    expect((await store.get('teamchat', 'T1'))?.botToken?.reveal()).toBe(TOKEN);
    expect(await store.get('teamchat', 'T2')).toBeNull();
    expect(await store.get('otherchat', 'T1')).toBeNull();
  });

  it('updates the same row on a reinstall: new token, scopes and installer, revocation cleared, account kept', async () => {
    const accounts = new SqliteAccountStore({ db, clock });
    const account = await accounts.createAccount({ displayName: 'Desk One' });
    const first = await store.save(install());
    await store.setAccount('teamchat', 'T1', account.id);
    expect(await store.markRevoked('teamchat', 'T1', 'app_uninstalled')).toBe(true);
    clock.advance(60_000);
    const again = await store.save(install({ botToken: new Secret(NEW_TOKEN), scopes: ['chat:write'], installerPlatformUserId: 'U2' }));
    expect(again).toMatchObject({ id: first.id, scopes: ['chat:write'], installerPlatformUserId: 'U2', revokedAt: null, revokedReason: null,
      accountId: account.id, installedAt: new Date(clock.now()) });
    expect((await store.get('teamchat', 'T1'))?.botToken?.reveal()).toBe(NEW_TOKEN);
    expect(storedColumns()).toHaveLength(1);
    await store.save(install({ tenant: 'T2' }));
    expect((await store.list()).map((i) => i.tenant)).toEqual(['T1', 'T2']);
    expect((await store.list({ accountId: account.id })).map((i) => i.tenant)).toEqual(['T1']);
  });

  it('marks an installation revoked once, without needing the key, and lists active and revoked apart', async () => {
    await store.save(install());
    await store.save(install({ tenant: 'T2' }));
    clock.advance(1_000);
    const keyless = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(undefined) });
    expect(await keyless.markRevoked('teamchat', 'T1', 'tokens_revoked')).toBe(true);
    expect(await keyless.markRevoked('teamchat', 'T1', 'tokens_revoked')).toBe(false);
    expect(await keyless.markRevoked('teamchat', 'T9', 'app_uninstalled')).toBe(false);
    expect(await store.get('teamchat', 'T1')).toMatchObject({ revokedAt: new Date(clock.now()), revokedReason: 'tokens_revoked' });
    expect((await store.list({ platform: 'teamchat', active: true })).map((i) => i.tenant)).toEqual(['T2']);
    expect((await store.list({ active: false })).map((i) => i.tenant)).toEqual(['T1']);
  });

  it('disables the tenant\'s destinations with the revocation, and a reinstall enables exactly those again', async () => {
    const accounts = new SqliteAccountStore({ db, clock });
    const owner = await accounts.createAccount();
    await accounts.upsertSubscription({ accountId: owner.id, stripeSubscriptionId: 'sub_1', planId: 'pro', status: 'active' });
    const channel = (tenant: string, chatId: string) => accounts.addDestination({ kind: 'channel', recipient: { platform: 'teamchat', tenant, chatId }, accountId: owner.id, contentKinds: ['alert'] });
    const [c1, c2, gone, elsewhere] = [await channel('T1', 'C1'), await channel('T1', 'C2'), await channel('T1', 'C3'), await channel('T2', 'C1')];
    await accounts.disableDestination(gone!.id, 'chat_not_found');
    const cache = new CandidateCache(db.$client);
    expect(cache.candidates().map((c) => c.destinationId)).toEqual([c1!.id, c2!.id, elsewhere!.id]);
    await store.save(install());

    expect(await store.markRevoked('teamchat', 'T1', 'app_uninstalled')).toBe(true);
    const state = async () => (await accounts.listDestinations({ platform: 'teamchat' })).map((d) => [d.recipientKey, d.enabled, d.disabledReason]);
    expect(await state()).toEqual([
      ['teamchat:T1:C1', false, INSTALLATION_REVOKED], ['teamchat:T1:C2', false, INSTALLATION_REVOKED], ['teamchat:T1:C3', false, 'chat_not_found'], ['teamchat:T2:C1', true, null],
    ]);
    expect(cache.candidates().map((c) => c.destinationId)).toEqual([elsewhere!.id]);

    await store.save(install({ botToken: new Secret(NEW_TOKEN) }));
    expect(await state()).toEqual([
      ['teamchat:T1:C1', true, null], ['teamchat:T1:C2', true, null], ['teamchat:T1:C3', false, 'chat_not_found'], ['teamchat:T2:C1', true, null],
    ]);
    expect(cache.candidates().map((c) => c.destinationId).sort()).toEqual([c1!.id, c2!.id, elsewhere!.id].sort());
  });

  it('reads back a token stored under another key as a typed error, never as a wrong token', async () => {
    await store.save(install());
    const otherKey = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(randomBytes(32)) });
    await expect(otherKey.get('teamchat', 'T1')).rejects.toThrow(SecretUnreadableError);
    await expect(otherKey.list()).rejects.toMatchObject({ code: 'config_invalid', setting: 'SECRETS_KEY' });
  });

  it('without SECRETS_KEY refuses to store a token, naming the setting, and writes nothing', async () => {
    const keyless = new SqliteInstallationStore({ db, clock, secrets: new SecretBox(undefined) });
    const err = await keyless.save(install()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsKeyMissingError);
    expect((err as Error).message).toMatch(/storing the secret of installation teamchat:T1 needs SECRETS_KEY/);
    expect(storedColumns()).toEqual([]);
  });

  it('refuses an unknown account, changing nothing', async () => {
    await expect(store.save(install({ accountId: 'acc_nope' }))).rejects.toMatchObject({ code: 'not_found' });
    await store.save(install());
    await expect(store.setAccount('teamchat', 'T1', 'acc_nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.setAccount('teamchat', 'T7', null)).rejects.toThrow('no installation for teamchat:T7');
    expect(storedColumns().map((r) => r.account_id)).toEqual([null]);
  });

  it('links the first account claimed for a tenant and keeps it when a second claim comes', async () => {
    const accounts = new SqliteAccountStore({ db, clock });
    const first = await accounts.createAccount({ displayName: 'Desk One' });
    const second = await accounts.createAccount({ displayName: 'Desk One again' });
    await store.save(install());
    expect((await store.claimAccount('teamchat', 'T1', first.id)).accountId).toBe(first.id);
    expect((await store.claimAccount('teamchat', 'T1', second.id)).accountId).toBe(first.id);
    await expect(store.claimAccount('teamchat', 'T7', first.id)).rejects.toThrow('no installation for teamchat:T7');
  });

  it('never logs the token: an installation in a log line, in inspect, in JSON and in an error shows "[redacted]"', async () => {
    const saved = await store.save(install());
    const lines: string[] = [];
    const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const logger = createLogger({ level: 'info', format: 'json', destination, isTty: false });
    // Nested deeper than the logger's redaction paths reach: only the Secret type keeps it out.
    logger.info({ event: { installs: [saved] } }, 'installed');
    logger.error({ err: new Error(`auth failed for ${saved.botToken}: ${inspect(saved)}`) }, 'install failed');
    const written = [lines.join(''), inspect(saved, { depth: 10 }), JSON.stringify(saved), format('%o', saved), String(saved.botToken)].join('\n');
    expect(written).toContain('[redacted]');
    expect(written).not.toContain(TOKEN);
    expect(written).not.toContain('1111-2222');
    expect(JSON.parse(lines[0]!).event.installs[0]).toMatchObject({ tenant: 'T1', botToken: '[redacted]' });
  });
});

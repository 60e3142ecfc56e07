// Per-tenant app installations in SQLite (the InstallationStore port); bot tokens sealed with SECRETS_KEY.
import { and, asc, eq, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { AuditLog } from '../../core/audit';
import type { Clock } from '../../core/clock';
import { SignalcastError } from '../../core/errors';
import { newId } from '../../core/ids';
import { INSTALLATION_REVOKED, type Installation, type InstallationFilter, type InstallationStore, type NewInstallation } from '../../core/tenancy/installations';
import type { SecretBox } from '../../core/tenancy/secret-box';
import type { PlatformName } from '../../core/types';
import type { Db } from '../client';
import { accounts, destinations, installations, type InstallationRow } from '../schema';

/** The stored value of a token that stays in the settings: not a sealed value (those are never empty). */
const SETTINGS_TOKEN = '';

/** What a sealed token is bound to: it opens only in its own row. */
const contextOf = (platform: string, tenant: string): string => `installation ${platform}:${tenant}`;

const tenantIs = (platform: PlatformName, tenant: string): SQL | undefined => and(eq(installations.platform, platform), eq(installations.tenant, tenant));
/** The tenant's destinations (isNotNull lets SQLite use the partial tenant index). */
const destinationsOf = (platform: PlatformName, tenant: string): SQL | undefined =>
  and(eq(destinations.platform, platform), eq(destinations.tenant, tenant), isNotNull(destinations.tenant));

export class SqliteInstallationStore implements InstallationStore {
  /** `audit`: when given, a reinstall of a revoked tenant is audited `installation.restored` in the same transaction. */
  constructor(private readonly deps: { db: Db; clock: Clock; secrets: SecretBox; audit?: AuditLog | undefined }) {}

  private toInstallation(row: InstallationRow): Installation {
    const { botTokenSealed, ...rest } = row;
    const botToken = botTokenSealed === SETTINGS_TOKEN ? null : this.deps.secrets.open(botTokenSealed, contextOf(row.platform, row.tenant));
    return { ...rest, platform: row.platform as PlatformName, scopes: [...row.scopes], botToken };
  }

  private requireAccount(accountId: string | null | undefined): void {
    if (!accountId) return;
    if (!this.deps.db.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).get()) {
      throw new SignalcastError('not_found', `account ${accountId} not found`);
    }
  }

  async save(install: NewInstallation): Promise<Installation> {
    // Sealed first: without a key nothing is written.
    const botTokenSealed = install.botToken === null ? SETTINGS_TOKEN : this.deps.secrets.seal(install.botToken, contextOf(install.platform, install.tenant));
    this.requireAccount(install.accountId);
    const now = new Date(this.deps.clock.now());
    const fields = {
      tenantName: install.tenantName ?? null,
      enterpriseId: install.enterpriseId ?? null,
      botUserId: install.botUserId ?? null,
      scopes: [...install.scopes],
      installerPlatformUserId: install.installerPlatformUserId ?? null,
      botTokenSealed,
      installedAt: now,
      updatedAt: now,
      revokedAt: null,
      revokedReason: null,
      ...(install.accountId !== undefined ? { accountId: install.accountId } : {}),
    };
    const row = this.deps.db.transaction((tx) => {
      const existing = tx.select({ id: installations.id, revokedAt: installations.revokedAt }).from(installations).where(tenantIs(install.platform, install.tenant)).get();
      const enabled = tx.update(destinations).set({ enabled: true, disabledReason: null, disabledAt: null })
        .where(and(destinationsOf(install.platform, install.tenant), eq(destinations.disabledReason, INSTALLATION_REVOKED))).run().changes;
      if (existing?.revokedAt) {
        this.deps.audit?.record({
          actor: 'system', action: 'installation.restored', subjectType: 'installation', subjectId: `${install.platform}:${install.tenant}`,
          data: { platform: install.platform, tenant: install.tenant, destinationsEnabled: enabled },
        });
      }
      return existing
        ? tx.update(installations).set(fields).where(eq(installations.id, existing.id)).returning().get()
        : tx.insert(installations).values({ id: newId('ins'), platform: install.platform, tenant: install.tenant, accountId: null, ...fields }).returning().get();
    }, { behavior: 'immediate' });
    return this.toInstallation(row);
  }

  async get(platform: PlatformName, tenant: string): Promise<Installation | null> {
    const row = this.deps.db.select().from(installations).where(tenantIs(platform, tenant)).get();
    return row ? this.toInstallation(row) : null;
  }

  async list(filter: InstallationFilter = {}): Promise<Installation[]> {
    const where: (SQL | undefined)[] = [];
    if (filter.platform !== undefined) where.push(eq(installations.platform, filter.platform));
    if (filter.accountId !== undefined) where.push(eq(installations.accountId, filter.accountId));
    if (filter.active !== undefined) where.push(filter.active ? isNull(installations.revokedAt) : isNotNull(installations.revokedAt));
    return this.deps.db.select().from(installations).where(and(...where)).orderBy(asc(installations.installedAt), asc(installations.id)).all()
      .map((row) => this.toInstallation(row));
  }

  async markRevoked(platform: PlatformName, tenant: string, reason: string): Promise<boolean> {
    const now = new Date(this.deps.clock.now());
    return this.deps.db.transaction((tx) => {
      const revoked = tx.update(installations).set({ revokedAt: now, revokedReason: reason, updatedAt: now })
        .where(and(tenantIs(platform, tenant), isNull(installations.revokedAt))).run().changes > 0;
      if (revoked) {
        tx.update(destinations).set({ enabled: false, disabledReason: INSTALLATION_REVOKED, disabledAt: now })
          .where(and(destinationsOf(platform, tenant), eq(destinations.enabled, true))).run();
        // The dispatcher never claims a disabled destination's rows, but a reinstall would send them, late:
        // skip them now, as a permanent failure does (they no longer count toward a daily cap).
        tx.run(sql`UPDATE deliveries SET state = 'skipped', skip_reason = 'destination_disabled', cap_day = NULL, cap_account_id = NULL, updated_at = ${now.getTime()}
          WHERE state = 'pending' AND destination_ref IN (SELECT ref FROM destinations WHERE platform = ${platform} AND tenant = ${tenant} AND tenant IS NOT NULL)`);
      }
      return revoked;
    }, { behavior: 'immediate' });
  }

  async claimAccount(platform: PlatformName, tenant: string, accountId: string): Promise<Installation> {
    this.requireAccount(accountId);
    this.deps.db.update(installations).set({ accountId, updatedAt: new Date(this.deps.clock.now()) })
      .where(and(tenantIs(platform, tenant), isNull(installations.accountId))).run();
    const row = this.deps.db.select().from(installations).where(tenantIs(platform, tenant)).get();
    if (!row) throw new SignalcastError('not_found', `no installation for ${platform}:${tenant}`);
    return this.toInstallation(row);
  }

  async setAccount(platform: PlatformName, tenant: string, accountId: string | null): Promise<Installation> {
    this.requireAccount(accountId);
    const row = this.deps.db.update(installations).set({ accountId, updatedAt: new Date(this.deps.clock.now()) })
      .where(tenantIs(platform, tenant)).returning().get();
    if (!row) throw new SignalcastError('not_found', `no installation for ${platform}:${tenant}`);
    return this.toInstallation(row);
  }
}

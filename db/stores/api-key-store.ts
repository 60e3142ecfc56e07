// API keys for the ingest API: only a SHA-256 of each key and a short prefix are stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Clock } from '../../core/clock';
import { SignalcastError, ValidationError } from '../../core/errors';
import { newId } from '../../core/ids';
import type { Db } from '../client';
import { apiKeys, type ApiKeyRow } from '../schema';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_BODY_LENGTH = 40;
/** "sc_" and the first 8 characters of the random part: enough to tell keys apart, useless to guess one. */
const PREFIX_LENGTH = 3 + 8;
const KEY_FORMAT = /^sc_[0-9A-Za-z]{32,128}$/;

/** A key as lists show it: never the key itself. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What a revoke did: `alreadyRevoked` when the key was revoked before (nothing was changed). */
export interface RevokedApiKey extends ApiKeyInfo {
  revokedAt: Date;
  alreadyRevoked: boolean;
}

/** A newly made key: `key` is shown once and cannot be recovered later. */
export interface CreatedApiKey extends ApiKeyInfo {
  key: string;
}

/** Random base62 text without modulo bias (bytes >= 248 are thrown away). */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}

export class SqliteApiKeyStore {
  /** Last use per key id, kept in memory and written by flushLastUsed(): no write per request. */
  private readonly pendingLastUsed = new Map<string, Date>();

  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  /** Makes a key named `name`. The returned `key` is the only copy there will ever be. */
  create(name: string): CreatedApiKey {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100) throw new ValidationError([{ field: 'name', message: 'expected 1-100 characters' }]);
    const key = `sc_${randomBase62(KEY_BODY_LENGTH)}`;
    const row = this.deps.db.insert(apiKeys).values({
      id: newId('key'),
      name: trimmed,
      prefix: key.slice(0, PREFIX_LENGTH),
      hash: hashApiKey(key),
      createdAt: new Date(this.deps.clock.now()),
    }).returning().get();
    return { ...toInfo(row), key };
  }

  /** Every key, newest first, revoked ones included (marked). */
  list(): ApiKeyInfo[] {
    return this.deps.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).all().map(toInfo);
  }

  /**
   * Revokes the key with this id or prefix; a key revoked before is left as it is
   * (`alreadyRevoked`). Throws not_found, or conflict when a prefix matches several keys.
   */
  revoke(idOrPrefix: string): RevokedApiKey {
    const matches = this.deps.db.select().from(apiKeys).where(or(eq(apiKeys.id, idOrPrefix), eq(apiKeys.prefix, idOrPrefix))).all();
    const [match] = matches;
    if (!match) throw new SignalcastError('not_found', `no API key with id or prefix "${idOrPrefix}"`);
    if (matches.length > 1) throw new SignalcastError('conflict', `prefix "${idOrPrefix}" matches ${matches.length} keys; use the id`);
    if (match.revokedAt) return { ...toInfo(match), revokedAt: match.revokedAt, alreadyRevoked: true };
    const revokedAt = new Date(this.deps.clock.now());
    const row = this.deps.db.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, match.id)).returning().get();
    return { ...toInfo(row ?? match), revokedAt, alreadyRevoked: false };
  }

  /**
   * The key's record when `key` is a live key, else null. The lookup goes by the
   * key's hash (an attacker cannot steer it), and the stored hash is compared in constant time.
   * Nothing is written: the use is remembered in memory until flushLastUsed().
   */
  verify(key: string): ApiKeyInfo | null {
    if (!KEY_FORMAT.test(key)) return null;
    const hash = hashApiKey(key);
    const row = this.deps.db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).get();
    if (!row || row.revokedAt) return null;
    if (!timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    const lastUsedAt = new Date(this.deps.clock.now());
    this.pendingLastUsed.set(row.id, lastUsedAt);
    return { ...toInfo(row), lastUsedAt };
  }

  /**
   * Writes the remembered last uses in one transaction; returns how many keys it wrote.
   * On failure (the database busy or full) they stay in memory for the next flush.
   */
  flushLastUsed(): number {
    if (this.pendingLastUsed.size === 0) return 0;
    const pending = [...this.pendingLastUsed];
    this.deps.db.$client.transaction(() => {
      for (const [id, at] of pending) {
        this.deps.db.update(apiKeys).set({ lastUsedAt: at }).where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, at)))).run();
      }
    }).immediate();
    this.pendingLastUsed.clear();
    return pending.length;
  }
}

// One-time /link codes in SQLite (the link_codes table): the LinkCodeStore port.
import { and, eq, isNull } from 'drizzle-orm';
import type { LinkCode, LinkCodeStore } from '../../core/accounts/link-codes';
import type { Db } from '../client';
import { linkCodes } from '../schema';

export class SqliteLinkCodeStore implements LinkCodeStore {
  constructor(private readonly deps: { db: Db }) {}

  async create(code: string, accountId: string, expiresAt: number): Promise<LinkCode> {
    return this.deps.db.insert(linkCodes).values({ code, accountId, expiresAt: new Date(expiresAt) }).returning().get();
  }

  async find(code: string): Promise<LinkCode | null> {
    return this.deps.db.select().from(linkCodes).where(eq(linkCodes.code, code)).get() ?? null;
  }

  async markUsed(code: string, now: number): Promise<boolean> {
    const result = this.deps.db.update(linkCodes).set({ usedAt: new Date(now) })
      .where(and(eq(linkCodes.code, code), isNull(linkCodes.usedAt))).run();
    return result.changes === 1;
  }
}

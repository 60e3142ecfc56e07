// Columns several tables share.
import { sql } from 'drizzle-orm';
import { integer } from 'drizzle-orm/sqlite-core';

/** When the row was made, set by SQLite. */
export const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

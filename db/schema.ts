// The database schema (drizzle-orm, SQLite), one file per concept under db/schema/; drizzle-kit reads it here
// (drizzle.config.ts). Times are integer milliseconds since the epoch.
export * from './schema/signals';
export * from './schema/people';
export * from './schema/deliveries';
export * from './schema/access';
export * from './schema/operations';

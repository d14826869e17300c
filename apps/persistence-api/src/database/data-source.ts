import type { PersistenceApiConfig } from '@voice/config/persistence-api';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client as PgClient, types as pgTypes, defaults as pgDefaults } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/**
 * DB_TIMEOUT_MS bounds every wait for the database while serving requests; without it (migrations,
 * tools) connecting is bounded at 5 s and statements at 15 s on the server.
 */
export type DatabaseConfig = Pick<PersistenceApiConfig, 'DATABASE_URL' | 'DB_POOL_MAX' | 'DATA_DIR'> & Partial<Pick<PersistenceApiConfig, 'DB_TIMEOUT_MS'>>;

// Timestamps are stored as UTC wall-clock time on both databases: make node-postgres write and read
// `timestamp` values as UTC whatever the process time zone is.
const PG_TIMESTAMP_OID = 1114;
pgDefaults.parseInputDatesAsUTC = true;
pgTypes.setTypeParser(PG_TIMESTAMP_OID, (v: string) => new Date(`${v.replace(' ', 'T')}Z`));

export const sqlitePath = (dataDir: string) => join(resolve(dataDir), 'persistence.sqlite');

/** The client-side bound gives the server's statement_timeout a moment to answer first, with its clearer error. */
const QUERY_TIMEOUT_GRACE_MS = 250;

/**
 * A pg client that gives up on its connection when a query gets no answer within query_timeout:
 * pg rejects the query but keeps the connection, which would go back to the pool with the unanswered
 * query still queued on it. Ending it makes the pool discard it on release and open a fresh one.
 */
export class BoundedClient extends PgClient {}
const plainQuery = PgClient.prototype.query;
BoundedClient.prototype.query = function (this: PgClient, ...args: unknown[]) {
  const result = (plainQuery as (...a: unknown[]) => unknown).apply(this, args);
  if (!(result instanceof Promise)) return result;
  return result.catch((err: unknown) => {
    if (err instanceof Error && err.message === 'Query read timeout') this.end().catch(() => undefined);
    throw err;
  });
} as PgClient['query'];

/**
 * The one definition of the database connection, used by the Nest module and by the CLI.
 * PostgreSQL when DATABASE_URL is set (SSL follows the URL's sslmode), otherwise SQLite under DATA_DIR.
 */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const timeoutMs = config.DB_TIMEOUT_MS;
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    // Off: TypeORM's console logger prints every failed statement with its parameters (password
    // hashes, phone numbers, message text) unredacted to stdout, including the unique violations
    // the services expect and turn into 409s. Real failures surface as exceptions, which the
    // app's error filter logs through pino and the CLI prints.
    logging: false,
  };
  if (config.DATABASE_URL) {
    return {
      ...common,
      type: 'postgres',
      url: config.DATABASE_URL,
      applicationName: 'persistence-api',
      extra: {
        max: config.DB_POOL_MAX,
        // Bounds both a new connection and the wait for a free one when the pool is full.
        connectionTimeoutMillis: timeoutMs ?? 5_000,
        idleTimeoutMillis: 30_000,
        // The server cancels a statement running longer (a slow query, a lock wait) ...
        statement_timeout: timeoutMs ?? 15_000,
        // ... and the client stops waiting when the server does not answer at all (frozen process,
        // network black hole), discarding the connection (see BoundedClient).
        ...(timeoutMs ? { query_timeout: timeoutMs + QUERY_TIMEOUT_GRACE_MS, Client: BoundedClient } : {}),
        // Notice a silently dropped connection while it sits idle in the pool.
        keepAlive: true,
        // UTC, and the ISO text form that the timestamp parsers here (and raw-sql.ts) read.
        options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
      },
    };
  }
  mkdirSync(resolve(config.DATA_DIR), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: sqlitePath(config.DATA_DIR),
    enableWAL: true,
    // How long a write waits for another writer's lock before SQLITE_BUSY (better-sqlite3 waits synchronously).
    timeout: timeoutMs ?? 5_000,
    // SQLite's LOWER() folds only ASCII; search must fold "Ä" like PostgreSQL does.
    prepareDatabase: (db: { function(name: string, options: object, fn: (s: unknown) => unknown): void }) =>
      db.function('lower', { deterministic: true }, (s) => (s == null ? null : String(s).toLowerCase())),
  };
}

export const createDataSource = (config: DatabaseConfig) => new DataSource(dataSourceOptions(config));
export const isPostgres = (ds: DataSource) => ds.options.type === 'postgres';

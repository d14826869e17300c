import type { PersistenceApiConfig } from '@voice/config/persistence-api';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { types as pgTypes, defaults as pgDefaults } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export type DatabaseConfig = Pick<PersistenceApiConfig, 'DATABASE_URL' | 'DB_POOL_MAX' | 'DATA_DIR'>;

// Timestamps are stored as UTC wall-clock time on both databases: make node-postgres write and read
// `timestamp` values as UTC whatever the process time zone is.
const PG_TIMESTAMP_OID = 1114;
pgDefaults.parseInputDatesAsUTC = true;
pgTypes.setTypeParser(PG_TIMESTAMP_OID, (v: string) => new Date(`${v.replace(' ', 'T')}Z`));

export const sqlitePath = (dataDir: string) => join(resolve(dataDir), 'persistence.sqlite');

/**
 * The one definition of the database connection, used by the Nest module and by the CLI.
 * PostgreSQL when DATABASE_URL is set (SSL follows the URL's sslmode), otherwise SQLite under DATA_DIR.
 */
export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
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
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        statement_timeout: 15_000,
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
    timeout: 5_000,
    // SQLite's LOWER() folds only ASCII; search must fold "Ä" like PostgreSQL does.
    prepareDatabase: (db: { function(name: string, options: object, fn: (s: unknown) => unknown): void }) =>
      db.function('lower', { deterministic: true }, (s) => (s == null ? null : String(s).toLowerCase())),
  };
}

export const createDataSource = (config: DatabaseConfig) => new DataSource(dataSourceOptions(config));
export const isPostgres = (ds: DataSource) => ds.options.type === 'postgres';

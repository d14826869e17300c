import { Client } from 'pg';
import type { DataSource, DataSourceOptions, Migration } from 'typeorm';
import { isPostgres } from './data-source';

/**
 * The PostgreSQL advisory lock every change of the schema holds (cli.js migrate and revert, so
 * startup.sh too): the bigint whose bytes spell "migrate". Two instances starting at once migrate
 * one after the other, and the second finds nothing left to do. Watch it with
 * `SELECT * FROM pg_locks WHERE locktype = 'advisory' AND classid = 7170407 AND objid = 1918989413`
 * (a bigint key shows as its high and low 32 bits).
 */
export const MIGRATION_LOCK_KEY = '30796665482998885';

/**
 * Runs `work` while holding the migration lock, on a connection of its own outside the pool (so the
 * migrations' own connections are free, and no statement_timeout cuts the wait short). A second
 * caller waits until the first is done, telling `onWait` once; the lock goes with the connection,
 * so a migrating process that dies frees it too.
 *
 * SQLite takes no lock: its database is one file of one development process (never more instances),
 * and the migrations run there as they always did.
 */
export async function withMigrationLock<T>(db: DataSource, work: () => Promise<T>, onWait: () => void = () => undefined): Promise<T> {
  if (!isPostgres(db)) return work();
  const { url, applicationName } = db.options as Extract<DataSourceOptions, { type: 'postgres' }>;
  const client = new Client({ connectionString: url, application_name: `${applicationName} migrations`, connectionTimeoutMillis: 5_000, keepAlive: true });
  // A dropped connection surfaces as the next query's error; without a listener it would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const tried = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [MIGRATION_LOCK_KEY]);
    if (!tried.rows[0].locked) {
      onWait();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

const WAITING = `waiting for another instance's migrations to finish (PostgreSQL advisory lock ${MIGRATION_LOCK_KEY})`;

/** Applies the pending migrations, each in its own transaction, under the migration lock. */
export const runMigrations = (db: DataSource, log: (line: string) => void = console.log): Promise<Migration[]> =>
  withMigrationLock(
    db,
    () => db.runMigrations({ transaction: 'each' }),
    () => log(WAITING),
  );

/** Reverts the last applied migration under the migration lock. */
export const undoLastMigration = (db: DataSource, log: (line: string) => void = console.log): Promise<void> =>
  withMigrationLock(
    db,
    () => db.undoLastMigration({ transaction: 'each' }),
    () => log(WAITING),
  );

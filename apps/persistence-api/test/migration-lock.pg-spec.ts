import 'reflect-metadata';
import { createDatabase, dropDatabase, withPostgres } from '@voice/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { MIGRATION_LOCK_KEY, runMigrations, withMigrationLock } from '../src/database/migration-lock';
import { MIGRATIONS } from '../src/database/migrations';

const ADMIN_URL = () => process.env.PERSISTENCE_TEST_PG_ADMIN_URL as string;
const ALL = MIGRATIONS.map((M) => new M().name);
const KEY = BigInt(MIGRATION_LOCK_KEY);
// pg_locks shows a bigint advisory key as its high and low 32 bits.
const LOCK_ROWS = `SELECT granted FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND classid = ${KEY >> 32n} AND objid = ${KEY & 0xffffffffn} AND objsubid = 1`;

let url: string;
const sources: DataSource[] = [];

/** A persistence-api instance's connection to the test database, as the CLI makes it. */
async function instance(): Promise<DataSource> {
  const db = createDataSource({ DATABASE_URL: url, DB_POOL_MAX: 2, DATA_DIR: 'unused' });
  sources.push(db);
  return db.initialize();
}

const lockRows = () => withPostgres(url, async (c) => (await c.query<{ granted: boolean }>(LOCK_ROWS)).rows);
const applied = () =>
  withPostgres(url, async (c) => {
    const table = await c.query(`SELECT to_regclass('schema_migrations') AS t`);
    if (!table.rows[0].t) return [];
    return (await c.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id')).rows.map((r) => r.name);
  });

/** Polls until `condition` holds: what it waits for is another connection reaching a lock, not a time. */
async function eventually(condition: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never happened: ${what}`);
}

beforeEach(async () => {
  url = await createDatabase(ADMIN_URL(), 'persistence_migration_lock');
});

afterEach(async () => {
  for (const db of sources.splice(0)) if (db.isInitialized) await db.destroy();
  await dropDatabase(ADMIN_URL(), url);
});

describe('the migration lock (PostgreSQL advisory lock around the migrations)', () => {
  it('two instances migrating a fresh database at the same moment both succeed, and every migration runs exactly once', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const [ranA, ranB] = await Promise.all([runMigrations(a, () => undefined), runMigrations(b, () => undefined)]);

    // One did the work, the other found nothing left to do: no "relation already exists", no duplicate row.
    expect([ranA.map((m) => m.name), ranB.map((m) => m.name)].sort((x, y) => y.length - x.length)).toEqual([ALL, []]);
    expect(await applied()).toEqual(ALL);
    expect(await lockRows()).toEqual([]);
  });

  it('the second instance waits while another holds the lock, says so, and then finds the schema up to date', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const logs: string[] = [];
    let releaseA!: () => void;
    const aHolds = new Promise<void>((resolve) => (releaseA = resolve));
    let aStarted!: () => void;
    const aInside = new Promise<void>((resolve) => (aStarted = resolve));

    // A takes the lock and migrates, but stays inside it until the test lets it go.
    const first = withMigrationLock(a, async () => {
      aStarted();
      const ran = await a.runMigrations({ transaction: 'each' });
      await aHolds;
      return ran;
    });
    await aInside;
    const second = runMigrations(b, (l) => logs.push(l));

    await eventually(async () => (await lockRows()).filter((r) => !r.granted).length === 1, 'B waiting on the lock');
    expect((await lockRows()).map((r) => r.granted).sort()).toEqual([false, true]);
    expect(logs).toEqual([`waiting for another instance's migrations to finish (PostgreSQL advisory lock ${MIGRATION_LOCK_KEY})`]);

    releaseA();
    expect((await first).map((m) => m.name)).toEqual(ALL);
    expect(await second).toEqual([]);
    expect(await applied()).toEqual(ALL);
    expect(await lockRows()).toEqual([]);
  });

  it('a failing migration run lets the lock go, so the next instance can migrate', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    await expect(
      withMigrationLock(a, async () => {
        throw new Error('migration failed');
      }),
    ).rejects.toThrow('migration failed');
    expect(await lockRows()).toEqual([]);
    expect((await runMigrations(b)).map((m) => m.name)).toEqual(ALL);
  });

  it('a process that dies holding the lock frees it with its connection', async () => {
    const holder = withPostgres(url, async (c) => {
      await c.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      expect(await lockRows()).toEqual([{ granted: true }]);
      // withPostgres closes the connection without unlocking, as a killed process would.
    });
    await holder;
    await eventually(async () => (await lockRows()).length === 0, 'the lock freed with its connection');
    expect((await runMigrations(await instance())).map((m) => m.name)).toEqual(ALL);
  });
});

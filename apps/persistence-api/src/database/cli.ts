import 'reflect-metadata';
import { ConfigError } from '@voice/config/core';
import { loadPersistenceApiConfig } from '@voice/config/persistence-api';
import { createDataSource } from './data-source';
import { runMigrations, undoLastMigration } from './migration-lock';
import { DEMO_USER, seed } from './seed';

const USAGE = 'usage: cli <migrate|revert|seed|status>';

/** Database commands for developers and for startup.sh: node dist/database/cli.js migrate */
async function main(command: string | undefined) {
  if (!command || !['migrate', 'revert', 'seed', 'status'].includes(command)) throw new Error(USAGE);
  const config = loadPersistenceApiConfig();
  // Migrations may run long statements: the per-query bound is for serving requests.
  const db = createDataSource({ ...config, DB_TIMEOUT_MS: undefined });
  await db.initialize();
  const where = config.DATABASE_URL ? 'PostgreSQL' : `SQLite under ${config.DATA_DIR}`;
  try {
    if (command === 'migrate') {
      const ran = await runMigrations(db);
      console.log(ran.length ? `applied ${ran.map((m) => m.name).join(', ')} on ${where}` : `schema is up to date on ${where}`);
    } else if (command === 'revert') {
      await undoLastMigration(db);
      console.log(`reverted the last migration on ${where}`);
    } else if (command === 'status') {
      console.log((await db.showMigrations()) ? 'pending migrations' : 'schema is up to date');
    } else {
      const loaded = await seed(db, config.CLINIC_TIMEZONE);
      console.log(loaded ? `seeded demo data; demo login: ${DEMO_USER.email} / ${DEMO_USER.password}` : 'demo data already present');
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(err instanceof ConfigError || (err instanceof Error && err.message === USAGE) ? (err as Error).message : err);
  process.exit(1);
});

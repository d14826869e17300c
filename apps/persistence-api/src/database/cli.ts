import 'reflect-metadata';
import { ConfigError } from '@voice/config/core';
import { loadPersistenceApiConfig } from '@voice/config/persistence-api';
import { CommandError, parseCommand } from './cli-command';
import { createDataSource } from './data-source';
import { runMigrations, undoLastMigration } from './migration-lock';
import { DEMO_USER, seed } from './seed';

/** Database commands for developers, operators and startup.sh: node dist/database/cli.js migrate */
async function main(args: string[]) {
  const config = loadPersistenceApiConfig();
  const command = parseCommand(args, config.NODE_ENV);
  // Migrations may run long statements: the per-query bound is for serving requests.
  const db = createDataSource({ ...config, DB_TIMEOUT_MS: undefined });
  await db.initialize();
  const where = config.DATABASE_URL ? 'PostgreSQL' : `SQLite under ${config.DATA_DIR}`;
  try {
    if (command.name === 'migrate') {
      const ran = await runMigrations(db);
      console.log(ran.length ? `applied ${ran.map((m) => m.name).join(', ')} on ${where}` : `schema is up to date on ${where}`);
    } else if (command.name === 'revert') {
      await undoLastMigration(db);
      console.log(`reverted the last migration on ${where}`);
    } else if (command.name === 'status') {
      console.log((await db.showMigrations()) ? 'pending migrations' : 'schema is up to date');
    } else if (!command.demo) {
      const loaded = await seed(db, config.CLINIC_TIMEZONE, new Date(), { demo: false });
      console.log(loaded ? `seeded the clinic (doctors and their shifts) on ${where}` : `the clinic is already seeded (it has doctors) on ${where}`);
    } else {
      const loaded = await seed(db, config.CLINIC_TIMEZONE, new Date(), { demo: true });
      console.log(loaded ? `seeded demo data; demo login: ${DEMO_USER.email} / ${DEMO_USER.password}` : 'demo data already present');
    }
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof ConfigError || err instanceof CommandError ? err.message : err);
  process.exit(1);
});

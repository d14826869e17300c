import 'reflect-metadata';
import { createDataSource } from '../src/database/data-source';
import { createDatabase } from '@voice/testing';
import { startPgServer, type PgServer } from './postgres';

declare global {
  var __PG_SERVER__: PgServer | undefined;
}

/** One PostgreSQL database for the whole run, migrated once; each test makes its own data. */
export default async function setup() {
  const server = await startPgServer();
  globalThis.__PG_SERVER__ = server;
  const url = await createDatabase(server.adminUrl, 'persistence_test');
  process.env.PERSISTENCE_TEST_PG_ADMIN_URL = server.adminUrl;
  process.env.PERSISTENCE_TEST_PG_URL = url;
  const db = createDataSource({ DATABASE_URL: url, DB_POOL_MAX: 2, DATA_DIR: 'unused' });
  await db.initialize();
  await db.runMigrations();
  await db.destroy();
}

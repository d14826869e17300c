import 'reflect-metadata';
import { createDataSource } from '../src/database/data-source';
import { migrationSuite } from './migration-suite';
import { createDatabase, dropDatabase } from '@voice/testing';

migrationSuite('PostgreSQL', async () => {
  const adminUrl = process.env.PERSISTENCE_TEST_PG_ADMIN_URL as string;
  const url = await createDatabase(adminUrl, 'persistence_migrations');
  const ds = createDataSource({ DATABASE_URL: url, DB_POOL_MAX: 2, DATA_DIR: 'unused' });
  await ds.initialize();
  return {
    ds,
    dispose: async () => {
      await ds.destroy();
      await dropDatabase(adminUrl, url);
    },
  };
});

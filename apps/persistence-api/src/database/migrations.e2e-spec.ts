import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationSuite } from '../../test/migration-suite';
import { createDataSource } from './data-source';

// Always SQLite, in both Jest projects: PostgreSQL's history is checked by test/migrations.pg-spec.ts.
migrationSuite('SQLite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'persistence-migrations-'));
  const ds = createDataSource({ DATABASE_URL: undefined, DB_POOL_MAX: 1, DATA_DIR: dataDir });
  await ds.initialize();
  return {
    ds,
    dispose: async () => {
      await ds.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

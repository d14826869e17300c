process.env.TEST_DB = 'postgres';
if (!process.env.PERSISTENCE_TEST_PG_URL) {
  throw new Error('PostgreSQL test database was not prepared: postgres.global-setup.ts did not run');
}

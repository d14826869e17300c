const preset = require('../../jest.preset.cjs');

/**
 * Three projects: unit tests, and the API tests run twice, once on SQLite and once on
 * PostgreSQL (TEST_DATABASE_URL's server, or an embedded PostgreSQL when it is unset).
 */
module.exports = {
  rootDir: __dirname,
  projects: [
    { ...preset, rootDir: __dirname, displayName: 'persistence-api:unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...preset,
      rootDir: __dirname,
      displayName: 'persistence-api:sqlite',
      testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/use-sqlite.cjs'],
      setupFilesAfterEnv: ['<rootDir>/test/api-test-timeout.ts'],
    },
    {
      ...preset,
      rootDir: __dirname,
      displayName: 'persistence-api:postgres',
      testMatch: ['<rootDir>/src/**/*.e2e-spec.ts', '<rootDir>/test/**/*.pg-spec.ts'],
      setupFiles: ['<rootDir>/test/use-postgres.cjs'],
      setupFilesAfterEnv: ['<rootDir>/test/api-test-timeout.ts'],
      globalSetup: '<rootDir>/test/postgres.global-setup.ts',
      globalTeardown: '<rootDir>/test/postgres.global-teardown.ts',
    },
  ],
};

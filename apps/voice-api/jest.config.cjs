const preset = require('../../jest.preset.cjs');

/**
 * Unit tests beside the code; API tests (*.e2e-spec.ts) against a real persistence-api process
 * (built by the test target's dependency, started once per run on its own SQLite file).
 */
module.exports = {
  rootDir: __dirname,
  projects: [
    { ...preset, rootDir: __dirname, displayName: 'voice-api:unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...preset,
      rootDir: __dirname,
      displayName: 'voice-api:api',
      setupFilesAfterEnv: ['<rootDir>/test/api-test-timeout.ts'],
      testMatch: ['<rootDir>/src/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/persistence.global-setup.ts',
      globalTeardown: '<rootDir>/test/persistence.global-teardown.ts',
    },
  ],
};

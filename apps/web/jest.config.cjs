const preset = require('../../jest.preset.cjs');

/** Unit tests of the server-side helpers and the call's transcript logic; the pages are tested in a real browser by apps/web-e2e. */
module.exports = {
  ...preset,
  rootDir: __dirname,
  displayName: 'web',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/src/$1' },
  modulePathIgnorePatterns: ['<rootDir>/.next'],
};

const preset = require('../../jest.preset.cjs');

/** Deployment checks; the App Service tests unpack the real artifacts (dist/packages/<app>.zip). */
module.exports = {
  ...preset,
  rootDir: __dirname,
  displayName: 'deploy-e2e',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'server-kit',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

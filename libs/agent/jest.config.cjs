module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'agent',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

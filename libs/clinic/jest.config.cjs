module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'clinic',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};

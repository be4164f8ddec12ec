/** Jest: real PostgreSQL (embedded unless DATABASE_URL is set), one fresh database per test file. */
module.exports = {
  testEnvironment: '<rootDir>/tests/setup/db-environment.ts',
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/e2e/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  maxWorkers: 2,
  testTimeout: 30000,
};

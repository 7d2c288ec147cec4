/**
 * The pure tests (test/unit): no PostgreSQL, Redis or SMTP, so no globalSetup. `npm run test:unit`
 * runs them in seconds; `npm test` still runs them together with everything else.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/unit'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 30000,
};

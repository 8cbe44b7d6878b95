import { defineConfig } from 'vitest/config';

// Test files that hold no database of their own: they need no second run on PostgreSQL. The store contract
// suites run both adapters in one file already; store-contract-postgres tests what only PostgreSQL has.
const BACKEND_NEUTRAL = [
  'test/store-contract.test.ts',
  'test/store-contract-postgres.test.ts',
  // Always two nodes on a scratch PostgreSQL database.
  'test/multi-node.test.ts',
  'test/arxiv-api.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites start servers and child processes; two cores means two workers at most, for both
    // projects together.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
        },
      },
      {
        // The integration suite once more on a scratch PostgreSQL database per test file (see
        // test/support/test-store.ts); unit tests under src/ do not depend on the database.
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.test.ts'],
          exclude: BACKEND_NEUTRAL,
          env: { PAPERBOY_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// Integration tests start real Postgres clusters and CLI processes; two at a time suits a 2-core machine.
export default defineConfig({
  test: {
    include: [
      'main/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/**/*.test.ts',
      'agent/**/*.test.ts',
      'supabase/tests/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // The fault suite has its own config and command (`npm run test:faults`).
    exclude: ['**/node_modules/**', 'test/faults/**'],
    // Tests run the CLI, the API and the agents from out/: rebuild whatever is older than its sources first.
    globalSetup: ['test/support/build-before-tests.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    // GUI and stack tests poll live state (a card turning healthy, a restart counted): give them room on a
    // busy 2-core machine instead of the 1 s default.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
  },
});

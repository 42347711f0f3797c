import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:faults`): real stacks driven through crashes, full disks, damaged files and
// hostile input. One file at a time: the faults are timed (recovery times are measured) and each test runs a
// whole stack, so they must not compete with each other on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    expect: { poll: { timeout: 20_000 } },
  },
});

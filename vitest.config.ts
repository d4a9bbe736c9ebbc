import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes (ZooKeeper, the CLI, the local cluster); two cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});

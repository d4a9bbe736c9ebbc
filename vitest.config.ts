import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes (ZooKeeper, the CLI, local clusters whose agents bind
    // 127.0.0.2... and Alluxio's fixed ports): one file at a time, so two files never contend for
    // the same loopback ports.
    fileParallelism: false,
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});

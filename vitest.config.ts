import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/reporters/summary-line.ts'],
    projects: [
      {
        extends: true,
        // Pure logic, in-process: files run in parallel and share one module graph per worker (no
        // per-file isolation), which cuts the unit run from ~35 s to ~8 s on two cores.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], fileParallelism: true, isolate: false },
      },
      {
        extends: true,
        // Integration tests start real processes (ZooKeeper, the CLI, local clusters whose agents bind
        // 127.0.0.2... and Alluxio's fixed ports): one file at a time, so two files never contend for
        // the same loopback ports.
        test: { name: 'integration', include: ['test/integration/**/*.test.ts', 'test/scenarios/**/*.test.ts'], fileParallelism: false },
      },
      {
        extends: true,
        // Hostile input, broken peers and planted secrets: every case an adversarial run found, each
        // asserting a one-line error, a distinct exit code, nothing lost and nothing leaked. Some files
        // start the real CLI and local clusters, so one file at a time as in the integration project.
        test: { name: 'hostile', include: ['test/hostile/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});

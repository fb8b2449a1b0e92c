import { defineConfig } from 'vitest/config'

/**
 * Benchmarks (`npm run bench`): one vitest file that runs every benchmark in order and prints
 * one table (also written to test/bench/results.md). Kept apart from `npm test`, whose config
 * (vite.config.ts) only includes test/unit and test/e2e.
 */
export default defineConfig({
  test: {
    include: ['test/bench/run.ts'],
    environment: 'node',
    // The table goes straight to stdout, not through vitest's per-test console capture.
    disableConsoleIntercept: true,
    // One file, one worker: the figures are not disturbed by a parallel file on a 2-core machine.
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
  },
})

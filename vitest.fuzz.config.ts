import { defineConfig } from 'vitest/config'

/**
 * `npm run fuzz`: the session's randomized test (test/unit/session/neverWedges.test.ts) with
 * 100,000 sequences and a fresh seed, printed first; a failure prints the seed and the shrunk
 * sequence. `SESSION_FUZZ_RUNS` sets another count. Kept apart from `npm test`, which runs the
 * same test with 1,000 sequences and a fixed seed.
 */
export default defineConfig({
  test: {
    include: ['test/unit/session/neverWedges.test.ts'],
    environment: 'node',
    env: { SESSION_FUZZ_RUNS: process.env['SESSION_FUZZ_RUNS'] ?? '100000' },
    testTimeout: 0,
  },
})

import fc from 'fast-check'
import { afterEach, beforeEach, describe, it, vi } from 'vitest'
import { steps, type Model } from '../../model/commands'
import { createWorld, finish, type World } from '../../model/world'

// The session never wedges, whatever the SDK does: random sequences of app commands, SDK actions
// (drops for every reason, RECONNECTING for any time, expiry warnings, calls that fail with
// every code the SDK has, answer late or never) and token-server outages, against a model of
// agora-rtc-sdk-ng 4.24.8's client (test/model/sdkModel.ts), with invariants checked after
// every step (test/model/world.ts). `npm test` runs a fixed seed; `npm run fuzz` runs 100,000
// sequences with a fresh seed and prints the seed and the shrunk sequence of a failure.

const FUZZ = process.env['SESSION_FUZZ_RUNS'] !== undefined
const RUNS = FUZZ ? Number(process.env['SESSION_FUZZ_RUNS']) : 1_000
const SEED = FUZZ ? Date.now() ^ (Math.random() * 2 ** 31) : 20_261_206

describe('the session never wedges (randomized, against a model of the SDK)', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 8) }))
  afterEach(() => vi.useRealTimers())

  it(`holds every invariant over ${RUNS} random sequences (seed ${SEED})`, { timeout: FUZZ ? 0 : 120_000 }, async () => {
    if (FUZZ) console.info(`npm run fuzz: ${RUNS} sequences, seed ${SEED}`)
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          uid: fc.constantFrom<number | string>(42, 42, 'alice', 0),
          audienceTokens: fc.constantFrom<'wildcard' | 'channel'>('wildcard', 'channel'),
          expireSec: fc.constantFrom(60, 300, 3_600),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
        }),
        steps(40),
        async (options, commands) => {
          vi.clearAllTimers()
          vi.setSystemTime(Date.UTC(2026, 11, 6, 8))
          let world: World | undefined
          try {
            await fc.asyncModelRun(() => {
              world = createWorld(options)
              return { model: { disposed: false } satisfies Model, real: world }
            }, commands)
            if (world === undefined) return
            await finish(world)
            if (world.violations.length > 0) throw new Error(`invariant broken at the end:\n${world.violations.join('\n')}`)
          } finally {
            // A run that broke an invariant may have left a command hanging: dispose without waiting on it.
            world?.stop()
            if (world !== undefined && !world.disposed) world.session.dispose().catch(() => {})
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    )
  })
})

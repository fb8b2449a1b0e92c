import { DEFAULT_RENEWAL_POLICY, renewAt, type RenewalPolicy } from '../../src/index'

/** The fleet scenario; the README's description comes from these numbers. */
export const FLEET = {
  clients: 100_000,
  /** Every client joins at a uniformly random moment within this window. */
  joinWindowMs: 1_000,
  tokenLifetimeMs: 3_600_000,
  durationMs: 8 * 3_600_000,
  /** The SDK's token-privilege-will-expire comes this long before expiry. */
  willExpireLeadMs: 30_000,
} as const

/**
 * 0.1's policy, for the cost of riding out a 5-minute outage: a 150-s lead (at most half the
 * lifetime). The library now renews 6 minutes ahead.
 */
export const PREVIOUS_RENEWAL_POLICY: RenewalPolicy = { ...DEFAULT_RENEWAL_POLICY, minLeadMs: 150_000, maxLeadFraction: 0.5 }
/** Riding out the outage may cost at most this many more renewal requests than 0.1's policy. */
export const FLEET_COST_TARGET = 1.1

/** Renewal requests of one policy, binned by second. */
export interface FleetFigures {
  requests: number
  /** Mean requests per second over the whole simulated time. */
  meanPerSec: number
  /** Busiest 1-second bin. */
  peakPerSec: number
  /** Busiest 60-second window (sliding, 1-s steps), as requests per second. */
  peak60PerSec: number
  peakOverMean: number
  peak60OverMean: number
}

function figures(bins: Int32Array): FleetFigures {
  let requests = 0
  let peak = 0
  for (const n of bins) {
    requests += n
    if (n > peak) peak = n
  }
  let window = 0
  let peak60 = 0
  for (let i = 0; i < bins.length; i++) {
    window += bins[i] ?? 0
    if (i >= 60) window -= bins[i - 60] ?? 0
    if (i >= 59 && window > peak60) peak60 = window
  }
  const meanPerSec = requests / bins.length
  return {
    requests,
    meanPerSec,
    peakPerSec: peak,
    peak60PerSec: peak60 / 60,
    peakOverMean: peak / meanPerSec,
    peak60OverMean: peak60 / 60 / meanPerSec,
  }
}

/**
 * 100,000 clients join within one second with 1-hour tokens; every renewal is one token
 * request, counted in 1-second bins over 8 hours. The joins themselves are left out of both
 * sides (they are the same burst for both); a renewal's new token is taken to arrive at once.
 *
 * - library: the pure `renewAt` with `DEFAULT_RENEWAL_POLICY`, an independent `Math.random` draw
 *   per decision, `'first'` for the first token and `'renewal'` for every later one;
 * - previous: the same with 0.1's policy ({@link PREVIOUS_RENEWAL_POLICY}), for the request count;
 * - will-expire: renew when the SDK's `token-privilege-will-expire` arrives, 30 s before expiry
 *   (the guide's way): every client keeps the phase of its join forever.
 * - uniform: the library's number of requests at independent uniformly random times over the
 *   same 8 hours: the floor that random timing alone sets on 1-second peaks (Poisson noise).
 */
export function runFleet(): { library: FleetFigures; previous: FleetFigures; willExpire: FleetFigures; uniform: FleetFigures } {
  const seconds = FLEET.durationMs / 1000
  const library = new Int32Array(seconds)
  const previous = new Int32Array(seconds)
  const willExpire = new Int32Array(seconds)
  const uniform = new Int32Array(seconds)
  const random = (): number => Math.random()
  const count = (bins: Int32Array, atMs: number): void => {
    const i = Math.floor(atMs / 1000)
    bins[i] = (bins[i] ?? 0) + 1
  }
  for (let c = 0; c < FLEET.clients; c++) {
    const joinedAt = Math.random() * FLEET.joinWindowMs

    for (const [bins, policy] of [
      [library, DEFAULT_RENEWAL_POLICY],
      [previous, PREVIOUS_RENEWAL_POLICY],
    ] as const) {
      let token = { receivedAt: joinedAt, expiresAt: joinedAt + FLEET.tokenLifetimeMs }
      let at = renewAt(token, joinedAt, policy, random, 'first')
      while (at < FLEET.durationMs) {
        count(bins, at)
        token = { receivedAt: at, expiresAt: at + FLEET.tokenLifetimeMs }
        at = renewAt(token, at, policy, random, 'renewal')
      }
    }

    for (let t = joinedAt + FLEET.tokenLifetimeMs - FLEET.willExpireLeadMs; t < FLEET.durationMs; t += FLEET.tokenLifetimeMs - FLEET.willExpireLeadMs) {
      count(willExpire, t)
    }
  }
  const libraryFigures = figures(library)
  for (let i = 0; i < libraryFigures.requests; i++) count(uniform, Math.random() * FLEET.durationMs)
  return { library: libraryFigures, previous: figures(previous), willExpire: figures(willExpire), uniform: figures(uniform) }
}

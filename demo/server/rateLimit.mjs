// @ts-check
/**
 * Per-client rate limits: one token bucket per client (its address), `burst` requests at once,
 * refilled at `perSecond`. A refused request gets 429 with `Retry-After`, which
 * agora-rtc-session's token store honours.
 */

/**
 * @typedef {object} RateLimitOptions
 * @property {number} burst requests a client may send at once
 * @property {number} perSecond requests a client may send per second, sustained
 * @property {() => number} [now] ms clock; default `performance.now`
 * @property {number} [maxClients] buckets kept at most (the oldest go first); default 10,000
 */

/** What the standalone server allows by default: 20 at once, then 2 a second. */
export const DEFAULT_RATE_LIMIT = Object.freeze({ burst: 20, perSecond: 2 })

/**
 * @param {RateLimitOptions} options
 * @returns {{ take(client: string): number }} `take` answers 0 when the request may go ahead,
 *   else the whole seconds to wait (for `Retry-After`)
 */
export function createRateLimit(options) {
  const { burst, perSecond } = options
  if (!(Number.isFinite(burst) && burst >= 1 && Number.isFinite(perSecond) && perSecond > 0)) {
    throw new Error(`rate limit: burst must be at least 1 and perSecond above 0, got ${burst} and ${perSecond}`)
  }
  const now = options.now ?? (() => performance.now())
  const maxClients = options.maxClients ?? 10_000
  /** Insertion order = least recently seen first. @type {Map<string, { tokens: number, at: number }>} */
  const buckets = new Map()

  /** @param {number} t */
  const prune = (t) => {
    for (const [client, bucket] of buckets) {
      if (bucket.tokens + ((t - bucket.at) / 1000) * perSecond >= burst) buckets.delete(client)
    }
    for (const client of buckets.keys()) {
      if (buckets.size < maxClients) break
      buckets.delete(client)
    }
  }

  return {
    take(client) {
      const t = now()
      let bucket = buckets.get(client)
      if (bucket === undefined) {
        if (buckets.size >= maxClients) prune(t)
        bucket = { tokens: burst, at: t }
      } else {
        buckets.delete(client)
        bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond)
        bucket.at = t
      }
      buckets.set(client, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.ceil((1 - bucket.tokens) / perSecond)
    },
  }
}

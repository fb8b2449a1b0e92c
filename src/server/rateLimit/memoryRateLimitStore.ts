import type { RateLimit, RateLimitStore } from './RateLimitStore.js'

/** Options of {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** ms clock; default `performance.now`. */
  now?: () => number
  /** Buckets kept at most (full ones go first, then the least recently seen); default 10,000. */
  maxClients?: number
}

/**
 * Token buckets in this process's memory: the default store, for one instance. Several
 * instances behind a load balancer each count alone: share {@link redisRateLimitStore} instead.
 */
export function memoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): RateLimitStore {
  const now = options.now ?? (() => performance.now())
  const maxClients = options.maxClients ?? 10_000
  /** Insertion order = least recently seen first. */
  const buckets = new Map<string, { tokens: number; at: number }>()

  const prune = (t: number, { burst, perSecond }: RateLimit): void => {
    for (const [client, bucket] of buckets) {
      if (bucket.tokens + ((t - bucket.at) / 1000) * perSecond >= burst) buckets.delete(client)
    }
    for (const client of buckets.keys()) {
      if (buckets.size < maxClients) break
      buckets.delete(client)
    }
  }

  return {
    take(key, limit) {
      const { burst, perSecond } = limit
      const t = now()
      let bucket = buckets.get(key)
      if (bucket === undefined) {
        if (buckets.size >= maxClients) prune(t, limit)
        bucket = { tokens: burst, at: t }
      } else {
        buckets.delete(key)
        bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * perSecond)
        bucket.at = t
      }
      buckets.set(key, bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return 0
      }
      return Math.ceil((1 - bucket.tokens) / perSecond)
    },
  }
}

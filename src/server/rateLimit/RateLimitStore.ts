/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number
  perSecond: number
}

/**
 * Where the token server counts each client's requests. `take` spends one request of `key`'s
 * bucket and answers 0 when it may go ahead, else the whole seconds to wait (the answer's
 * `Retry-After`). A store that cannot answer (Redis down) rejects: the handler then answers 503,
 * and no token is issued uncounted.
 *
 * - {@link memoryRateLimitStore}: one process (the default);
 * - {@link redisRateLimitStore}: several instances share one limit.
 */
export interface RateLimitStore {
  take(key: string, limit: RateLimit): number | Promise<number>
}

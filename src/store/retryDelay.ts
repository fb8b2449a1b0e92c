import { isSessionError } from '../errors.js'

/** How failed token fetches are retried: exponential backoff with full jitter. */
export interface RetryPolicy {
  baseDelayMs: number
  maxDelayMs: number
}

/** Defaults: 1 s, 2 s, 4 s ... capped at 30 s, each scaled by a random factor (full jitter). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000 }

/**
 * Whether trying again can help. Permanent: a token that does not fit (`TOKEN_MISMATCH`,
 * `TOKEN_INVALID`, `INVALID_ARGUMENT`, `PRIVILEGE_MISSING`) and any error marked
 * `retryable: false` (4xx other than 408 and 429).
 */
export function isRetryable(error: unknown): boolean {
  if (!isSessionError(error)) return true
  if (error.retryable === false) return false
  return !['TOKEN_MISMATCH', 'TOKEN_INVALID', 'INVALID_ARGUMENT', 'PRIVILEGE_MISSING', 'DISPOSED'].includes(
    error.code,
  )
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures (1-based), in ms: full jitter
 * (`random() * min(max, base * 2^(attempt-1))`), never less than the server's `Retry-After`.
 * With `timeLeftMs` (until the token's deadline), the cap shrinks to a quarter of it (not under
 * the base delay): attempts get denser as the deadline nears, so a token server that comes
 * back just before it is caught in time.
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number,
  timeLeftMs = Infinity,
): number {
  const cap = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, attempt - 1),
    Math.max(policy.baseDelayMs, timeLeftMs / 4),
  )
  const jittered = Math.round(cap * random())
  const retryAfterMs = isSessionError(error) ? (error.retryAfterMs ?? 0) : 0
  return Math.max(jittered, retryAfterMs)
}

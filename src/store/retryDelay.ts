import { isSessionError } from '../errors.js'
import { cappedRetryAfterMs } from './retryAfter.js'

/** How failed token fetches are retried: exponential backoff with equal jitter. */
export interface RetryPolicy {
  baseDelayMs: number
  maxDelayMs: number
}

/** Defaults: 1 s, 2 s, 4 s ... capped at 30 s, each scaled by a random factor from 0.5 to 1 (equal jitter). */
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
 * The last attempt before a token's deadline is made this long before it, whatever the backoff
 * says: time for the answer, `renewToken` and the SDK's own margin.
 */
export const LAST_CALL_MS = 10_000

/**
 * How long the store waits because the server said so (`error.retryAfterMs`), in ms: at most
 * `MAX_RETRY_AFTER_MS` (10 minutes), and with `timeLeftMs` (until the token's deadline) over
 * {@link LAST_CALL_MS}, never past the last call: a server that asks for more patience than the
 * token has left gets one request then, rather than the user losing the channel. 0 when the
 * error asks nothing (or something that is not a positive number: a custom source's `NaN`).
 */
export function honouredRetryAfterMs(error: unknown, timeLeftMs = Infinity): number {
  const asked = cappedRetryAfterMs(isSessionError(error) ? error.retryAfterMs : undefined)
  return timeLeftMs > LAST_CALL_MS ? Math.min(asked, Math.floor(timeLeftMs - LAST_CALL_MS)) : asked
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures (1-based), in ms: equal jitter
 * (between half and all of `min(max, base * 2^(attempt-1))`), never less than the server's
 * `Retry-After` as {@link honouredRetryAfterMs} honours it.
 *
 * With `timeLeftMs` (until the token's deadline): a delay that would pass the last call
 * ({@link LAST_CALL_MS} before the deadline) is cut to it, so a token server that is back by
 * then is caught in time, at the cost of one extra attempt per token, not a rate that climbs as
 * the deadline nears. Past the deadline the backoff goes on as it was.
 *
 * Why not full jitter, nor a cap that shrinks with the time left: after an outage every
 * failing client comes back at the rate of one attempt per mean delay. Full jitter's mean is
 * half the cap, equal jitter's three quarters; a shrinking cap sent clients near or past their
 * deadline every half second. `npm run bench` (Herd) measures it: 100,000 clients, the token
 * server down 5 minutes.
 */
export function retryDelayMs(
  attempt: number,
  error: unknown,
  policy: RetryPolicy,
  random: () => number,
  timeLeftMs = Infinity,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  let delay = Math.round(cap / 2 + (cap / 2) * random())
  if (timeLeftMs > LAST_CALL_MS && delay > timeLeftMs - LAST_CALL_MS) delay = Math.floor(timeLeftMs - LAST_CALL_MS)
  return Math.max(delay, honouredRetryAfterMs(error, timeLeftMs))
}

/**
 * The longest wait a token server's `Retry-After` gets, in ms: 10 minutes. A longer one (30
 * days, an HTTP date in the year 9999, a 400-digit number) is taken as this: a user out of the
 * channel would not wait longer, and no timer could hold a delay over 2^31 - 1 ms (about 24.8
 * days; Node fires such a timer after 1 ms, browsers at once). While the token is alive the
 * store also never waits past the last call before its deadline (see `retryDelayMs`).
 */
export const MAX_RETRY_AFTER_MS = 10 * 60_000

/**
 * How long a `Retry-After` header asks us to wait, in ms, as the server said it (it may be far
 * more than {@link MAX_RETRY_AFTER_MS}, even `Infinity`); `undefined` when absent or unreadable.
 *
 * The header is either delta-seconds (`Retry-After: 7`) or an HTTP date. A date is converted
 * relative to the same response's `Date` header, i.e. entirely in the server's clock, so the
 * local clock is never read (and local clock skew cannot distort the delay). Without a usable
 * `Date` header the date form is ignored. A date in the past gives 0.
 *
 * @example
 * ```ts
 * retryAfterMs('7', null)                                                            // 7000
 * retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', 'Wed, 21 Oct 2015 07:28:00 GMT')  // 30000
 * ```
 */
export function retryAfterMs(retryAfter: string | null, date: string | null): number | undefined {
  if (retryAfter === null) return undefined
  const value = retryAfter.trim()
  // RFC 9110 §10.2.3: delay-seconds = 1*DIGIT
  if (/^\d+$/.test(value)) return Number(value) * 1000
  // Date.parse is lenient ('7.5' parses as a day in 2001): an HTTP date always names its weekday.
  if (date === null || !/[a-z]/i.test(value)) return undefined
  const untilMs = Date.parse(value)
  const serverNowMs = Date.parse(date)
  if (Number.isNaN(untilMs) || Number.isNaN(serverNowMs)) return undefined
  return Math.max(0, untilMs - serverNowMs)
}

/** A `retryAfterMs` as the store honours it: at most {@link MAX_RETRY_AFTER_MS}; 0 for none, a negative or NaN. */
export function cappedRetryAfterMs(ms: number | undefined): number {
  return typeof ms === 'number' && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : 0
}

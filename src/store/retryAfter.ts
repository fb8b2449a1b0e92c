/**
 * How long a `Retry-After` header asks us to wait, in ms; `undefined` when absent or unreadable.
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

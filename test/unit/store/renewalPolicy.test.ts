import { describe, expect, it } from 'vitest'
import { DEFAULT_RENEWAL_POLICY, renewAt, renewalLeadMs } from '../../../src/store/renewalPolicy'
import fc from 'fast-check'
import { DEFAULT_RETRY_POLICY, LAST_CALL_MS, isRetryable, retryDelayMs } from '../../../src/store/retryDelay'
import { SessionError } from '../../../src/errors'
import { MAX_RETRY_AFTER_MS } from '../../../src/store/retryAfter'

const HOUR = 3_600_000
const policy = DEFAULT_RENEWAL_POLICY

describe('renewalLeadMs', () => {
  it.each([
    [HOUR, 360_000],
    [24 * HOUR, 0.02 * 24 * HOUR],
    [10 * 60_000, 360_000],
    [5 * 60_000, 180_000],
    [60_000, 36_000], // before the SDK's will-expire, 30 s ahead
    [20_000, 12_000],
  ])('lifetime %d ms -> lead %d ms', (lifetime, lead) => {
    expect(renewalLeadMs(lifetime, policy)).toBe(lead)
  })
})

describe('renewAt', () => {
  const token = { receivedAt: 0, expiresAt: HOUR }

  it('renews a renewal late: between lead + jitter and lead before the deadline', () => {
    expect(renewAt(token, 0, policy, () => 0)).toBe(HOUR - 360_000)
    expect(renewAt(token, 0, policy, () => 0.999999)).toBeCloseTo(HOUR - 360_000 - 36_000, -1)
  })

  it('spreads the first renewal over the last 80% of the usable life', () => {
    const latest = HOUR - 360_000
    expect(renewAt(token, 0, policy, () => 0, 'first')).toBe(latest)
    expect(renewAt(token, 0, policy, () => 0.5, 'first')).toBe(latest * 0.6)
    expect(renewAt(token, 0, policy, () => 0.999999, 'first')).toBeCloseTo(latest * 0.2, -2)
  })

  it('is never before now, nor sooner than the minimum interval after arrival', () => {
    expect(renewAt(token, HOUR - 1000, policy, () => 0)).toBe(HOUR - 1000)
    expect(renewAt({ receivedAt: 0, expiresAt: 20_000 }, 0, policy, () => 0.9, 'first')).toBe(10_000)
  })

  it('always leaves at least 6 minutes (a 5-minute outage and its retries) for tokens of 10 minutes and more', () => {
    for (let lifetime = 60_000; lifetime <= 24 * HOUR; lifetime += 37_000) {
      for (const r of [0, 0.3, 0.999]) {
        for (const kind of ['first', 'renewal'] as const) {
          const at = renewAt({ receivedAt: 5, expiresAt: 5 + lifetime }, 5, policy, () => r, kind)
          expect(5 + lifetime - at).toBeGreaterThanOrEqual(lifetime >= 10 * 60_000 ? 360_000 : 0.6 * lifetime)
        }
      }
    }
  })

  it("renews tokens longer than 50 s before the SDK's will-expire warning (30 s before the deadline)", () => {
    for (let lifetime = 51_000; lifetime <= 2 * HOUR; lifetime += 1_000) {
      for (const kind of ['first', 'renewal'] as const) {
        const at = renewAt({ receivedAt: 0, expiresAt: lifetime }, 0, policy, () => 0, kind)
        expect(lifetime - at).toBeGreaterThan(30_000)
      }
    }
  })
})

describe('retryDelayMs', () => {
  it('grows exponentially with equal jitter (half to all of the cap) up to the cap', () => {
    const at = (r: number) => [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, new Error('x'), DEFAULT_RETRY_POLICY, () => r))
    expect(at(0.5)).toEqual([750, 1500, 3000, 6000, 12_000, 22_500, 22_500])
    expect(at(0)).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000])
    expect(at(0.999999)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
  })

  it.each([
    // [attempt, time left, delay]: cut to the last call, 10 s before the deadline...
    [7, 20_000, 10_000],
    [7, 10_001, 1],
    [1, 10_600, 600],
    // ...unless the backoff comes first, or the last call has passed, or the deadline has:
    [7, 40_000, 22_500],
    [1, 20_000, 750],
    [7, 10_000, 22_500],
    [7, 5_000, 22_500],
    [7, -60_000, 22_500],
  ])('attempt %i with %i ms left: %i ms (one last call, not a rate that climbs near the deadline)', (attempt, left, delay) => {
    expect(retryDelayMs(attempt, new Error('x'), DEFAULT_RETRY_POLICY, () => 0.5, left)).toBe(delay)
  })

  it('puts an attempt before the last call whenever the server is back by then', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10_001, max: 3_600_000 }), fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (left, attempt, r) => {
        expect(retryDelayMs(attempt, new Error('x'), DEFAULT_RETRY_POLICY, () => r, left)).toBeLessThanOrEqual(left - LAST_CALL_MS)
      }),
    )
  })

  it('honours Retry-After', () => {
    const error = new SessionError('TOKEN_FETCH_FAILED', '503', { status: 503, retryable: true, retryAfterMs: 20_000 })
    expect(retryDelayMs(1, error, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(20_000)
  })

  it.each([
    // [Retry-After, time left, delay]: up to the last call while the token lives, then up to 10 minutes.
    [2_592_000_000, 3_600_000, MAX_RETRY_AFTER_MS],
    [2_592_000_000, 300_000, 290_000],
    [Infinity, 600_000, 590_000],
    [Infinity, -1, MAX_RETRY_AFTER_MS],
    [2_592_000_000, Infinity, MAX_RETRY_AFTER_MS],
    [20 * 60_000, 5 * 60_000, 290_000],
    [NaN, 3_600_000, 750],
    [-5_000, 3_600_000, 750],
  ])('Retry-After %d ms with %d ms left: %d ms (issue 20, item 1)', (retryAfterMs, left, delay) => {
    const error = new SessionError('TOKEN_FETCH_FAILED', '429', { status: 429, retryable: true, retryAfterMs })
    expect(retryDelayMs(1, error, DEFAULT_RETRY_POLICY, () => 0.5, left)).toBe(delay)
  })

  it('any Retry-After gives a delay a timer can hold: at most 10 minutes, and not past the last call (issue 20, item 1)', () => {
    const asked = fc.oneof(fc.double(), fc.constantFrom(Infinity, -Infinity, NaN, 2 ** 31, 1e400), fc.nat())
    const left = fc.oneof(fc.double({ min: -1e10, max: 1e10, noNaN: true }), fc.constant(Infinity))
    fc.assert(
      fc.property(asked, left, fc.integer({ min: 1, max: 30 }), (retryAfterMs, timeLeftMs, attempt) => {
        const error = new SessionError('TOKEN_FETCH_FAILED', '429', { retryable: true, retryAfterMs })
        const delay = retryDelayMs(attempt, error, DEFAULT_RETRY_POLICY, () => 0.5, timeLeftMs)
        expect(Number.isFinite(delay) && delay >= 0).toBe(true)
        expect(delay).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS)
        if (timeLeftMs > LAST_CALL_MS) expect(delay).toBeLessThanOrEqual(Math.round(timeLeftMs - LAST_CALL_MS))
      }),
    )
  })

  it.each([
    [new SessionError('TOKEN_FETCH_FAILED', '500', { status: 500, retryable: true }), true],
    [new SessionError('TOKEN_FETCH_FAILED', '429', { status: 429, retryable: true }), true],
    [new SessionError('TOKEN_FETCH_FAILED', '403', { status: 403, retryable: false }), false],
    [new SessionError('TOKEN_MISMATCH', 'other channel'), false],
    [new TypeError('fetch failed'), true],
  ])('isRetryable(%s) = %s', (error, retryable) => {
    expect(isRetryable(error)).toBe(retryable)
  })
})

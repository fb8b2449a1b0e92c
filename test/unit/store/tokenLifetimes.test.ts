import { TestScheduler } from 'rxjs/testing'
import { describe, expect, it } from 'vitest'
import { SessionError } from '../../../src/errors'
import type { IssuedToken } from '../../../src/store/IssuedToken'
import { countdown, remaining } from '../../../src/store/remaining'
import { lifetimeAt, type LineageState, type TokenLifetime } from '../../../src/store/TokenLifetime'
import { tokenLifetimes } from '../../../src/store/tokenLifetimes'

const S = 1000

/** An issued token with these local-ms times; the server clock is 5 s ahead of the local one. */
function token(fingerprint: string, o: { receivedAt: number; renewAt: number; expiresAt: number }): IssuedToken {
  const clockOffsetMs = 5 * S
  const sec = (localMs: number) => (localMs + clockOffsetMs) / 1000
  return {
    token: `007${fingerprint}`,
    fingerprint,
    claims: {
      appId: 'app',
      issuedAt: sec(o.receivedAt),
      expiresAt: sec(o.expiresAt + 60 * S),
      salt: 1,
      services: [1],
      rtc: { channel: '*', uid: '42', privileges: { joinChannel: sec(o.expiresAt), publishData: Infinity } },
    },
    clockOffsetMs,
    request: { channel: '*', uid: 42, role: 'subscriber' },
    ...o,
  }
}

const A = token('tok:a', { receivedAt: 0, renewAt: 60 * S, expiresAt: 100 * S })
const B = token('tok:b', { receivedAt: 0, renewAt: 160 * S, expiresAt: 200 * S })
const failure = new SessionError('TOKEN_FETCH_FAILED', 'token server down', { retryable: true })

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
const phase = (state: LineageState, atMs: number): TokenLifetime => lifetimeAt(state, atMs)

describe('tokenLifetimes (marbles)', () => {
  it('valid until renewAt, renewing, expiring 30 s before the deadline, expired at it; then silent', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      const states = cold<LineageState>('a', { a: { token: A } })
      // Each value takes one frame of marble time; the gaps are what is left of the phase.
      expectObservable(states.pipe(tokenLifetimes(ts))).toBe('v 59999ms r 9999ms e 29999ms x', {
        v: phase({ token: A }, 0),
        r: phase({ token: A }, 60 * S),
        e: phase({ token: A }, 70 * S),
        x: phase({ token: A }, 100 * S),
      })
      expect([phase({ token: A }, 0), phase({ token: A }, 60 * S), phase({ token: A }, 70 * S), phase({ token: A }, 100 * S)].map((l) => l.phase)).toEqual([
        'valid',
        'renewing',
        'expiring',
        'expired',
      ])
    })
  })

  it('a failed attempt shows as renewing with retry, each failure once; a new token starts at valid', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      const first = { attempt: 1, retryAt: 62 * S, error: failure }
      const second = { attempt: 2, retryAt: 66 * S, error: failure }
      const states = cold<LineageState>('a 59999ms b 1999ms c 1999ms d', {
        a: { token: A },
        b: { token: A, retry: first },
        c: { token: A, retry: second },
        d: { token: B },
      })
      // At 60 s, renewAt and the first failure coincide: one value, with retry, not two.
      expectObservable(states.pipe(tokenLifetimes(ts)), '^ 99999ms !').toBe('v 59999ms f 1999ms g 1999ms n', {
        v: phase({ token: A }, 0),
        f: phase({ token: A, retry: first }, 60 * S),
        g: phase({ token: A, retry: second }, 62 * S),
        n: phase({ token: B }, 64 * S),
      })
    })
  })

  it('a deadline under a minute after arrival: expiring 30 s before it, though renewAt comes later', () => {
    const short = token('tok:s', { receivedAt: 0, renewAt: 25 * S, expiresAt: 40 * S })
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold<LineageState>('a', { a: { token: short } }).pipe(tokenLifetimes(ts))).toBe('v 9999ms e 29999ms x', {
        v: phase({ token: short }, 0),
        e: phase({ token: short }, 10 * S),
        x: phase({ token: short }, 40 * S),
      })
    })
  })

  it('an equal state again emits nothing', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      const same = { token: A }
      expectObservable(cold<LineageState>('a 9ms b', { a: same, b: { token: A } }).pipe(tokenLifetimes(ts)), '^ 20ms !').toBe('v', {
        v: phase(same, 0),
      })
    })
  })

  it('unsubscribing cancels the pending phase timer', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable, flush }) => {
      expectObservable(cold<LineageState>('a', { a: { token: A } }).pipe(tokenLifetimes(ts)), '^ 1000ms !').toBe('v', {
        v: phase({ token: A }, 0),
      })
      flush()
      expect(ts.actions).toEqual([])
    })
  })
})

describe('lifetimeAt', () => {
  it('carries the token expiry and every granted privilege to local ms; Infinity stays; absent stays absent', () => {
    const lifetime = lifetimeAt({ token: A }, 0)
    expect(lifetime).toEqual({
      fingerprint: 'tok:a',
      role: 'subscriber',
      phase: 'valid',
      receivedAt: 0,
      renewAt: 60 * S,
      expiresAt: 100 * S,
      tokenExpiresAt: 160 * S,
      privileges: { joinChannel: 100 * S, publishData: Infinity },
    })
    expect('retry' in lifetime).toBe(false)
  })

  it('a token whose renewAt falls inside the last 30 s goes from valid straight to expiring', () => {
    const short = token('tok:s', { receivedAt: 0, renewAt: 25 * S, expiresAt: 40 * S })
    expect([0, 10 * S, 24 * S, 25 * S, 40 * S].map((at) => lifetimeAt({ token: short }, at).phase)).toEqual([
      'valid',
      'expiring',
      'expiring',
      'expiring',
      'expired',
    ])
  })
})

describe('remaining and countdown', () => {
  it('remaining: what is left, never below 0; retry only while one is planned', () => {
    const retrying = lifetimeAt({ token: A, retry: { attempt: 3, retryAt: 75 * S, error: failure } }, 70 * S)
    expect(remaining(retrying, 70 * S)).toEqual({ untilRenewMs: 0, untilExpiryMs: 30 * S, untilTokenExpiryMs: 90 * S, untilRetryMs: 5 * S })
    expect(remaining(lifetimeAt({ token: A }, 0), 200 * S)).toEqual({ untilRenewMs: 0, untilExpiryMs: 0, untilTokenExpiryMs: 0, untilRetryMs: null })
    const gaveUp = lifetimeAt({ token: A, retry: { attempt: 1, retryAt: null, error: failure } }, 61 * S)
    expect(remaining(gaveUp, 61 * S).untilRetryMs).toBeNull()
  })

  it('countdown ticks every period on the given scheduler, restarts on a new lifetime, stops on null', () => {
    const ts = scheduler()
    ts.run(({ cold, expectObservable }) => {
      const v = lifetimeAt({ token: A }, 0)
      const lifetimes = cold<TokenLifetime | null>('v 2499ms n', { v, n: null })
      const at = (ms: number) => ({ lifetime: v, remaining: remaining(v, ms), at: ms })
      expectObservable(lifetimes.pipe(countdown(1000, ts))).toBe('a 999ms b 999ms c 499ms n', {
        a: at(0),
        b: at(1000),
        c: at(2000),
        n: null,
      })
    })
  })
})

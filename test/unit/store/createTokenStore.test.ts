import { Subject, asyncScheduler, type SchedulerAction, type SchedulerLike } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenStore, type TokenStore } from '../../../src/store/createTokenStore'
import type { IssuedToken } from '../../../src/store/IssuedToken'
import type { TokenRequest } from '../../../src/store/TokenSource'
import type { StoreEvent } from '../../../src/events'
import { isSessionError } from '../../../src/errors'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

const HOUR = 3_600_000
const WILDCARD: TokenRequest = { channel: '*', uid: 42, role: 'subscriber' }

/** The store under test, disposed after each test. */
let store: TokenStore | undefined

function setup(o: { serverClockOffsetMs?: number; random?: () => number; latencyMs?: number } = {}) {
  const source = localTokenSource({
    appId: APP_ID,
    appCertificate: APP_CERTIFICATE,
    serverClockOffsetMs: o.serverClockOffsetMs ?? 0,
    latencyMs: o.latencyMs ?? 0,
  })
  const wake$ = new Subject<void>()
  const created = createTokenStore({ source, appId: APP_ID, random: o.random ?? (() => 0.5), wake$ })
  store = created
  const events: StoreEvent[] = []
  created.events$.subscribe((e) => events.push(e))
  return { source, store: created, events, wake$ }
}

const ofType = <T extends StoreEvent['type']>(events: StoreEvent[], type: T) =>
  events.filter((e): e is Extract<StoreEvent, { type: T }> => e.type === type)

describe('createTokenStore', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => {
    store?.dispose()
    store = undefined
    useRealClock()
  })

  /** Watches WILDCARD for `hours`, checking every 10 s that the current token is valid. */
  async function runDay(serverClockOffsetMs: number, hours = 24) {
    const serverStart = Date.UTC(2026, 10, 29, 8, 0, 0)
    vi.setSystemTime(serverStart - serverClockOffsetMs)
    const t = setup({ serverClockOffsetMs })
    const tokens: IssuedToken[] = []
    const sub = t.store.watch(WILDCARD).subscribe((token) => tokens.push(token))
    await flushIO()
    let gaps = 0
    for (let elapsed = 0; elapsed < hours * HOUR; elapsed += 10_000) {
      await advance(10_000, 10_000)
      const current = tokens.at(-1)
      const serverNowSec = (Date.now() + serverClockOffsetMs) / 1000
      if (current === undefined || current.claims.expiresAt <= serverNowSec || current.expiresAt <= Date.now()) gaps++
    }
    sub.unsubscribe()
    const renewals = ofType(t.events, 'token-renewed')
    return { tokens, renewals, gaps, source: t.source, events: t.events, toServer: (local: number) => local + serverClockOffsetMs }
  }

  it('renews 1-hour tokens once per lifetime, at least 60 s early, for 24 hours without a gap', async () => {
    const day = await runDay(0)
    expect(day.gaps).toBe(0)
    // Each 1-hour token serves about 54 minutes (renewed 6 minutes ahead, plus jitter).
    expect(day.renewals.length).toBeGreaterThanOrEqual(26)
    expect(day.renewals.length).toBeLessThanOrEqual(27)
    expect(day.source.requests).toHaveLength(day.renewals.length + 1)
    for (let i = 1; i < day.tokens.length; i++) {
      const previous = day.tokens[i - 1]!
      const next = day.tokens[i]!
      expect(previous.expiresAt - next.receivedAt).toBeGreaterThanOrEqual(60_000)
      // Each token is replaced once, in the last part of its life (the first one anywhere in its last 80%).
      expect(next.receivedAt - previous.receivedAt).toBeGreaterThan(i === 1 ? 0.2 * HOUR : 0.88 * HOUR)
    }
    expect(ofType(day.events, 'token-expired')).toHaveLength(0)
  }, 120_000)

  it('renews at the same server times when the local clock is 12 h ahead or behind', async () => {
    const times = async (offset: number) => {
      const day = await runDay(offset, 24)
      expect(day.gaps).toBe(0)
      return day.renewals.map((r) => r.at + offset)
    }
    const reference = await times(0)
    expect(reference.length).toBeGreaterThanOrEqual(24)
    // Local clock 12 h behind the server (server = local + 12 h) and 12 h ahead.
    expect(await times(12 * HOUR)).toEqual(reference)
    expect(await times(-12 * HOUR)).toEqual(reference)
  }, 120_000)

  it.each([60, 30, 10])('renews %i-minute tokens before the deadline when every timer fires 60 s late', async (minutes) => {
    // A background tab: Chrome runs timers at most once a minute, so each fires up to 60 s late.
    const late: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T) {
        return asyncScheduler.schedule(work, delay + 60_000, state)
      },
    }
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, expireSec: minutes * 60 })
    // random 0: no jitter, the latest renewal the policy allows.
    store = createTokenStore({ source, scheduler: late, random: () => 0, wake$: new Subject() })
    const events: StoreEvent[] = []
    store.events$.subscribe((e) => events.push(e))
    const tokens: IssuedToken[] = []
    store.watch(WILDCARD).subscribe((x) => tokens.push(x))
    await advance(4 * minutes * 60_000, 5_000)
    expect(ofType(events, 'token-expired')).toHaveLength(0)
    expect(tokens.length).toBeGreaterThanOrEqual(4)
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!.receivedAt).toBeLessThan(tokens[i - 1]!.expiresAt)
  })

  it('shares one fetch among 100 concurrent get() of one request', async () => {
    const t = setup()
    const all = Promise.all(Array.from({ length: 100 }, () => t.store.get(WILDCARD)))
    await flushIO()
    const tokens = await all
    expect(t.source.requests).toHaveLength(1)
    expect(new Set(tokens.map((x) => x.token)).size).toBe(1)
  })

  it('serves 20 channels from one cached wildcard subscriber token', async () => {
    const t = setup()
    await t.store.get(WILDCARD)
    for (let i = 0; i < 20; i++) await t.store.get({ channel: `room-${i}`, uid: 42, role: 'subscriber' })
    expect(t.source.requests).toHaveLength(1)
    expect(ofType(t.events, 'token-received').filter((e) => e.source === 'cache')).toHaveLength(20)
  })

  describe('cache rules', () => {
    it('serves subscriber use from a publisher token, not the reverse', async () => {
      const t = setup()
      await t.store.get({ channel: 'stage', uid: 7, role: 'publisher' })
      await t.store.get({ channel: 'stage', uid: 7, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(1)
      await t.store.get({ channel: 'other', uid: 7, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(2)
      await t.store.get({ channel: 'other', uid: 7, role: 'publisher' })
      expect(t.source.requests).toHaveLength(3)
    })

    it('with exactRole, does not serve a publisher token for subscriber use (least privilege)', async () => {
      const t = setup()
      await t.store.get({ channel: 'stage', uid: 7, role: 'publisher' })
      const token = await t.store.get({ channel: 'stage', uid: 7, role: 'subscriber' }, { exactRole: true })
      expect(t.source.requests).toHaveLength(2)
      expect(token.claims.rtc?.privileges.publishAudio).toBeUndefined()
    })

    it('with wildcards off, serves no wildcard-channel or pattern token', async () => {
      const t = setup()
      await t.store.get(WILDCARD)
      t.store.wildcards = false
      await t.store.get({ channel: 'room1', uid: 42, role: 'subscriber' })
      await t.store.get({ channel: 'room1', uid: 42, role: 'subscriber' })
      expect(t.source.requests.map((r) => r.channel)).toEqual(['*', 'room1'])
      t.store.wildcards = true
      await t.store.get({ channel: 'room2', uid: 42, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(2)
    })

    it('matches channel patterns: 1*a*2 serves 1abc2, not 1abc3', async () => {
      const t = setup()
      await t.store.get({ channel: '1*a*2', uid: 7, role: 'subscriber' })
      await t.store.get({ channel: '1abc2', uid: 7, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(1)
      await t.store.get({ channel: '1abc3', uid: 7, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(2)
    })

    it('does not serve a token with less than the renewal lead left', async () => {
      const t = setup()
      const first = await t.store.get({ channel: 'a', uid: 7, role: 'subscriber' })
      await advance(first.expiresAt - Date.now() - 365_000, 60_000)
      await t.store.get({ channel: 'a', uid: 7, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(1)
      await advance(10_000)
      await t.store.get({ channel: 'a', uid: 7, role: 'subscriber' })
      expect(t.source.requests).toHaveLength(2)
    })

    it('does not hand a uid-wildcard token in use in one channel to a second one', async () => {
      // The store no longer asks for a uid-0 pattern token (issue 20, item 7), but a server may
      // answer one for a channel: this source answers room1 with a room* token.
      const local = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
      const requests: TokenRequest[] = []
      const created = createTokenStore({
        source: (request, signal) => {
          requests.push(request)
          return local(request.channel === 'room1' ? { ...request, channel: 'room*' } : request, signal)
        },
        appId: APP_ID,
        random: () => 0.5,
        wake$: new Subject<void>(),
      })
      store = created
      await created.get({ channel: 'room1', uid: 0, role: 'subscriber' })
      const sub = created.watch({ channel: 'room1', uid: 0, role: 'subscriber' }).subscribe()
      await flushIO()
      await created.get({ channel: 'room1', uid: 0, role: 'subscriber' })
      expect(requests).toHaveLength(1)
      await created.get({ channel: 'room2', uid: 0, role: 'subscriber' })
      expect(requests).toHaveLength(2)
      sub.unsubscribe()
    })

    it('refuses channel * with uid 0 without asking the source', async () => {
      const t = setup()
      const error = await t.store.get({ channel: '*', uid: 0, role: 'subscriber' }).catch((e: unknown) => e)
      expect(isSessionError(error) && error.code).toBe('INVALID_ARGUMENT')
      expect((error as Error).message).toMatch(/uid 0/)
      expect(t.source.requests).toHaveLength(0)
    })

    it('refuses invalid channels and uids with INVALID_ARGUMENT', async () => {
      const t = setup()
      for (const request of [
        { channel: 'a'.repeat(65), uid: 1, role: 'subscriber' as const },
        { channel: 'bad/name', uid: 1, role: 'subscriber' as const },
        { channel: 'ok', uid: -1, role: 'subscriber' as const },
        { channel: 'ok', uid: 1, role: 'subscriber' as const, expireSec: 100_000 },
      ]) {
        const error = await t.store.get(request).catch((e: unknown) => e)
        expect(isSessionError(error) && error.code).toBe('INVALID_ARGUMENT')
      }
      expect(t.source.requests).toHaveLength(0)
    })
  })

  it('refuses a token that does not match the request with TOKEN_MISMATCH', async () => {
    store = createTokenStore({
      source: async () => mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'elsewhere', uid: 7, expireSec: 3600 }),
      wake$: new Subject(),
    })
    const error = await store.get({ channel: 'here', uid: 7, role: 'subscriber' }).catch((e: unknown) => e)
    expect(isSessionError(error) && error.code).toBe('TOKEN_MISMATCH')
    expect((error as Error).message).toMatch(/elsewhere/)
    // The store stays usable.
    await expect(store.get({ channel: 'elsewhere', uid: 7, role: 'subscriber' })).resolves.toBeDefined()
  })

  it('refuses a subscriber token answered for a publisher request with TOKEN_MISMATCH', async () => {
    store = createTokenStore({
      source: async (r) => mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: r.channel, uid: r.uid, role: 'subscriber', expireSec: 3600 }),
      wake$: new Subject(),
    })
    const error = await store.get({ channel: 'stage', uid: 7, role: 'publisher' }).catch((e: unknown) => e)
    expect(isSessionError(error) && error.code).toBe('TOKEN_MISMATCH')
    expect((error as Error).message).toMatch(/publish privileges/)
    expect(isSessionError((error as Error).cause) && ((error as Error).cause as { code: string }).code).toBe('PRIVILEGE_MISSING')
  })

  describe('renewal failures', () => {
    it('retries a 10-minute outage with growing delays, then renews before the deadline', async () => {
      const t = setup()
      const tokens: IssuedToken[] = []
      t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
      await flushIO()
      const first = tokens[0]!
      await advance(first.renewAt - Date.now() - 5_000, 60_000)
      t.source.setDown(true)
      await advance(10 * 60_000, 500)
      const failures = ofType(t.events, 'renewal-failed')
      // Equal jitter at random 0.5: three quarters of 1, 2, 4, 8, 16, 30 s.
      expect(failures.map((f) => f.retryInMs).slice(0, 7)).toEqual([750, 1500, 3000, 6000, 12_000, 22_500, 22_500])
      expect(failures.map((f) => f.attempt)).toEqual(failures.map((_, i) => i + 1))
      // Attempts at renewAt + 0, 0.75, 2.25, 5.25, 11.25, 23.25 s, then every 22.5 s until the
      // outage ends 595 s after renewAt: 6 + 25 = 31 attempts in 10 minutes, all failed.
      expect(failures).toHaveLength(31)
      expect(failures.at(-1)!.at - failures[0]!.at).toBe(585_750)
      t.source.setDown(false)
      await advance(15_000, 500)
      expect(tokens).toHaveLength(2)
      expect(tokens[1]!.receivedAt).toBeLessThan(first.expiresAt)
      expect(ofType(t.events, 'token-expired')).toHaveLength(0)
    }, 60_000)

    it('says token-expired at the deadline of an outage that outlasts it, then recovers', async () => {
      const t = setup()
      const tokens: IssuedToken[] = []
      t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
      await flushIO()
      const first = tokens[0]!
      await advance(first.renewAt - Date.now() - 5_000, 60_000)
      t.source.setDown(true)
      await advance(first.expiresAt - Date.now() + 5 * 60_000, 1_000)
      const expired = ofType(t.events, 'token-expired')
      expect(expired).toHaveLength(1)
      expect(expired[0]!.at).toBe(first.expiresAt)
      expect(expired[0]!.fingerprint).toBe(first.fingerprint)
      t.source.setDown(false)
      await advance(30_000, 1_000)
      expect(tokens).toHaveLength(2)
      expect(tokens[1]!.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000)
    }, 60_000)

    it('honours Retry-After', async () => {
      const t = setup()
      const tokens: IssuedToken[] = []
      t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
      await flushIO()
      t.source.setFault({ status: 503, retryAfterMs: 20_000 })
      await advance(tokens[0]!.renewAt - Date.now() + 1_000, 60_000)
      const [failure] = ofType(t.events, 'renewal-failed')
      expect(failure?.retryInMs).toBe(20_000)
    })

    it('stops on a permanent failure until renewNow', async () => {
      const t = setup()
      const tokens: IssuedToken[] = []
      t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
      await flushIO()
      t.source.setFault({ status: 403, message: 'user banned' })
      await advance(tokens[0]!.renewAt - Date.now() + 10 * 60_000, 60_000)
      const failures = ofType(t.events, 'renewal-failed')
      expect(failures).toHaveLength(1)
      expect(failures[0]!.retryInMs).toBeNull()
      t.source.setFault(null)
      t.store.renewNow(WILDCARD)
      await flushIO()
      expect(tokens).toHaveLength(2)
    })
  })

  it('renews overdue tokens at once on wake-up (a frozen background tab)', async () => {
    const t = setup()
    const tokens: IssuedToken[] = []
    t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
    await flushIO()
    // The tab was frozen: the clock moved on, no timer ran.
    vi.setSystemTime(tokens[0]!.expiresAt + 1_000)
    t.wake$.next()
    await flushIO()
    expect(t.source.requests).toHaveLength(2)
    expect(tokens).toHaveLength(2)
    expect(ofType(t.events, 'token-expired')).toHaveLength(1)
  })

  it.each([
    ['the tab becomes visible', () => document.dispatchEvent(new Event('visibilitychange'))],
    ['the network comes back', () => window.dispatchEvent(new Event('online'))],
    ['the window gets focus', () => window.dispatchEvent(new Event('focus'))],
  ])('by default wakes up when %s', async (_what, wake) => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    store = createTokenStore({ source, random: () => 0.5 })
    const tokens: IssuedToken[] = []
    store.watch(WILDCARD).subscribe((x) => tokens.push(x))
    await flushIO()
    vi.setSystemTime(tokens[0]!.renewAt + 1_000)
    await flushIO()
    expect(source.requests).toHaveLength(1)
    wake()
    await flushIO()
    expect(source.requests).toHaveLength(2)
  })

  it('a wake-up cuts a backoff short (the network is back), but not a Retry-After', async () => {
    const t = setup()
    const tokens: IssuedToken[] = []
    t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
    await flushIO()
    t.source.setDown(true)
    await advance(tokens[0]!.renewAt - Date.now() + 60_000, 1_000)
    const failed = t.source.requests.length
    t.source.setDown(false)
    t.wake$.next()
    await flushIO()
    expect(t.source.requests).toHaveLength(failed + 1)
    expect(tokens).toHaveLength(2)

    t.source.setFault({ status: 503, retryAfterMs: 60_000 })
    await advance(tokens[1]!.renewAt - Date.now() + 1_000, 60_000)
    const refused = t.source.requests.length
    t.source.setFault(null)
    t.wake$.next()
    await flushIO()
    expect(t.source.requests).toHaveLength(refused)
  })

  it('keeps one timer per watched token', async () => {
    const t = setup()
    t.store.watch(WILDCARD).subscribe()
    t.store.watch({ ...WILDCARD }).subscribe()
    await flushIO()
    expect(vi.getTimerCount()).toBe(1)
    t.store.watch({ channel: 'other', uid: 42, role: 'publisher' }).subscribe()
    await flushIO()
    expect(vi.getTimerCount()).toBe(2)
  })

  it('renewNow renews at once, deduped with a renewal in flight, rate-limited for young tokens', async () => {
    const t = setup({ latencyMs: 1_000 })
    const tokens: IssuedToken[] = []
    t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
    await advance(1_000)
    t.store.renewNow(WILDCARD)
    await advance(1_000)
    expect(t.source.requests).toHaveLength(1) // the token was brand new
    await advance(20 * 60_000, 60_000)
    t.store.renewNow(WILDCARD)
    t.store.renewNow(WILDCARD)
    await advance(1_000)
    t.store.renewNow(WILDCARD)
    await advance(1_000)
    expect(t.source.requests).toHaveLength(2)
    expect(tokens).toHaveLength(2)
  })

  it('renewNow with force renews even a brand-new token', async () => {
    const t = setup()
    const tokens: IssuedToken[] = []
    t.store.watch(WILDCARD).subscribe((x) => tokens.push(x))
    await flushIO()
    t.store.renewNow(WILDCARD)
    await flushIO()
    expect(tokens).toHaveLength(1)
    t.store.renewNow(WILDCARD, { force: true })
    await flushIO()
    expect(tokens).toHaveLength(2)
  })

  it('shares one lineage among watchers and stops renewing when the last one leaves', async () => {
    const t = setup()
    const a = t.store.watch(WILDCARD).subscribe()
    const b = t.store.watch({ ...WILDCARD }).subscribe()
    await flushIO()
    a.unsubscribe()
    await advance(2 * HOUR, 60_000)
    expect(ofType(t.events, 'token-renewed').length).toBeGreaterThanOrEqual(1)
    b.unsubscribe()
    const before = t.source.requests.length
    expect(vi.getTimerCount()).toBe(0)
    await advance(3 * HOUR, 60_000)
    expect(t.source.requests).toHaveLength(before)
  })

  it('lets the next watch try again after the first token failed', async () => {
    const t = setup()
    t.source.setDown(true)
    const error = await new Promise((resolve) => t.store.watch(WILDCARD).subscribe({ error: resolve }))
    expect(isSessionError(error) && error.code).toBe('TOKEN_FETCH_FAILED')
    t.source.setDown(false)
    const token = await new Promise<IssuedToken>((resolve) => t.store.watch(WILDCARD).subscribe(resolve))
    expect(token.claims.rtc?.channel).toBe('*')
  })

  it('times out a source that never answers', async () => {
    store = createTokenStore({ source: () => new Promise(() => {}), fetchTimeoutMs: 5_000, wake$: new Subject() })
    const result = store.get(WILDCARD).catch((e: unknown) => e)
    await advance(5_000)
    const error = await result
    expect(isSessionError(error) && error.code).toBe('TOKEN_FETCH_FAILED')
    expect(vi.getTimerCount()).toBe(0)
  })

  it('emits events with fingerprints only, never a whole token', async () => {
    const t = setup()
    const token = await t.store.get(WILDCARD)
    await t.store.get(WILDCARD)
    expect(t.events.map((e) => e.type)).toEqual(['token-requested', 'token-received', 'token-received'])
    expect(JSON.stringify(t.events)).not.toContain(token.token.slice(3, 40))
    expect(ofType(t.events, 'token-received')[0]!.fingerprint).toBe(token.fingerprint)
  })

  it('dispose() aborts fetches, clears timers, completes streams; later calls reject DISPOSED', async () => {
    const t = setup({ latencyMs: 5_000 })
    let completed = false
    t.store.events$.subscribe({ complete: () => (completed = true) })
    const pending = t.store.get({ channel: 'x', uid: 1, role: 'subscriber' }).catch((e: unknown) => e)
    const watched = new Promise((resolve) => t.store.watch(WILDCARD).subscribe({ error: resolve, complete: () => resolve('complete') }))
    await advance(1_000)
    t.store.dispose()
    const error = await pending
    expect(isSessionError(error) && error.code).toBe('DISPOSED')
    const watchEnd = await watched
    expect(watchEnd === 'complete' || (isSessionError(watchEnd) && watchEnd.code === 'DISPOSED')).toBe(true)
    expect(completed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    const later = await t.store.get(WILDCARD).catch((e: unknown) => e)
    expect(isSessionError(later) && later.code).toBe('DISPOSED')
    const laterWatch = await new Promise((resolve) => t.store.watch(WILDCARD).subscribe({ error: resolve }))
    expect(isSessionError(laterWatch) && laterWatch.code).toBe('DISPOSED')
  })
})

// @vitest-environment node
// A token server that asks for a Retry-After no timer can hold (issue 20, item 1): the store on a
// real local server, its timers on a virtual clock that records every delay it is handed. A
// delay over 2^31 - 1 ms is one a real timer cannot hold: Node fires it after 1 ms (with a
// TimeoutOverflowWarning), browsers at once, and the store's re-check would set it again.
import { NEVER, VirtualTimeScheduler, filter, firstValueFrom, type SchedulerAction, type Subscription } from 'rxjs'
import { describe, expect, it } from 'vitest'
import type { StoreEvent } from '../../../src/events'
import { createTokenStore, type TokenStore } from '../../../src/store/createTokenStore'
import { httpTokenSource } from '../../../src/store/httpTokenSource'
import { LAST_CALL_MS } from '../../../src/store/retryDelay'
import { MAX_RETRY_AFTER_MS } from '../../../src/store/retryAfter'
import type { TokenLifetime } from '../../../src/store/TokenLifetime'
import type { TokenRequest } from '../../../src/store/TokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { sessionFailure } from '../../support/sessionFailure'
import { hostForTests, json } from './localHost'

const MAX_TIMER_MS = 2 ** 31 - 1
const request: TokenRequest = { channel: 'lobby', uid: 42, role: 'subscriber' }

/** A virtual clock that records the delay of every timer set on it. */
class RecordingClock extends VirtualTimeScheduler {
  readonly delays: number[] = []

  override schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    this.delays.push(delay)
    return super.schedule(work, delay, state)
  }

  /** Runs every timer due up to `untilMs`, one due time at a time. */
  advanceTo(untilMs: number): void {
    for (let next = this.actions[0]; next !== undefined && next.delay <= untilMs; next = this.actions[0]) {
      this.maxFrames = next.delay
      this.flush()
    }
    this.frame = Math.max(this.frame, untilMs)
  }
}

const main = hostForTests()

/** A store on `clock` whose token server answers a 10-minute token, then `refusal` to every later request. */
function setUp(clock: RecordingClock, token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: '', uid: 42, role: 'subscriber', expireSec: 600 })) {
  let first = true
  let refusal: Record<string, string> | null = null
  main.handler = (_q, _b, res) => {
    if (first || refusal === null) {
      first = false
      return json(res, 200, { code: 0, data: { token } })
    }
    json(res, 429, { message: 'slow down' }, refusal)
  }
  const store = createTokenStore({ source: httpTokenSource({ url: `${main.origin}/token/generate` }), scheduler: clock, wake$: NEVER, random: () => 0.5 })
  const lifetimes: TokenLifetime[] = []
  const events: StoreEvent[] = []
  store.events$.subscribe((event) => events.push(event))
  return { store, lifetimes, events, refuseWith: (headers: Record<string, string>) => void (refusal = headers) }
}

/** The next event of `type` (the real server answers on the real event loop). */
const next = (store: TokenStore, type: StoreEvent['type']) => firstValueFrom(store.events$.pipe(filter((event) => event.type === type)))

describe('a Retry-After no timer can hold (issue 20, item 1)', () => {
  it.each(['2592000', '9'.repeat(400), '2147484'])('httpTokenSource: Retry-After %s gives retryAfterMs 10 minutes, and the message says the server asked for more', async (header) => {
    main.handler = (_q, _b, res) => json(res, 429, { message: 'slow down' }, { 'retry-after': header })

    const error = await sessionFailure(httpTokenSource({ url: `${main.origin}/token/generate` })(request, new AbortController().signal))

    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: MAX_RETRY_AFTER_MS })
    expect(error.message).toContain('it asked to retry after more than 10 minutes, the longest the token store waits')
  })

  const farDate = (date: Date): string => new Date(date.getTime() + 30 * 86_400_000).toUTCString()

  it.each<[string, (now: Date) => Record<string, string>]>([
    ['2592000 s (30 days)', () => ({ 'retry-after': '2592000' })],
    ['a number of 400 digits', () => ({ 'retry-after': '9'.repeat(400) })],
    ['an HTTP date 30 days ahead', (now) => ({ 'retry-after': farDate(now), date: now.toUTCString() })],
    ['an HTTP date in the year 9999', (now) => ({ 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT', date: now.toUTCString() })],
  ])('%s: the retry comes by the last call before the deadline, then at most MAX_RETRY_AFTER_MS apart, and no timer is set beyond what it can hold', async (_name, headers) => {
    const clock = new RecordingClock()
    const t = setUp(clock)
    t.store.lifetime$(request).subscribe((lifetime) => t.lifetimes.push(lifetime))
    await firstValueFrom(t.store.lifetime$(request))
    const token = t.lifetimes[0]!
    t.refuseWith(headers(new Date()))

    // The renewal is refused with the huge Retry-After...
    let failed = next(t.store, 'renewal-failed')
    clock.advanceTo(token.renewAt)
    const refused = await failed
    expect(refused.type === 'renewal-failed' && refused.retryInMs).toBeLessThanOrEqual(token.expiresAt - clock.now() - LAST_CALL_MS)
    expect(t.lifetimes.at(-1)?.retry?.retryAt).toBeLessThanOrEqual(token.expiresAt - LAST_CALL_MS)
    expect(t.lifetimes.at(-1)?.retry?.error.retryAfterMs).toBe(MAX_RETRY_AFTER_MS)

    // ...and tried again by the last call, and past the deadline at most MAX_RETRY_AFTER_MS apart.
    for (let attempt = 2; attempt <= 4; attempt++) {
      const due = t.lifetimes.at(-1)?.retry?.retryAt
      expect(due).toBeTypeOf('number')
      failed = next(t.store, 'renewal-failed')
      clock.advanceTo(due!)
      const again = await failed
      expect(again).toMatchObject({ attempt })
      if (again.type === 'renewal-failed') expect(again.retryInMs).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS)
    }
    expect(main.received).toHaveLength(5)
    expect(clock.delays.filter((delay) => !(delay >= 0 && delay <= MAX_TIMER_MS))).toEqual([])
    t.store.dispose()
  })

  it('a token that lives 60 days (no Agora token does, a hostile server may answer one): no timer beyond what it can hold', async () => {
    const clock = new RecordingClock()
    const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: '', uid: 42, role: 'subscriber', expireSec: 60 * 86_400 })
    const t = setUp(clock, token)
    t.store.lifetime$(request).subscribe((lifetime) => t.lifetimes.push(lifetime))
    await firstValueFrom(t.store.lifetime$(request))
    const { renewAt } = t.lifetimes[0]!
    expect(renewAt).toBeGreaterThan(MAX_TIMER_MS)

    const renewed = next(t.store, 'token-requested')
    clock.advanceTo(renewAt)
    await renewed
    expect(clock.delays.filter((delay) => !(delay >= 0 && delay <= MAX_TIMER_MS))).toEqual([])
    expect(t.lifetimes.map((lifetime) => lifetime.phase)).toEqual(['valid', 'renewing'])
    t.store.dispose()
  })
})

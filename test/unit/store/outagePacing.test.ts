import { Subject } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTokenStore, type TokenStore } from '../../../src/store/createTokenStore'
import type { IssuedToken } from '../../../src/store/IssuedToken'
import type { TokenRequest } from '../../../src/store/TokenSource'
import type { StoreEvent } from '../../../src/events'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

// How a failing renewal is paced near and past its deadline: the rules that keep a crowd of
// clients from flooding a token server that comes back after an outage (issue 12, Herd).

const WILDCARD: TokenRequest = { channel: '*', uid: 42, role: 'subscriber' }

let store: TokenStore | undefined

function setup() {
  const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
  const wake$ = new Subject<void>()
  store = createTokenStore({ source, appId: APP_ID, random: () => 0.5, wake$ })
  const events: StoreEvent[] = []
  store.events$.subscribe((e) => events.push(e))
  const tokens: IssuedToken[] = []
  store.watch(WILDCARD).subscribe((t) => tokens.push(t))
  return { source, store, events, tokens, wake$ }
}

const failedAt = (events: StoreEvent[]): number[] => events.filter((e) => e.type === 'renewal-failed').map((e) => e.at)

describe('a renewal failing through an outage', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => {
    store?.dispose()
    store = undefined
    useRealClock()
  })

  it('makes its last attempt before the deadline 10 s before it, whatever the backoff', async () => {
    const t = setup()
    await flushIO()
    const first = t.tokens[0]!
    t.source.setDown(true)
    await advance(first.expiresAt - Date.now() - 1_000, 500)

    const attempts = failedAt(t.events)
    expect(attempts.at(-1)).toBe(first.expiresAt - 10_000)
    // Before it, the backoff had grown to its cap: no attempt closer than 15 s to another.
    const gaps = attempts.slice(6, -1).map((at, i) => at - (attempts[5 + i] ?? 0))
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(15_000)
  })

  it('keeps its backoff when nudged past the deadline (a reconnect loop), and still renews at once on a wake-up', async () => {
    const t = setup()
    await flushIO()
    const first = t.tokens[0]!
    t.source.setDown(true)
    await advance(first.expiresAt - Date.now() + 60_000, 1_000)
    const before = t.source.requests.length

    // What each pass of the session's reconnect loop does: ask for a renewal now.
    for (let i = 0; i < 5; i++) {
      t.store.renewNow(WILDCARD)
      await advance(100, 100)
    }
    expect(t.source.requests.length).toBe(before)

    // Back online: a wake-up cuts the backoff short.
    t.source.setDown(false)
    t.wake$.next()
    await flushIO()
    expect(t.source.requests.length).toBe(before + 1)
    expect(t.tokens).toHaveLength(2)
  })

  it('still renews at once on a nudge before the deadline (the SDK said it will expire)', async () => {
    const t = setup()
    await flushIO()
    const first = t.tokens[0]!
    t.source.setDown(true)
    await advance(first.expiresAt - Date.now() - 30_000, 1_000)
    const before = t.source.requests.length

    t.store.renewNow(WILDCARD)
    await flushIO()

    expect(t.source.requests.length).toBe(before + 1)
  })
})

import { Subject } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTokenStore, type TokenStore } from '../../../src/store/createTokenStore'
import type { TokenLifetime } from '../../../src/store/TokenLifetime'
import type { TokenRequest } from '../../../src/store/TokenSource'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

const HOUR = 3_600_000
const WILDCARD: TokenRequest = { channel: '*', uid: 42, role: 'subscriber' }

let store: TokenStore | undefined

function setup() {
  const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, latencyMs: 50 })
  store = createTokenStore({ source, appId: APP_ID, random: () => 0.5, wake$: new Subject() })
  const seen: { at: number; lifetime: TokenLifetime }[] = []
  return { source, store, seen, record: (lifetime: TokenLifetime) => seen.push({ at: Date.now(), lifetime }) }
}

describe('store.lifetime$', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => {
    store?.dispose()
    store = undefined
    useRealClock()
  })

  it('follows a token through an outage: quiet until renewAt, renewing with rising attempts, expiring 30 s before the deadline, expired, then valid on a new token', async () => {
    const t = setup()
    const start = Date.now()
    const subscription = t.store.lifetime$(WILDCARD).subscribe(t.record)
    await advance(100, 50)
    expect(t.seen.map((s) => s.lifetime.phase)).toEqual(['valid'])
    const first = t.seen[0]!.lifetime
    expect(first.receivedAt).toBe(start + 50)
    expect(first.expiresAt).toBe(start + HOUR)
    expect(first.tokenExpiresAt).toBe(start + HOUR)
    expect(first.privileges).toEqual({ joinChannel: start + HOUR })

    // Nothing at all until renewAt.
    t.source.setDown(true)
    await advance(first.renewAt - 1 - Date.now(), 60_000)
    expect(t.seen).toHaveLength(1)

    await advance(first.expiresAt + 5_000 - Date.now(), 1_000)
    const phases = t.seen.map((s) => s.lifetime.phase)
    expect(phases.slice(0, 2)).toEqual(['valid', 'renewing'])
    expect(t.seen[1]!.at).toBe(first.renewAt)
    const retries = t.seen.filter((s) => s.lifetime.retry !== undefined)
    expect(new Set(retries.map((s) => s.lifetime.retry)).size).toBeGreaterThan(3)
    // Each failure once, in order (a phase change in between repeats the current retry).
    const attempts = [...new Set(retries.map((s) => s.lifetime.retry!.attempt))]
    expect(attempts).toEqual(attempts.map((_, i) => i + 1))
    expect(retries[0]!.lifetime.retry!.error.code).toBe('TOKEN_FETCH_FAILED')
    // When a failure is reported, the next attempt is planned after it.
    const reported = retries.filter((s, i) => retries.findIndex((r) => r.lifetime.retry === s.lifetime.retry) === i)
    expect(reported.every((s) => s.lifetime.retry!.retryAt! > s.at)).toBe(true)
    // Expiring exactly 30 s before the deadline, expired exactly at it, each once.
    expect(t.seen.filter((s) => s.lifetime.phase === 'expiring')[0]!.at).toBe(first.expiresAt - 30_000)
    expect(t.seen.filter((s) => s.lifetime.phase === 'expired')[0]!.at).toBe(first.expiresAt)
    expect(phases.indexOf('expiring')).toBeLessThan(phases.indexOf('expired'))
    expect(new Set(t.seen.map((s) => s.lifetime.fingerprint))).toEqual(new Set([first.fingerprint]))

    // Back up: the next retry (at most the 30 s backoff away) gets a new token.
    t.source.setDown(false)
    await advance(30_000)
    const last = t.seen.at(-1)!.lifetime
    expect(last.phase).toBe('valid')
    expect(last.fingerprint).not.toBe(first.fingerprint)
    expect(last.retry).toBeUndefined()
    subscription.unsubscribe()
  })

  it('never emits two equal values in a row', async () => {
    const t = setup()
    t.store.lifetime$(WILDCARD).subscribe(t.record)
    await advance(30 * HOUR, 60_000)
    for (let i = 1; i < t.seen.length; i++) {
      const [a, b] = [t.seen[i - 1]!.lifetime, t.seen[i]!.lifetime]
      expect(a.fingerprint === b.fingerprint && a.phase === b.phase && a.retry === b.retry, `at ${i}`).toBe(false)
    }
    // A day and more of renewals: valid, renewing, valid again for each token.
    expect(t.seen.filter((s) => s.lifetime.phase === 'expired')).toEqual([])
    expect(t.seen.length).toBeGreaterThan(50)
  })

  it('shares the lineage with watch(): one fetch, the same token', async () => {
    const t = setup()
    const tokens: string[] = []
    t.store.watch(WILDCARD).subscribe((token) => tokens.push(token.fingerprint))
    t.store.lifetime$(WILDCARD).subscribe(t.record)
    await advance(100, 50)
    expect(t.source.requests).toHaveLength(1)
    expect(t.seen.map((s) => s.lifetime.fingerprint)).toEqual(tokens)
  })

  it('unsubscribing leaves no timer behind', async () => {
    const t = setup()
    const subscription = t.store.lifetime$(WILDCARD).subscribe(t.record)
    await advance(100, 50)
    expect(vi.getTimerCount()).toBeGreaterThan(0)
    subscription.unsubscribe()
    await flushIO()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('completes with the store: dispose() ends it, with no timer left and no phase after', async () => {
    const t = setup()
    let completed = false
    t.store.lifetime$(WILDCARD).subscribe({ next: t.record, complete: () => (completed = true) })
    await advance(100, 50)
    t.store.dispose()
    expect(completed).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    await advance(2 * HOUR, 60_000)
    expect(t.seen.map((s) => s.lifetime.phase)).toEqual(['valid'])
  })

  it('errors like watch() when the first token cannot be had', async () => {
    const t = setup()
    t.source.setFault({ status: 403, message: 'nope' })
    let error: unknown
    t.store.lifetime$(WILDCARD).subscribe({ error: (e: unknown) => (error = e) })
    await advance(100, 50)
    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 403 })
  })
})

import { createTokenStore } from 'agora-rtc-session'
import { instrumentTokenStore } from 'agora-rtc-session/otel'
import { localTokenSource } from 'agora-rtc-session/testing'
import { NEVER } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tracing } from './tracing'

const appId = 'otel-test-app'
const appCertificate = 'otel-test-certificate'
const START = Date.UTC(2026, 0, 5, 9, 0, 0)
const request = { channel: 'room-1', uid: 7, role: 'publisher' } as const

beforeEach(() => vi.useFakeTimers({ now: START }))
afterEach(() => vi.useRealTimers())

function setUp() {
  const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80, expireSec: 600 })
  const store = createTokenStore({ source: tokens, appId, wake$: NEVER, random: () => 0.5 })
  return { tokens, store }
}

/** [name, start ms, duration ms, attributes, status] of each span, in the order they ended. */
const rows = (t: ReturnType<typeof tracing>) =>
  t.spans().map((s) => [
    s.name,
    s.startTime[0] * 1000 + s.startTime[1] / 1e6 - START,
    s.duration[0] * 1000 + s.duration[1] / 1e6,
    { ...s.attributes },
    s.status.message,
  ])

describe('instrumentTokenStore', () => {
  it('a fetch, a cache hit, a renewal refused with Retry-After, then renewed: one span each, in fake time', async () => {
    const t = tracing()
    const { tokens, store } = setUp()
    instrumentTokenStore(store, { tracer: t.tracer })
    const got = store.get(request)
    await vi.advanceTimersByTimeAsync(100)
    await got
    await store.get(request)
    await vi.advanceTimersByTimeAsync(0)

    const renewals: number[] = []
    const watching = store.watch(request).subscribe((token) => renewals.push(token.receivedAt - START))
    // The first renewal fails with 503 and Retry-After 40 s; the next attempt, 40 s later, works.
    tokens.setFault({ status: 503, retryAfterMs: 40_000 })
    store.events$.subscribe((e) => {
      if (e.type === 'token-requested') renewals.push(-(e.at - START))
      if (e.type === 'renewal-failed') tokens.setFault(null)
    })
    await vi.advanceTimersByTimeAsync(360_000)
    watching.unsubscribe()
    const [renewAt, retryAt] = renewals.filter((n) => n < 0).map((n) => -n)
    expect(retryAt).toBe((renewAt ?? 0) + 80 + 40_000)

    const kind = { 'agora.token.role': 'publisher', 'agora.token.wildcard': false }
    expect(rows(t)).toEqual([
      ['agora.token.fetch', 0, 80, { ...kind, 'agora.token.source': 'network', 'agora.token.attempt': 1, 'agora.outcome': 'ok' }, undefined],
      ['agora.token.fetch', 100, 0, { ...kind, 'agora.token.source': 'cache', 'agora.outcome': 'ok' }, undefined],
      // watch() starts from the cached token too.
      ['agora.token.fetch', 100, 0, { ...kind, 'agora.token.source': 'cache', 'agora.outcome': 'ok' }, undefined],
      [
        'agora.token.fetch',
        renewAt,
        80,
        {
          ...kind,
          'agora.token.source': 'network',
          'agora.token.attempt': 1,
          'agora.token.will_retry': true,
          'agora.token.retry_in_ms': 40_000,
          'http.response.status_code': 503,
          'agora.token.retry_after_ms': 40_000,
          'agora.outcome': 'failed',
          'error.type': 'TOKEN_FETCH_FAILED',
        },
        'TOKEN_FETCH_FAILED',
      ],
      ['agora.token.fetch', retryAt, 80, { ...kind, 'agora.token.source': 'network', 'agora.token.attempt': 2, 'agora.outcome': 'ok' }, undefined],
    ])
    // Roots: no session here, and no context made active by the app.
    expect(t.spans().every((s) => s.parentSpanContext === undefined)).toBe(true)
    store.dispose()
  })

  it('a first fetch that fails ends at its failure (token-request-failed) with its code; the next one is attempt 2', async () => {
    const t = tracing()
    const { tokens, store } = setUp()
    instrumentTokenStore(store, { tracer: t.tracer })
    tokens.setDown(true)
    const failed = store.get(request).catch((e: { code: string }) => e.code)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await failed).toBe('TOKEN_FETCH_FAILED')
    expect(t.spans()).toHaveLength(1)
    tokens.setDown(false)
    const got = store.get(request)
    await vi.advanceTimersByTimeAsync(1_000)
    await got
    expect(rows(t).map(([, start, duration, attributes, status]) => [start, duration, (attributes as Record<string, unknown>)['agora.token.attempt'], status])).toEqual([
      [0, 80, 1, 'TOKEN_FETCH_FAILED'],
      [1_000, 80, 2, undefined],
    ])
    store.dispose()
  })

  it('with includeIdentifiers, the channel and the uid; stopping ends the open fetch and records nothing more', async () => {
    const t = tracing()
    const { store } = setUp()
    const stop = instrumentTokenStore(store, { tracer: t.tracer, includeIdentifiers: true })
    const got = store.get(request)
    await vi.advanceTimersByTimeAsync(50)
    stop()
    await vi.advanceTimersByTimeAsync(0)
    expect(rows(t)).toEqual([
      [
        'agora.token.fetch',
        0,
        50,
        {
          'agora.token.role': 'publisher',
          'agora.token.wildcard': false,
          'agora.token.source': 'network',
          'agora.token.attempt': 1,
          'agora.channel': 'room-1',
          'agora.uid': '7',
          'agora.outcome': 'unfinished',
        },
        undefined,
      ],
    ])
    await vi.advanceTimersByTimeAsync(100)
    await got
    const other = store.get({ ...request, channel: 'room-2' })
    await vi.advanceTimersByTimeAsync(100)
    await other
    expect(t.spans()).toHaveLength(1)
    store.dispose()
  })
})

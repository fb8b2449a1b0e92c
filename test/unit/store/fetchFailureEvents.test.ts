import { NEVER } from 'rxjs'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import type { StoreEvent } from '../../../src/events'
import { createTokenStore } from '../../../src/store/createTokenStore'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

// Every token-requested ends in token-received (network), renewal-failed, or, for a first
// request, token-request-failed; failures carry the HTTP status and the server's Retry-After.

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('a first request that fails says so, with the status and Retry-After; a renewal that fails says renewal-failed, with them too', async () => {
  const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, expireSec: 600 })
  const store = createTokenStore({ source, appId: APP_ID, wake$: NEVER, random: () => 0.5 })
  const events: StoreEvent[] = []
  store.events$.subscribe((e) => events.push(e))
  const request = { channel: 'lobby', uid: 42, role: 'subscriber' } as const

  source.setFault({ status: 503, retryAfterMs: 7_000, message: 'busy' })
  await expect(store.get(request)).rejects.toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 503 })
  expect(events.map((e) => e.type)).toEqual(['token-requested', 'token-request-failed'])
  expect(events[1]).toMatchObject({ channel: 'lobby', uid: '42', role: 'subscriber', code: 'TOKEN_FETCH_FAILED', status: 503, retryAfterMs: 7_000 })

  source.setFault(null)
  events.length = 0
  const watching = store.watch(request).subscribe()
  await vi.advanceTimersByTimeAsync(0)
  source.setFault({ status: 429, retryAfterMs: 20_000 })
  await vi.advanceTimersByTimeAsync(600_000 - 360_000)
  expect(events.slice(0, 4).map((e) => e.type)).toEqual(['token-requested', 'token-received', 'token-requested', 'renewal-failed'])
  expect(events[3]).toMatchObject({ type: 'renewal-failed', attempt: 1, status: 429, retryAfterMs: 20_000, retryInMs: 20_000 })
  watching.unsubscribe()
  store.dispose()
})

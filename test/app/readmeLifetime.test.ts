/**
 * The README's lifetime snippet (showTokenState.ts, the whole file as printed), run as an app
 * would: a banner that says how the token stands, through an outage across the deadline.
 */
import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { showTokenState } from './showTokenState'

const appId = 'test-app-id'
const appCertificate = 'test-app-certificate'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('a banner driven by session.lifetime$ and countdown()', async () => {
  const edge = createLocalEdge({ appId, appCertificate })
  const tokens = localTokenSource({ appId, appCertificate })
  const session = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens })
  const banner = document.createElement('p')
  const shown = showTokenState(session, banner)

  expect(banner.textContent).toBe('not in a channel')
  await session.join('lobby')
  expect(banner.textContent).toBe('token good for 3600 s')
  await vi.advanceTimersByTimeAsync(10_000)
  expect(banner.textContent).toBe('token good for 3590 s')

  tokens.setDown(true)
  await vi.advanceTimersByTimeAsync(3_580_000)
  // Each failed retry restarts the countdown's tick (retries are jittered): 10 or 11 s shown.
  expect(banner.textContent).toMatch(/^token server unreachable \(TOKEN_FETCH_FAILED\); 1[01] s left$/)
  await vi.advanceTimersByTimeAsync(15_000)
  expect(banner.textContent).toBe('reconnecting…')

  tokens.setDown(false)
  await vi.advanceTimersByTimeAsync(30_000)
  expect(session.state.status).toBe('joined')
  expect(banner.textContent).toMatch(/^token good for 3\d{3} s$/)
  await session.leave()
  expect(banner.textContent).toBe('not in a channel')
  shown.unsubscribe()
  await session.dispose()
})

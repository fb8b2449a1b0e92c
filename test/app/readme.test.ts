import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'

const appId = 'test-app-id'
const appCertificate = 'test-app-certificate' // any string: never your real one

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('renews 1-hour tokens for a day, and rejoins by itself after the token server was down', async () => {
  const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true, joinLatencyMs: 300 })
  const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80 })
  const client = createFakeClient(edge)
  const session = createSession({ appId, uid: 42, client, tokens })

  const joined = session.join('lobby') // commands wait on the clock: move it, then await
  await vi.advanceTimersByTimeAsync(1_000)
  await joined

  await vi.advanceTimersByTimeAsync(24 * 3_600_000) // a day: every token renewed in time
  expect(edge.log.filter((record) => record.type === 'did-expire')).toEqual([])

  tokens.setDown(true) // the token server is unreachable...
  await vi.advanceTimersByTimeAsync(2 * 3_600_000) // ...past the token's deadline: Agora drops the client
  expect(session.state.status).toBe('reconnecting')

  tokens.setDown(false) // back: the session rejoins on its own
  await vi.advanceTimersByTimeAsync(60_000)
  expect(session.state).toMatchObject({ status: 'joined', channel: 'lobby', role: 'audience' })
  expect(edge.clientsIn('lobby')).toEqual([client.id])
  await session.dispose()
})

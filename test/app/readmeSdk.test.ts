import { createSession } from 'agora-rtc-session'
import { createFakeLocalTrack, createFakeSdk, createLocalEdge, localTokenSource, mintToken } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'

const appId = 'test-app-id'
const appCertificate = 'test-app-certificate' // any string: never your real one

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

it('rides out a network blip, and fails clearly when the same uid joins on another device', async () => {
  const edge = createLocalEdge({ appId, appCertificate })
  const tokens = localTokenSource({ appId, appCertificate })
  const sdk = createFakeSdk(edge) // one page: what AgoraRTC is to an app
  const client = sdk.createClient({ mode: 'live', codec: 'vp8' })
  const session = createSession({ appId, uid: 42, client, sdk, tokens })
  const joined = session.join('lobby')
  await vi.advanceTimersByTimeAsync(1_000)
  await joined

  edge.cutNetwork(client.id, 90_000) // RECONNECTING for 90 s, then CONNECTED again
  await vi.advanceTimersByTimeAsync(60_000)
  expect(client.connectionState).toBe('RECONNECTING')
  await vi.advanceTimersByTimeAsync(60_000)
  expect(session.state).toMatchObject({ status: 'joined', channel: 'lobby' })

  const phone = createFakeSdk(edge).createClient({ mode: 'live', codec: 'vp8' }) // another device
  await phone.join(appId, 'lobby', mintToken({ appId, appCertificate, channel: 'lobby', uid: 42, expireSec: 3600 }), 42)
  await vi.advanceTimersByTimeAsync(1_000)
  // Agora dropped this client with UID_BANNED: no rejoin, and a message that says why.
  expect(session.state).toMatchObject({ status: 'failed', error: { sdkCode: 'UID_BANNED', message: expect.stringMatching(/same uid/) } })
  await session.dispose()
})

it('goes on stage and publishes, with stand-in tracks (no media: publish bookkeeping only)', async () => {
  const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true }) // publishing needs a publisher token
  const sdk = createFakeSdk(edge)
  const client = sdk.createClient({ mode: 'live', codec: 'vp8' })
  const session = createSession({ appId, uid: 42, client, sdk, tokens: localTokenSource({ appId, appCertificate }) })
  const joined = session.join('stage')
  await vi.advanceTimersByTimeAsync(1_000)
  await joined

  const upgraded = session.upgradeToHost()
  await vi.advanceTimersByTimeAsync(1_000)
  await upgraded
  await client.publish([createFakeLocalTrack('audio'), createFakeLocalTrack('video')])
  expect(client.localTracks.map((track) => track.trackMediaType)).toEqual(['audio', 'video'])

  const downgraded = session.downgradeToAudience() // unpublishes first: the SDK refuses 'audience' while publishing
  await vi.advanceTimersByTimeAsync(1_000)
  await downgraded
  expect(client.localTracks).toEqual([])
  expect(session.state).toMatchObject({ status: 'joined', role: 'audience' })
  await session.dispose()
})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFakeClient, createFakeSdk, createLocalEdge, type FakeClient, type LocalEdge } from '../../../src/testing'
import { verifyToken } from '../../../src/accessToken2/verifyToken'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { fulfilled, mintAt, rejection, settled, track } from './helpers'

// What agora-rtc-sdk-ng 4.24.8 does that the fake reproduces beyond plain calls: reconnection,
// USE_NEW_TOKEN, one page's uid check, listeners.

const T0 = Date.UTC(2026, 10, 29, 8, 0, 0)

function states(client: FakeClient): unknown[][] {
  const seen: unknown[][] = []
  client.on('connection-state-change', (...args: unknown[]) => seen.push(args))
  return seen
}

describe('the fake SDK', () => {
  let edge: LocalEdge
  beforeEach(() => {
    useFakeClock(T0)
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, coHostAuth: true })
  })
  afterEach(() => useRealClock())

  async function joined(client: FakeClient = createFakeClient(edge), privilegeExpireSec = 3600) {
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec }), 42))
    return client
  }

  describe('a cut network', () => {
    it('goes RECONNECTING and back to CONNECTED; a renewToken meanwhile waits for the reconnection', async () => {
      const client = await joined()
      const seen = states(client)
      edge.cutNetwork(client.id, 5_000)
      expect(client.connectionState).toBe('RECONNECTING')
      const renewal = track(client.renewToken(await mintAt(edge, { channel: 'lobby', uid: 42 })))
      await advance(4_999, 1)
      expect(renewal.status).toBe('pending')
      expect(edge.log.filter((r) => r.type === 'renew')).toHaveLength(0)
      await advance(1, 1)
      await settled(renewal)
      expect(renewal.status).toBe('fulfilled')
      expect(seen).toEqual([
        ['RECONNECTING', 'CONNECTED', undefined],
        ['CONNECTED', 'RECONNECTING', undefined],
      ])
      expect(edge.log.map((r) => r.type)).toEqual(['join', 'network-cut', 'network-back', 'renew'])
    })

    it('fails a waiting renewToken as 4.24.8 does when the SDK gives up (NETWORK_ERROR): reset first, then a TypeError', async () => {
      const client = await joined()
      const seen = states(client)
      edge.cutNetwork(client.id, Infinity)
      const renewal = track(client.renewToken(await mintAt(edge, { channel: 'lobby', uid: 42 })))
      await advance(60_000)
      expect(renewal.status).toBe('pending')
      edge.dropClient(client.id, 'NETWORK_ERROR')
      await settled(renewal)
      // The edge refused with WS_ABORT; restoring the old token into the reset join info threw.
      expect(renewal.error).toBeInstanceOf(TypeError)
      expect(edge.log.at(-1)).toMatchObject({ type: 'renew', ok: false, code: 'WS_ABORT' })
      expect(seen).toEqual([
        ['RECONNECTING', 'CONNECTED', undefined],
        ['DISCONNECTED', 'RECONNECTING', 'NETWORK_ERROR'],
      ])
    })

    it('only records a role set while reconnecting; the reconnection carries it', async () => {
      const client = await joined()
      edge.cutNetwork(client.id, 1_000)
      await fulfilled(client.setClientRole('host'))
      expect(client.role).toBe('host')
      expect(edge.log.filter((r) => r.type === 'set-role')).toHaveLength(0)
      await advance(1_000)
      expect(edge.log.filter((r) => r.type === 'set-role')).toMatchObject([{ role: 'host', ok: true }])
    })

    it('keeps the deadline, but a client whose network is cut finds out only when it is back: at the gateway by default', async () => {
      const client = await joined(createFakeClient(edge), 120)
      const seen = states(client)
      const pushes: string[] = []
      client.on('token-privilege-will-expire', () => pushes.push('will'))
      client.on('token-privilege-did-expire', () => pushes.push('did'))
      edge.cutNetwork(client.id, 200_000)
      await advance(120_000)
      // Past the deadline, still reconnecting: a disconnected SDK cannot be told.
      expect(client.connectionState).toBe('RECONNECTING')
      expect(edge.channelsOf(client.id)).toEqual(['lobby'])
      await advance(80_000)
      // The gateway's 110 on rejoining: straight to DISCONNECTED (TOKEN_EXPIRE), no did-expire.
      expect(pushes).toEqual([])
      expect(seen).toEqual([
        ['RECONNECTING', 'CONNECTED', undefined],
        ['DISCONNECTED', 'RECONNECTING', 'TOKEN_EXPIRE'],
      ])
      expect(edge.log.map((r) => r.type)).toEqual(['join', 'network-cut', 'network-back', 'did-expire'])
      expect(edge.channelsOf(client.id)).toEqual([])
    })

    it("with expiryFoundBy 'access-point' the reconnection hears \"dynamic key expired\": DISCONNECTING, DISCONNECTED, did-expire", async () => {
      const client = await joined(createFakeClient(edge), 120)
      const seen = states(client)
      const pushes: string[] = []
      client.on('token-privilege-did-expire', function (this: unknown) {
        pushes.push(this === client ? 'did (this = client)' : 'did')
      })
      edge.cutNetwork(client.id, 200_000, { expiryFoundBy: 'access-point' })
      await advance(199_000)
      expect(pushes).toEqual([])
      await advance(1_000)
      expect(pushes).toEqual(['did (this = client)'])
      expect(seen).toEqual([
        ['RECONNECTING', 'CONNECTED', undefined],
        ['DISCONNECTING', 'RECONNECTING', undefined],
        ['DISCONNECTED', 'DISCONNECTING', 'TOKEN_EXPIRE'],
      ])
      expect(client.uid).toBeUndefined()
    })

    it('a renewToken waiting out a cut in which the privilege died fails as the reset client makes it (TypeError)', async () => {
      const client = await joined(createFakeClient(edge), 120)
      edge.cutNetwork(client.id, 130_000)
      const renewal = track(client.renewToken(await mintAt(edge, { channel: 'lobby', uid: 42 })))
      await advance(130_000)
      await settled(renewal)
      expect(renewal.error).toBeInstanceOf(TypeError)
      expect(client.connectionState).toBe('DISCONNECTED')
    })
  })

  describe('renewToken refusals follow USE_NEW_TOKEN', () => {
    it('without it the gateway refuses: UNEXPECTED_RESPONSE with data.code 110', async () => {
      const client = await joined(createFakeSdk(edge).createClient({ mode: 'live', codec: 'vp8' }))
      const error = await rejection(client.renewToken(await mintAt(edge, { channel: 'other', uid: 42 })))
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', message: 'AgoraRTCError UNEXPECTED_RESPONSE: ERR_NO_AUTHORIZED: ' })
      expect((error as unknown as { data: unknown }).data).toEqual({ code: 110, data: { error_code: 110, error_str: '' }, desc: 'ERR_NO_AUTHORIZED' })
    })

    it('with it the access point refuses the ticket: UPDATE_TICKET_FAILED "[2010009]: …" and "[2010013]: …"', async () => {
      const sdk = createFakeSdk(edge)
      sdk.setParameter('USE_NEW_TOKEN', true)
      const client = await joined(sdk.createClient({ mode: 'live', codec: 'vp8' }))
      const invalid = await rejection(client.renewToken(await mintAt(edge, { channel: 'other', uid: 42 })))
      expect(invalid).toMatchObject({ code: 'UPDATE_TICKET_FAILED', message: 'AgoraRTCError UPDATE_TICKET_FAILED: [2010009]: invalid token, authorized failed' })
      expect((invalid as unknown as { data: unknown }).data).toEqual({ retry: false })
      const stale = await mintAt(edge, { channel: 'lobby', uid: 42, issuedAt: Math.floor(T0 / 1000) - 7200 })
      expect((await rejection(client.renewToken(stale))).message).toBe('AgoraRTCError UPDATE_TICKET_FAILED: [2010013]: dynamic key expired')
      expect(client.connectionState).toBe('CONNECTED')
    })
  })

  it('refuses a second client of one page with the same uid in a channel with UID_CONFLICT', async () => {
    const sdk = createFakeSdk(edge)
    const first = await joined(sdk.createClient({ mode: 'live', codec: 'vp8' }))
    const second = sdk.createClient({ mode: 'live', codec: 'vp8' })
    const error = await rejection(second.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    expect(error).toMatchObject({ code: 'UID_CONFLICT', message: 'AgoraRTCError UID_CONFLICT: ' })
    expect(second.connectionState).toBe('DISCONNECTED')
    expect(edge.clientsIn('lobby')).toEqual([first.id])
    // The SDK checks its page after the access point took the token: a bad token says so first.
    const bad = await rejection(second.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'other', uid: 42 }), 42))
    expect(bad.code).toBe('CAN_NOT_GET_GATEWAY_SERVER')
    await first.leave()
    await fulfilled(second.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
  })

  it('drops the incumbent with UID_CONFLICT instead of UID_BANNED when its page set IGNORE_UID_CHECK', async () => {
    const sdk = createFakeSdk(edge)
    sdk.setParameter('IGNORE_UID_CHECK', true)
    const first = await joined(sdk.createClient({ mode: 'live', codec: 'vp8' }))
    const seen = states(first)
    await joined(createFakeClient(edge))
    expect(seen.at(-1)).toEqual(['DISCONNECTED', 'CONNECTED', 'UID_CONFLICT'])
  })

  it('serialises renewals as the SDK does: a later call never lands first', async () => {
    const delays = new Map<string, number>()
    const slow = createLocalEdge({
      appId: APP_ID,
      verify: async (token) => {
        await new Promise((resolve) => setTimeout(resolve, delays.get(token) ?? 0))
        return verifyToken(token, APP_CERTIFICATE)
      },
    })
    const client = createFakeClient(slow)
    const joining = track(client.join(APP_ID, 'lobby', await mintAt(slow, { channel: 'lobby', uid: 42 }), 42))
    await advance(10)
    expect(joining.status).toBe('fulfilled')
    const first = await mintAt(slow, { channel: 'lobby', uid: 42, salt: 1 })
    const second = await mintAt(slow, { channel: 'lobby', uid: 42, salt: 2 })
    delays.set(first, 50).set(second, 10)
    const renewals = [track(client.renewToken(first)), track(client.renewToken(second))]
    await advance(100, 10)
    expect(renewals.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    expect(slow.log.filter((r) => r.type === 'renew').map((r) => r.token)).toEqual([first, second])
  })

  it("repeats the reason it last closed with, as the SDK's gateway never clears it", async () => {
    const client = createFakeClient(edge)
    const seen = states(client)
    // Fresh: a refused join ends DISCONNECTED with no reason.
    await rejection(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'other', uid: 42 }), 42))
    expect(seen.at(-1)).toEqual(['DISCONNECTED', 'CONNECTING', undefined])
    await joined(client)
    edge.dropClient(client.id, 'NETWORK_ERROR')
    // After a drop, a refused join and a leave while connecting both say NETWORK_ERROR again.
    await rejection(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'other', uid: 42 }), 42))
    expect(seen.at(-1)).toEqual(['DISCONNECTED', 'CONNECTING', 'NETWORK_ERROR'])
    edge.setOffline(true)
    const pending = track(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await client.leave()
    expect(seen.at(-1)).toEqual(['DISCONNECTED', 'DISCONNECTING', 'NETWORK_ERROR'])
    await advance(10_000)
    expect(pending.status).toBe('rejected')
  })

  it("refuses a codec or mode createClient does not know, codec first, as the SDK's does", () => {
    const sdk = createFakeSdk(edge)
    expect(() => sdk.createClient({ mode: 'live', codec: 'mp4' as 'vp8' })).toThrow(
      'AgoraRTCError INVALID_PARAMS: config.codec can only be set as ["vp8","vp9","av1","h264","h265"]',
    )
    expect(() => sdk.createClient({ mode: 'broadcast' as 'live', codec: 'mp4' as 'vp8' })).toThrow(/config\.codec/)
    expect(() => sdk.createClient({ mode: 'broadcast' as 'live', codec: 'vp8' })).toThrow(
      'AgoraRTCError INVALID_PARAMS: config.mode can only be set as ["rtc","live","p2p"]',
    )
    expect(sdk.createClient({ mode: 'p2p', codec: 'h264' }).role).toBe('host')
  })

  it('ignores a listener registered twice, and a listener that throws breaks nothing', async () => {
    const client = createFakeClient(edge)
    let calls = 0
    const listener = () => {
      calls++
      throw new Error('app bug')
    }
    client.on('connection-state-change', listener)
    client.on('connection-state-change', listener)
    await joined(client)
    expect(client.connectionState).toBe('CONNECTED')
    expect(calls).toBe(2) // CONNECTING, CONNECTED: once each
  })
})

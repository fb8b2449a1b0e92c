import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createFakeClient,
  createFakeLocalTrack,
  createLocalEdge,
  type FakeClient,
  type LocalEdge,
} from '../../../src/testing'
import { verifyToken } from '../../../src/accessToken2/verifyToken'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID, OTHER_APP_ID } from '../../support/fixtures'
import { fulfilled, mintAt, rejection, settled, track } from './helpers'

const OTHER_CERTIFICATE = '00000000000000000000000000000000'
const T0 = Date.UTC(2026, 10, 29, 8, 0, 0)

/** Records every event a client receives, with the fake clock's time. */
function watch(client: FakeClient) {
  const events: { event: string; at: number; args: unknown[] }[] = []
  for (const event of ['connection-state-change', 'token-privilege-will-expire', 'token-privilege-did-expire']) {
    client.on(event, (...args: unknown[]) => events.push({ event, at: Date.now(), args }))
  }
  return events
}

describe('createLocalEdge', () => {
  let edge: LocalEdge
  beforeEach(() => {
    useFakeClock(T0)
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
  })
  afterEach(() => useRealClock())

  it('accepts a good token and connects the client', async () => {
    const client = createFakeClient(edge)
    const token = await mintAt(edge, { channel: 'lobby', uid: 42, role: 'subscriber' })
    await expect(fulfilled(client.join(APP_ID, 'lobby', token, 42))).resolves.toBe(42)
    expect(client.connectionState).toBe('CONNECTED')
    expect(client.channelName).toBe('lobby')
    expect(client.uid).toBe(42)
    expect(edge.clientsIn('lobby')).toEqual([client.id])
    expect(edge.channelsOf(client.id)).toEqual(['lobby'])
    expect(edge.log).toEqual([
      { type: 'join', clientId: client.id, channel: 'lobby', uid: '42', token, role: 'audience', ok: true, at: T0 },
    ])
    await client.leave()
    expect(vi.getTimerCount()).toBe(0)
  })

  describe('refuses a join with the SDK codes and messages', () => {
    const cases: {
      name: string
      mint?: Partial<Parameters<typeof mintAt>[1]>
      joinAppId?: string
      channel?: string
      uid?: number | string
      message: RegExp
    }[] = [
      { name: 'bad signature', mint: { appCertificate: OTHER_CERTIFICATE }, message: /invalid token, authorized failed/ },
      { name: 'token for another app id', mint: { appId: OTHER_APP_ID }, message: /invalid token, authorized failed/ },
      { name: 'join with an unknown app id', joinAppId: OTHER_APP_ID, message: /invalid vendor key, can not find appid/ },
      { name: 'wrong channel', channel: 'other', message: /invalid token, authorized failed/ },
      { name: 'wrong uid', uid: 43, message: /invalid token, authorized failed/ },
      { name: 'account uid vs numeric uid', uid: 'u42', message: /invalid token, authorized failed/ },
      { name: 'uid 0 against a specific-uid token', uid: 0, message: /invalid token, authorized failed/ },
      {
        name: 'expired token',
        mint: { issuedAt: Math.floor(T0 / 1000) - 3600, expireSec: 3600 },
        message: /dynamic key expired/,
      },
      {
        name: 'expired join privilege (token itself still valid)',
        mint: { issuedAt: Math.floor(T0 / 1000) - 120, privilegeExpireSec: 60 },
        message: /dynamic key expired/,
      },
      {
        name: 'no join privilege',
        mint: { privileges: { publishAudio: 600, publishVideo: 600 } },
        message: /dynamic key expired/,
      },
    ]
    for (const c of cases) {
      it(c.name, async () => {
        const client = createFakeClient(edge)
        const token = await mintAt(edge, { channel: 'lobby', uid: 42, ...c.mint })
        const error = await rejection(client.join(c.joinAppId ?? APP_ID, c.channel ?? 'lobby', token, c.uid ?? 42))
        expect(error).toMatchObject({ name: 'AgoraRTCException', code: 'CAN_NOT_GET_GATEWAY_SERVER' })
        expect(error.message).toMatch(/^AgoraRTCError CAN_NOT_GET_GATEWAY_SERVER: /)
        expect(error.message).toMatch(c.message)
        expect(client.connectionState).toBe('DISCONNECTED')
        expect(edge.clientsIn(c.channel ?? 'lobby')).toEqual([])
        expect(edge.log.at(-1)).toMatchObject({ type: 'join', ok: false, code: 'CAN_NOT_GET_GATEWAY_SERVER' })
        expect(vi.getTimerCount()).toBe(0)
      })
    }

    it('a join without a token (the project has a certificate)', async () => {
      const error = await rejection(createFakeClient(edge).join(APP_ID, 'lobby', null, 42))
      expect(error).toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER' })
      expect(error.message).toMatch(/dynamic use static key/)
    })
  })

  it('accepts wildcard channel and uid tokens', async () => {
    for (const [channel, uid] of [['*', 42], ['', 42], ['room-*', 42], ['room-1', 0], ['room-*', 'u*']] as const) {
      const client = createFakeClient(edge)
      const token = await mintAt(edge, { channel, uid, role: 'subscriber' })
      const joinUid = uid === 'u*' ? 'u7' : 42
      await expect(fulfilled(client.join(APP_ID, 'room-1', token, joinUid)), `${channel} / ${uid}`).resolves.toBe(joinUid)
      await client.leave()
    }
  })

  it('acceptWildcardTokens: false refuses wildcard-channel tokens, not uid-0 tokens', async () => {
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, acceptWildcardTokens: false })
    for (const channel of ['*', '', 'room-*']) {
      const token = await mintAt(edge, { channel, uid: 42, role: 'subscriber' })
      const error = await rejection(createFakeClient(edge).join(APP_ID, 'room-1', token, 42))
      expect(error.message, channel).toMatch(/CAN_NOT_GET_GATEWAY_SERVER: invalid token, authorized failed/)
    }
    const token = await mintAt(edge, { channel: 'room-1', uid: 0, role: 'subscriber' })
    await expect(fulfilled(createFakeClient(edge).join(APP_ID, 'room-1', token, 42))).resolves.toBe(42)
  })

  it('assigns deterministic uids to joins with uid 0 or null', async () => {
    const token = await mintAt(edge, { channel: 'lobby', uid: 0 })
    const a = createFakeClient(edge)
    const b = createFakeClient(edge)
    await expect(fulfilled(a.join(APP_ID, 'lobby', token, 0))).resolves.toBe(100001)
    await expect(fulfilled(b.join(APP_ID, 'lobby', token, null))).resolves.toBe(100002)
    expect(b.uid).toBe(100002)
    // An assigned uid is never one that is in the channel already.
    const explicit = createFakeClient(edge)
    await fulfilled(explicit.join(APP_ID, 'lobby', token, 100003))
    const c = createFakeClient(edge)
    await expect(fulfilled(c.join(APP_ID, 'lobby', token, 0))).resolves.toBe(100004)
    expect(edge.clientsIn('lobby')).toEqual([a.id, b.id, explicit.id, c.id])
  })

  it('lets a second device with the same uid in and drops the first with UID_BANNED; 42 and "42" are two users', async () => {
    const token = await mintAt(edge, { channel: 'lobby', uid: 42 })
    const first = createFakeClient(edge)
    const events = watch(first)
    await fulfilled(first.join(APP_ID, 'lobby', token, 42))
    const account = createFakeClient(edge)
    await fulfilled(account.join(APP_ID, 'lobby', token, '42'))
    expect(edge.clientsIn('lobby')).toEqual([first.id, account.id])
    const second = createFakeClient(edge)
    await fulfilled(second.join(APP_ID, 'lobby', token, 42))
    expect(edge.clientsIn('lobby')).toEqual([account.id, second.id])
    expect(first.connectionState).toBe('DISCONNECTED')
    // A server's drop goes straight to DISCONNECTED, as the SDK's signal closes (no DISCONNECTING).
    expect(events.map((e) => e.args).slice(-2)).toEqual([
      ['CONNECTED', 'CONNECTING', undefined],
      ['DISCONNECTED', 'CONNECTED', 'UID_BANNED'],
    ])
    expect(edge.log.filter((r) => r.type === 'drop')).toMatchObject([{ clientId: first.id, reason: 'UID_BANNED' }])
    // The same uid in another channel is fine.
    const wildcard = await mintAt(edge, { channel: '*', uid: 42 })
    await fulfilled(first.join(APP_ID, 'other', wildcard, 42))
    expect(edge.channelsOf(first.id)).toEqual(['other'])
    expect(edge.channelsOf(second.id)).toEqual(['lobby'])
  })

  describe('privilege expiry', () => {
    it('pushes will-expire 30 s before and did-expire at the join deadline, then drops the client', async () => {
      const client = createFakeClient(edge)
      const events = watch(client)
      const token = await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec: 120 })
      await fulfilled(client.join(APP_ID, 'lobby', token, 42))
      await advance(200_000)
      expect(events).toEqual([
        { event: 'connection-state-change', at: T0, args: ['CONNECTING', 'DISCONNECTED', undefined] },
        { event: 'connection-state-change', at: T0, args: ['CONNECTED', 'CONNECTING', undefined] },
        { event: 'token-privilege-will-expire', at: T0 + 90_000, args: [] },
        // The SDK's order: the client is reset and DISCONNECTED before did-expire.
        { event: 'connection-state-change', at: T0 + 120_000, args: ['DISCONNECTING', 'CONNECTED', undefined] },
        { event: 'connection-state-change', at: T0 + 120_000, args: ['DISCONNECTED', 'DISCONNECTING', 'TOKEN_EXPIRE'] },
        { event: 'token-privilege-did-expire', at: T0 + 120_000, args: [] },
      ])
      expect(client.connectionState).toBe('DISCONNECTED')
      expect(client.channelName).toBeUndefined()
      expect(client.uid).toBeUndefined()
      expect(edge.clientsIn('lobby')).toEqual([])
      expect(edge.log.map((r) => [r.type, r.at])).toEqual([
        ['join', T0],
        ['will-expire', T0 + 90_000],
        ['did-expire', T0 + 120_000],
      ])
      expect(vi.getTimerCount()).toBe(0)
      // renewToken after did-expire is too late: the client must join again.
      const fresh = await mintAt(edge, { channel: 'lobby', uid: 42 })
      expect(await rejection(client.renewToken(fresh))).toMatchObject({ code: 'INVALID_OPERATION' })
    })

    it('pushes will-expire at once when less than 30 s are left at join', async () => {
      const token = await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec: 20 })
      const client = createFakeClient(edge)
      const events = watch(client)
      await fulfilled(client.join(APP_ID, 'lobby', token, 42))
      await advance(25_000)
      expect(events.filter((e) => e.event.startsWith('token')).map((e) => [e.event, e.at])).toEqual([
        ['token-privilege-will-expire', T0],
        ['token-privilege-did-expire', T0 + 20_000],
      ])
    })

    it('does not drop a joined client when only the token expires, but refuses a join with it', async () => {
      // Privileges never expire (0); the token itself lasts 60 s.
      const token = await mintAt(edge, { channel: 'lobby', uid: 42, expireSec: 60 })
      const client = createFakeClient(edge)
      const events = watch(client)
      await fulfilled(client.join(APP_ID, 'lobby', token, 42))
      expect(vi.getTimerCount()).toBe(0)
      await advance(120_000)
      expect(client.connectionState).toBe('CONNECTED')
      expect(events.filter((e) => e.event.startsWith('token'))).toEqual([])
      await client.leave()
      const error = await rejection(client.join(APP_ID, 'lobby', token, 42))
      expect(error.message).toBe(
        'AgoraRTCError CAN_NOT_GET_GATEWAY_SERVER: flag: 4096, message: AgoraRTCError CAN_NOT_GET_GATEWAY_SERVER: dynamic key expired',
      )
      expect(error).toMatchObject({ data: { retry: false, desc: ['dynamic key expired'] } })
    })

    it('renewToken moves the deadline and reschedules both pushes', async () => {
      const client = createFakeClient(edge)
      const events = watch(client)
      await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec: 120 }), 42))
      await advance(80_000)
      const renewed = await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec: 120 })
      await fulfilled(client.renewToken(renewed))
      expect(vi.getTimerCount()).toBe(2)
      await advance(130_000)
      expect(events.filter((e) => e.event.startsWith('token')).map((e) => [e.event, e.at])).toEqual([
        ['token-privilege-will-expire', T0 + 170_000],
        ['token-privilege-did-expire', T0 + 200_000],
      ])
      expect(edge.log.find((r) => r.type === 'renew')).toMatchObject({ ok: true, token: renewed, at: T0 + 80_000 })
    })

    it('refuses renewToken with a token for another channel or uid, or an expired one, as the gateway does (UNEXPECTED_RESPONSE)', async () => {
      const client = createFakeClient(edge)
      await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
      const bad = [
        await mintAt(edge, { channel: 'other', uid: 42 }),
        await mintAt(edge, { channel: 'lobby', uid: 43 }),
        await mintAt(edge, { channel: 'lobby', uid: 42, appCertificate: OTHER_CERTIFICATE }),
        await mintAt(edge, { channel: 'lobby', uid: 42, issuedAt: Math.floor(T0 / 1000) - 7200 }),
      ]
      const errors = []
      for (const token of bad) errors.push(await rejection(client.renewToken(token)))
      for (const error of errors.slice(0, 3)) {
        expect(error).toMatchObject({
          name: 'AgoraRTCException',
          code: 'UNEXPECTED_RESPONSE',
          message: 'AgoraRTCError UNEXPECTED_RESPONSE: ERR_NO_AUTHORIZED: ',
          data: { code: 110, desc: 'ERR_NO_AUTHORIZED' },
        })
      }
      expect(errors[3]).toMatchObject({ code: 'UNEXPECTED_RESPONSE', data: { code: 118, desc: 'ERR_DYNAMIC_KEY_EXPIRED' } })
      expect(lastRefusal(edge)).toBe('AgoraRTCError UNEXPECTED_RESPONSE: ERR_DYNAMIC_KEY_EXPIRED: ')
      expect(client.connectionState).toBe('CONNECTED')
    })

    it('uses the earliest publish privilege as a host deadline under coHostAuth', async () => {
      edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, coHostAuth: true })
      const privileges = { joinChannel: 600, publishAudio: 120, publishVideo: 180 }
      const host = createFakeClient(edge, { role: 'host' })
      const audience = createFakeClient(edge)
      const hostEvents = watch(host)
      const audienceEvents = watch(audience)
      await fulfilled(host.join(APP_ID, 'stage', await mintAt(edge, { channel: 'stage', uid: 1, privileges }), 1))
      await fulfilled(audience.join(APP_ID, 'stage', await mintAt(edge, { channel: 'stage', uid: 2, privileges }), 2))
      await advance(600_000)
      const expiry = (events: typeof hostEvents) =>
        events.filter((e) => e.event.startsWith('token')).map((e) => [e.event, e.at - T0])
      expect(expiry(hostEvents)).toEqual([
        ['token-privilege-will-expire', 90_000],
        ['token-privilege-did-expire', 120_000],
      ])
      expect(expiry(audienceEvents)).toEqual([
        ['token-privilege-will-expire', 570_000],
        ['token-privilege-did-expire', 600_000],
      ])
      expect(vi.getTimerCount()).toBe(0)
    })
  })

  describe('coHostAuth', () => {
    beforeEach(() => {
      edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, coHostAuth: true })
    })

    it("refuses setClientRole('host') and publish with a subscriber token, allows both after renewToken with a publisher token", async () => {
      const client = createFakeClient(edge)
      await fulfilled(client.join(APP_ID, 'stage', await mintAt(edge, { channel: 'stage', uid: 7, role: 'subscriber' }), 7))
      const refused = await rejection(client.setClientRole('host'))
      expect(refused).toMatchObject({ name: 'AgoraRTCException', code: 'UNEXPECTED_RESPONSE', data: { code: 110 } })
      expect(refused.message).toBe('AgoraRTCError UNEXPECTED_RESPONSE: ERR_NO_AUTHORIZED: ')
      expect(client.role).toBe('audience')
      const track = createFakeLocalTrack('audio')
      expect(await rejection(client.publish(track))).toMatchObject({ code: 'INVALID_OPERATION' })

      await fulfilled(client.renewToken(await mintAt(edge, { channel: 'stage', uid: 7, role: 'publisher' })))
      await fulfilled(client.setClientRole('host'))
      expect(client.role).toBe('host')
      await fulfilled(client.publish(track))
      expect(client.localTracks).toEqual([track])
      expect(edge.log.map((r) => `${r.type}:${r.ok}`)).toEqual([
        'join:true',
        'set-role:false',
        'renew:true',
        'set-role:true',
        'publish:true',
      ])
    })

    it('refuses to renew a host with a token that cannot publish, and a host join with a subscriber token', async () => {
      const host = createFakeClient(edge, { role: 'host' })
      const subscriberToken = await mintAt(edge, { channel: 'stage', uid: 7, role: 'subscriber' })
      const joinError = await rejection(host.join(APP_ID, 'stage', subscriberToken, 7))
      expect(joinError.message).toMatch(/CAN_NOT_GET_GATEWAY_SERVER: invalid token, authorized failed/)
      await fulfilled(host.join(APP_ID, 'stage', await mintAt(edge, { channel: 'stage', uid: 7 }), 7))
      expect(await rejection(host.renewToken(subscriberToken))).toMatchObject({ code: 'UNEXPECTED_RESPONSE', data: { code: 110 } })
    })

    it('without coHostAuth any valid token may host and publish', async () => {
      edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
      const client = createFakeClient(edge)
      await fulfilled(client.join(APP_ID, 'stage', await mintAt(edge, { channel: 'stage', uid: 7, role: 'subscriber' }), 7))
      await fulfilled(client.setClientRole('host'))
      await fulfilled(client.publish(createFakeLocalTrack('video')))
    })
  })

  it('keeps a join pending while offline until leave() aborts it with OPERATION_ABORTED', async () => {
    const client = createFakeClient(edge)
    const events = watch(client)
    const token = await mintAt(edge, { channel: 'lobby', uid: 42 })
    edge.setOffline(true)
    const join = track(client.join(APP_ID, 'lobby', token, 42))
    await advance(600_000, 60_000)
    expect(join.status).toBe('pending')
    expect(client.connectionState).toBe('CONNECTING')
    await expect(client.leave()).resolves.toBeUndefined()
    // The SDK's access-point requests (500 ms, × 1.5, at most 10 s apart) notice the leave when they wake.
    await settled(join)
    expect(join.status).toBe('pending')
    await advance(10_000, 100)
    expect(join.status).toBe('rejected')
    expect(join.error).toMatchObject({ name: 'AgoraRTCException', code: 'OPERATION_ABORTED' })
    expect((join.error as Error).message).toBe('AgoraRTCError OPERATION_ABORTED: cancel token canceled')
    expect(events.map((e) => e.args)).toEqual([
      ['CONNECTING', 'DISCONNECTED', undefined],
      ['DISCONNECTING', 'CONNECTING', undefined],
      ['DISCONNECTED', 'DISCONNECTING', undefined],
    ])
    expect(edge.clientsIn('lobby')).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('lets a pending join through when the edge comes back online', async () => {
    const client = createFakeClient(edge)
    edge.setOffline(true)
    const join = track(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await advance(10_000)
    expect(join.status).toBe('pending')
    edge.setOffline(false)
    await settled(join)
    expect(join.status).toBe('pending') // found at the next retry
    await advance(10_000, 100)
    expect(join.status).toBe('fulfilled')
    expect(client.connectionState).toBe('CONNECTED')
  })

  it('spends joinLatencyMs on the scheduler', async () => {
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, joinLatencyMs: 500 })
    const client = createFakeClient(edge)
    const join = track(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await advance(499, 499)
    expect(join.status).toBe('pending')
    expect(client.connectionState).toBe('CONNECTING')
    await advance(1, 1)
    expect((await settled(join)).status).toBe('fulfilled')
    expect(edge.log[0]).toMatchObject({ type: 'join', ok: true, at: T0 + 500 })
  })

  it('aborts a join during its latency on leave(), leaving no timer behind', async () => {
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, joinLatencyMs: 5_000 })
    const client = createFakeClient(edge)
    const join = track(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await advance(1_000)
    await client.leave()
    await settled(join)
    expect(join.error).toMatchObject({ code: 'OPERATION_ABORTED' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('checks with the verify option when there is no appCertificate', async () => {
    const verify = vi.fn((token: string) => verifyToken(token, APP_CERTIFICATE))
    edge = createLocalEdge({ appId: APP_ID, verify })
    const token = await mintAt(edge, { channel: 'lobby', uid: 42 })
    await fulfilled(createFakeClient(edge).join(APP_ID, 'lobby', token, 42))
    expect(verify).toHaveBeenCalledWith(token)
    const forged = await mintAt(edge, { channel: 'lobby', uid: 43, appCertificate: OTHER_CERTIFICATE })
    expect((await rejection(createFakeClient(edge).join(APP_ID, 'lobby', forged, 43))).message).toMatch(
      /invalid token, authorized failed/,
    )
  })

  it('needs appCertificate or verify', () => {
    expect(() => createLocalEdge({ appId: APP_ID })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('runs on its own clock with serverClockOffsetMs', async () => {
    const offset = 2 * 3_600_000 // the user's clock is 2 h behind the server
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, serverClockOffsetMs: offset })
    expect(edge.serverNow()).toBe(T0 + offset)
    const localToken = await mintAt(edge, { channel: 'lobby', uid: 42, issuedAt: Math.floor(T0 / 1000) })
    expect((await rejection(createFakeClient(edge).join(APP_ID, 'lobby', localToken, 42))).message).toMatch(
      /dynamic key expired/,
    )
    const client = createFakeClient(edge)
    const events = watch(client)
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec: 60 }), 42))
    await advance(60_000)
    expect(events.filter((e) => e.event === 'token-privilege-did-expire').map((e) => e.at)).toEqual([T0 + 60_000])
    expect(edge.log.at(-1)).toMatchObject({ type: 'did-expire', at: T0 + offset + 60_000 })
  })

  it('dropClient disconnects with the given reason and cancels the expiry timers', async () => {
    const client = createFakeClient(edge)
    const events = watch(client)
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42, privilegeExpireSec: 600 }), 42))
    expect(vi.getTimerCount()).toBe(2)
    edge.dropClient(client.id, 'NETWORK_ERROR')
    // Straight to DISCONNECTED, as the SDK's signal closes (no DISCONNECTING).
    expect(events.at(-1)?.args).toEqual(['DISCONNECTED', 'CONNECTED', 'NETWORK_ERROR'])
    expect(edge.channelsOf(client.id)).toEqual([])
    expect(edge.log.at(-1)).toMatchObject({ type: 'drop', reason: 'NETWORK_ERROR' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('leaves no timer behind once everyone has left', async () => {
    const clients = [createFakeClient(edge), createFakeClient(edge), createFakeClient(edge, { mode: 'rtc' })]
    for (const [i, client] of clients.entries()) {
      const token = await mintAt(edge, { channel: 'lobby', uid: i + 1, privilegeExpireSec: 900 })
      await fulfilled(client.join(APP_ID, 'lobby', token, i + 1))
    }
    expect(edge.clientsIn('lobby')).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(6)
    for (const client of clients) await client.leave()
    expect(edge.clientsIn('lobby')).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
    expect(edge.log.filter((r) => r.type === 'leave')).toHaveLength(3)
  })
})

/** The SDK message of the edge's last record. */
function lastRefusal(edge: LocalEdge): string | undefined {
  return edge.log.at(-1)?.message
}

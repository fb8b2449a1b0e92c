import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IAgoraRTCError } from 'agora-rtc-sdk-ng'
import type { SessionClient } from '../../../src/session/SessionClient'
import {
  FakeAgoraRTCError,
  createFakeClient,
  createFakeLocalTrack,
  createLocalEdge,
  isAgoraRTCErrorLike,
  type LocalEdge,
} from '../../../src/testing'
import { useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { fulfilled, mintAt, rejection } from './helpers'

const T0 = Date.UTC(2026, 10, 29, 8, 0, 0)

describe('createFakeClient', () => {
  let edge: LocalEdge
  beforeEach(() => {
    useFakeClock(T0)
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
  })
  afterEach(() => useRealClock())

  it('satisfies SessionClient and starts disconnected, live, audience', () => {
    const client = createFakeClient(edge)
    const port: SessionClient = client
    expect(port.connectionState).toBe('DISCONNECTED')
    expect(client).toMatchObject({ mode: 'live', role: 'audience', localTracks: [], calls: [] })
    expect(client.uid).toBeUndefined()
    expect(client.channelName).toBeUndefined()
    // As the SDK's createClient: rtc and p2p clients are hosts.
    expect(createFakeClient(edge, { mode: 'rtc' }).role).toBe('host')
    expect(createFakeClient(edge, { mode: 'p2p' }).role).toBe('host')
    expect(createFakeClient(edge, { id: 'alice' }).id).toBe('alice')
  })

  it('throws errors with the SDK shape', () => {
    const error = new FakeAgoraRTCError('INVALID_OPERATION', 'nope')
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'AgoraRTCException', code: 'INVALID_OPERATION' })
    expect(error.message).toBe('AgoraRTCError INVALID_OPERATION: nope')
    expect(Object.hasOwn(error, 'data')).toBe(true)
    expect(error.toString()).toBe('AgoraRTCError INVALID_OPERATION: nope')
    const sdkShaped: IAgoraRTCError = new FakeAgoraRTCError('UPDATE_TICKET_FAILED', '[2010009]: invalid token, authorized failed', { retry: false })
    expect(sdkShaped.toString()).toBe('AgoraRTCError UPDATE_TICKET_FAILED: [2010009]: invalid token, authorized failed\ndata: {"retry":false}')
    expect(new FakeAgoraRTCError('UID_CONFLICT').message).toBe('AgoraRTCError UID_CONFLICT: ')
    const logged: string[] = []
    const logger = { error: (line: string) => logged.push(line), warn: (line: string) => logged.push(`warn ${line}`) }
    expect(error.print('warning', logger)).toBe(error)
    expect(() => error.throw(logger)).toThrow(error)
    expect(logged).toEqual(['warn AgoraRTCError INVALID_OPERATION: nope', 'AgoraRTCError INVALID_OPERATION: nope'])
    expect(isAgoraRTCErrorLike(error)).toBe(true)
    expect(isAgoraRTCErrorLike(new Error('x'))).toBe(false)
  })

  it('records every call in order, tokens included, at the local time', async () => {
    const client = createFakeClient(edge)
    const token = await mintAt(edge, { channel: 'lobby', uid: 42 })
    const audio = createFakeLocalTrack('audio')
    await fulfilled(client.join(APP_ID, 'lobby', token, 42))
    await fulfilled(client.renewToken(token))
    await fulfilled(client.setClientRole('host'))
    await fulfilled(client.publish([audio]))
    await fulfilled(client.unpublish())
    await fulfilled(client.leave())
    expect(client.calls).toEqual([
      { method: 'join', args: [APP_ID, 'lobby', token, 42], at: T0 },
      { method: 'renewToken', args: [token], at: T0 },
      { method: 'setClientRole', args: ['host'], at: T0 },
      { method: 'publish', args: [[audio]], at: T0 },
      { method: 'unpublish', args: [], at: T0 },
      { method: 'leave', args: [], at: T0 },
    ])
  })

  it('refuses a second join while connecting or connected with INVALID_OPERATION', async () => {
    const client = createFakeClient(edge)
    const token = await mintAt(edge, { channel: 'lobby', uid: 42 })
    const first = client.join(APP_ID, 'lobby', token, 42)
    expect(await rejection(client.join(APP_ID, 'lobby', token, 42))).toMatchObject({
      code: 'INVALID_OPERATION',
      message: `AgoraRTCError INVALID_OPERATION: [${client.id}] Client already in connecting/connected state`,
    })
    await fulfilled(first)
    expect(await rejection(client.join(APP_ID, 'other', token, 42))).toMatchObject({ code: 'INVALID_OPERATION' })
    expect(edge.channelsOf(client.id)).toEqual(['lobby'])
  })

  it('refuses bad join arguments with INVALID_PARAMS before connecting', async () => {
    const client = createFakeClient(edge)
    const token = await mintAt(edge, { channel: '*', uid: 0 })
    const channelText =
      'The length must be within 64 bytes. The supported characters: a-z,A-Z,0-9,space,!, #, $, %, &, (, ), +, -, :, ;, <, =, ., >, ?, @, [, ], ^, _,  {, }, |, ~, ,'
    const uidText = '[String uid] Length of the string: [1,255]. ASCII characters only. [Number uid] The value range is [0,10000]'
    const refused = async (...args: Parameters<typeof client.join>) => (await rejection(client.join(...args))).message
    expect(await refused(APP_ID, 'bad/channel', token, 42)).toBe(`AgoraRTCError INVALID_PARAMS: ${channelText}`)
    expect(await refused(APP_ID, 'lobby', token, -1)).toBe(`AgoraRTCError INVALID_PARAMS: ${uidText}`)
    expect(await refused(APP_ID, 'lobby', token, 2 ** 32)).toBe(`AgoraRTCError INVALID_PARAMS: ${uidText}`)
    expect(await refused(APP_ID, 'lobby', token, '李雷')).toBe(`AgoraRTCError INVALID_PARAMS: ${uidText}`)
    expect(await refused(APP_ID, 'lobby', token, 'x'.repeat(256))).toBe(`AgoraRTCError INVALID_PARAMS: ${uidText}`)
    expect(await refused(APP_ID, 'lobby', 'x'.repeat(2048), 42)).toBe('AgoraRTCError INVALID_PARAMS: Invalid token: Length of the string: [1,2047]. ASCII characters only.')
    expect(await refused(APP_ID, 'lobby', undefined as unknown as string, 42)).toBe(
      'AgoraRTCError INVALID_PARAMS: Invalid token: undefined. If you don not use token, set it to null',
    )
    expect(await refused('', 'lobby', token, 42)).toBe('AgoraRTCError INVALID_PARAMS: Invalid appid: Length of the string: [1,2047]. ASCII characters only.')
    // The SDK's order: the token before the channel, the channel before the uid.
    expect(await refused(APP_ID, 'bad/channel', 'x'.repeat(2048), -1)).toMatch(/Invalid token/)
    expect(await refused(APP_ID, 'bad/channel', token, -1)).toBe(`AgoraRTCError INVALID_PARAMS: ${channelText}`)
    expect(client.connectionState).toBe('DISCONNECTED')
    expect(edge.log).toEqual([])
  })

  it('refuses renewToken before join with INVALID_OPERATION', async () => {
    const client = createFakeClient(edge)
    const error = await rejection(client.renewToken(await mintAt(edge, { channel: 'lobby', uid: 42 })))
    expect(error).toMatchObject({ name: 'AgoraRTCException', code: 'INVALID_OPERATION' })
    expect(error.message).toBe('AgoraRTCError INVALID_OPERATION: renewToken should not be called before user join')
  })

  it.each(['rtc', 'p2p'] as const)('refuses setClientRole in %s mode with INVALID_OPERATION, after checking the role', async (mode) => {
    const client = createFakeClient(edge, { mode })
    expect(await rejection(client.setClientRole('audience'))).toMatchObject({
      code: 'INVALID_OPERATION',
      message: `AgoraRTCError INVALID_OPERATION: ${mode} mode can not use setClientRole`,
    })
    expect(await rejection(client.setClientRole('boss' as 'host'))).toMatchObject({
      code: 'INVALID_PARAMS',
      message: 'AgoraRTCError INVALID_PARAMS: role can only be set as ["audience","host"]',
    })
    await fulfilled(client.join(APP_ID, 'call', await mintAt(edge, { channel: 'call', uid: 5 }), 5))
    expect(await rejection(client.setClientRole('host'))).toMatchObject({ code: 'INVALID_OPERATION' })
    // rtc and p2p publish without a role.
    await fulfilled(client.publish(createFakeLocalTrack('video')))
  })

  it('refuses publish as an audience (live mode) and before joining', async () => {
    const client = createFakeClient(edge)
    const track = createFakeLocalTrack('audio')
    // As an audience the SDK refuses before it looks at the connection.
    expect((await rejection(client.publish(track))).message).toBe('AgoraRTCError INVALID_OPERATION: audience can not publish stream')
    expect((await rejection(createFakeClient(edge, { role: 'host' }).publish(track))).message).toBe(
      "AgoraRTCError INVALID_OPERATION: Can't publish stream, haven't joined yet!",
    )
    expect((await rejection(client.publish([]))).message).toBe('AgoraRTCError INVALID_PARAMS: param list is empty')
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    const error = await rejection(client.publish(track))
    expect(error).toMatchObject({ code: 'INVALID_OPERATION' })
    expect(error.message).toMatch(/audience can not publish stream/)
    expect(client.localTracks).toEqual([])
  })

  it("refuses setClientRole('audience') while publishing, allows it after unpublish", async () => {
    const client = createFakeClient(edge, { role: 'host' })
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    const audio = createFakeLocalTrack('audio')
    const video = createFakeLocalTrack('video')
    await fulfilled(client.publish([audio, video]))
    await fulfilled(client.publish(audio)) // already published: no duplicate
    expect(client.localTracks).toEqual([audio, video])
    expect(await rejection(client.setClientRole('audience'))).toMatchObject({
      code: 'INVALID_OPERATION',
      message: 'AgoraRTCError INVALID_OPERATION: can not set client role to audience when publishing stream',
    })
    expect(client.role).toBe('host')
    await fulfilled(client.unpublish(video))
    expect(client.localTracks).toEqual([audio])
    await fulfilled(client.unpublish())
    await fulfilled(client.setClientRole('audience'))
    expect(client.role).toBe('audience')
    expect(edge.log.map((r) => r.type)).toEqual(['join', 'publish', 'publish', 'unpublish', 'unpublish', 'set-role'])
  })

  it('remembers a role set before joining and joins with it', async () => {
    const client = createFakeClient(edge)
    await fulfilled(client.setClientRole('host'))
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    expect(edge.log[0]).toMatchObject({ type: 'join', role: 'host' })
  })

  it('leave() always resolves, clears the channel and uid, unpublishes, and emits LEAVE', async () => {
    const client = createFakeClient(edge, { role: 'host' })
    const states: unknown[][] = []
    const listener = (...args: unknown[]) => states.push(args)
    client.on('connection-state-change', listener)
    await expect(client.leave()).resolves.toBeUndefined() // not joined: still resolves
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await fulfilled(client.publish(createFakeLocalTrack('audio')))
    await expect(client.leave()).resolves.toBeUndefined()
    expect(client).toMatchObject({ connectionState: 'DISCONNECTED', uid: undefined, channelName: undefined })
    expect(client.localTracks).toEqual([])
    expect(states).toEqual([
      ['CONNECTING', 'DISCONNECTED', undefined],
      ['CONNECTED', 'CONNECTING', undefined],
      ['DISCONNECTING', 'CONNECTED', undefined],
      ['DISCONNECTED', 'DISCONNECTING', 'LEAVE'],
    ])
    client.off('connection-state-change', listener)
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    expect(states).toHaveLength(4)
    await client.leave()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('emits DISCONNECTED after a refused join and can join again', async () => {
    const client = createFakeClient(edge)
    const states: unknown[][] = []
    client.on('connection-state-change', (...args: unknown[]) => states.push(args))
    await rejection(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'other', uid: 42 }), 42))
    expect(states).toEqual([
      ['CONNECTING', 'DISCONNECTED', undefined],
      ['DISCONNECTED', 'CONNECTING', undefined],
    ])
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    expect(client.connectionState).toBe('CONNECTED')
  })

  it('refuses an edge that createLocalEdge did not make', () => {
    expect(() => createFakeClient({} as LocalEdge)).toThrow(TypeError)
  })
})

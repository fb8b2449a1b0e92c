import type { IAgoraRTCClient } from 'agora-rtc-sdk-ng'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  FakeAgoraRTCError,
  createFakeClient,
  createFakeLocalTrack,
  createFakeSdk,
  createLocalEdge,
  type FakeClient,
  type LocalEdge,
} from '../../../src/testing'
import { UNMODELLED_CLIENT_MEMBERS } from '../../../src/testing/FakeClient'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { fulfilled, mintAt, rejection, settled, track } from './helpers'

// Issue 19: what the differential test found the fake doing differently from agora-rtc-sdk-ng
// 4.24.8. The differential test (test/e2e/differential.test.ts) plays these against the real SDK
// too; these run without a browser.

const T0 = Date.UTC(2026, 10, 29, 8, 0, 0)

describe('the fake client, as agora-rtc-sdk-ng 4.24.8', () => {
  let edge: LocalEdge
  beforeEach(() => {
    useFakeClock(T0)
    edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
  })
  afterEach(() => useRealClock())

  it('is an IAgoraRTCClient for TypeScript; members it does not model throw, naming themselves', () => {
    expectTypeOf<FakeClient>().toExtend<IAgoraRTCClient>()
    const client: IAgoraRTCClient = createFakeClient(edge)
    expect(() => client.enableDualStream()).toThrow(/^FakeClient\.enableDualStream is not simulated/)
    expect(() => client.remoteUsers).toThrow(/^FakeClient\.remoteUsers is not simulated/)
    for (const name of UNMODELLED_CLIENT_MEMBERS.methods) {
      expect(() => (client as unknown as Record<string, () => unknown>)[name]?.()).toThrow(`FakeClient.${name} is not simulated`)
    }
    // Not own properties: printing or comparing a client reads none of them.
    expect(Object.keys(client)).not.toContain('remoteUsers')
  })

  it("errors have message, code, data, name as enumerable own properties, in the SDK's order", () => {
    const error = new FakeAgoraRTCError('INVALID_PARAMS', 'x')
    expect(Object.keys(error)).toEqual(['message', 'code', 'data', 'name'])
    expect(JSON.parse(JSON.stringify(error))).toEqual({ message: 'AgoraRTCError INVALID_PARAMS: x', code: 'INVALID_PARAMS', name: 'AgoraRTCException' })
  })

  it('join() runs the SDK\'s setAppId first: a TypeError for an app id that is not a string, before the token check', async () => {
    const client = createFakeClient(edge)
    const error = await rejection(client.join(123 as unknown as string, 'lobby', '', 42))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('e.replace is not a function')
    expect((await rejection(client.join(undefined as unknown as string, 'lobby', null))).message).toBe(
      "Cannot read properties of undefined (reading 'replace')",
    )
  })

  it('leave() resets the client at once and moves the state a few microtasks later; a join waits for it', async () => {
    const client = createFakeClient(edge)
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    const left = client.leave()
    expect(client.connectionState).toBe('CONNECTED')
    expect(client.uid).toBeUndefined()
    expect(client.channelName).toBeUndefined()
    const rejoin = track(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await left
    await settled(rejoin)
    expect(rejoin.status).toBe('fulfilled')
    expect(client.connectionState).toBe('CONNECTED')
  })

  // [left at, rejected at]: the first set of access points retries at 0, 500, 1250, 2375, 4062 ms
  // (floor(500 × 1.5^n)), the backup set starts at 1,000 ms; the join rejects once both noticed.
  it.each([
    [100, 1_000],
    [3_000, 4_062],
  ])('an offline join left at %i ms rejects at %i ms, leaving no timer', async (leftAt, rejectedAt) => {
    const client = createFakeClient(edge)
    edge.setOffline(true)
    const joining = track(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    await advance(leftAt, 100)
    await client.leave()
    await advance(rejectedAt - leftAt - 1, 1)
    expect(joining.status).toBe('pending')
    await advance(1, 1)
    await settled(joining)
    expect(joining.error).toMatchObject({ code: 'OPERATION_ABORTED' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('listeners as the SDK\'s EventEmitter: once, getListeners, removeAllListeners, this = the client, three arguments', async () => {
    const client = createFakeClient(edge)
    const seen: unknown[] = []
    const once = function (this: unknown, ...args: unknown[]) {
      seen.push(['once', this === client, args])
    }
    client.once('connection-state-change', once)
    client.on('connection-state-change', once) // already registered: stays a once
    expect(client.getListeners('connection-state-change')).toEqual([once])
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    expect(seen).toEqual([['once', true, ['CONNECTING', 'DISCONNECTED', undefined]]])
    expect(client.getListeners('connection-state-change')).toEqual([])
    client.on('token-privilege-will-expire', () => {})
    client.removeAllListeners()
    expect(client.getListeners('token-privilege-will-expire')).toEqual([])
  })

  it('logs a throwing listener as the SDK\'s safeEmit does, and goes on', async () => {
    const client = createFakeClient(edge)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const after: string[] = []
    client.on('connection-state-change', (state: string) => {
      throw new Error(`app bug at ${state}`)
    })
    client.on('connection-state-change', (state: string) => after.push(state))
    await fulfilled(client.join(APP_ID, 'lobby', await mintAt(edge, { channel: 'lobby', uid: 42 }), 42))
    expect(errors.mock.calls).toEqual([
      ['safeEmit event:connection-state-change error Error: app bug at CONNECTING'],
      ['safeEmit event:connection-state-change error Error: app bug at CONNECTED'],
    ])
    expect(after).toEqual(['CONNECTING', 'CONNECTED'])
    errors.mockRestore()
  })

  it('setClientRole checks its options with the SDK\'s words, after the role and before the mode', async () => {
    const client = createFakeClient(edge)
    expect((await rejection(client.setClientRole('audience', { level: 4 as 1 }))).message).toBe('AgoraRTCError INVALID_PARAMS: level can only be set as [1,2,3]')
    expect((await rejection(client.setClientRole('audience', { delay: 3001 } as unknown as { level: 1 }))).message).toBe(
      'AgoraRTCError INVALID_PARAMS: invalid delay: the value range is [0, 3000]. integer only',
    )
    expect((await rejection(client.setClientRole('host', { level: 1 }))).message).toBe('AgoraRTCError INVALID_OPERATION: host mode can not set audience latency level')
    const rtc = createFakeClient(edge, { mode: 'rtc' })
    expect((await rejection(rtc.setClientRole('host', { level: 7 as 1 }))).message).toMatch(/level can only be set/)
    expect((await rejection(rtc.setClientRole('host', { level: 1 }))).message).toBe('AgoraRTCError INVALID_OPERATION: rtc mode can not use setClientRole')
    // The role changes after the SDK awaited its gateway, not in the call.
    const setting = client.setClientRole('host')
    expect(client.role).toBe('audience')
    await setting
    expect(client.role).toBe('host')
  })

  it('publish checks each track: not a local track, then a disabled one (TRACK_IS_DISABLED), before "not joined"', async () => {
    const client = createFakeClient(edge, { role: 'host' })
    const audio = createFakeLocalTrack('audio')
    expect((await rejection(client.publish([audio, {} as typeof audio]))).message).toBe('AgoraRTCError INVALID_PARAMS: parameter is not local track')
    await audio.setEnabled(false)
    expect(audio.enabled).toBe(false)
    expect((await rejection(client.publish([audio]))).message).toBe(`AgoraRTCError TRACK_IS_DISABLED: can not publish a disabled track: ${audio.getTrackId()}`)
    await audio.setEnabled(true)
    expect((await rejection(client.publish(audio))).message).toBe("AgoraRTCError INVALID_OPERATION: Can't publish stream, haven't joined yet!")
    expect((await rejection(client.publish(null as unknown as typeof audio))).message).toBe(
      'AgoraRTCError INVALID_PARAMS: parameter is not local track or datachannel config, config is null',
    )
  })

  it('createClient() with no config makes an rtc vp8 client, as the SDK\'s default', () => {
    const client = createFakeSdk(edge).createClient()
    expect(client.mode).toBe('rtc')
    expect(client.role).toBe('host')
  })
})

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isSessionError } from '../../../src/errors'
import type { TokenRequest, TokenResponse } from '../../../src/store/TokenSource'
import { localTokenSource } from '../../../src/testing'
import { verifyToken } from '../../../src/accessToken2/verifyToken'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { fulfilled, rejection, settled, track } from './helpers'

const T0 = Date.UTC(2026, 10, 29, 8, 0, 0)
const T0_SEC = T0 / 1000
const signal = () => new AbortController().signal

describe('localTokenSource', () => {
  beforeEach(() => useFakeClock(T0))
  afterEach(() => useRealClock())

  it('mints real tokens issued at the server clock, and answers the server time', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, serverClockOffsetMs: 5_000 })
    const answer = (await fulfilled(source({ channel: 'lobby', uid: 42, role: 'subscriber' }, signal()))) as TokenResponse
    expect(answer.serverTime).toBe(T0 + 5_000)
    const claims = await verifyToken(answer.token, APP_CERTIFICATE)
    expect(claims).toMatchObject({ appId: APP_ID, issuedAt: T0_SEC + 5, expiresAt: T0_SEC + 5 + 3600 })
    // Privileges expire with the token, as Agora's guide advises.
    expect(claims.rtc).toEqual({ channel: 'lobby', uid: '42', privileges: { joinChannel: T0_SEC + 5 + 3600 } })
  })

  it('gives publisher tokens publish privileges, passes channel * through, honours expireSec', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, expireSec: 600 })
    const publisher = (await fulfilled(source({ channel: 'stage', uid: 'alice', role: 'publisher' }, signal()))) as TokenResponse
    expect((await verifyToken(publisher.token, APP_CERTIFICATE)).rtc).toMatchObject({
      uid: 'alice',
      privileges: { joinChannel: T0_SEC + 600, publishAudio: T0_SEC + 600, publishVideo: T0_SEC + 600, publishData: T0_SEC + 600 },
    })
    expect((await verifyToken(publisher.token, APP_CERTIFICATE)).expiresAt).toBe(T0_SEC + 600)
    const wildcard = (await fulfilled(
      source({ channel: '*', uid: 42, role: 'subscriber', expireSec: 120 }, signal()),
    )) as TokenResponse
    const claims = await verifyToken(wildcard.token, APP_CERTIFICATE)
    expect(claims.rtc?.channel).toBe('*')
    expect(claims.expiresAt).toBe(T0_SEC + 120)
  })

  it('records a copy of every request, failed ones included', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const request: TokenRequest = { channel: 'lobby', uid: 42, role: 'subscriber' }
    await fulfilled(source(request, signal()))
    request.channel = 'changed'
    source.setDown(true)
    await rejection(source({ channel: 'x', uid: 1, role: 'publisher', expireSec: 60 }, signal()))
    expect(source.requests).toEqual([
      { channel: 'lobby', uid: 42, role: 'subscriber' },
      { channel: 'x', uid: 1, role: 'publisher', expireSec: 60 },
    ])
  })

  it('setDown makes requests fail like an unreachable server, retryable', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    source.setDown(true)
    const error = await rejection(source({ channel: 'lobby', uid: 42, role: 'subscriber' }, signal()))
    expect(isSessionError(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'TOKEN_FETCH_FAILED',
      retryable: true,
      message: 'could not reach the token server (local source is down)',
    })
    source.setDown(false)
    await fulfilled(source({ channel: 'lobby', uid: 42, role: 'subscriber' }, signal()))
  })

  it('setFault makes requests fail like an HTTP error', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const request: TokenRequest = { channel: 'lobby', uid: 42, role: 'subscriber' }
    source.setFault({ status: 503, retryAfterMs: 7_000, message: 'maintenance' })
    expect(await rejection(source(request, signal()))).toMatchObject({
      code: 'TOKEN_FETCH_FAILED',
      status: 503,
      retryable: true,
      retryAfterMs: 7_000,
      serverMessage: 'maintenance',
    })
    for (const [status, retryable] of [[408, true], [429, true], [500, true], [401, false], [404, false]] as const) {
      source.setFault({ status })
      const error = await rejection(source(request, signal()))
      expect(error, String(status)).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status, retryable })
      expect((error as { retryAfterMs?: number }).retryAfterMs).toBeUndefined()
    }
    source.setFault(null)
    await fulfilled(source(request, signal()))
  })

  it('spends latencyMs on the scheduler', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, latencyMs: 2_000 })
    const answer = track(source({ channel: 'lobby', uid: 42, role: 'subscriber' }, signal()))
    await advance(1_999, 1_999)
    expect(answer.status).toBe('pending')
    await advance(1, 1)
    await settled(answer)
    expect(answer.status).toBe('fulfilled')
    expect((answer.value as TokenResponse).serverTime).toBe(T0 + 2_000)
  })

  it('an abort during the latency rejects with the reason and cancels the timer', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, latencyMs: 2_000 })
    const controller = new AbortController()
    const answer = track(source({ channel: 'lobby', uid: 42, role: 'subscriber' }, controller.signal))
    await advance(500)
    expect(vi.getTimerCount()).toBe(1)
    const reason = new Error('superseded')
    controller.abort(reason)
    await settled(answer)
    expect(answer).toMatchObject({ status: 'rejected', error: reason })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects at once with an AbortError for an already aborted signal', async () => {
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, latencyMs: 2_000 })
    const controller = new AbortController()
    controller.abort()
    const error = await rejection(source({ channel: 'lobby', uid: 42, role: 'subscriber' }, controller.signal))
    expect(error.name).toBe('AbortError')
    expect(source.requests).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })
})

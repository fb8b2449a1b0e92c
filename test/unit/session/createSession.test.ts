import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { NEVER } from 'rxjs'
import { createSession } from '../../../src/session/createSession'
import { createTokenStore } from '../../../src/store/createTokenStore'
import { isSessionError } from '../../../src/errors'
import { createFakeClient } from '../../../src/testing/createFakeClient'
import { createFakeSdk } from '../../../src/testing/createFakeSdk'
import type { FakeClient } from '../../../src/testing/FakeClient'
import { track } from '../testing/helpers'
import { createLocalEdge } from '../../../src/testing/createLocalEdge'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID, OTHER_APP_ID } from '../../support/fixtures'
import { harness } from '../../support/sessionHarness'

const HOUR = 3_600_000
const codeOf = (e: unknown) => (isSessionError(e) ? e.code : e)

describe('createSession', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('joins as audience with a wildcard subscriber token and stays 8 hours without an expiry', async () => {
    const t = harness()
    await t.session.join('lobby')
    expect(t.session.state).toEqual({ status: 'joined', channel: 'lobby', role: 'audience' })
    expect(t.source.requests[0]).toMatchObject({ channel: '*', uid: 42, role: 'subscriber' })
    await advance(8 * HOUR, 10_000)
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    const renewals = t.edgeLog('renew')
    expect(renewals.length).toBeGreaterThanOrEqual(8)
    expect(t.edgeLog('renew', false)).toHaveLength(0)
    expect(t.source.requests).toHaveLength(renewals.length + 1)
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it('reconnects on its own after the token server was down across the deadline', async () => {
    const t = harness()
    await t.session.join('lobby', { role: 'host' })
    const first = t.edgeLog('join')[0]!
    t.source.setDown(true)
    await advance(HOUR + 60_000, 10_000)
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(1)
    expect(t.session.state.status).toBe('reconnecting')
    expect(t.ofType('reconnecting').length).toBeGreaterThanOrEqual(1)
    t.source.setDown(false)
    await advance(60_000, 1_000)
    expect(t.session.state).toEqual({ status: 'joined', channel: 'lobby', role: 'host' })
    const joins = t.edgeLog('join')
    expect(joins).toHaveLength(2)
    expect(joins[1]!.channel).toBe(first.channel)
    expect(t.ofType('reconnected')[0]).toMatchObject({ channel: 'lobby', role: 'host', republishNeeded: true })
    await t.session.dispose()
  })

  it("renews at once on the SDK's will-expire instead of waiting for the next retry", async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    // Retries 10 minutes apart: the store's own next attempt would come after the deadline.
    const store = createTokenStore({ source, appId: APP_ID, wake$: NEVER, random: () => 0.5, retry: { baseDelayMs: 20 * 60_000, maxDelayMs: 20 * 60_000 } })
    const t = harness({ edge, store })
    await t.session.join('lobby')
    const joinedAt = Date.now()
    source.setDown(true)
    await advance(HOUR - 31_000, 10_000)
    source.setDown(false)
    expect(t.ofType('sdk-will-expire')).toHaveLength(0)
    expect(t.edgeLog('renew')).toHaveLength(0)
    await advance(2_000, 500)
    expect(t.ofType('sdk-will-expire')).toHaveLength(1)
    const renewed = t.edgeLog('renew')
    expect(renewed).toHaveLength(1)
    expect(renewed[0]!.at - joinedAt).toBe(HOUR - 30_000)
    await advance(HOUR, 10_000)
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    await t.session.dispose()
    store.dispose()
  })

  it("honours the token server's Retry-After even at the SDK's will-expire", async () => {
    const t = harness()
    await t.session.join('lobby')
    const joinedAt = Date.now()
    t.source.setFault({ status: 429, retryAfterMs: 20 * 60_000 })
    await advance(HOUR - 40_000, 10_000)
    const asked = t.source.requests.length
    t.source.setFault(null)
    await advance(20_000, 1_000)
    expect(t.ofType('sdk-will-expire')).toHaveLength(1)
    expect(t.source.requests).toHaveLength(asked) // no request before the server said
    const retryAfterEnds = t.ofType('renewal-failed').at(-1)!.at + 20 * 60_000
    await advance(retryAfterEnds - Date.now() + 1_000, 10_000)
    expect(t.source.requests.length).toBeGreaterThan(asked)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'lobby' })
    expect(joinedAt).toBeLessThan(retryAfterEnds)
    await t.session.dispose()
  })

  describe('refuses before calling client.join', () => {
    it.each([
      ['channel', { channel: 'elsewhere', uid: 42, appId: APP_ID }, /channel "elsewhere"/],
      ['uid', { channel: 'lobby', uid: 7, appId: APP_ID }, /uid "7"/],
      ['app id', { channel: 'lobby', uid: 42, appId: OTHER_APP_ID }, /app id/],
    ])('a token for another %s: TOKEN_MISMATCH', async (_what, mint, message) => {
      const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
      const client = createFakeClient(edge)
      const session = createSession({
        appId: APP_ID,
        client,
        uid: 42,
        audienceTokens: 'channel',
        wake$: NEVER,
        tokens: async () => mintToken({ ...mint, appCertificate: APP_CERTIFICATE, role: 'subscriber', expireSec: 3600 }),
      })
      const error = await session.join('lobby').catch((e: unknown) => e)
      expect(codeOf(error)).toBe('TOKEN_MISMATCH')
      expect((error as Error).message).toMatch(message)
      expect(client.calls.filter((c) => c.method === 'join')).toHaveLength(0)
      expect(session.state).toMatchObject({ status: 'failed', channel: null })
      await session.dispose()
    })

    it('an invalid channel name: INVALID_ARGUMENT without a token request', async () => {
      const t = harness()
      for (const channel of ['', 'a'.repeat(65), 'no/slash', '*']) {
        expect(codeOf(await t.session.join(channel).catch((e: unknown) => e))).toBe('INVALID_ARGUMENT')
      }
      expect(t.source.requests).toHaveLength(0)
      expect(t.client.calls).toHaveLength(0)
      await t.session.join('lobby')
      expect(t.session.state.status).toBe('joined')
      await t.session.dispose()
    })
  })

  it('gives up a join that hangs (offline) with JOIN_TIMEOUT and calls leave()', async () => {
    const t = harness({ session: { joinTimeoutMs: 10_000 } })
    t.edge.setOffline(true)
    const result = t.session.join('lobby').catch((e: unknown) => e)
    await advance(10_000)
    expect(codeOf(await result)).toBe('JOIN_TIMEOUT')
    expect(t.client.calls.map((c) => c.method)).toEqual(['join', 'leave'])
    expect(t.session.state.status).toBe('failed')
    t.edge.setOffline(false)
    // The SDK's join notices the leave at its next retry; the next join waits for that.
    const again = track(t.session.join('lobby'))
    await flushIO()
    expect(t.client.calls.map((c) => c.method)).toEqual(['join', 'leave'])
    await advance(10_000, 500)
    expect(again.status).toBe('fulfilled')
    expect(t.client.calls.map((c) => c.method)).toEqual(['join', 'leave', 'join'])
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it('maps UID_CONFLICT (two clients of one page, one uid) to JOIN_REJECTED with the SDK error as cause', async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const sdk = createFakeSdk(edge)
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const open = (client: FakeClient) => createSession({ appId: APP_ID, client, sdk, tokens: source, uid: 42, wake$: NEVER, random: () => 0.5 })
    const first = open(sdk.createClient({ mode: 'live', codec: 'vp8' }))
    const second = open(sdk.createClient({ mode: 'live', codec: 'vp8' }))
    await first.join('lobby')
    const error = await second.join('lobby').catch((e: unknown) => e)
    expect(codeOf(error)).toBe('JOIN_REJECTED')
    expect((error as Error & { cause: { code: string } }).cause.code).toBe('UID_CONFLICT')
    expect((error as { sdkCode?: string }).sdkCode).toBe('UID_CONFLICT')
    expect(first.state.status).toBe('joined')
    await first.dispose()
    await second.dispose()
  })

  it('ends in failed, without a rejoin, when another device joins with the same uid (UID_BANNED)', async () => {
    const t = harness()
    const other = harness({ edge: t.edge })
    await t.session.join('lobby')
    await other.session.join('lobby')
    await advance(60_000)
    expect(other.session.state.status).toBe('joined')
    expect(t.session.state.status).toBe('failed')
    const failure = t.session.state.status === 'failed' ? t.session.state.error : undefined
    expect(failure).toMatchObject({ code: 'JOIN_REJECTED', sdkCode: 'UID_BANNED' })
    expect(failure?.message).toContain('another client joined "lobby" with the same uid')
    expect(t.edgeLog('join')).toHaveLength(1)
    expect(t.edge.clientsIn('lobby')).toEqual([other.client.id])
    await t.session.dispose()
    await other.session.dispose()
  })

  it('fetches a fresh token once when Agora says the token expired, and joins', async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, serverClockOffsetMs: 2 * HOUR })
    const client = createFakeClient(edge)
    let calls = 0
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    // The first token comes from a server whose clock is 2 hours behind the edge's: dead on arrival at Agora.
    const session = createSession({
      appId: APP_ID,
      client,
      uid: 42,
      wake$: NEVER,
      tokens: async (request, signal) => (calls++ === 0 ? source(request, signal) : localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, serverClockOffsetMs: 2 * HOUR })(request, signal)),
    })
    await session.join('lobby')
    expect(calls).toBe(2)
    expect(edge.log.filter((r) => r.type === 'join').map((r) => r.ok)).toEqual([false, true])
    await session.dispose()
  })

  it('refuses an SDK older than 4.8 and switches wildcard tokens on', () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const base = { appId: APP_ID, client: createFakeClient(edge), uid: 42, tokens: () => Promise.resolve('') }
    const setParameter = vi.fn()
    expect(() => createSession({ ...base, sdk: { VERSION: '4.7.3', setParameter } })).toThrow(/4\.8/)
    try {
      createSession({ ...base, sdk: { VERSION: '4.7.3', setParameter } })
    } catch (e) {
      expect(codeOf(e)).toBe('UNSUPPORTED_SDK')
    }
    const session = createSession({ ...base, sdk: { VERSION: '4.24.8', setParameter } })
    expect(setParameter).toHaveBeenCalledWith('USE_NEW_TOKEN', true)
    void session.dispose()
    setParameter.mockClear()
    void createSession({ ...base, uid: 0, sdk: { VERSION: '4.24.8', setParameter } }).dispose()
    void createSession({ ...base, audienceTokens: 'channel', sdk: { VERSION: '4.24.8', setParameter } }).dispose()
    expect(setParameter).not.toHaveBeenCalled()
  })

  describe('dispose()', () => {
    it('in the middle of a join: the join rejects DISPOSED, no timers, no more client calls', async () => {
      const t = harness({ joinLatencyMs: 5_000 })
      const join = t.session.join('lobby').catch((e: unknown) => e)
      await advance(1_000)
      const disposing = t.session.dispose()
      await flushIO()
      await disposing
      expect(codeOf(await join)).toBe('DISPOSED')
      expect(vi.getTimerCount()).toBe(0)
      const calls = t.client.calls.length
      await advance(2 * HOUR, 60_000)
      expect(t.client.calls).toHaveLength(calls)
      expect(codeOf(await t.session.join('lobby').catch((e: unknown) => e))).toBe('DISPOSED')
      expect(t.edge.clientsIn('lobby')).toHaveLength(0)
    })

    it('in the middle of a renewal', async () => {
      const t = harness({ tokenLatencyMs: 5_000 })
      const join = t.session.join('lobby')
      await advance(5_000)
      await join
      const renewAt = (await new Promise<{ renewAt: number }>((r) => t.session.token$.subscribe((x) => x && r(x)))).renewAt
      await advance(renewAt - Date.now() + 1_000, 10_000)
      expect(t.source.requests).toHaveLength(2) // renewal in flight
      await t.session.dispose()
      expect(vi.getTimerCount()).toBe(0)
      const calls = t.client.calls.length
      await advance(HOUR, 60_000)
      expect(t.client.calls).toHaveLength(calls)
    })

    it('in the middle of a reconnect', async () => {
      const t = harness()
      await t.session.join('lobby')
      t.source.setDown(true)
      await advance(HOUR + 60_000, 10_000)
      expect(t.session.state.status).toBe('reconnecting')
      await t.session.dispose()
      expect(t.session.state.status).toBe('disposed')
      expect(vi.getTimerCount()).toBe(0)
      const calls = t.client.calls.length
      t.source.setDown(false)
      await advance(HOUR, 60_000)
      expect(t.client.calls).toHaveLength(calls)
    })
  })

  it('shares one wildcard token fetch and its renewals among three sessions on three clients', async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, coHostAuth: true })
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const store = createTokenStore({ source, appId: APP_ID, wake$: NEVER, random: () => 0.5 })
    const sessions = ['a', 'b', 'c'].map((channel) => ({ channel, ...harness({ edge, store }) }))
    await Promise.all(sessions.map((s) => s.session.join(s.channel)))
    expect(source.requests).toHaveLength(1)
    await advance(3 * HOUR, 10_000)
    for (const s of sessions) {
      expect(s.edgeLog('renew').length).toBe(source.requests.length - 1)
      expect(s.edgeLog('renew', false)).toHaveLength(0)
    }
    expect(source.requests.length).toBeGreaterThanOrEqual(3)
    expect(source.requests.length).toBeLessThanOrEqual(4)
    expect(edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    for (const s of sessions) await s.session.dispose()
    store.dispose()
  })

  it('stays joined an hour with 20-second tokens, renewing at most once per 10 s', async () => {
    const t = harness({ expireSec: 20 })
    await t.session.join('lobby')
    await advance(HOUR, 1_000)
    expect(t.session.state.status).toBe('joined')
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    const times = t.edgeLog('renew').map((r) => r.at)
    expect(times.length).toBeGreaterThan(300)
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(10_000)
    await t.session.dispose()
  })

  it('leave() leaves, releases the token and goes idle', async () => {
    const t = harness()
    await t.session.join('lobby')
    await t.session.leave()
    expect(t.session.state).toEqual({ status: 'idle', channel: null, role: 'audience' })
    expect(t.ofType('left')).toHaveLength(1)
    expect(t.edge.clientsIn('lobby')).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
    await t.session.dispose()
  })

  it('replays the current state to new subscribers and never shows a whole token in events', async () => {
    const t = harness()
    await t.session.join('lobby')
    const seen: string[] = []
    t.session.state$.subscribe((s) => seen.push(s.status)).unsubscribe()
    expect(seen).toEqual(['joined'])
    const token = t.client.calls.find((c) => c.method === 'join')!.args[2] as string
    expect(JSON.stringify(t.events)).not.toContain(token.slice(3, 30))
    await t.session.dispose()
  })
})

describe('createSession, other disconnects', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('says failed when Agora drops the client for another reason, and can join again', async () => {
    const t = harness()
    await t.session.join('lobby')
    t.edge.dropClient(t.client.id, 'UID_BANNED')
    await flushIO()
    expect(t.session.state).toMatchObject({ status: 'failed', channel: null })
    expect(t.session.state.error?.message).toMatch(/UID_BANNED/)
    await t.session.join('lobby')
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it('joining the channel it is already in as the same role changes nothing', async () => {
    const t = harness()
    await t.session.join('lobby')
    await t.session.join('lobby')
    expect(t.client.calls.filter((c) => c.method === 'join')).toHaveLength(1)
    await t.session.dispose()
  })
})

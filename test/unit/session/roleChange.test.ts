import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import type { SessionClient } from '../../../src/session/SessionClient'
import { FakeAgoraRTCError } from '../../../src/testing/FakeAgoraRTCError'
import { createFakeClient } from '../../../src/testing/createFakeClient'
import { createFakeLocalTrack } from '../../../src/testing/createFakeLocalTrack'
import { decodeToken } from '../../../src/token/decodeToken'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import type { TokenSource } from '../../../src/store/TokenSource'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { harness } from '../../support/sessionHarness'

const codeOf = (e: unknown) => (isSessionError(e) ? e.code : e)
const HOUR = 3_600_000

/** The client with one method replaced, the rest (getters included) passed through. */
function withFailing(client: SessionClient, method: 'setClientRole' | 'renewToken', fail: (arg: unknown) => boolean): SessionClient {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === method) {
        return (arg: never) => (fail(arg) ? Promise.reject(new FakeAgoraRTCError('UNEXPECTED_RESPONSE', 'ERR_NO_AUTHORIZED: ', { code: 110, data: { error_code: 110, error_str: '' }, desc: 'ERR_NO_AUTHORIZED' })) : target[method](arg))
      }
      return Reflect.get(target, key, receiver) as unknown
    },
  })
}

describe('upgradeToHost', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('renews with a publisher token for this channel and uid before setClientRole(host); publishing then works', async () => {
    const t = harness({ coHostAuth: true })
    await t.session.join('stage')
    await t.session.upgradeToHost()
    const steps = t.edge.log.filter((r) => r.type === 'renew' || r.type === 'set-role')
    expect(steps.map((r) => [r.type, r.ok, r.role ?? null])).toEqual([
      ['renew', true, null],
      ['set-role', true, 'host'],
    ])
    const claims = await decodeToken(steps[0]!.token!)
    expect(claims.rtc).toMatchObject({ channel: 'stage', uid: '42' })
    expect(claims.rtc?.privileges.publishAudio).toBeDefined()
    expect(t.source.requests.at(-1)).toEqual({ channel: 'stage', uid: 42, role: 'publisher' })
    await t.client.publish([createFakeLocalTrack('audio'), createFakeLocalTrack('video')])
    expect(t.edge.log.filter((r) => r.type === 'publish').map((r) => r.ok)).toEqual([true])
    expect(t.session.state).toEqual({ status: 'joined', channel: 'stage', role: 'host' })
    expect(t.ofType('role-changed')).toMatchObject([{ from: 'audience', to: 'host' }])
    await t.session.dispose()
  })

  it('with the token server down: stays audience, still joined, clear error', async () => {
    const t = harness({ coHostAuth: true })
    await t.session.join('stage')
    t.source.setDown(true)
    const error = await t.session.upgradeToHost().catch((e: unknown) => e)
    expect(codeOf(error)).toBe('ROLE_CHANGE_FAILED')
    expect(error).toMatchObject({ step: 'fetch-token' })
    expect((error as Error).message).toMatch(/publisher token.*still audience.*token server/s)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'stage', role: 'audience' })
    expect(t.edge.channelsOf(t.client.id)).toEqual(['stage'])
    expect(t.client.calls.filter((c) => c.method === 'setClientRole')).toHaveLength(0)
    t.source.setDown(false)
    await t.session.upgradeToHost()
    expect(t.session.state.role).toBe('host')
    await t.session.dispose()
  })

  it('with setClientRole refused: the subscriber token is back at the edge and the role is audience', async () => {
    const t = harness({ coHostAuth: true })
    const client = withFailing(t.client, 'setClientRole', (role) => role === 'host')
    const h = harness({ edge: t.edge, session: { client } })
    await h.session.join('stage')
    const joinToken = t.client.calls.find((c) => c.method === 'join')!.args[2] as string
    const error = await h.session.upgradeToHost().catch((e: unknown) => e)
    expect(codeOf(error)).toBe('ROLE_CHANGE_FAILED')
    expect(error).toMatchObject({ step: 'set-client-role' })
    const renewals = t.edge.log.filter((r) => r.type === 'renew' && r.clientId === t.client.id)
    expect(renewals).toHaveLength(2)
    expect(renewals[1]!.token).toBe(joinToken)
    expect((await decodeToken(renewals[1]!.token!)).rtc?.privileges.publishAudio).toBeUndefined()
    expect(h.session.state).toMatchObject({ status: 'joined', channel: 'stage', role: 'audience' })
    expect(t.client.role).toBe('audience')
    await h.session.dispose()
    await t.session.dispose()
  })

  it('with renewToken refused: the previous token goes back and the error names the step', async () => {
    const t = harness({ coHostAuth: true })
    let refuse = true
    const client = withFailing(t.client, 'renewToken', () => refuse && !(refuse = false))
    const h = harness({ edge: t.edge, session: { client } })
    await h.session.join('stage')
    const error = await h.session.upgradeToHost().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ROLE_CHANGE_FAILED', step: 'renew-token' })
    expect(h.session.state).toMatchObject({ status: 'joined', role: 'audience' })
    await h.session.dispose()
    await t.session.dispose()
  })

  it('refuses a publisher token without publish privileges: PRIVILEGE_MISSING', async () => {
    const t = harness({ coHostAuth: true })
    const local = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const tokens: TokenSource = async (request, signal) =>
      request.role === 'publisher'
        ? mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: request.channel, uid: request.uid, role: 'subscriber', expireSec: 3600, issuedAt: Math.floor(Date.now() / 1000) })
        : local(request, signal)
    const h = harness({ edge: t.edge, session: { client: createFakeClient(t.edge), tokens } })
    await h.session.join('stage')
    expect(codeOf(await h.session.upgradeToHost().catch((e: unknown) => e))).toBe('PRIVILEGE_MISSING')
    expect(h.session.state).toMatchObject({ status: 'joined', role: 'audience' })
    await h.session.dispose()
    await t.session.dispose()
  })

  it("refuses in 'rtc' mode with a clear error", async () => {
    const t = harness({ mode: 'rtc' })
    await t.session.join('call')
    const error = await t.session.upgradeToHost().catch((e: unknown) => e)
    expect(codeOf(error)).toBe('ROLE_CHANGE_FAILED')
    expect((error as Error).message).toMatch(/'rtc' mode/)
    // In rtc mode everyone publishes: the session joined as host, with a publisher token.
    expect(t.session.state).toMatchObject({ status: 'joined', role: 'host' })
    expect(t.source.requests[0]).toMatchObject({ channel: 'call', role: 'publisher' })
    await t.session.dispose()
  })

  it('refuses before joining', async () => {
    const t = harness()
    expect(codeOf(await t.session.upgradeToHost().catch((e: unknown) => e))).toBe('ROLE_CHANGE_FAILED')
    await t.session.dispose()
  })

  it('renews a host before the earliest privilege (publish expiring before join)', async () => {
    const t = harness({ coHostAuth: true })
    const local = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const tokens: TokenSource = async (request, signal) =>
      request.role === 'publisher'
        ? mintToken({
            appId: APP_ID,
            appCertificate: APP_CERTIFICATE,
            channel: request.channel,
            uid: request.uid,
            expireSec: 3600,
            privileges: { joinChannel: 3600, publishAudio: 1200, publishVideo: 1200, publishData: 1200 },
            issuedAt: Math.floor(Date.now() / 1000),
          })
        : local(request, signal)
    const h = harness({ edge: t.edge, session: { client: createFakeClient(t.edge), tokens } })
    await h.session.join('stage', { role: 'host' })
    await advance(3 * HOUR, 10_000)
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    const joinedAt = t.edge.log.find((r) => r.type === 'join' && r.ok)!.at
    const renewTimes = t.edge.log.filter((r) => r.type === 'renew' && r.ok).map((r) => r.at)
    expect(renewTimes[0]! - joinedAt).toBeLessThan(20 * 60_000) // before the publish privileges die
    expect(renewTimes.length).toBeGreaterThanOrEqual(9) // every < 20 minutes, not every hour
    expect(h.session.state).toMatchObject({ status: 'joined', role: 'host' })
    await h.session.dispose()
    await t.session.dispose()
  })
})

describe('downgradeToAudience', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('unpublishes, sets audience, goes back to the cached wildcard token and releases the publisher token', async () => {
    const t = harness({ coHostAuth: true })
    await t.session.join('stage')
    const wildcardToken = t.client.calls.find((c) => c.method === 'join')!.args[2] as string
    await t.session.upgradeToHost()
    await t.client.publish([createFakeLocalTrack('audio')])
    await t.session.downgradeToAudience()
    const order = t.client.calls.map((c) => c.method).slice(-3)
    expect(order).toEqual(['unpublish', 'setClientRole', 'renewToken'])
    expect(t.client.calls.at(-1)!.args[0]).toBe(wildcardToken)
    // ... and the edge accepted each step, the wildcard subscriber token last.
    const atEdge = t.edge.log.filter((r) => ['unpublish', 'set-role', 'renew'].includes(r.type)).slice(-3)
    expect(atEdge.map((r) => [r.type, r.ok])).toEqual([
      ['unpublish', true],
      ['set-role', true],
      ['renew', true],
    ])
    expect(atEdge[2]!.token).toBe(wildcardToken)
    expect(t.session.state).toEqual({ status: 'joined', channel: 'stage', role: 'audience' })
    expect(t.source.requests).toHaveLength(2) // the wildcard token came from the cache
    const publisherRequests = () => t.source.requests.filter((r) => r.role === 'publisher').length
    await advance(3 * HOUR, 60_000)
    expect(publisherRequests()).toBe(1) // released: never renewed
    expect(t.ofType('role-changed').map((e) => e.to)).toEqual(['host', 'audience'])
    await t.session.dispose()
  })
})

describe('downgradeToAudience when the subscriber token cannot be had', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('stays audience on the publisher token, says so, and returns to a subscriber token at the next renewal', async () => {
    const t = harness({ coHostAuth: true })
    await t.session.join('lobby')
    await t.session.upgradeToHost()
    await advance(70 * 60_000, 10_000) // the cached wildcard token lapsed while hosting
    t.source.setDown(true)
    await t.session.downgradeToAudience()
    expect(t.session.state).toMatchObject({ status: 'joined', role: 'audience' })
    expect(t.ofType('error').at(-1)?.message).toMatch(/still on the publisher token/)
    t.source.setDown(false)
    await advance(3 * HOUR, 10_000)
    const current = await new Promise<{ claims: { rtc?: { channel: string; privileges: { publishAudio?: number } } } }>((resolve) =>
      t.session.token$.subscribe((x) => x && resolve(x)),
    )
    expect(current.claims.rtc?.channel).toBe('*')
    expect(current.claims.rtc?.privileges.publishAudio).toBeUndefined()
    const publisherAfter = t.source.requests.filter((r) => r.role === 'publisher')
    expect(publisherAfter.length).toBeLessThanOrEqual(3)
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    await t.session.dispose()
  })
})

describe('commands that overlap', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('an upgrade during a switch waits for it and upgrades in the new channel', async () => {
    const t = harness({ coHostAuth: true, joinLatencyMs: 300 })
    const joined = t.session.join('a')
    await advance(300, 100)
    await joined
    const switching = t.session.switchChannel('b')
    const upgrading = t.session.upgradeToHost()
    await advance(1_000, 100)
    await switching
    await upgrading
    expect(t.session.state).toEqual({ status: 'joined', channel: 'b', role: 'host' })
    expect(t.source.requests.at(-1)).toEqual({ channel: 'b', uid: 42, role: 'publisher' })
    await t.session.dispose()
  })

  it('leave during an upgrade: the upgrade rejects SUPERSEDED and the session is idle', async () => {
    const t = harness({ coHostAuth: true, tokenLatencyMs: 500 })
    const joined = t.session.join('a')
    await advance(500, 100)
    await joined
    const upgrading = t.session.upgradeToHost().catch(codeOf)
    await advance(100, 50)
    const leaving = t.session.leave()
    await advance(1_000, 100)
    await leaving
    expect(await upgrading).toBe('SUPERSEDED')
    expect(t.session.state).toEqual({ status: 'idle', channel: null, role: 'audience' })
    expect(t.edge.channelsOf(t.client.id)).toEqual([])
    await t.session.dispose()
  })
})

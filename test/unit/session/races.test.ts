import { NEVER } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { createTokenStore } from '../../../src/store/createTokenStore'
import { createLocalEdge } from '../../../src/testing/createLocalEdge'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { decodeToken } from '../../../src/token/decodeToken'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { harness } from '../../support/sessionHarness'

const HOUR = 3_600_000
const codeOf = (e: unknown) => (isSessionError(e) ? e.code : e)

describe('session races and recoveries', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it("an old channel's expiry during a switch does not start a reconnect after it", async () => {
    const t = harness({ tokenLatencyMs: 2_000 })
    const joined = t.session.join('a', { role: 'host' })
    await advance(2_000, 100)
    await joined
    const switching = t.session.switchChannel('b')
    await advance(500, 100) // the publisher token for b is on its way
    t.edge.dropClient(t.client.id, 'TOKEN_EXPIRE')
    await advance(10_000, 100)
    await switching
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'b', role: 'host' })
    expect(t.ofType('reconnecting')).toHaveLength(0)
    expect(t.client.calls.filter((c) => c.method === 'join')).toHaveLength(2)
    await t.session.dispose()
  })

  it('a drop for a ban during a command is reported once the command ends', async () => {
    const t = harness({ tokenLatencyMs: 2_000 })
    const joined = t.session.join('a')
    await advance(2_000, 100)
    await joined
    const upgrading = t.session.upgradeToHost().catch(codeOf)
    await advance(500, 100)
    t.edge.dropClient(t.client.id, 'UID_BANNED')
    await advance(5_000, 100)
    expect(await upgrading).toBe('ROLE_CHANGE_FAILED')
    expect(t.session.state).toMatchObject({ status: 'failed', channel: null })
    expect(t.session.state.error?.message).toMatch(/UID_BANNED/)
    await t.session.dispose()
  })

  it.each([
    ['a TOKEN_EXPIRE disconnect that came without did-expire', 'TOKEN_EXPIRE', 'token-expired'],
    ['a network disconnect', 'NETWORK_ERROR', 'disconnected'],
  ])('rejoins after %s', async (_what, reason, reported) => {
    const t = harness()
    await t.session.join('a')
    t.edge.dropClient(t.client.id, reason)
    await advance(5_000, 100)
    expect(t.ofType('reconnecting')[0]).toMatchObject({ reason: reported })
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'a' })
    expect(t.edge.channelsOf(t.client.id)).toEqual(['a'])
    await t.session.dispose()
  })

  it('keeps trying to reconnect through a permanent token-server refusal, and rejoins when it lifts', async () => {
    const t = harness()
    await t.session.join('a')
    t.source.setFault({ status: 403, message: 'not now' })
    await advance(HOUR + 60_000, 10_000)
    expect(t.session.state.status).toBe('reconnecting')
    const requests = t.source.requests.length
    await advance(10 * 60_000, 1_000)
    // Paced by the reconnect backoff (full jitter up to 30 s; 15 s with random 0.5), not a storm.
    expect(t.source.requests.length - requests).toBeLessThanOrEqual(45)
    expect(t.source.requests.length - requests).toBeGreaterThanOrEqual(10)
    t.source.setFault(null)
    await advance(60_000, 1_000)
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'a' })
    await t.session.dispose()
  })

  it('fails a reconnect with DISPOSED when the shared store is disposed under it', async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const store = createTokenStore({ source, appId: APP_ID, wake$: NEVER })
    const t = harness({ edge, store })
    await t.session.join('a')
    source.setDown(true)
    await advance(HOUR + 60_000, 10_000)
    expect(t.session.state.status).toBe('reconnecting')
    store.dispose()
    await advance(60_000, 1_000)
    expect(t.session.state).toMatchObject({ status: 'failed', channel: null })
    expect(t.session.state.error?.code).toBe('DISPOSED')
    await t.session.dispose()
  })

  it('downgrades to a subscriber token even where a publisher token for the channel is cached', async () => {
    const t = harness({ session: { audienceTokens: 'channel' } })
    await t.session.join('a', { role: 'host' })
    await t.session.downgradeToAudience()
    const renewed = t.client.calls.filter((c) => c.method === 'renewToken').at(-1)!.args[0] as string
    expect((await decodeToken(renewed)).rtc?.privileges.publishAudio).toBeUndefined()
    expect(t.source.requests.map((r) => r.role)).toEqual(['publisher', 'subscriber'])
    await t.session.dispose()
  })

  it('keeps wildcard tokens on when a channel token is refused too (the cause was elsewhere)', async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: 'ffffffffffffffffffffffffffffffff' })
    const t = harness({ edge })
    expect(codeOf(await t.session.join('a').catch((e: unknown) => e))).toBe('TOKEN_INVALID')
    expect(t.ofType('wildcard-refused')).toHaveLength(0)
    const next = harness({ edge, session: { audienceTokens: 'wildcard' } })
    expect(await next.session.join('b').catch(codeOf)).toBe('TOKEN_INVALID')
    expect(next.source.requests[0]).toMatchObject({ channel: '*' })
    await t.session.dispose()
    await next.session.dispose()
  })

  it('switchChannel after a queued upgrade switches as host', async () => {
    const t = harness()
    await t.session.join('a')
    const upgrading = t.session.upgradeToHost()
    const switching = t.session.switchChannel('b')
    await flushIO()
    await upgrading
    await switching
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'b', role: 'host' })
    expect(t.source.requests.at(-1)).toEqual({ channel: 'b', uid: 42, role: 'publisher' })
    await t.session.dispose()
  })

  it('after a forced renewal (Agora said expired), never hands the SDK the older token', async () => {
    const edge = createLocalEdge({ appId: APP_ID, appCertificate: APP_CERTIFICATE, serverClockOffsetMs: 2 * HOUR })
    let calls = 0
    const behind = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
    const inTime = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE, serverClockOffsetMs: 2 * HOUR })
    const t = harness({ edge, session: { tokens: (request, signal) => (calls++ === 0 ? behind(request, signal) : inTime(request, signal)) } })
    await t.session.join('lobby')
    await advance(10 * 60_000, 10_000)
    expect(calls).toBe(2)
    expect(t.edge.log.filter((r) => r.type === 'renew' && !r.ok)).toHaveLength(0)
    expect(t.ofType('error')).toHaveLength(0)
    await t.session.dispose()
  })
})

describe('token store clock guess without a server time', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('renews a token the server had cached by its real deadline, not as if new', async () => {
    const { mintToken } = await import('../../../src/accessToken2/mintToken')
    const issuedAt = Math.floor(Date.now() / 1000) - 3000 // 50 minutes old, 10 minutes left
    const store = createTokenStore({
      source: async () => mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: '*', uid: 42, role: 'subscriber', expireSec: 3600, privilegeExpireSec: 3600, issuedAt }),
      wake$: NEVER,
    })
    const token = await store.get({ channel: '*', uid: 42, role: 'subscriber' })
    expect(token.expiresAt).toBe((issuedAt + 3600) * 1000)
    expect(token.renewAt).toBeLessThan(token.expiresAt - 60_000)
    store.dispose()
  })

  it('trusts the issue time when the local clock is hours off', async () => {
    const { mintToken } = await import('../../../src/accessToken2/mintToken')
    for (const offsetMs of [12 * HOUR, -12 * HOUR]) {
      const serverNowSec = Math.floor((Date.now() + offsetMs) / 1000)
      const store = createTokenStore({
        source: async () => mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: '*', uid: 42, role: 'subscriber', expireSec: 3600, privilegeExpireSec: 3600, issuedAt: serverNowSec }),
        wake$: NEVER,
      })
      const token = await store.get({ channel: '*', uid: 42, role: 'subscriber' })
      expect(Math.abs(token.expiresAt - (Date.now() + HOUR))).toBeLessThan(1_000)
      store.dispose()
    }
  })
})

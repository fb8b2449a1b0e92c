import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { NEVER } from 'rxjs'
import type { SDK_MODE } from 'agora-rtc-sdk-ng'
import { createSession } from '../../../src/session/createSession'
import { isSessionError } from '../../../src/errors'
import type { SessionEvent } from '../../../src/events'
import { localTokenSource } from '../../../src/testing/localTokenSource'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { sdkError, sdkShapedClient } from '../../support/sdkShapedClient'
import { track } from '../testing/helpers'

// The session against a hand-written client that throws and emits exactly what
// agora-rtc-sdk-ng 4.24.8 throws and emits (not only against our own fake).

function rig(mode: SDK_MODE = 'live', joinTimeoutMs?: number) {
  const sdk = sdkShapedClient(mode)
  const source = localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE })
  const session = createSession({
    appId: APP_ID,
    client: sdk.client,
    tokens: source,
    uid: 42,
    wake$: NEVER,
    random: () => 0.5,
    ...(joinTimeoutMs === undefined ? {} : { joinTimeoutMs }),
  })
  const events: SessionEvent[] = []
  session.events$.subscribe((e) => events.push(e))
  const ofType = <T extends SessionEvent['type']>(type: T) =>
    events.filter((e): e is Extract<SessionEvent, { type: T }> => e.type === type)
  return { ...sdk, source, session, events, ofType }
}

/** Moves the clock until the session hands the SDK a renewed token (the store renews well before the hour). */
async function untilRenewal(t: ReturnType<typeof rig>): Promise<void> {
  const before = t.callsOf('renewToken').length
  for (let waited = 0; t.callsOf('renewToken').length === before && waited < 3_600_000; waited += 10_000) await advance(10_000, 1_000)
  expect(t.callsOf('renewToken').length).toBeGreaterThan(before)
}

/**
 * Joins, hands the SDK a renewed token, and the connection goes while the SDK's `renewToken`
 * is on its way: it waits (for the reconnection), until the test settles the returned promise.
 */
async function renewalDuringReconnect(t: ReturnType<typeof rig>) {
  await t.session.join('lobby')
  const held = deferred()
  t.steps.renewToken = () => held.promise
  await untilRenewal(t)
  t.state('RECONNECTING')
  return held
}

/** A promise that settles only when the test says so. */
function deferred<T = void>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('session against SDK-shaped errors and events', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  describe('renewToken refusals map by code, data.code and the access point number', () => {
    const cases: [string, Error, string][] = [
      // The server's code is module × 10,000 + number: UNILBS (201) NO_AUTHORIZED (9) is 2010009.
      ['USE_NEW_TOKEN, invalid', sdkError('UPDATE_TICKET_FAILED', '[2010009]: invalid token, authorized failed', { retry: false }), 'TOKEN_INVALID'],
      ['USE_NEW_TOKEN, expired', sdkError('UPDATE_TICKET_FAILED', '[2010013]: dynamic key expired', { retry: false }), 'TOKEN_EXPIRED'],
      ['USE_NEW_TOKEN, timeout', sdkError('UPDATE_TICKET_FAILED', '[2010010]: dynamic key or token timeout', { retry: false }), 'TOKEN_EXPIRED'],
      // By number alone: a desc the SDK did not know ("unknown error") still maps.
      ['USE_NEW_TOKEN, by number', sdkError('UPDATE_TICKET_FAILED', '[2010014]: unknown error', { retry: false }), 'TOKEN_INVALID'],
      ['USE_NEW_TOKEN, another module', sdkError('UPDATE_TICKET_FAILED', '[1010009]: unknown error', { retry: false }), 'JOIN_REJECTED'],
      // The gateway's error_str comes from Agora's servers; the SDK builds the message as `${desc}: ${error_str}`.
      ['gateway, 110', sdkError('UNEXPECTED_RESPONSE', 'ERR_NO_AUTHORIZED: ', { code: 110, data: {}, desc: 'ERR_NO_AUTHORIZED' }), 'TOKEN_INVALID'],
      ['gateway, 118', sdkError('UNEXPECTED_RESPONSE', 'ERR_DYNAMIC_KEY_EXPIRED: ', { code: 118, data: {}, desc: 'ERR_DYNAMIC_KEY_EXPIRED' }), 'TOKEN_EXPIRED'],
      ['gateway, 109', sdkError('UNEXPECTED_RESPONSE', 'ERR_DYNAMIC_KEY_TIMEOUT: ', { code: 109, data: {}, desc: 'ERR_DYNAMIC_KEY_TIMEOUT' }), 'TOKEN_EXPIRED'],
    ]
    it.each(cases)('%s', async (_name, refusal, code) => {
      const t = rig()
      await t.session.join('lobby')
      t.steps.renewToken = () => Promise.reject(refusal)
      await untilRenewal(t)
      await flushIO()
      const errors = t.ofType('error')
      expect(errors.map((e) => e.code)).toContain(code)
      expect(errors.every((e) => !e.message.includes(String(t.callsOf('renewToken')[0]!.args[0])))).toBe(true)
      expect(t.session.state.status).toBe('joined')
      await t.session.dispose()
    })
  })

  it("joins a 'p2p' client without setClientRole, as a host", async () => {
    const t = rig('p2p')
    await t.session.join('lobby')
    expect(t.callsOf('setClientRole')).toHaveLength(0)
    expect(t.session.state).toEqual({ status: 'joined', channel: 'lobby', role: 'host' })
    await expect(t.session.downgradeToAudience()).rejects.toMatchObject({ code: 'ROLE_CHANGE_FAILED', message: expect.stringContaining("'p2p' mode") })
    expect(t.callsOf('setClientRole')).toHaveLength(0)
    await t.session.dispose()
  })

  it.each([
    ['UID_BANNED', 'another client joined "lobby" with the same uid'],
    ['LICENSE_EXPIRED', 'LICENSE_EXPIRED'],
    ['LICENSE_MISSING', 'LICENSE_MISSING'],
    ['IP_BANNED', 'IP address was banned'],
    ['CHANNEL_BANNED', 'channel "lobby" was banned'],
  ])('ends in failed without a rejoin when the SDK disconnects with %s', async (reason, words) => {
    const t = rig()
    await t.session.join('lobby')
    t.state('DISCONNECTING')
    t.state('DISCONNECTED', reason)
    await advance(60_000, 1_000)
    expect(t.callsOf('join')).toHaveLength(1)
    expect(t.session.state.status).toBe('failed')
    const failure = t.session.state.status === 'failed' ? t.session.state.error : undefined
    expect(failure?.message).toContain(words)
    expect(failure?.message).toContain(reason)
    expect(failure?.sdkCode).toBe(reason)
    await t.session.dispose()
  })

  it('rejoins after NETWORK_ERROR (a reason rejoining can fix)', async () => {
    const t = rig()
    await t.session.join('lobby')
    t.state('DISCONNECTED', 'NETWORK_ERROR')
    await advance(10_000, 500)
    expect(t.callsOf('join')).toHaveLength(2)
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it('times out at joinTimeoutMs while the SDK join still unwinds, and the next join waits for it', async () => {
    const t = rig('live', 5_000)
    const stuck = deferred<number>()
    t.steps.join = async () => {
      t.state('CONNECTING')
      return stuck.promise
    }
    // The SDK's leave() resolves at once; its join rejects only when its retry loop wakes.
    const first = track(t.session.join('lobby'))
    await advance(4_999, 1)
    expect(first.status).toBe('pending')
    await advance(1, 1)
    await flushIO()
    expect(first.status).toBe('rejected')
    expect(isSessionError(first.error) && first.error.code).toBe('JOIN_TIMEOUT')
    expect(t.callsOf('leave')).toHaveLength(1)

    t.steps.join = async (_appId, _channel, _token, uid) => {
      t.state('CONNECTING')
      t.state('CONNECTED')
      return uid ?? 1
    }
    const second = track(t.session.join('lobby'))
    await advance(1_000, 100)
    expect(t.callsOf('join')).toHaveLength(1) // waits for the first to unwind
    stuck.reject(sdkError('OPERATION_ABORTED', 'cancel token canceled'))
    await advance(100, 10)
    expect(t.callsOf('join')).toHaveLength(2)
    expect(second.status).toBe('fulfilled')
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it('a renewal caught by RECONNECTING waits for the reconnection and reports nothing', async () => {
    const t = rig()
    const reconnected = await renewalDuringReconnect(t)
    await advance(5_000, 100)
    expect(t.callsOf('renewToken')).toHaveLength(1)
    expect(t.session.state.status).toBe('reconnecting')
    t.state('CONNECTED')
    reconnected.resolve()
    await advance(1_000, 100)
    expect(t.ofType('error')).toHaveLength(0)
    expect(t.ofType('token-renewed').length).toBeGreaterThanOrEqual(1)
    expect(t.callsOf('join')).toHaveLength(1)
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it('hands no renewed token to a RECONNECTING SDK: it goes over once the SDK is back, and a switch meanwhile goes ahead', async () => {
    const t = rig()
    await t.session.join('lobby')
    t.state('RECONNECTING')
    expect(t.session.state).toMatchObject({ status: 'reconnecting', channel: 'lobby' })
    expect(t.ofType('reconnecting')).toMatchObject([{ channel: 'lobby', reason: 'network', attempt: 1 }])
    await advance(3_600_000 - 60_000, 10_000) // past every renewal time of the 1-hour token
    expect(t.callsOf('renewToken')).toHaveLength(0)
    t.state('CONNECTED')
    await advance(1_000, 100)
    expect(t.callsOf('renewToken')).toHaveLength(1)
    expect(t.ofType('reconnected')).toMatchObject([{ channel: 'lobby', republishNeeded: false }])
    expect(t.session.state.status).toBe('joined')
    expect(t.callsOf('join')).toHaveLength(1) // no rejoin
    await t.session.dispose()
  })

  // 4.24.8: when the SDK gives up reconnecting it resets the client, then the waiting renewal's
  // WS_ABORT reaches renewToken, whose restore of the old token throws a TypeError instead.
  it.each([
    ['TypeError, as 4.24.8 throws it', () => new TypeError("Cannot set properties of undefined (setting 'token')")],
    ['WS_ABORT', () => sdkError('WS_ABORT', '')],
  ])('a renewal lost with the connection (%s) leaves the rejoin to the disconnect, with the newest token and no error', async (_name, lostWith) => {
    const t = rig()
    const lost = await renewalDuringReconnect(t)
    const handed = t.callsOf('renewToken')[0]!.args[0]
    t.state('DISCONNECTED', 'NETWORK_ERROR')
    lost.reject(lostWith())
    await advance(10_000, 500)
    expect(t.ofType('error')).toHaveLength(0)
    const joins = t.callsOf('join')
    expect(joins).toHaveLength(2)
    expect(joins[1]!.args[2]).toBe(handed)
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })

  it("handles the SDK's expiry order: DISCONNECTING, DISCONNECTED (TOKEN_EXPIRE), then did-expire", async () => {
    const t = rig()
    await t.session.join('lobby')
    t.state('DISCONNECTING')
    t.state('DISCONNECTED', 'TOKEN_EXPIRE')
    t.emit('token-privilege-did-expire')
    await advance(10_000, 500)
    expect(t.callsOf('join')).toHaveLength(2)
    expect(t.ofType('sdk-did-expire')).toHaveLength(1)
    expect(t.session.state.status).toBe('joined')
    await t.session.dispose()
  })
})

/**
 * An app's own token tests, written the way the README tells apps to write them: the package by
 * its name, plain `vi.useFakeTimers()`, time moved with `vi.advanceTimersByTimeAsync`, nothing
 * stubbed and nothing from this repository's test/ folder.
 */
import { createSession, decodeToken, type SessionEvent } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const appId = 'my-test-app'
const appCertificate = 'my-test-certificate'
const HOUR = 3_600_000

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** The app's own little setup: an edge with co-host authentication, a token server, one client. */
function setUp() {
  const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true, joinLatencyMs: 300 })
  const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80 })
  const client = createFakeClient(edge)
  const session = createSession({ appId, uid: 42, client, tokens })
  const events: SessionEvent[] = []
  session.events$.subscribe((event) => events.push(event))
  const count = (type: SessionEvent['type']): number => events.filter((event) => event.type === type).length
  return { edge, tokens, client, session, count }
}

describe('an app testing its token logic on a fake clock', () => {
  it('stays in the channel for a day on 1-hour tokens, an hour at a time', async () => {
    const { edge, tokens, client, session, count } = setUp()
    const joined = session.join('lobby')
    await vi.advanceTimersByTimeAsync(1_000)
    await joined

    for (let hour = 1; hour <= 24; hour++) await vi.advanceTimersByTimeAsync(HOUR)

    expect(session.state).toMatchObject({ status: 'joined', channel: 'lobby', role: 'audience' })
    expect(count('sdk-did-expire')).toBe(0)
    expect(edge.log.filter((record) => record.type === 'did-expire')).toHaveLength(0)
    expect(edge.clientsIn('lobby')).toEqual([client.id])
    // One join, then renewals: at least one a day-hour, far fewer than one a minute.
    expect(client.calls.filter((call) => call.method === 'join')).toHaveLength(1)
    expect(tokens.requests.length).toBeGreaterThanOrEqual(24)
    expect(tokens.requests.length).toBeLessThanOrEqual(30)
    await session.dispose()
  })

  it('switches channels 20 times on one wildcard token', async () => {
    const { edge, tokens, client, session } = setUp()
    const joined = session.join('room-0')
    await vi.advanceTimersByTimeAsync(1_000)
    await joined

    for (let i = 1; i <= 20; i++) {
      const switched = session.switchChannel(`room-${i}`)
      await vi.advanceTimersByTimeAsync(1_000)
      await switched
    }

    expect(session.state).toMatchObject({ status: 'joined', channel: 'room-20' })
    expect(tokens.requests).toEqual([{ channel: '*', uid: 42, role: 'subscriber' }])
    expect(client.calls.filter((call) => call.method === 'join')).toHaveLength(21)
    expect(edge.clientsIn('room-20')).toEqual([client.id])
    await session.dispose()
  })

  it('becomes a host the way Agora documents it: publisher token, renewToken, then setClientRole', async () => {
    const { edge, tokens, client, session } = setUp()
    const joined = session.join('stage')
    await vi.advanceTimersByTimeAsync(1_000)
    await joined

    const upgraded = session.upgradeToHost()
    await vi.advanceTimersByTimeAsync(1_000)
    await upgraded

    expect(session.state).toMatchObject({ status: 'joined', channel: 'stage', role: 'host' })
    expect(tokens.requests.at(-1)).toEqual({ channel: 'stage', uid: 42, role: 'publisher' })
    const calls = client.calls.map((call) => call.method)
    expect(calls.slice(calls.indexOf('renewToken'))).toEqual(['renewToken', 'setClientRole'])
    const renewed = client.calls.find((call) => call.method === 'renewToken')?.args[0] as string
    expect(decodeToken(renewed).rtc).toMatchObject({ channel: 'stage', uid: '42' })
    expect(decodeToken(renewed).rtc?.privileges.publishAudio).toBeDefined()
    // The edge checked the publisher token at setClientRole (co-host authentication).
    expect(edge.log.filter((record) => record.type === 'set-role').map((record) => record.ok)).toEqual([true])
    await session.dispose()
  })

  it('rejoins by itself when the token server was down across the deadline', async () => {
    const { edge, tokens, client, session, count } = setUp()
    const joined = session.join('lobby')
    await vi.advanceTimersByTimeAsync(1_000)
    await joined

    tokens.setDown(true)
    await vi.advanceTimersByTimeAsync(HOUR + 60_000) // past the token's deadline: Agora drops the client
    expect(count('sdk-did-expire')).toBe(1)
    expect(session.state.status).toBe('reconnecting')
    expect(edge.clientsIn('lobby')).toEqual([])

    tokens.setDown(false)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(session.state).toMatchObject({ status: 'joined', channel: 'lobby', role: 'audience' })
    expect(edge.clientsIn('lobby')).toEqual([client.id])
    expect(count('reconnected')).toBe(1)
    await session.dispose()
  })
})

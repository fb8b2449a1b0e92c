import { createSession, type SessionEvent, type SessionEventOf } from 'agora-rtc-session'
import { instrumentSession } from 'agora-rtc-session/otel'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SpanNode } from './spanTree'
import { tracing } from './tracing'

const appId = 'otel-test-app'
const appCertificate = 'otel-test-certificate'
/** A whole second, so that tokens (issued in whole seconds) give the same times every run. */
const START = Date.UTC(2026, 0, 5, 9, 0, 0)
const UID = 4242
const CHANNELS = ['lobby-7f3a', 'music-1b2c', 'news-9d8e', 'sports-5a6b']

beforeEach(() => vi.useFakeTimers({ now: START }))
afterEach(() => vi.useRealTimers())

/** A session on the test doubles: token server 80 ms away, joins of 300 ms, co-host authentication, 10-minute tokens. */
function setUp(o: { expireSec?: number; acceptWildcardTokens?: boolean; audienceTokens?: 'wildcard' | 'channel' } = {}) {
  const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true, joinLatencyMs: 300, acceptWildcardTokens: o.acceptWildcardTokens ?? true })
  const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80, expireSec: o.expireSec ?? 600 })
  const client = createFakeClient(edge)
  const session = createSession({
    appId,
    uid: UID,
    client,
    tokens,
    random: () => 0.5,
    ...(o.audienceTokens === undefined ? {} : { audienceTokens: o.audienceTokens }),
  })
  const events: SessionEvent[] = []
  session.events$.subscribe((event) => events.push(event))
  const ofType = <T extends SessionEvent['type']>(type: T): SessionEventOf<T>[] => events.filter((e): e is SessionEventOf<T> => e.type === type)
  return { edge, tokens, client, session, events, ofType }
}

/** A span as the tree compares it; `attributes` exactly. */
const span = (name: string, startMs: number, durationMs: number, attributes: Record<string, unknown>, more: Partial<SpanNode> = {}): SpanNode => ({
  name,
  startMs,
  durationMs,
  attributes,
  events: [],
  children: [],
  ...more,
})

const publisherFetch = { 'agora.token.role': 'publisher', 'agora.token.wildcard': false, 'agora.token.source': 'network' }

/** Every string an attribute or a span-event attribute holds. */
function attributeValues(nodes: readonly SpanNode[]): unknown[] {
  return nodes.flatMap((n) => [
    ...Object.keys(n.attributes),
    ...Object.values(n.attributes),
    ...n.events.flatMap((e) => [e.name, ...Object.keys(e.attributes ?? {}), ...Object.values(e.attributes ?? {})]),
    ...attributeValues(n.children),
  ])
}

describe('instrumentSession', () => {
  it('a join, three switches, an upgrade, a token-server outage past the deadline and the rejoin: exactly this span tree, in fake time', async () => {
    const t = tracing()
    const { session, tokens, edge, ofType } = setUp()
    const stop = instrumentSession(session, { tracer: t.tracer })

    const joined = session.join(CHANNELS[0] ?? '')
    await vi.advanceTimersByTimeAsync(1_000)
    await joined
    for (const channel of CHANNELS.slice(1)) {
      const switched = session.switchChannel(channel)
      await vi.advanceTimersByTimeAsync(1_000)
      await switched
    }
    const upgraded = session.upgradeToHost()
    await vi.advanceTimersByTimeAsync(1_000)
    await upgraded

    // The token server goes down before the publisher token's renewal and stays down 20 s past
    // its deadline (issued at 4.08 s, in whole seconds: 4 s + 600 s): Agora drops the client, and
    // the session rejoins once the server is back.
    tokens.setDown(true)
    await vi.advanceTimersByTimeAsync(620_000)
    tokens.setDown(false)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(session.state).toMatchObject({ status: 'joined', channel: CHANNELS[3], role: 'host' })
    await session.leave()
    stop()

    const deadline = 4_000 + 600_000
    const rejoin = ofType('reconnecting')
    const rejoinAt = (rejoin[0]?.at ?? 0) - START
    const reconnectedAt = (ofType('reconnected')[0]?.at ?? 0) - START
    expect(rejoinAt).toBe(deadline)
    // The failed renewals, as the store reports them: one span each, from its request to its failure.
    const failures = ofType('renewal-failed').map((e) => ({ startMs: e.at - START - 80, attempt: e.attempt, retryInMs: e.retryInMs }))
    expect(failures.map((f) => f.attempt)).toEqual(failures.map((_, i) => i + 1))
    const failedFetch = (f: (typeof failures)[number]): SpanNode =>
      span('agora.token.fetch', f.startMs, 80, {
        ...publisherFetch,
        'agora.token.attempt': f.attempt,
        'agora.token.will_retry': true,
        'agora.token.retry_in_ms': f.retryInMs,
        'agora.outcome': 'failed',
        'error.type': 'TOKEN_FETCH_FAILED',
      }, { status: 'TOKEN_FETCH_FAILED' })
    const beforeDeadline = failures.filter((f) => f.startMs < deadline)
    const duringRejoin = failures.filter((f) => f.startMs >= deadline)
    expect(beforeDeadline.length).toBeGreaterThan(5)
    expect(duringRejoin.length).toBeGreaterThan(0)
    const lastAttempt = failures.length + 1
    const renewedAt = (ofType('token-renewed')[0]?.at ?? 0) - START

    expect(t.tree()).toEqual([
      span('agora.session', 0, 685_000, { 'agora.outcome': 'ok' }, {
        events: [
          { name: 'agora.sdk.will_expire', atMs: deadline - 30_000 },
          { name: 'agora.sdk.did_expire', atMs: deadline },
        ],
        children: [
          // Token 80 ms, join 300 ms.
          span('agora.session.join', 0, 380, { 'agora.session.role': 'audience', 'agora.outcome': 'ok' }, {
            children: [
              span('agora.token.fetch', 0, 80, {
                'agora.token.role': 'subscriber',
                'agora.token.wildcard': true,
                'agora.token.source': 'network',
                'agora.token.attempt': 1,
                'agora.outcome': 'ok',
              }),
            ],
          }),
          // The wildcard token serves every channel: a switch is a join, no token request.
          span('agora.session.switch', 1_000, 300, { 'agora.token.source': 'cache', 'agora.outcome': 'ok' }),
          span('agora.session.switch', 2_000, 300, { 'agora.token.source': 'cache', 'agora.outcome': 'ok' }),
          span('agora.session.switch', 3_000, 300, { 'agora.token.source': 'cache', 'agora.outcome': 'ok' }),
          span('agora.session.role_change', 4_000, 80, { 'agora.role_change.to': 'host', 'agora.outcome': 'ok' }, {
            events: [
              { name: 'agora.role_change.token_ready', atMs: 4_080, attributes: publisherFetch },
              { name: 'agora.role_change.step', atMs: 4_080, attributes: { 'agora.role_change.step': 'fetch-token' } },
              { name: 'agora.role_change.step', atMs: 4_080, attributes: { 'agora.role_change.step': 'renew-token' } },
              { name: 'agora.role_change.step', atMs: 4_080, attributes: { 'agora.role_change.step': 'set-client-role' } },
              { name: 'agora.role_changed', atMs: 4_080, attributes: { 'agora.session.role': 'host' } },
            ],
            children: [span('agora.token.fetch', 4_000, 80, { ...publisherFetch, 'agora.token.attempt': 1, 'agora.outcome': 'ok' })],
          }),
          ...beforeDeadline.map(failedFetch),
          span('agora.session.reconnect', deadline, reconnectedAt - deadline, {
            'agora.reconnect.reason': 'token-expired',
            'agora.reconnect.attempts': rejoin.length,
            'agora.reconnect.republish_needed': true,
            'agora.outcome': 'ok',
          }, {
            events: [
              { name: 'agora.token.expired', atMs: deadline, attributes: { 'agora.token.role': 'publisher', 'agora.token.wildcard': false } },
              ...rejoin.slice(1).map((e) => ({
                name: 'agora.reconnect.attempt',
                atMs: e.at - START,
                attributes: { 'agora.reconnect.reason': 'token-expired', 'agora.reconnect.attempt': e.attempt },
              })),
              { name: 'agora.token.renewed', atMs: renewedAt, attributes: { 'agora.token.role': 'publisher', 'agora.token.wildcard': false } },
            ],
            children: [
              ...duringRejoin.map(failedFetch),
              span('agora.token.fetch', renewedAt - 80, 80, { ...publisherFetch, 'agora.token.attempt': lastAttempt, 'agora.outcome': 'ok' }),
            ],
          }),
        ],
      }),
    ])
    // The rejoin: the join 300 ms after the token, once the server is back.
    expect(reconnectedAt - renewedAt).toBe(300)
    expect(renewedAt).toBeGreaterThan(deadline + 20_000)
    // Durations are the session's own figures.
    const [root] = t.tree()
    expect(root?.children.filter((c) => c.name === 'agora.session.join').map((c) => c.durationMs)).toEqual([ofType('joined')[0]?.durationMs])
    expect(root?.children.filter((c) => c.name === 'agora.session.switch').map((c) => c.durationMs)).toEqual(
      ofType('switch-completed').map((e) => e.durationMs),
    )

    // No identifier anywhere: not a channel, the uid, a token or a fingerprint.
    const secrets = [
      ...CHANNELS,
      String(UID),
      ...edge.log.flatMap((r) => (r.token === undefined ? [] : [r.token])),
      ...ofType('token-received').map((e) => e.fingerprint),
    ]
    expect(secrets.length).toBeGreaterThan(CHANNELS.length + 2)
    const strings = attributeValues(t.tree()).filter((v): v is string => typeof v === 'string')
    expect(strings.filter((v) => secrets.some((secret) => v.includes(secret)))).toEqual([])
    // (The role-change steps `fetch-token` and `renew-token` are names, not tokens.)
    const steps = new Set(['fetch-token', 'renew-token'])
    expect(strings.filter((v) => !steps.has(v) && /channel|uid|url|token$|fingerprint/.test(v))).toEqual([])
    await session.dispose()
  })
})

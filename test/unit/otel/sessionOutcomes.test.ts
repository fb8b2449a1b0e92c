import { createSession, createTokenStore, type Session, type SessionEvent } from 'agora-rtc-session'
import { instrumentSession, instrumentTokenStore } from 'agora-rtc-session/otel'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { NEVER, Observable } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SpanNode } from './spanTree'
import { tracing } from './tracing'

const appId = 'otel-test-app'
const appCertificate = 'otel-test-certificate'
const START = Date.UTC(2026, 0, 5, 9, 0, 0)

beforeEach(() => vi.useFakeTimers({ now: START }))
afterEach(() => vi.useRealTimers())

function setUp(o: { acceptWildcardTokens?: boolean; audienceTokens?: 'wildcard' | 'channel' } = {}) {
  const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true, joinLatencyMs: 300, acceptWildcardTokens: o.acceptWildcardTokens ?? true })
  const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80 })
  const client = createFakeClient(edge)
  const session = createSession({ appId, uid: 42, client, tokens, random: () => 0.5, ...(o.audienceTokens === undefined ? {} : { audienceTokens: o.audienceTokens }) })
  return { edge, tokens, client, session }
}

/** Name, start, duration, status and outcome of each span, depth first: the shape of a tree. */
function shape(nodes: readonly SpanNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}${n.name} +${n.startMs} ${n.durationMs}ms ${String(n.attributes['agora.outcome'])}${n.status === undefined ? '' : ` ${n.status}`}`,
    ...shape(n.children, depth + 1),
  ])
}

/** The command's outcome: `'ok'`, or its error's code. */
const settle = (promise: Promise<void>): Promise<string> =>
  promise.then(
    () => 'ok',
    (e: unknown) => (e as { code?: string }).code ?? String(e),
  )

/** Runs a command for `ms` of fake time; its outcome. */
async function run(command: Promise<void>, ms = 1_000): Promise<string> {
  const outcome = settle(command)
  await vi.advanceTimersByTimeAsync(ms)
  return outcome
}

describe('instrumentSession: failures set the status with the SessionError code', () => {
  it('a first join whose token cannot be had: the fetch, the join and the session span fail with TOKEN_FETCH_FAILED when the join does', async () => {
    const t = tracing()
    const { session, tokens } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    tokens.setFault({ status: 401, message: 'not logged in' })
    const joined = settle(session.join('lobby'))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await joined).toBe('TOKEN_FETCH_FAILED')
    expect(shape(t.tree())).toEqual([
      'agora.session +0 80ms failed TOKEN_FETCH_FAILED',
      '  agora.session.join +0 80ms failed TOKEN_FETCH_FAILED',
      '    agora.token.fetch +0 80ms failed TOKEN_FETCH_FAILED',
    ])
    // A span's status and error.type carry the code, never the message (it can name the channel).
    for (const s of t.spans()) expect([s.status.message, s.attributes['error.type']]).toEqual(['TOKEN_FETCH_FAILED', 'TOKEN_FETCH_FAILED'])
    await session.dispose()
  })

  it('a join Agora never answers: JOIN_TIMEOUT at the deadline, 15 s of fake time', async () => {
    const t = tracing()
    const { session, edge } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    edge.setOffline(true)
    const joined = settle(session.join('lobby'))
    await vi.advanceTimersByTimeAsync(16_000)
    expect(await joined).toBe('JOIN_TIMEOUT')
    expect(shape(t.tree())).toEqual([
      'agora.session +0 15000ms failed JOIN_TIMEOUT',
      '  agora.session.join +0 15000ms failed JOIN_TIMEOUT',
      '    agora.token.fetch +0 80ms ok',
    ])
    await session.dispose()
  })

  it('a switch replaced by the next one ends SUPERSEDED; the next one, out of any channel by then, is a join', async () => {
    const t = tracing()
    const { session } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('a'))
    const first = settle(session.switchChannel('b'))
    await vi.advanceTimersByTimeAsync(100) // 'a' is left, the join to 'b' in flight
    const second = settle(session.switchChannel('c'))
    await vi.advanceTimersByTimeAsync(1_000)
    expect([await first, await second]).toEqual(['SUPERSEDED', 'ok'])
    await session.leave()
    expect(shape(t.tree())).toEqual([
      'agora.session +0 2100ms ok',
      '  agora.session.join +0 380ms ok',
      '    agora.token.fetch +0 80ms ok',
      '  agora.session.switch +1000 100ms superseded SUPERSEDED',
      // The session had left 'a' for 'b': the latest call joins 'c' from no channel, with the cached token.
      '  agora.session.join +1100 300ms ok',
      '    agora.token.fetch +1100 0ms ok',
    ])
    await session.dispose()
  })

  it('a channel-token switch whose token is refused: the switch and its fetch fail with TOKEN_FETCH_FAILED, the session stays', async () => {
    const t = tracing()
    const { session, tokens } = setUp({ audienceTokens: 'channel' })
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('a'))
    tokens.setFault({ status: 403 })
    const switched = settle(session.switchChannel('b'))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await switched).toBe('TOKEN_FETCH_FAILED')
    expect(session.state).toMatchObject({ status: 'joined', channel: 'a' })
    await session.leave()
    expect(shape(t.tree())).toEqual([
      'agora.session +0 2000ms ok',
      '  agora.session.join +0 380ms ok',
      '    agora.token.fetch +0 80ms ok',
      '  agora.session.switch +1000 80ms failed TOKEN_FETCH_FAILED',
      '    agora.token.fetch +1000 80ms failed TOKEN_FETCH_FAILED',
    ])
    await session.dispose()
  })

  it('an upgrade whose publisher token is refused: role_change fails ROLE_CHANGE_FAILED at step fetch-token, its fetch TOKEN_FETCH_FAILED', async () => {
    const t = tracing()
    const { session, tokens } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('a'))
    tokens.setFault({ status: 403 })
    const upgraded = settle(session.upgradeToHost())
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await upgraded).toBe('ROLE_CHANGE_FAILED')
    await session.leave()
    const [root] = t.tree()
    const change = root?.children.find((c) => c.name === 'agora.session.role_change')
    expect(change).toMatchObject({
      startMs: 1_000,
      durationMs: 80,
      status: 'ROLE_CHANGE_FAILED',
      attributes: { 'agora.role_change.to': 'host', 'agora.role_change.failed_step': 'fetch-token', 'agora.outcome': 'failed' },
    })
    expect(change?.events.map((e) => [e.name, e.attributes])).toEqual([['agora.error', { 'error.type': 'ROLE_CHANGE_FAILED' }]])
    expect(shape(change?.children ?? [])).toEqual(['agora.token.fetch +1000 80ms failed TOKEN_FETCH_FAILED'])
    expect(root?.status).toBeUndefined()
    await session.dispose()
  })
  it('a fetch that outlives its join ends under it when it fails (token-request-failed), after the join did', async () => {
    const t = tracing()
    const edge = createLocalEdge({ appId, appCertificate, joinLatencyMs: 300 })
    const tokens = localTokenSource({ appId, appCertificate, latencyMs: 18_000 })
    const session = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens, audienceTokens: 'channel' })
    instrumentSession(session, { tracer: t.tracer })
    expect(await run(session.join('a'), 16_000)).toBe('JOIN_TIMEOUT')
    tokens.setDown(true) // the fetch fails when it lands, at 18 s
    await vi.advanceTimersByTimeAsync(10_000)
    const failedAt18s = [
      'agora.session +0 15000ms failed JOIN_TIMEOUT',
      '  agora.session.join +0 15000ms failed JOIN_TIMEOUT',
      '    agora.token.fetch +0 18000ms failed TOKEN_FETCH_FAILED',
    ]
    expect(shape(t.tree())).toEqual(failedAt18s)
    tokens.setDown(false)
    // Out of any channel, the session does not record the next request.
    expect(await run(session.prefetch('a'), 21_000)).toBe('ok')
    expect(shape(t.tree())).toEqual(failedAt18s)
    await session.dispose()
  })
})

describe('instrumentSession: role changes', () => {
  it('an upgrade then a downgrade: two role_change spans, the steps seen as span events, the tokens as fetches', async () => {
    const t = tracing()
    const { session } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('a'))
    expect(await run(session.upgradeToHost())).toBe('ok')
    expect(await run(session.downgradeToAudience())).toBe('ok')
    await session.leave()
    const changes = t.tree()[0]?.children.filter((c) => c.name === 'agora.session.role_change')
    expect(changes?.map((c) => [c.startMs, c.durationMs, c.attributes, c.events.map((e) => [e.name, e.atMs, e.attributes])])).toEqual([
      [
        1_000,
        80,
        { 'agora.role_change.to': 'host', 'agora.outcome': 'ok' },
        [
          ['agora.role_change.token_ready', 1_080, { 'agora.token.role': 'publisher', 'agora.token.wildcard': false, 'agora.token.source': 'network' }],
          ['agora.role_change.step', 1_080, { 'agora.role_change.step': 'fetch-token' }],
          ['agora.role_change.step', 1_080, { 'agora.role_change.step': 'renew-token' }],
          ['agora.role_change.step', 1_080, { 'agora.role_change.step': 'set-client-role' }],
          ['agora.role_changed', 1_080, { 'agora.session.role': 'host' }],
        ],
      ],
      [
        // The wildcard subscriber token is still cached: no request.
        2_000,
        0,
        { 'agora.role_change.to': 'audience', 'agora.outcome': 'ok' },
        [
          ['agora.role_change.step', 2_000, { 'agora.role_change.step': 'set-client-role' }],
          ['agora.role_change.token_ready', 2_000, { 'agora.token.role': 'subscriber', 'agora.token.wildcard': true, 'agora.token.source': 'cache' }],
          ['agora.role_change.step', 2_000, { 'agora.role_change.step': 'renew-token' }],
          ['agora.role_changed', 2_000, { 'agora.session.role': 'audience' }],
        ],
      ],
    ])
    expect(changes?.map((c) => c.children.map((f) => [f.startMs, f.durationMs, f.attributes['agora.token.source']]))).toEqual([[[1_000, 80, 'network']], [[2_000, 0, 'cache']]])
    await session.dispose()
  })
})

describe('instrumentSession: reconnections and span events', () => {
  it("the SDK's own reconnection after a network blip is a reconnect span of reason network, no rejoin", async () => {
    const t = tracing()
    const { session, edge, client } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('lobby'))
    edge.cutNetwork(client.id, 20_000)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(session.state.status).toBe('joined')
    await session.leave()
    const reconnect = t.tree()[0]?.children.find((c) => c.name === 'agora.session.reconnect')
    expect(reconnect).toMatchObject({
      startMs: 1_000,
      attributes: { 'agora.reconnect.reason': 'network', 'agora.reconnect.attempts': 1, 'agora.reconnect.republish_needed': false, 'agora.outcome': 'ok' },
    })
    expect(reconnect?.durationMs).toBeGreaterThanOrEqual(20_000)
    await session.dispose()
  })

  it('a wildcard token Agora refuses: wildcard_refused on the join span, which fetches a channel token next', async () => {
    const t = tracing()
    const { session } = setUp({ acceptWildcardTokens: false })
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('lobby'), 3_000)
    expect(session.state.status).toBe('joined')
    await session.leave()
    const join = t.tree()[0]?.children[0]
    expect(join?.name).toBe('agora.session.join')
    expect(join?.events.map((e) => e.name)).toEqual(['agora.token.wildcard_refused'])
    expect(join?.children.map((c) => c.attributes['agora.token.wildcard'])).toEqual([true, false])
    await session.dispose()
  })

  it('with includeIdentifiers: the channel and the uid, never a token or a fingerprint', async () => {
    const t = tracing()
    const { session, edge } = setUp()
    const events: SessionEvent[] = []
    session.events$.subscribe((e) => events.push(e))
    instrumentSession(session, { tracer: t.tracer, includeIdentifiers: true })
    await run(session.join('lobby'))
    await run(session.switchChannel('stage'))
    await session.leave()
    const [root] = t.tree()
    expect(root?.attributes['agora.channel']).toBe('lobby')
    expect(root?.children.map((c) => [c.name, c.attributes['agora.channel'], c.attributes['agora.previous_channel']])).toEqual([
      ['agora.session.join', 'lobby', undefined],
      ['agora.session.switch', 'stage', 'lobby'],
    ])
    expect(root?.children[0]?.children[0]?.attributes).toMatchObject({ 'agora.channel': '*', 'agora.uid': '42' })
    const fingerprints = events.flatMap((e) => (e.type === 'token-received' ? [e.fingerprint] : []))
    const tokens = edge.log.flatMap((r) => (r.token === undefined ? [] : [r.token]))
    const values = t.spans().flatMap((s) => [...Object.values(s.attributes), ...s.events.flatMap((e) => Object.values(e.attributes ?? {}))])
    expect(values.filter((v) => typeof v === 'string' && [...fingerprints, ...tokens].some((secret) => v.includes(secret)))).toEqual([])
    await session.dispose()
  })

  it('a session disposed while joined ends its session span itself', async () => {
    const t = tracing()
    const { session } = setUp()
    instrumentSession(session, { tracer: t.tracer })
    await run(session.join('lobby'))
    await vi.advanceTimersByTimeAsync(4_000)
    await session.dispose()
    expect(shape(t.tree())).toEqual(['agora.session +0 5000ms ok', '  agora.session.join +0 380ms ok', '    agora.token.fetch +0 80ms ok'])
  })

  it('instrumented while in a channel: the session span starts then', async () => {
    const t = tracing()
    const { session } = setUp()
    await run(session.join('lobby'))
    instrumentSession(session, { tracer: t.tracer })
    await vi.advanceTimersByTimeAsync(1_000)
    await session.leave()
    expect(shape(t.tree())).toEqual(['agora.session +1000 1000ms ok'])
    await session.dispose()
  })
})

/** `session` whose events$ and state$ count their subscribers. */
function counted(session: Session): { session: Session; subscribers: () => number } {
  let subscribers = 0
  const count = <T>(source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      subscribers += 1
      const subscription = source.subscribe(subscriber)
      return () => {
        subscribers -= 1
        subscription.unsubscribe()
      }
    })
  const wrapped: Session = Object.create(session, {
    events$: { value: count(session.events$) },
    state$: { value: count(session.state$) },
  }) as Session
  return { session: wrapped, subscribers: () => subscribers }
}

describe('instrumentSession: disposing the instrumentation', () => {
  it('ends the open spans at that moment of fake time, outcome unfinished, and leaves no subscription', async () => {
    const t = tracing()
    const { session, edge } = setUp()
    const watched = counted(session)
    const stop = instrumentSession(watched.session, { tracer: t.tracer })
    expect(watched.subscribers()).toBe(2)
    await run(session.join('lobby'))
    edge.setOffline(true)
    const switched = settle(session.switchChannel('stage'))
    await vi.advanceTimersByTimeAsync(4_000) // the switch's join waits for Agora
    stop()
    expect(watched.subscribers()).toBe(0)
    expect(shape(t.tree())).toEqual([
      'agora.session +0 5000ms unfinished',
      '  agora.session.join +0 380ms ok',
      '    agora.token.fetch +0 80ms ok',
      '  agora.session.switch +1000 4000ms unfinished',
    ])
    expect(t.spans().every((s) => s.ended)).toBe(true)
    // Nothing more is recorded.
    const recorded = t.spans().length
    await vi.advanceTimersByTimeAsync(20_000)
    expect(await switched).toBe('JOIN_TIMEOUT')
    edge.setOffline(false)
    await run(session.switchChannel('other'))
    await session.leave()
    expect(t.spans()).toHaveLength(recorded)
    stop() // twice is fine
    await session.dispose()
  })

  it('ends an open fetch span too', async () => {
    const t = tracing()
    const { session } = setUp()
    const stop = instrumentSession(session, { tracer: t.tracer })
    const joined = settle(session.join('lobby'))
    await vi.advanceTimersByTimeAsync(50)
    stop()
    expect(shape(t.tree())).toEqual([
      'agora.session +0 50ms unfinished',
      '  agora.session.join +0 50ms unfinished',
      '    agora.token.fetch +0 50ms unfinished',
    ])
    await vi.advanceTimersByTimeAsync(1_000)
    await joined
    await session.dispose()
  })
})

describe('a store shared by two sessions', () => {
  it('each fetch is one span, under the session whose token it is; instrumentTokenStore records the rest', async () => {
    const t = tracing()
    const edge = createLocalEdge({ appId, appCertificate, coHostAuth: true, joinLatencyMs: 300 })
    const tokens = localTokenSource({ appId, appCertificate, latencyMs: 80 })
    const store = createTokenStore({ source: tokens, appId, wake$: NEVER, random: () => 0.5 })
    const stopStore = instrumentTokenStore(store, { tracer: t.tracer })
    const a = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens: store, random: () => 0.5 })
    const b = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens: store, random: () => 0.5 })
    // b first: it sees every store event before a, and must leave a's wildcard token to a.
    instrumentSession(b, { tracer: t.tracer })
    instrumentSession(a, { tracer: t.tracer })

    await run(b.join('stage', { role: 'host' }))
    await run(a.join('lobby'))
    // A prefetch is no session's channel yet: the store's instrumentation records it.
    await run(b.prefetch('next'))
    await a.leave()
    await b.leave()
    stopStore()

    expect(shape(t.tree())).toEqual([
      'agora.session +0 3000ms ok',
      '  agora.session.join +0 380ms ok',
      '    agora.token.fetch +0 80ms ok',
      'agora.session +1000 2000ms ok',
      '  agora.session.join +1000 380ms ok',
      '    agora.token.fetch +1000 80ms ok',
      'agora.token.fetch +2000 80ms ok',
    ])
    const roots = t.tree()
    expect(roots[0]?.children[0]?.children[0]?.attributes['agora.token.role']).toBe('publisher')
    expect(roots[1]?.children[0]?.children[0]?.attributes['agora.token.role']).toBe('subscriber')
    expect(roots[2]?.attributes['agora.token.role']).toBe('publisher')
    await a.dispose()
    await b.dispose()
    store.dispose()
  })
})

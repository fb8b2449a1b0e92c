import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { harness } from '../../support/sessionHarness'

const codeOf = (e: unknown) => (isSessionError(e) ? e.code : e)

/** Checks the fake client's calls: never a join while in a channel, every join left or the last. */
function assertNeverInTwoChannels(calls: readonly { method: string }[]): void {
  let inChannel = false
  for (const call of calls) {
    if (call.method === 'join') {
      expect(inChannel).toBe(false)
      inChannel = true
    }
    if (call.method === 'leave') inChannel = false
  }
}

describe('switchChannel', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('switches 50 times as audience on one wildcard token request, every join accepted', async () => {
    const t = harness({ joinLatencyMs: 300, tokenLatencyMs: 80 })
    const joined = t.session.join('ch-0')
    await advance(1_000, 100)
    await joined
    for (let i = 1; i <= 50; i++) {
      const switching = t.session.switchChannel(`ch-${i}`)
      await advance(400, 100)
      await switching
      expect(t.session.state).toMatchObject({ status: 'joined', channel: `ch-${i}` })
    }
    expect(t.source.requests).toHaveLength(1)
    expect(t.source.requests[0]).toMatchObject({ channel: '*', role: 'subscriber' })
    const joins = t.edge.log.filter((r) => r.type === 'join')
    expect(joins).toHaveLength(51)
    expect(joins.every((r) => r.ok)).toBe(true)
    const completed = t.ofType('switch-completed')
    expect(completed).toHaveLength(50)
    expect(completed.every((e) => e.tokenSource === 'cache' && e.durationMs === 300)).toBe(true)
    assertNeverInTwoChannels(t.client.calls)
    await t.session.dispose()
  })

  it('200 switches in one tick: the last wins, 199 reject SUPERSEDED, never two channels, no join left dangling', async () => {
    const t = harness({ joinLatencyMs: 300 })
    const joined = t.session.join('start')
    await advance(300, 100)
    await joined
    const results = Array.from({ length: 200 }, (_, i) => t.session.switchChannel(`ch-${i}`).then(() => 'ok', codeOf))
    await advance(2_000, 100)
    const outcomes = await Promise.all(results)
    expect(outcomes.filter((o) => o === 'SUPERSEDED')).toHaveLength(199)
    expect(outcomes[199]).toBe('ok')
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'ch-199' })
    expect(t.edge.channelsOf(t.client.id)).toEqual(['ch-199'])
    for (let i = 0; i < 199; i++) expect(t.edge.clientsIn(`ch-${i}`)).toEqual([])
    assertNeverInTwoChannels(t.client.calls)
    expect(t.client.connectionState).toBe('CONNECTED')
    await t.session.dispose()
  })

  it('a switch superseded while its join is in flight leaves that join cleanly', async () => {
    const t = harness({ joinLatencyMs: 300 })
    const joined = t.session.join('a')
    await advance(300, 100)
    await joined
    const first = t.session.switchChannel('b').catch(codeOf)
    await advance(100, 50) // the join to b is in flight
    const second = t.session.switchChannel('c')
    await advance(1_000, 50)
    expect(await first).toBe('SUPERSEDED')
    await second
    expect(t.edge.channelsOf(t.client.id)).toEqual(['c'])
    expect(t.edge.clientsIn('b')).toEqual([])
    assertNeverInTwoChannels(t.client.calls)
    await t.session.dispose()
  })

  it('fetches a channel token when the wildcard does not apply, and says so', async () => {
    const t = harness({ session: { audienceTokens: 'channel' }, tokenLatencyMs: 80 })
    const joined = t.session.join('a')
    await advance(100, 10)
    await joined
    const switching = t.session.switchChannel('b')
    await advance(500, 10)
    await switching
    expect(t.source.requests.map((r) => r.channel)).toEqual(['a', 'b'])
    expect(t.ofType('switch-completed')[0]).toMatchObject({ from: 'a', to: 'b', tokenSource: 'network' })
    await t.session.dispose()
  })

  it('prefetch() warms the token of a likely next channel, so the switch costs no round trip', async () => {
    const t = harness({ session: { audienceTokens: 'channel' }, tokenLatencyMs: 80, joinLatencyMs: 300 })
    const joined = t.session.join('a')
    await advance(400, 10)
    await joined
    const warming = t.session.prefetch('b')
    await advance(100, 10)
    await warming
    const switching = t.session.switchChannel('b')
    await advance(400, 10)
    await switching
    expect(t.source.requests.map((r) => r.channel)).toEqual(['a', 'b'])
    expect(t.ofType('switch-completed')[0]).toMatchObject({ tokenSource: 'cache', durationMs: 300 })
    await t.session.dispose()
  })

  it('gives a host a publisher token for the new channel, never a wildcard one', async () => {
    const t = harness()
    await t.session.join('a', { role: 'host' })
    await t.session.switchChannel('b')
    expect(t.source.requests).toEqual([
      { channel: 'a', uid: 42, role: 'publisher' },
      { channel: 'b', uid: 42, role: 'publisher' },
    ])
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'b', role: 'host' })
    await t.session.dispose()
  })

  it('stays in the old channel when the new token cannot be had', async () => {
    const t = harness({ session: { audienceTokens: 'channel' } })
    await t.session.join('a')
    t.source.setDown(true)
    expect(codeOf(await t.session.switchChannel('b').catch((e: unknown) => e))).toBe('TOKEN_FETCH_FAILED')
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'a' })
    expect(t.edge.channelsOf(t.client.id)).toEqual(['a'])
    await t.session.dispose()
  })

  describe('when Agora refuses wildcard tokens', () => {
    it('falls back to channel tokens, says wildcard-refused, and keeps working', async () => {
      const t = harness({ acceptWildcardTokens: false })
      await t.session.join('a')
      expect(t.ofType('wildcard-refused')).toMatchObject([{ channel: 'a', by: 'agora' }])
      expect(t.session.state).toMatchObject({ status: 'joined', channel: 'a' })
      await t.session.switchChannel('b')
      expect(t.source.requests.map((r) => r.channel)).toEqual(['*', 'a', 'b'])
      expect(t.ofType('wildcard-refused')).toHaveLength(1)
      await t.session.dispose()
    })
  })

  it('uses channel tokens for uid 0 (Agora has no uid-0 wildcard-channel token)', async () => {
    const t = harness({ uid: 0 })
    await t.session.join('a')
    await t.session.switchChannel('b')
    expect(t.source.requests.map((r) => [r.channel, r.uid])).toEqual([
      ['a', 0],
      ['b', 0],
    ])
    await t.session.dispose()
  })

  it('a switch supersedes a reconnect', async () => {
    const t = harness()
    await t.session.join('a')
    t.source.setDown(true)
    await advance(3_600_000 + 60_000, 10_000)
    expect(t.session.state.status).toBe('reconnecting')
    const switching = t.session.switchChannel('b')
    t.source.setDown(false)
    await advance(30_000, 1_000)
    await switching
    expect(t.session.state).toMatchObject({ status: 'joined', channel: 'b' })
    expect(t.edge.channelsOf(t.client.id)).toEqual(['b'])
    await flushIO()
    await t.session.dispose()
  })
})

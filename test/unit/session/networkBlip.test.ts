import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { advance, useFakeClock, useRealClock } from '../../support/fakeClock'
import { harness } from '../../support/sessionHarness'
import { fingerprint } from '../../../src/token/fingerprint'
import { track } from '../testing/helpers'

// Renewals and role changes while the SDK reconnects after a network blip (edge.cutNetwork):
// the SDK's renewToken waits for the reconnection, its setClientRole only records the role.

const HOUR = 3_600_000

describe('session across a network blip', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  /** When the session first hands a renewed token to the SDK (deterministic: fake clock, random 0.5). */
  async function firstRenewalAt(): Promise<number> {
    const probe = harness()
    const start = Date.now()
    await probe.session.join('lobby')
    while (probe.client.calls.every((c) => c.method !== 'renewToken')) await advance(1_000, 1_000)
    await probe.session.dispose()
    return Date.now() - start
  }

  it('a renewal due during the blip is handed over after the reconnection, with no error and no rejoin', async () => {
    const dueMs = await firstRenewalAt()
    const t = harness()
    await t.session.join('lobby')
    await advance(dueMs - 30_000, 10_000)
    expect(t.client.calls.filter((c) => c.method === 'renewToken')).toHaveLength(0)
    t.edge.cutNetwork(t.client.id, 120_000) // from 30 s before the renewal to 90 s after it
    await advance(60_000, 1_000)
    expect(t.client.connectionState).toBe('RECONNECTING')
    expect(t.session.state.status).toBe('reconnecting')
    expect(t.client.calls.filter((c) => c.method === 'renewToken')).toHaveLength(0) // not to a client that is away
    expect(t.edgeLog('renew')).toHaveLength(0)
    await advance(60_000, 1_000)
    expect(t.client.connectionState).toBe('CONNECTED')
    expect(t.edgeLog('renew')).toHaveLength(1)
    expect(t.ofType('error')).toHaveLength(0)
    expect(t.edgeLog('join')).toHaveLength(1)
    expect(t.session.state.status).toBe('joined')
    await advance(2 * HOUR, 10_000)
    expect(t.edge.log.filter((r) => r.type === 'did-expire')).toHaveLength(0)
    await t.session.dispose()
  })

  it('when the SDK gives up reconnecting, the session rejoins once with the newest token, no error', async () => {
    const t = harness()
    await t.session.join('lobby')
    t.edge.cutNetwork(t.client.id, Infinity)
    await advance(HOUR - 60_000, 10_000)
    expect(t.client.calls.filter((c) => c.method === 'renewToken')).toHaveLength(0)
    const newest = t.ofType('token-renewed').at(-1)
    expect(newest).toBeDefined()
    t.edge.dropClient(t.client.id, 'NETWORK_ERROR')
    await advance(30_000, 1_000)
    expect(t.ofType('error')).toHaveLength(0)
    const joins = t.edgeLog('join')
    expect(joins).toHaveLength(2)
    expect(fingerprint(joins[1]!.token!)).toBe(newest!.fingerprint)
    expect(t.session.state).toEqual({ status: 'joined', channel: 'lobby', role: 'audience' })
    await t.session.dispose()
  })

  it('an upgrade to host during the blip completes after the reconnection (co-host authentication)', async () => {
    const t = harness({ coHostAuth: true })
    await t.session.join('lobby')
    t.edge.cutNetwork(t.client.id, 5_000)
    const upgrade = track(t.session.upgradeToHost())
    await advance(4_000, 100)
    expect(upgrade.status).toBe('pending')
    await advance(2_000, 100)
    expect(upgrade.status).toBe('fulfilled')
    expect(t.session.state).toEqual({ status: 'joined', channel: 'lobby', role: 'host' })
    expect(t.edgeLog('set-role')).toMatchObject([{ role: 'host' }])
    expect(t.edgeLog('set-role', false)).toHaveLength(0)
    expect(t.ofType('error')).toHaveLength(0)
    await t.session.dispose()
  })

  it('a downgrade recorded during the blip is carried by the reconnection', async () => {
    const t = harness({ coHostAuth: true })
    await t.session.join('lobby', { role: 'host' })
    t.edge.cutNetwork(t.client.id, 5_000)
    const downgrade = track(t.session.downgradeToAudience())
    await advance(6_000, 100)
    expect(downgrade.status).toBe('fulfilled')
    expect(t.session.state).toEqual({ status: 'joined', channel: 'lobby', role: 'audience' })
    expect(t.edgeLog('set-role').at(-1)).toMatchObject({ role: 'audience' })
    expect(t.ofType('error')).toHaveLength(0)
    await t.session.dispose()
  })
})

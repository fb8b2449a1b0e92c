import { NEVER } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TokenLifetime } from '../../../src/store/TokenLifetime'
import { advance, flushIO, useFakeClock, useRealClock } from '../../support/fakeClock'
import { harness, type HarnessOptions } from '../../support/sessionHarness'

const HOUR = 3_600_000

/** A session whose lifetime$ is recorded from the start, with the time of each value. */
function recorded(o: HarnessOptions = {}) {
  const t = harness({ tokenLatencyMs: 50, joinLatencyMs: 100, ...o })
  const seen: { at: number; lifetime: TokenLifetime | null; status: string }[] = []
  t.session.lifetime$.subscribe((lifetime) => seen.push({ at: Date.now(), lifetime, status: t.session.state.status }))
  const last = () => seen.at(-1)?.lifetime ?? null
  return { ...t, seen, last }
}

async function joined(t: ReturnType<typeof recorded>, channel = 'lobby', role: 'audience' | 'host' = 'audience') {
  const done = t.session.join(channel, { role })
  await advance(1_000, 50)
  await done
}

describe('session.lifetime$', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it('is null until joined, then the lifetime of the token the SDK holds; quiet until renewAt', async () => {
    const t = recorded()
    expect(t.seen).toEqual([{ at: Date.now(), lifetime: null, status: 'idle' }])
    await joined(t)
    const held = t.client.calls.find((c) => c.method === 'join')?.args[2] as string
    const lifetime = t.last()
    expect(lifetime).toMatchObject({ phase: 'valid', role: 'subscriber' })
    let sdkToken: string | undefined
    t.session.token$.subscribe((token) => (sdkToken = token?.token))
    expect(sdkToken).toBe(held)
    expect(t.seen).toHaveLength(2)
    await advance(lifetime!.renewAt - 1 - Date.now(), 60_000)
    expect(t.seen).toHaveLength(2)
    await t.session.dispose()
  })

  it('renews for a day: valid, renewing, valid on each new token, never expiring, never null', async () => {
    const t = recorded()
    await joined(t)
    await advance(24 * HOUR, 60_000)
    const phases = t.seen.slice(1).map((s) => s.lifetime?.phase)
    expect(phases).not.toContain(undefined)
    expect(phases).not.toContain('expiring')
    expect(phases).not.toContain('expired')
    const fingerprints = new Set(t.seen.slice(1).map((s) => s.lifetime?.fingerprint))
    expect(fingerprints.size).toBeGreaterThanOrEqual(24)
    // The token in lifetime$ is the one the SDK was handed last.
    const renewed = t.client.calls.filter((c) => c.method === 'renewToken').at(-1)?.args[0]
    let sdkFingerprint: string | undefined
    t.session.token$.subscribe((token) => (sdkFingerprint = token?.fingerprint))
    expect(t.last()?.fingerprint).toBe(sdkFingerprint)
    expect(renewed).toBeDefined()
    await t.session.dispose()
  })

  it('a switch onto another token and an upgrade change the token it describes', async () => {
    const t = recorded({ session: { audienceTokens: 'channel' } })
    await joined(t, 'lobby')
    const lobby = t.last()!
    const switched = t.session.switchChannel('stage')
    await advance(1_000, 50)
    await switched
    const stage = t.last()!
    expect(stage.fingerprint).not.toBe(lobby.fingerprint)
    expect(stage).toMatchObject({ phase: 'valid', role: 'subscriber' })
    // Never null during the switch: the old token until the new one is in.
    expect(t.seen.slice(1).every((s) => s.lifetime !== null)).toBe(true)

    const upgraded = t.session.upgradeToHost()
    await advance(1_000, 50)
    await upgraded
    expect(t.last()).toMatchObject({ phase: 'valid', role: 'publisher' })
    expect(t.last()!.privileges.publishAudio).toBeDefined()
    await t.session.dispose()
  })

  it('a switch on the same wildcard token emits nothing', async () => {
    const t = recorded()
    await joined(t, 'lobby')
    const count = t.seen.length
    const switched = t.session.switchChannel('stage')
    await advance(1_000, 50)
    await switched
    expect(t.session.state.channel).toBe('stage')
    expect(t.seen).toHaveLength(count)
  })

  it('while rejoining after a drop it keeps the last token: expiring, expired, then valid with the new one', async () => {
    const t = recorded()
    await joined(t)
    const first = t.last()!
    t.source.setDown(true)
    await advance(first.expiresAt + 10_000 - Date.now(), 1_000)
    expect(t.session.state.status).toBe('reconnecting')
    expect(t.last()).toMatchObject({ fingerprint: first.fingerprint, phase: 'expired' })
    expect(t.last()!.retry?.attempt).toBeGreaterThan(1)
    expect(t.seen.find((s) => s.lifetime?.phase === 'expiring')?.at).toBe(first.expiresAt - 30_000)
    expect(t.seen.find((s) => s.lifetime?.phase === 'expired')?.at).toBe(first.expiresAt)

    t.source.setDown(false)
    await advance(60_000, 1_000)
    expect(t.session.state.status).toBe('joined')
    expect(t.last()).toMatchObject({ phase: 'valid' })
    expect(t.last()!.fingerprint).not.toBe(first.fingerprint)
    expect(t.seen.slice(1).every((s) => s.lifetime !== null)).toBe(true)
    await t.session.dispose()
  })

  it('a shared store disposed under it: the token the SDK still holds goes on by its clock', async () => {
    const { createTokenStore } = await import('../../../src/store/createTokenStore')
    const { localTokenSource } = await import('../../../src/testing/localTokenSource')
    const { APP_CERTIFICATE, APP_ID } = await import('../../support/fixtures')
    const store = createTokenStore({ source: localTokenSource({ appId: APP_ID, appCertificate: APP_CERTIFICATE }), appId: APP_ID, wake$: NEVER })
    const t = recorded({ store })
    await joined(t)
    const held = t.last()!
    store.dispose()
    await advance(held.expiresAt - 1 - Date.now(), 60_000)
    expect(t.last()).toMatchObject({ fingerprint: held.fingerprint, phase: 'expiring' })
    // At the deadline Agora drops the client, and with no store to rejoin with the session fails.
    await advance(60_000, 1_000)
    expect(t.session.state.status).toBe('failed')
    expect(t.last()).toBeNull()
    await t.session.dispose()
  })

  it('is null after leave and after dispose, and completes with the session', async () => {
    const t = recorded()
    await joined(t)
    await t.session.leave()
    expect(t.last()).toBeNull()
    await joined(t, 'stage')
    expect(t.last()).toMatchObject({ phase: 'valid' })
    let completed = false
    t.session.lifetime$.subscribe({ complete: () => (completed = true) })
    await t.session.dispose()
    expect(t.last()).toBeNull()
    expect(completed).toBe(true)
  })

  it('replays the current value to a late subscriber, and leaves no timer of its own behind', async () => {
    const t = harness({ tokenLatencyMs: 50 })
    const done = t.session.join('lobby')
    await advance(1_000, 50)
    await done
    const timers = vi.getTimerCount()
    const values: (TokenLifetime | null)[] = []
    const subscription = t.session.lifetime$.subscribe((lifetime) => values.push(lifetime))
    expect(values).toHaveLength(1)
    expect(values[0]).toMatchObject({ phase: 'valid' })
    expect(vi.getTimerCount()).toBeGreaterThan(timers)
    subscription.unsubscribe()
    await flushIO()
    expect(vi.getTimerCount()).toBe(timers)
    await t.session.dispose()
  })
})

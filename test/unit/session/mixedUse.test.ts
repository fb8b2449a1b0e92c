import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isSessionError } from '../../../src/errors'
import type { IssuedToken } from '../../../src/store/IssuedToken'
import { createFakeLocalTrack } from '../../../src/testing/createFakeLocalTrack'
import { useFakeClock, useRealClock } from '../../support/fakeClock'
import { seededRandom } from '../../support/fixtures'
import { harness } from '../../support/sessionHarness'

/**
 * Issue 5, must-show: 4 hours of mixed use (switches, upgrades, downgrades, 2-minute token
 * server outages) on a fake clock: zero did-expire, zero edge rejections, state consistent
 * throughout.
 *
 * The script comes from a seeded random: an action every 20–120 s (mostly a switch among 10
 * channels, sometimes an upgrade — then the app publishes — sometimes a downgrade), and six
 * 2-minute outages placed at random, not chosen to dodge renewals.
 */

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DURATION_MS = 4 * HOUR
const OUTAGE_MS = 2 * MINUTE
const OUTAGE_COUNT = 6
const CHANNELS = Array.from({ length: 10 }, (_, i) => `ch-${i}`)
/** Invariants are checked this often while nothing is going on. */
const CHECK_EVERY_MS = 10 * SECOND
/** A command is given this long to settle before the test calls it hung. */
const COMMAND_LIMIT_MS = 60 * SECOND
/**
 * Seeds to run (`MIXED_USE_SEEDS=1,2,3` explores others; seeds 1–40 all pass). These four are
 * kept for what their outages happen to hit: a renewal in progress (1, 16, 30: renewal-failed,
 * then renewed in time), an upgrade and host switches (ROLE_CHANGE_FAILED / TOKEN_FETCH_FAILED),
 * and a downgrade with no subscriber token at hand (33: audience on the publisher token).
 */
const SEEDS = (process.env.MIXED_USE_SEEDS ?? '1,16,30,33').split(',').map(Number)

type Kind = 'switch' | 'upgrade' | 'downgrade'
interface Action {
  atMs: number
  kind: Kind
  /** For a switch: where to. */
  channel?: string
}
interface Outage {
  fromMs: number
  toMs: number
}

/** The script: actions (as the user plans them) and outages, ms since the start. */
function mixedUseScript(seed: number): { actions: Action[]; outages: Outage[] } {
  const random = seededRandom(seed)
  const actions: Action[] = []
  let t = 0
  let channel = CHANNELS[0]!
  let planned: 'audience' | 'host' = 'audience'
  for (;;) {
    t += Math.round(20 * SECOND + random() * 100 * SECOND)
    if (t >= DURATION_MS) break
    const r = random()
    if (r < (planned === 'audience' ? 0.8 : 0.7)) {
      let next = channel
      while (next === channel) next = CHANNELS[Math.floor(random() * CHANNELS.length)]!
      actions.push({ atMs: t, kind: 'switch', channel: next })
      channel = next
    } else if (planned === 'audience') {
      actions.push({ atMs: t, kind: 'upgrade' })
      planned = 'host'
    } else {
      actions.push({ atMs: t, kind: 'downgrade' })
      planned = 'audience'
    }
  }
  const outages: Outage[] = []
  while (outages.length < OUTAGE_COUNT) {
    const fromMs = Math.round(random() * (DURATION_MS - OUTAGE_MS))
    const toMs = fromMs + OUTAGE_MS
    if (outages.some((o) => fromMs < o.toMs + MINUTE && o.fromMs < toMs + MINUTE)) continue
    outages.push({ fromMs, toMs })
  }
  outages.sort((a, b) => a.fromMs - b.fromMs)
  return { actions, outages }
}

const codeOf = (e: unknown): string => (isSessionError(e) ? e.code : `non-SessionError: ${String(e)}`)
const fmt = (ms: number): string => {
  const s = Math.floor(ms / 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}.${String(ms % 1000).padStart(3, '0')}`
}

describe('mixed use (issue 5)', () => {
  beforeEach(() => useFakeClock())
  afterEach(() => useRealClock())

  it.each(SEEDS)(
    '4 hours of switches, upgrades, downgrades and 2-minute token-server outages (seed %i): no expiry, no edge rejection, consistent state',
    async (seed) => {
      const { actions, outages } = mixedUseScript(seed)
      const t = harness({ coHostAuth: true, joinLatencyMs: 300, tokenLatencyMs: 80 })
      const { session, client, edge, source } = t
      const start = Date.now()
      const now = (): number => Date.now() - start
      const trace: string[] = []
      const note = (line: string): void => {
        trace.push(`${fmt(now())} ${line}`)
      }
      /** The token the session says the SDK holds (token$). */
      const sdk: { held: IssuedToken | null } = { held: null }
      session.token$.subscribe((token) => (sdk.held = token))
      session.events$.subscribe((e) => {
        if (e.type === 'renewal-failed' || e.type === 'token-renewed' || e.type === 'token-expired' || e.type === 'error') {
          const detail = 'code' in e ? ` ${e.code}` : ''
          note(`  event ${e.type} ${'role' in e ? e.role : ''} ${'channel' in e ? e.channel : ''}${detail}`)
        }
        if (e.type === 'sdk-will-expire' || e.type === 'sdk-did-expire' || e.type === 'reconnecting') note(`  event ${e.type}`)
      })
      const context = (what: string): string => `seed ${seed}, ${fmt(now())}, ${what}\n${trace.slice(-25).join('\n')}`

      // Outage switches, applied as the clock passes them (also in the middle of a command).
      const toggles = outages.flatMap((o) => [
        { atMs: o.fromMs, down: true },
        { atMs: o.toMs, down: false },
      ])
      let down = false
      const applyToggles = (): void => {
        while (toggles.length > 0 && toggles[0]!.atMs <= now()) {
          down = toggles.shift()!.down
          source.setDown(down)
          note(down ? 'token server DOWN' : 'token server up')
        }
      }
      /** Moves the clock by `ms` in steps of `stepMs`, settling promises and applying outages. */
      const step = async (ms: number, stepMs: number): Promise<void> => {
        let left = ms
        while (left > 0) {
          const next = toggles[0]?.atMs
          const s = Math.min(stepMs, left, next !== undefined && next > now() ? next - now() : stepMs)
          await vi.advanceTimersByTimeAsync(s)
          left -= s
          applyToggles()
        }
      }

      /** Edge-side facts about our client: its current token and role, from the log. */
      const edgeView = (): { token?: string; role?: string } => {
        let token: string | undefined
        let role: string | undefined
        for (const r of edge.log) {
          if (r.clientId !== client.id || !r.ok) continue
          if (r.type === 'join') {
            token = r.token
            role = r.role
          } else if (r.type === 'renew') token = r.token
          else if (r.type === 'set-role') role = r.role
        }
        return { ...(token === undefined ? {} : { token }), ...(role === undefined ? {} : { role }) }
      }

      let checks = 0
      const assertConsistent = (what: string): void => {
        checks++
        const where = context(what)
        expect(session.state.status, where).toBe('joined')
        expect(edge.channelsOf(client.id), where).toEqual([session.state.channel])
        expect(client.channelName, where).toBe(session.state.channel)
        expect(session.state.role, where).toBe(client.role)
        expect(client.connectionState, where).toBe('CONNECTED')
        const view = edgeView()
        expect(view.role, where).toBe(session.state.role)
        expect(sdk.held?.token, `${where}\n(token$ is not the token the edge holds)`).toBe(view.token)
        expect(edge.log.filter((r) => r.type === 'did-expire'), where).toEqual([])
        expect(edge.log.filter((r) => !r.ok), where).toEqual([])
      }

      /** Idles until `atMs`, checking the invariants every 10 s. */
      const idleUntil = async (atMs: number): Promise<void> => {
        while (now() < atMs) {
          await step(Math.min(CHECK_EVERY_MS, atMs - now()), SECOND)
          assertConsistent('idle checkpoint')
        }
      }

      /** Runs a command while the clock moves (100 ms steps) until it settles. */
      const run = async (command: () => Promise<void>): Promise<{ ok: true } | { ok: false; error: unknown }> => {
        let outcome: { ok: true } | { ok: false; error: unknown } | undefined
        const promise = command().then(
          () => (outcome = { ok: true }),
          (error: unknown) => (outcome = { ok: false, error }),
        )
        const began = now()
        while (outcome === undefined && now() - began < COMMAND_LIMIT_MS) await step(100, 100)
        expect(outcome, context('command did not settle within 60 s')).toBeDefined()
        await promise
        return outcome!
      }

      const publish = async (what: string): Promise<void> => {
        const published = await run(() => client.publish([createFakeLocalTrack('audio'), createFakeLocalTrack('video')]))
        expect(published, context(`publish after ${what}`)).toEqual({ ok: true })
        counts.publishes++
      }

      const counts = {
        actions: 0,
        switches: 0,
        upgrades: 0,
        downgrades: 0,
        noOps: 0,
        failures: {} as Record<string, number>,
        failedDuringOutage: [] as string[],
        audienceSwitchesDuringOutage: 0,
        degradedDowngrades: 0,
        publishes: 0,
      }
      const outageOverlaps = (from: number, to: number): boolean => outages.some((o) => from < o.toMs + 80 && o.fromMs <= to)

      // Join at 0:00 as audience.
      const joined = await run(() => session.join(CHANNELS[0]!))
      expect(joined, context('join')).toEqual({ ok: true })
      assertConsistent('after join')

      for (const action of actions) {
        await idleUntil(action.atMs)
        const roleBefore = session.state.role
        const channelBefore = session.state.channel
        const wildcardBefore = sdk.held?.claims.rtc?.channel === '*'
        const began = now()
        const errorsBefore = t.ofType('error').length
        let result: Awaited<ReturnType<typeof run>>
        if (action.kind === 'switch') {
          result = await run(() => session.switchChannel(action.channel!))
        } else if (action.kind === 'upgrade') {
          result = await run(() => session.upgradeToHost())
        } else {
          result = await run(() => session.downgradeToAudience())
        }
        const during = outageOverlaps(began, now())
        const label = `${action.kind}${action.channel ? ` → ${action.channel}` : ''} as ${roleBefore} in ${channelBefore}${during ? ' (outage)' : ''}`
        counts.actions++
        note(`${label}: ${result.ok ? 'ok' : `FAILED ${codeOf(result.error)}`}`)
        const noOp = (action.kind === 'upgrade' && roleBefore === 'host') || (action.kind === 'downgrade' && roleBefore === 'audience')
        if (noOp) counts.noOps++
        else counts[action.kind === 'switch' ? 'switches' : action.kind === 'upgrade' ? 'upgrades' : 'downgrades']++

        if (result.ok) {
          if (action.kind === 'switch') expect(session.state.channel, context(label)).toBe(action.channel)
          if (action.kind === 'upgrade') expect(session.state.role, context(label)).toBe('host')
          if (action.kind === 'downgrade') expect(session.state.role, context(label)).toBe('audience')
          if (action.kind === 'switch' && roleBefore === 'audience' && during) counts.audienceSwitchesDuringOutage++
          if (action.kind === 'downgrade' && t.ofType('error').length > errorsBefore) counts.degradedDowngrades++
          // The app publishes after going live, and again after a host's switch (leave unpublished).
          if ((action.kind === 'upgrade' && !noOp) || (action.kind === 'switch' && roleBefore === 'host')) await publish(label)
        } else {
          const code = codeOf(result.error)
          counts.failures[code] = (counts.failures[code] ?? 0) + 1
          counts.failedDuringOutage.push(`${fmt(began)} ${label}: ${code}`)
          // Only the token server being down may fail a command, and only one that needs a token.
          expect(during, context(`${label} failed outside an outage: ${String(result.error)}`)).toBe(true)
          expect(action.kind === 'switch' && roleBefore === 'audience' && wildcardBefore, context(`${label}: audience switch failed`)).toBe(false)
          const expected = action.kind === 'upgrade' ? 'ROLE_CHANGE_FAILED' : 'TOKEN_FETCH_FAILED'
          expect(code, context(`${label}: ${String(result.error)}`)).toBe(expected)
          if (action.kind === 'upgrade') expect(result.error, context(label)).toMatchObject({ step: 'fetch-token' })
          expect(action.kind, context(`${label}: a downgrade must not fail`)).not.toBe('downgrade')
          // Still where it was.
          expect(session.state, context(label)).toMatchObject({ status: 'joined', channel: channelBefore, role: roleBefore })
          if (action.kind === 'switch' && roleBefore === 'host' && client.localTracks.length === 0) await publish(label)
        }
        assertConsistent(`after ${label}`)
      }
      await idleUntil(DURATION_MS)

      // The whole run.
      const renews = edge.log.filter((r) => r.type === 'renew')
      const renewed = t.ofType('token-renewed')
      const renewalFailures = t.ofType('renewal-failed')
      const tokenExpired = t.ofType('token-expired')
      const summary = {
        seed,
        fakeTime: fmt(now()),
        outages: outages.map((o) => `${fmt(o.fromMs)}–${fmt(o.toMs)}`),
        ...counts,
        checks,
        edgeJoins: edge.log.filter((r) => r.type === 'join').length,
        edgeRenews: renews.length,
        storeRenewals: {
          subscriber: renewed.filter((e) => e.role === 'subscriber').length,
          publisher: renewed.filter((e) => e.role === 'publisher').length,
        },
        renewalFailures: renewalFailures.map((e) => `${fmt(e.at - start)} ${e.role} ${e.channel} #${e.attempt}`),
        tokenRequests: {
          total: source.requests.length,
          subscriber: source.requests.filter((r) => r.role === 'subscriber').length,
          publisher: source.requests.filter((r) => r.role === 'publisher').length,
        },
        willExpire: edge.log.filter((r) => r.type === 'will-expire').length,
        tokenExpired: tokenExpired.map((e) => `${fmt(e.at - start)} ${e.role} ${e.channel}`),
        reconnects: t.ofType('reconnecting').length,
      }
      const atEnd = `${context('end')}\n${JSON.stringify(summary)}`

      expect(edge.log.filter((r) => r.type === 'did-expire'), atEnd).toEqual([])
      expect(edge.log.filter((r) => !r.ok), atEnd).toEqual([])
      expect(renews.every((r) => r.ok)).toBe(true)
      expect(t.ofType('sdk-did-expire')).toEqual([])
      expect(t.ofType('reconnecting')).toEqual([])
      expect(tokenExpired, context('token-expired events')).toEqual([])
      // Every failed renewal attempt happened while the token server was down (or its answer was on the way).
      for (const e of renewalFailures) expect(outageOverlaps(e.at - start, e.at - start), context(`renewal failed at ${fmt(e.at - start)}`)).toBe(true)
      // The script did what it says: mostly switches, some role changes, all six outages.
      expect(counts.switches).toBeGreaterThan(100)
      expect(counts.upgrades).toBeGreaterThan(3)
      expect(counts.downgrades).toBeGreaterThan(3)
      expect(toggles).toEqual([])
      assertConsistent('end')
      await session.dispose()
    },
    30_000,
  )
})

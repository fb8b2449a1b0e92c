import { Subject, asyncScheduler } from 'rxjs'
import { vi } from 'vitest'
import { createSession, type SessionEvent, type TokenSource } from '../../src/index'
import {
  createFakeClient,
  createFakeLocalTrack,
  createLocalEdge,
  localTokenSource,
  type FakeClient,
  type LocalEdge,
} from '../../src/testing/index'
import { advance, flushIO, useFakeClock, useRealClock } from '../support/fakeClock'
import { APP_CERTIFICATE, APP_ID, seededRandom } from '../support/fixtures'
import { createBaselineApp } from './baseline'
import { COMMUTE, MINUTE_MS, type CommuteScript, type Step } from './commuteScript'
import { HiddenTabScheduler } from './hiddenTabScheduler'

const UID = 42
/** A user action that failed is tried again after this long (the app's "try again"), both sides. */
const ACTION_RETRY_MS = 5_000
/** An action still unsettled after this long is counted as stuck and abandoned. */
const STUCK_AFTER_MS = 30 * MINUTE_MS
/** How far the fake clock moves per step while waiting for an action to settle. */
const SETTLE_STEP_MS = 100
/** How far the fake clock moves per step between actions (timers still fire at their exact time). */
const IDLE_STEP_MS = 5_000

/** The four user actions, on either side. */
interface App {
  join(channel: string): Promise<void>
  switchChannel(channel: string): Promise<void>
  upgradeToHost(): Promise<void>
  downgradeToAudience(): Promise<void>
  close(): Promise<void>
}

/** What one side did over the commute. */
export interface CommuteResult {
  side: 'library' | 'baseline'
  /** Every call to the token server, including those that failed during outages. */
  tokenRequests: number
  /** Calls that returned a token. */
  tokensIssued: number
  subscriberTokens: number
  publisherTokens: number
  didExpire: number
  /** From each did-expire drop until the next accepted join, in seconds. */
  secondsOutByExpiry: number
  switchLatenciesMs: number[]
  /** Library only: how many switches joined with a token from the cache. */
  switchesFromCache: number | undefined
  /** Actions that needed more than one attempt, and actions abandoned as stuck. */
  retriedActions: number
  stuckActions: number
  /** SDK calls the edge refused (joins, renewToken, setClientRole, publish). */
  edgeRefusals: number
  /** Timers the hidden tab pushed to the next minute, on the side's own scheduler. */
  throttledTimers: number
  /** Where the client ended: channel and role. */
  end: string
}

/** Counts calls to a token source, and those that returned a token, by role. */
function counted(source: TokenSource) {
  const stats = { attempts: 0, ok: 0, subscriber: 0, publisher: 0 }
  const wrapped: TokenSource = async (request, signal) => {
    stats.attempts += 1
    const answer = await source(request, signal)
    stats.ok += 1
    stats[request.role] += 1
    return answer
  }
  return { source: wrapped, stats }
}

/** Moves the fake clock to `atMs` (local ms), firing every timer at its time on the way. */
async function advanceTo(atMs: number): Promise<void> {
  const left = atMs - Date.now()
  if (left > 0) await advance(left, IDLE_STEP_MS)
  else await flushIO()
}

/** Runs the clock until `promise` settles; the settle time is read inside the callback (exact). */
async function settle(promise: Promise<void>): Promise<{ ok: boolean; atMs: number } | undefined> {
  let outcome: { ok: boolean; atMs: number } | undefined
  promise.then(
    () => (outcome = { ok: true, atMs: Date.now() }),
    () => (outcome = { ok: false, atMs: Date.now() }),
  )
  const giveUpAt = Date.now() + STUCK_AFTER_MS
  await flushIO()
  while (outcome === undefined && Date.now() < giveUpAt) await vi.advanceTimersByTimeAsync(SETTLE_STEP_MS)
  return outcome
}

function libraryApp(client: FakeClient, tokens: TokenSource, scheduler: HiddenTabScheduler, wake$: Subject<void>, seed: number) {
  const session = createSession({
    appId: APP_ID,
    client,
    tokens,
    uid: UID,
    audienceTokens: 'wildcard',
    scheduler,
    wake$,
    random: seededRandom(seed),
  })
  const events: SessionEvent[] = []
  session.events$.subscribe((e) => events.push(e))
  const tracks = [createFakeLocalTrack('audio'), createFakeLocalTrack('video')]
  const app: App = {
    join: (channel) => session.join(channel),
    switchChannel: (channel) => session.switchChannel(channel),
    upgradeToHost: async () => {
      await session.upgradeToHost()
      await client.publish(tracks)
    },
    downgradeToAudience: () => session.downgradeToAudience(),
    close: () => session.dispose(),
  }
  return { app, events }
}

function baselineApp(client: FakeClient, tokens: TokenSource, scheduler: HiddenTabScheduler): App {
  const baseline = createBaselineApp({ appId: APP_ID, client, uid: UID, fetchToken: tokens, scheduler })
  const tracks = [createFakeLocalTrack('audio'), createFakeLocalTrack('video')]
  return {
    join: (channel) => baseline.join(channel),
    switchChannel: (channel) => baseline.switchChannel(channel),
    upgradeToHost: async () => {
      await baseline.upgradeToHost()
      await client.publish(tracks)
    },
    downgradeToAudience: () => baseline.downgradeToAudience(),
    close: () => baseline.leave(),
  }
}

/** Seconds between each did-expire drop of `clientId` and its next accepted join. */
function secondsOutByExpiry(edge: LocalEdge, clientId: string): number {
  let outSince: number | undefined
  let totalMs = 0
  for (const r of edge.log) {
    if (r.clientId !== clientId) continue
    if (r.type === 'did-expire') outSince ??= r.at
    if (r.type === 'join' && r.ok && outSince !== undefined) {
      totalMs += r.at - outSince
      outSince = undefined
    }
  }
  if (outSince !== undefined) totalMs += edge.serverNow() - outSince
  return totalMs / 1000
}

const actionOf = (app: App, step: Step): (() => Promise<void>) => {
  switch (step.kind) {
    case 'join':
      return () => app.join(step.channel)
    case 'switch':
      return () => app.switchChannel(step.channel)
    case 'upgrade':
      return () => app.upgradeToHost()
    case 'downgrade':
      return () => app.downgradeToAudience()
  }
}

/**
 * Plays `script` on one side, on a fresh fake clock, edge, token server and client: every step
 * starts at its time, or when the previous one finished if that is later (one user, one thing at
 * a time). A step that fails is tried again after 5 s until it works.
 */
export async function runCommute(
  side: 'library' | 'baseline',
  script: CommuteScript,
  /** Seed of the library's jitter (`random` option of createSession). */
  jitterSeed = COMMUTE.seed + 1,
): Promise<CommuteResult> {
  useFakeClock()
  try {
    const t0 = Date.now()
    const edge = createLocalEdge({
      appId: APP_ID,
      appCertificate: APP_CERTIFICATE,
      joinLatencyMs: COMMUTE.joinLatencyMs,
      coHostAuth: true,
      serverClockOffsetMs: COMMUTE.serverClockOffsetMs,
    })
    const server = localTokenSource({
      appId: APP_ID,
      appCertificate: APP_CERTIFICATE,
      latencyMs: COMMUTE.tokenLatencyMs,
      serverClockOffsetMs: COMMUTE.serverClockOffsetMs,
      expireSec: COMMUTE.tokenLifetimeSec,
    })
    const { source, stats } = counted(server)
    const client = createFakeClient(edge, { mode: 'live' })
    // Only the app's own timers are throttled; the edge and the token server keep real time.
    const scheduler = new HiddenTabScheduler(asyncScheduler, {
      fromMs: t0 + script.hidden.fromMs,
      toMs: t0 + script.hidden.toMs,
    })
    const wake$ = new Subject<void>()
    const library = side === 'library' ? libraryApp(client, source, scheduler, wake$, jitterSeed) : undefined
    const app = library?.app ?? baselineApp(client, source, scheduler)

    const scenery: ReturnType<typeof setTimeout>[] = []
    for (const o of script.outages) {
      scenery.push(setTimeout(() => server.setDown(true), o.fromMs))
      scenery.push(setTimeout(() => server.setDown(false), o.toMs))
    }
    // The browser's visibilitychange when the tab shows again (the library listens; the guide does not).
    scenery.push(setTimeout(() => wake$.next(), script.hidden.toMs))

    const switchLatenciesMs: number[] = []
    let retriedActions = 0
    let stuckActions = 0
    for (const step of script.steps) {
      await advanceTo(t0 + step.atMs)
      const startedAt = Date.now()
      const action = actionOf(app, step)
      for (let attempt = 1; ; attempt++) {
        const outcome = await settle(action())
        if (outcome === undefined) {
          stuckActions += 1
          break
        }
        if (outcome.ok) {
          if (attempt > 1) retriedActions += 1
          if (step.kind === 'switch') switchLatenciesMs.push(outcome.atMs - startedAt)
          break
        }
        await advance(ACTION_RETRY_MS, 1_000)
      }
    }
    await advanceTo(t0 + script.durationMs)

    const mine = edge.log.filter((r) => r.clientId === client.id)
    const result: CommuteResult = {
      side,
      tokenRequests: stats.attempts,
      tokensIssued: stats.ok,
      subscriberTokens: stats.subscriber,
      publisherTokens: stats.publisher,
      didExpire: mine.filter((r) => r.type === 'did-expire').length,
      secondsOutByExpiry: secondsOutByExpiry(edge, client.id),
      switchLatenciesMs,
      switchesFromCache:
        library === undefined
          ? undefined
          : library.events.filter((e) => e.type === 'switch-completed' && e.tokenSource === 'cache').length,
      retriedActions,
      stuckActions,
      edgeRefusals: mine.filter((r) => !r.ok).length,
      throttledTimers: scheduler.throttled,
      end: `${client.channelName ?? '(none)'} as ${client.role}, ${client.connectionState}`,
    }
    await app.close()
    for (const handle of scenery) clearTimeout(handle)
    await flushIO()
    // Nothing may outlive the session or the baseline (the edge has dropped the client too).
    if (vi.getTimerCount() !== 0) throw new Error(`${side}: ${vi.getTimerCount()} timers left after closing`)
    return result
  } finally {
    useRealClock()
  }
}

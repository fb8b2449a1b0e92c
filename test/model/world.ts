import { NEVER } from 'rxjs'
import { vi } from 'vitest'
import { isSessionError } from '../../src/errors'
import type { SessionEvent } from '../../src/events'
import { createSession } from '../../src/session/createSession'
import type { Session } from '../../src/session/Session'
import { APP_CERTIFICATE, APP_ID, seededRandom } from '../support/fixtures'
import { createModelTokens } from './modelTokens'
import { createSdkModel, type SdkModel } from './sdkModel'
import { createVirtualTimers, type VirtualTimers } from './virtualTimers'

export const JOIN_TIMEOUT_MS = 15_000
/**
 * What the session promises for each command, from the call (README, "Commands"): `join`,
 * `switchChannel`, `upgradeToHost` and `downgradeToAudience` settle within `joinTimeoutMs`;
 * `leave` and `dispose` within the SDK's leave (at most 3 s) after the command they supersede
 * has unwound; `prefetch` within the store's fetch timeout (20 s).
 */
export const BOUND_MS: Record<AppCommand, number> = {
  join: JOIN_TIMEOUT_MS,
  switchChannel: JOIN_TIMEOUT_MS,
  upgradeToHost: JOIN_TIMEOUT_MS,
  downgradeToAudience: JOIN_TIMEOUT_MS,
  leave: 10_000,
  dispose: 10_000,
  prefetch: 21_000,
}
/**
 * No loop: SDK calls and token requests in any simulated minute stay under this, plus a few per
 * stimulus. The worst case without a loop: 60-s tokens renewed twice a minute (a request and a
 * `renewToken` each) while a rejoin against a hanging join tries every 15 s (a `setClientRole`,
 * the `join`, the `leave` at its timeout, and a token request): about 18. A loop makes hundreds.
 */
export const CALLS_PER_MINUTE = 20
export const CALLS_PER_STIMULUS = 6

export type AppCommand = 'join' | 'switchChannel' | 'prefetch' | 'upgradeToHost' | 'downgradeToAudience' | 'leave' | 'dispose'

interface Pending {
  name: string
  command: AppCommand
  calledAt: number
  outcome: 'pending' | 'fulfilled' | 'rejected'
  error?: unknown
}

/** Everything one randomized run drives and watches. */
export interface World {
  session: Session
  sdk: SdkModel
  tokens: ReturnType<typeof createModelTokens>
  timers: VirtualTimers
  events: SessionEvent[]
  commands: Pending[]
  /** Times of app commands, SDK actions and token-server changes: what may cause SDK calls. */
  stimuli: number[]
  violations: string[]
  unhandled: unknown[]
  disposed: boolean
  stop(): void
}

export interface WorldOptions {
  uid: number | string
  audienceTokens: 'wildcard' | 'channel'
  expireSec: number
  seed: number
}

export function createWorld(o: WorldOptions): World {
  const timers = createVirtualTimers()
  const sdk = createSdkModel({ appId: APP_ID, uid: o.uid, timers, now: () => Date.now(), coHostAuth: true })
  const tokens = createModelTokens({ appId: APP_ID, appCertificate: APP_CERTIFICATE, expireSec: o.expireSec })
  const session = createSession({
    appId: APP_ID,
    client: sdk.client,
    tokens: tokens.source,
    uid: o.uid,
    audienceTokens: o.audienceTokens,
    joinTimeoutMs: JOIN_TIMEOUT_MS,
    wake$: NEVER,
    random: seededRandom(o.seed),
  })
  const events: SessionEvent[] = []
  session.events$.subscribe((e) => events.push(e))
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  return {
    session,
    sdk,
    tokens,
    timers,
    events,
    commands: [],
    stimuli: [],
    violations: [],
    unhandled,
    disposed: false,
    stop: () => process.off('unhandledRejection', onUnhandled),
  }
}

/** Issues an app command and follows its outcome. */
export function issue(world: World, command: AppCommand, name: string, run: () => Promise<void>): void {
  const pending: Pending = { name, command, calledAt: Date.now(), outcome: 'pending' }
  world.commands.push(pending)
  world.stimuli.push(Date.now())
  run().then(
    () => {
      pending.outcome = 'fulfilled'
    },
    (error: unknown) => {
      pending.outcome = 'rejected'
      pending.error = error
    },
  )
}

const TOKEN_CODES = new Set([109, 110, 118, 119, 120, 2013])
/** Whether an SDK error is Agora refusing a token (the model never hands over an expired one). */
function isTokenRefusal(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false
  const { code, data, message } = cause as { code?: unknown; data?: { code?: unknown }; message?: unknown }
  if (code === 'TOKEN_EXPIRE') return true
  if (code === 'UNEXPECTED_RESPONSE' && typeof data?.code === 'number') return TOKEN_CODES.has(data.code)
  return code === 'CAN_NOT_GET_GATEWAY_SERVER' && /invalid token|dynamic key/.test(String(message))
}

/** Invariants checked after every step. */
export function checkStep(world: World): void {
  const now = Date.now()
  const v = world.violations
  // (a) every command settles within its bound.
  for (const c of world.commands) {
    if (c.outcome === 'pending' && now - c.calledAt > BOUND_MS[c.command]) {
      v.push(`(a) ${c.name} still pending ${now - c.calledAt} ms after the call (bound ${BOUND_MS[c.command]} ms)`)
      c.outcome = 'rejected' // reported once
    }
  }
  // (b) no loop: SDK calls and token requests per simulated minute.
  const since = now - 60_000
  const calls = world.sdk.calls.filter((c) => c.at > since).length + world.tokens.requestTimes.filter((t) => t > since).length
  const stimuli = world.stimuli.filter((t) => t > since).length
  const allowed = CALLS_PER_MINUTE + CALLS_PER_STIMULUS * stimuli
  if (calls > allowed) v.push(`(b) ${calls} SDK calls and token requests in the last minute (allowed ${allowed} for ${stimuli} stimuli)`)
  // (d) nothing thrown into an SDK listener, no unhandled rejection.
  for (const s of world.sdk.violations.splice(0)) v.push(s.startsWith('loop') ? `(b) ${s}` : s.includes('listener') ? `(d) ${s}` : `(f) ${s}`)
  for (const u of world.unhandled.splice(0)) v.push(`(d) unhandled rejection: ${String(u)}`)
  // Refusals are read right: a token Agora refused is TOKEN_INVALID (the model's tokens are
  // never expired), never JOIN_REJECTED, and the user is never told to check a clock.
  for (const c of world.commands) {
    if (c.outcome !== 'rejected' || c.error === undefined || !isSessionError(c.error)) continue
    const e = c.error
    if ((c.command === 'join' || c.command === 'switchChannel') && isTokenRefusal(e.cause) && e.code !== 'TOKEN_INVALID') {
      v.push(`(g) ${c.name}: Agora refused the token, the session said ${e.code}: ${e.message}`)
    }
    if (/clock/i.test(e.message) && isTokenRefusal(e.cause)) v.push(`(g) ${c.name}: blames a clock: ${e.message}`)
    c.error = undefined // checked once
  }
}

/**
 * A rejoin asks for a join or a token at least this often: its backoff is at most 30 s, a
 * token request can take the fetch timeout (20 s), and a join the join timeout (15 s).
 */
const REJOIN_EVIDENCE_MS = 120_000

/** How long after the last stimulus the session must be at rest (the SDK's leave takes up to 3 s). */
const QUIET_MS = 5_000

/**
 * (c) Once every command has settled and nothing happened for a while, the session's status
 * agrees with the client's connection state.
 */
export function checkQuiet(world: World): void {
  if (world.disposed || world.commands.some((c) => c.outcome === 'pending')) return
  if (Date.now() - (world.stimuli.at(-1) ?? -Infinity) < QUIET_MS) return
  const { status, role } = world.session.state
  const sdk = world.sdk.client.connectionState
  const v = world.violations
  // In a channel, the role the state says is the client's (a role change cut short included).
  if (status === 'joined' && role !== world.sdk.client.role && !world.sdk.roleChanging()) v.push(`(c) session joined as ${role} while the SDK is ${String(world.sdk.client.role)}`)
  // Reconnecting while the client is out: a rejoin is under way (a join or a token request lately).
  const since = Date.now() - REJOIN_EVIDENCE_MS
  const rejoining =
    world.sdk.calls.some((c) => c.method === 'join' && c.at > since) || world.tokens.requestTimes.some((t) => t > since)
  if (status === 'reconnecting' && sdk !== 'RECONNECTING' && !rejoining) v.push(`(c) session reconnecting while the SDK is ${sdk}, and no rejoin under way`)
  const ok =
    status === 'joined'
      ? sdk === 'CONNECTED'
      : status === 'reconnecting'
        ? sdk !== 'CONNECTED' && sdk !== 'DISCONNECTING'
        : status === 'idle' || status === 'failed'
          ? sdk === 'DISCONNECTED'
          : false
  if (!ok) v.push(`(c) session ${status} while the SDK is ${sdk}, with no command pending`)
}

/**
 * The end of a run: let everything settle, dispose, and check (e) no timer and no listener is
 * left, and that every `switch-started` ended in exactly one `switch-completed` or `switch-failed`.
 */
export async function finish(world: World): Promise<void> {
  const v = world.violations
  if (!world.disposed) {
    world.disposed = true
    issue(world, 'dispose', 'dispose (end)', () => world.session.dispose())
  }
  for (let i = 0; i < 12 && world.commands.some((c) => c.outcome === 'pending'); i++) await world.timers.advance(1_000)
  checkStep(world)
  const sessionTimers = vi.getTimerCount() - world.timers.pending
  if (sessionTimers !== 0) v.push(`(e) ${sessionTimers} timer(s) left after dispose`)
  if (world.sdk.listenerCount() !== 0) v.push(`(e) ${world.sdk.listenerCount()} SDK listener(s) left after dispose`)
  let open: SessionEvent | undefined
  for (const e of world.events) {
    if (e.type === 'switch-started') {
      if (open !== undefined) v.push(`(h) switch ${describe(open)} never ended before the next one started`)
      open = e
    } else if (e.type === 'switch-completed' || (e.type as string) === 'switch-failed') {
      if (open === undefined) v.push(`(h) a ${e.type} with no switch-started`)
      open = undefined
    }
  }
  if (open !== undefined) v.push(`(h) switch ${describe(open)} never ended`)
  world.stop()
}

const describe = (e: SessionEvent): string => (e.type === 'switch-started' ? `${String(e.from)} → ${e.to}` : e.type)

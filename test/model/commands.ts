import fc from 'fast-check'
import type { TokenMode } from './modelTokens'
import { DISCONNECT_REASONS, type Behaviours, type JoinBehaviour, type RenewBehaviour, type RoleBehaviour } from './sdkModel'
import { checkQuiet, checkStep, createWorld, finish, issue, type World, type WorldOptions } from './world'

/** fast-check's model: what the steps need to know of the past (little: the world checks itself). */
export interface Model {
  disposed: boolean
}

/** One step of a run: an app command, an SDK action, a token-server change, or time passing. */
export class Step implements fc.AsyncCommand<Model, World> {
  constructor(
    readonly label: string,
    readonly act: (world: World, model: Model) => void | Promise<void>,
  ) {}
  check(): boolean {
    return true
  }
  async run(model: Model, world: World): Promise<void> {
    await this.act(world, model)
    // Every step gives the session its microtasks before anything is checked.
    await world.timers.advance(0)
    checkStep(world)
    if (world.violations.length > 0) throw new Error(`invariant broken after ${this.label}:\n${world.violations.join('\n')}`)
  }
  toString(): string {
    return this.label
  }
}

const short = (c: string): string => (c.length > 10 ? `'x'×${c.length}` : c)
const command = (label: string, kind: Parameters<typeof issue>[1], run: (w: World) => Promise<void>): Step =>
  new Step(label, (w) => issue(w, kind, label, () => run(w)))

/** The steps, by name: the randomized test draws them, regression tests list them. */
export const step = {
  join: (c: string, role: 'audience' | 'host' = 'audience') => command(`join(${short(c)}, ${role})`, 'join', (w) => w.session.join(c, { role })),
  switchChannel: (c: string) => command(`switchChannel(${short(c)})`, 'switchChannel', (w) => w.session.switchChannel(c)),
  prefetch: (c: string) => command(`prefetch(${short(c)})`, 'prefetch', (w) => w.session.prefetch(c)),
  upgradeToHost: () => command('upgradeToHost()', 'upgradeToHost', (w) => w.session.upgradeToHost()),
  downgradeToAudience: () => command('downgradeToAudience()', 'downgradeToAudience', (w) => w.session.downgradeToAudience()),
  leave: () => command('leave()', 'leave', (w) => w.session.leave()),
  dispose: () =>
    new Step('dispose()', (w, m) => {
      m.disposed = true
      w.disposed = true
      issue(w, 'dispose', 'dispose()', () => w.session.dispose())
    }),
  /** An SDK action; it counts as a stimulus only when the client's state allowed it. */
  sdk: (label: string, act: (w: World) => boolean) =>
    new Step(`sdk: ${label}`, (w) => {
      if (act(w)) w.stimuli.push(Date.now())
    }),
  serverDrop: (reason: string) => step.sdk(`server drops the client (${reason})`, (w) => w.sdk.actions.serverDrop(reason)),
  selfLeave: () => step.sdk('leaves by itself (pagehide, or the app called client.leave())', (w) => w.sdk.actions.selfLeave()),
  reconnecting: () => step.sdk('RECONNECTING', (w) => w.sdk.actions.startReconnecting()),
  reconnected: () => step.sdk('reconnected', (w) => w.sdk.actions.endReconnecting()),
  giveUp: () => step.sdk('gives up reconnecting', (w) => w.sdk.actions.giveUpReconnecting()),
  willExpire: () => step.sdk('token-privilege-will-expire', (w) => w.sdk.actions.willExpire()),
  didExpire: () => step.sdk('token-privilege-did-expire', (w) => w.sdk.actions.didExpire()),
  behave: <K extends keyof Behaviours>(what: K, how: Behaviours[K]) =>
    new Step(`sdk: next ${what} ${how}`, (w) => {
      w.sdk.behaviours[what] = how
    }),
  tokens: (mode: TokenMode) =>
    new Step(`tokens: ${mode}`, (w) => {
      w.tokens.setMode(mode)
      w.stimuli.push(Date.now())
    }),
  wait: (ms: number) =>
    new Step(`wait ${ms} ms`, async (w) => {
      await w.timers.advance(ms)
      checkQuiet(w)
    }),
}

/**
 * Plays `steps` as the randomized test does, with every invariant checked, and returns what was
 * broken (empty: none). For named regression tests of sequences the randomized test found.
 */
export async function replay(options: Partial<WorldOptions>, steps: readonly Step[]): Promise<string[]> {
  const world = createWorld({ uid: 42, audienceTokens: 'wildcard', expireSec: 60, seed: 1, ...options })
  const model: Model = { disposed: false }
  try {
    for (const s of steps) await s.run(model, world)
    await finish(world)
  } catch {
    // The step threw with the violations listed in world.violations.
  } finally {
    world.stop()
    if (!world.disposed) world.session.dispose().catch(() => {})
  }
  return world.violations
}

const CHANNELS = ['lobby', 'stage', 'music', 'x'.repeat(65)] as const
const channel = fc.constantFrom(...CHANNELS)
const role = fc.constantFrom<'audience' | 'host'>('audience', 'host')

const app = [
  fc.tuple(channel, role).map(([c, r]) => step.join(c, r)),
  channel.map(step.switchChannel),
  channel.map(step.prefetch),
  fc.constant(step.upgradeToHost()),
  fc.constant(step.downgradeToAudience()),
  fc.constant(step.leave()),
]

/** Rare in the middle of a run (every run ends with one): commands after it must reject `DISPOSED` at once. */
const dispose = fc.integer({ min: 0, max: 3 }).map((i) => (i > 0 ? step.wait(0) : step.dispose()))

const sdk = [
  fc.constantFrom(...DISCONNECT_REASONS).map(step.serverDrop),
  fc.constant(step.selfLeave()),
  fc.constant(step.reconnecting()),
  fc.constant(step.reconnected()),
  fc.constant(step.giveUp()),
  fc.constant(step.willExpire()),
  fc.constant(step.didExpire()),
]

const JOINS: JoinBehaviour[] = ['ok', 'hang', 'refuse-invalid', 'refuse-110', 'refuse-119', 'refuse-120', 'uid-conflict']
const RENEWS: RenewBehaviour[] = [
  'ok',
  'late',
  'never',
  'refuse-ticket-invalid',
  'refuse-ticket-expired',
  'refuse-110',
  'refuse-118',
  'refuse-119',
  'refuse-120',
]
const ROLES: RoleBehaviour[] = ['ok', 'late', 'never', 'refuse']
const behaviours = [
  fc.constantFrom(...JOINS).map((b) => step.behave('join', b)),
  fc.constantFrom(...RENEWS).map((b) => step.behave('renew', b)),
  fc.constantFrom(...ROLES).map((b) => step.behave('role', b)),
  fc.constantFrom<Behaviours['resetRenew']>('ws-abort', 'type-error').map((b) => step.behave('resetRenew', b)),
]

const MODES: TokenMode[] = ['up', 'down', 'slow', 'hang', 'fault-503', 'retry-after', 'fault-403']
const tokens = fc.constantFrom(...MODES).map(step.tokens)

const time = fc.constantFrom(0, 1, 50, 300, 1_000, 3_000, 10_000, 20_000, 60_000, 180_000).map(step.wait)

/** Random sequences of everything the app, the SDK and the token server can do, and time passing. */
export const steps = (maxCommands: number): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, World>>> =>
  fc.commands(
    [
      ...app,
      ...app, // app commands twice as likely as any one SDK action
      dispose,
      ...sdk,
      ...behaviours,
      tokens,
      ...Array.from({ length: 10 }, () => time), // about a third of the steps let time pass
    ],
    { maxCommands, size: 'max' },
  )

import { isSessionError, type SessionError } from '../errors.js'
import { isInChannel } from '../session/isInChannel.js'
import type { Session } from '../session/Session.js'

type Role = 'audience' | 'host'

/** What one component (one `useChannel`) asks of a session. */
interface Want {
  channel: string | null
  role: Role
}

/** What `useChannel` asks of a session on behalf of one component (`holder`), and letting go. */
export interface ChannelController {
  want(holder: object, want: Want): void
  release(holder: object): void
  /**
   * The refusal of the last command issued for the components, until the next want: also one
   * that left the session's state as it was (an invalid channel name: `INVALID_ARGUMENT`).
   * Superseded commands are not refusals.
   */
  readonly refusal: SessionError | undefined
  /** Calls `onChange` when {@link refusal} changes; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void
}

const controllers = new WeakMap<Session, ChannelController>()

/**
 * The one controller of a session's channel for React: it turns what the mounted components
 * want (a channel or none, a role) into the fewest commands (`join`, `switchChannel`,
 * `upgradeToHost` / `downgradeToAudience`, `leave`), and lets the session's latest-wins queue
 * order them. The latest want wins; the session leaves only when no mounted component wants a
 * channel any more.
 *
 * Letting go (an effect's cleanup) takes effect after a microtask, and the same component
 * wanting the same thing before then cancels it with no command at all: StrictMode's
 * mount → unmount → mount, which runs the cleanup and the effect again in one go, so makes one
 * `join` (none if already there) and no `leave`.
 */
export function channelControllerOf(session: Session): ChannelController {
  let controller = controllers.get(session)
  if (controller !== undefined) return controller
  const wants = new Map<object, Want>()
  const pendingRelease = new Map<object, number>()
  let releases = 0
  let warned = false
  /**
   * Where the session is headed: what was last asked (a command may still be queued, the state
   * not yet changed), until the session is out of a channel again (left, failed, disposed).
   */
  let target: Want | undefined
  let running = 0
  /** Once every command asked has settled, a session out of a channel is where it is headed. */
  const settleTarget = (): void => {
    if (running === 0 && !isInChannel(session.state.status)) target = undefined
  }
  // Completes when the session is disposed.
  session.state$.subscribe(settleTarget)
  let refusal: SessionError | undefined
  const onChange = new Set<() => void>()
  const setRefusal = (next: SessionError | undefined): void => {
    if (next === refusal) return
    refusal = next
    for (const listener of [...onChange]) listener()
  }
  /** Which want the commands issued now serve: a refusal counts only while its want is the latest. */
  let wantSeq = 0
  /** Runs a command; a refusal shows in the returned state (never as an unhandled rejection). */
  const quietly = (command: Promise<void>): void => {
    running++
    const forWant = wantSeq
    command
      .catch((error: unknown) => {
        if (forWant === wantSeq && isSessionError(error) && error.code !== 'SUPERSEDED') setRefusal(error)
      })
      .finally(() => {
        running--
        settleTarget()
      })
  }

  /** Where the session is headed, or is (a channel joined without React counts too). */
  const current = (): Want => {
    if (target !== undefined) return target
    const { status, channel, role } = session.state
    return { channel: isInChannel(status) ? channel : null, role }
  }

  const apply = ({ channel, role }: Want): void => {
    if (session.state.status === 'disposed') return
    wantSeq++
    setRefusal(undefined)
    const now = current()
    if (channel === null) {
      if (now.channel !== null) quietly(session.leave())
    } else if (now.channel === null) {
      quietly(session.join(channel, { role }))
    } else {
      // The session keeps the role across a switch; a role change follows it in the queue.
      if (now.channel !== channel) quietly(session.switchChannel(channel))
      if (now.role !== role) quietly(role === 'host' ? session.upgradeToHost() : session.downgradeToAudience())
    }
    target = { channel, role }
  }

  controller = {
    want(holder, want) {
      const before = wants.get(holder)
      const remount = pendingRelease.delete(holder)
      wants.set(holder, want)
      if (remount && before !== undefined && before.channel === want.channel && before.role === want.role) return
      const others = [...wants].filter(([other, w]) => other !== holder && w.channel !== null && w.channel !== want.channel)
      if (others.length > 0 && !warned) {
        warned = true
        console.warn(
          `agora-rtc-session/react: two components use useChannel on one session, for "${String(want.channel)}" and ` +
            `"${String(others[0]?.[1].channel)}"; the latest wins. A session is one client in one channel: use one useChannel per session.`,
        )
      }
      apply(want)
    },
    release(holder) {
      const mine = ++releases
      pendingRelease.set(holder, mine)
      // A promise, not queueMicrotask: Jest's fake timers fake that one, never promises.
      void Promise.resolve().then(() => {
        if (pendingRelease.get(holder) !== mine) return
        pendingRelease.delete(holder)
        wants.delete(holder)
        const rest = [...wants.values()].at(-1)
        apply(rest ?? { channel: null, role: 'audience' })
      })
    },
    get refusal() {
      return refusal
    },
    subscribe(listener) {
      onChange.add(listener)
      return () => void onChange.delete(listener)
    },
  }
  controllers.set(session, controller)
  return controller
}

import type { Session } from '../session/Session.js'

type Role = 'audience' | 'host'

/** What `useChannel` asks of a session: a channel (or none) in a role, and letting go. */
export interface ChannelController {
  want(channel: string | null, role: Role): void
  release(): void
}

const controllers = new WeakMap<Session, ChannelController>()

/** Failures show in `session.state` (and its `error` event); the promise itself is not an error. */
const quietly = (command: Promise<void>): void => {
  command.catch(() => {})
}

/**
 * The one controller of a session's channel for React: it turns "this component wants channel X
 * as role R" into the fewest commands (`join`, `switchChannel`, `upgradeToHost` /
 * `downgradeToAudience`, `leave`), and lets the session's latest-wins queue order them.
 *
 * Letting go (an effect's cleanup) leaves only after a microtask, and a `want` before then
 * cancels it: StrictMode's mount → unmount → mount, which runs the cleanup and the effect again
 * in one go, so makes one `join` and no `leave`.
 */
export function channelControllerOf(session: Session): ChannelController {
  let controller = controllers.get(session)
  if (controller !== undefined) return controller
  let target: { channel: string; role: Role } | null = null
  let generation = 0

  const inChannel = (): boolean => {
    const { status } = session.state
    return status !== 'idle' && status !== 'failed' && status !== 'disposed'
  }

  controller = {
    want(channel, role) {
      generation++
      if (session.state.status === 'disposed') return
      if (channel === null) {
        if (target !== null || inChannel()) quietly(session.leave())
        target = null
        return
      }
      if (target === null || !inChannel()) {
        quietly(session.join(channel, { role }))
      } else if (target.channel !== channel) {
        // The session keeps the role across a switch; a role change follows it in the queue.
        quietly(session.switchChannel(channel))
        if (target.role !== role) quietly(role === 'host' ? session.upgradeToHost() : session.downgradeToAudience())
      } else if (target.role !== role) {
        quietly(role === 'host' ? session.upgradeToHost() : session.downgradeToAudience())
      }
      target = { channel, role }
    },
    release() {
      const mine = ++generation
      // A promise, not queueMicrotask: Jest's fake timers fake that one, never promises.
      void Promise.resolve().then(() => {
        if (generation !== mine) return
        target = null
        if (session.state.status !== 'disposed') quietly(session.leave())
      })
    },
  }
  controllers.set(session, controller)
  return controller
}

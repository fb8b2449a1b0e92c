import type { IssuedToken } from '../store/IssuedToken'
import type { CommandQueue } from './CommandQueue'
import type { SessionRuntime } from './SessionRuntime'

/**
 * Hands each renewed token to the SDK (`renewToken`) through the command queue, so it never
 * lands in the middle of a join, switch or role change; after each command, a token renewed
 * meanwhile is handed over once.
 */
export function forwardRenewals(rt: SessionRuntime, queue: () => CommandQueue) {
  let lastPushed: IssuedToken | undefined

  const push = async (): Promise<void> => {
    const conn = rt.active
    const token = conn?.follower.current
    if (conn === undefined || token === undefined || token === conn.sdkToken || rt.out.state.status !== 'joined') return
    lastPushed = token
    try {
      await rt.ctx.client.renewToken(token.token)
      conn.sdkToken = token
      rt.out.token$.next(token)
    } catch (error) {
      rt.out.emit({
        type: 'error',
        code: 'TOKEN_INVALID',
        message: `the SDK refused a renewed token: ${error instanceof Error ? error.message : String(error)}`,
      })
    }
  }

  const schedule = (): void => {
    if (queue().has(['renew', 'dispose'])) return
    queue()
      .run('renew', push)
      .catch(() => {})
  }

  return {
    /** A follower got a new token: hand it over if it belongs to the current channel. */
    renewed: (follower: unknown): void => {
      if (rt.active?.follower === follower) schedule()
    },
    /** The queue went idle: hand over a token renewed during the last command. */
    reconcile: (): void => {
      const token = rt.active?.follower.current
      if (token !== undefined && token !== rt.active?.sdkToken && token !== lastPushed) schedule()
    },
  }
}

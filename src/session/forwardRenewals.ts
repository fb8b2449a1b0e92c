import type { IssuedToken } from '../store/IssuedToken'
import type { CommandQueue } from './CommandQueue'
import type { Connection } from './SessionContext'
import type { SessionRuntime } from './SessionRuntime'
import { TokenFollower } from './TokenFollower'
import { tokenScope } from './tokenScope'

/**
 * Hands each renewed token to the SDK (`renewToken`) through the command queue, so it never
 * lands in the middle of a join, switch or role change; after each command, a token renewed
 * meanwhile is handed over once.
 *
 * An audience member still on a publisher token (a downgrade could not get the subscriber
 * token then) goes back to the least-privileged token at the next renewal instead.
 */
export function forwardRenewals(rt: SessionRuntime, queue: () => CommandQueue) {
  let lastPushed: IssuedToken | undefined

  const leastPrivilege = async (conn: Connection): Promise<boolean> => {
    const follower = new TokenFollower(rt.ctx.store, tokenScope(rt.ctx, conn.channel, 'audience'), rt.ctx.onToken)
    try {
      const token = await follower.first
      await rt.ctx.client.renewToken(token.token)
      conn.follower.release()
      rt.active = { channel: conn.channel, role: 'audience', follower, sdkToken: token }
      rt.out.token$.next(token)
      return true
    } catch {
      follower.release()
      return false
    }
  }

  const push = async (): Promise<void> => {
    const conn = rt.active
    const token = conn?.follower.current
    if (conn === undefined || token === undefined || token === conn.sdkToken || rt.out.state.status !== 'joined') return
    lastPushed = token
    if (conn.role === 'audience' && conn.follower.scope.role === 'publisher' && (await leastPrivilege(conn))) return
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

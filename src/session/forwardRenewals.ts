import { abortable } from '../abortable.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { CommandQueue } from './CommandQueue.js'
import { toAudienceToken } from './roleChange.js'
import { isConnectionLost, renewError } from './sdkErrors.js'
import type { SessionRuntime } from './SessionRuntime.js'

/**
 * Hands each renewed token to the SDK (`renewToken`) through the command queue, so it never
 * lands in the middle of a join, switch or role change; after each command, a token renewed
 * meanwhile is handed over once. Never a token older than the one the SDK holds.
 *
 * While the SDK reconnects after a network blip, `renewToken` waits for it (the SDK's own
 * behaviour), and so does the queue.
 *
 * An audience member still on a publisher token (a downgrade could not get the subscriber
 * token then) goes back to the least-privileged token at the next renewal instead.
 */
export function forwardRenewals(rt: SessionRuntime, queue: () => CommandQueue) {
  let lastPushed: IssuedToken | undefined

  const push = async (signal: AbortSignal): Promise<void> => {
    const conn = rt.active
    const token = conn?.follower.current
    if (conn === undefined || token === undefined || token === conn.sdkToken || rt.out.state.status !== 'joined') return
    if (token.receivedAt < conn.sdkToken.receivedAt) return
    lastPushed = token
    if (conn.role === 'audience' && conn.follower.scope.role === 'publisher') {
      const audience = await toAudienceToken(rt.ctx, conn, signal).catch(() => undefined)
      if (audience !== undefined) {
        rt.active = audience
        rt.out.token$.next(audience.sdkToken)
        return
      }
    }
    try {
      await abortable(rt.ctx.client.renewToken(token.token), signal)
      conn.sdkToken = token
      rt.out.token$.next(token)
    } catch (error) {
      if (signal.aborted) return
      // The connection went away under the renewal (the SDK gave up reconnecting): the disconnect
      // is handled (a rejoin with the newest token), and the next idle moment tries this token
      // again. The SDK then rejects with WS_ABORT, or, as 4.24.8 does once it has reset the
      // client, with a TypeError from restoring the old token: whatever it says, a client no
      // longer connected did not refuse the token.
      if (isConnectionLost(error) || rt.ctx.client.connectionState !== 'CONNECTED') {
        lastPushed = undefined
        return
      }
      const mapped = renewError(error)
      rt.out.emit({ type: 'error', code: mapped.code, message: mapped.message })
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

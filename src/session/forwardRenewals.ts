import { timer, type Subscription } from 'rxjs'
import { abortable } from '../abortable.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../store/retryDelay.js'
import type { CommandQueue } from './CommandQueue.js'
import { toAudienceToken } from './roleChange.js'
import { isConnectionLost, renewError } from './sdkErrors.js'
import type { SessionRuntime } from './SessionRuntime.js'

/**
 * Hands each renewed token to the SDK (`renewToken`) through the command queue, so it never
 * lands in the middle of a join, switch or role change; after each command, a token renewed
 * meanwhile is handed over once. Never a token older than the one the SDK holds.
 *
 * Only to a client that is `CONNECTED`: while the SDK reconnects, its `renewToken` would wait for
 * the reconnection (and hold every command behind it), so the token is handed over when the SDK
 * is back. A handover that failed because the connection went away is tried again when the SDK
 * is connected again, and never sooner than a backoff delay on the scheduler: no path here
 * retries at once.
 *
 * An audience member still on a publisher token (a downgrade could not get the subscriber
 * token then) goes back to the least-privileged token at the next renewal instead.
 */
export function forwardRenewals(rt: SessionRuntime, queue: () => CommandQueue) {
  /** The token last handed over and refused (not retried until a newer one). */
  let refused: IssuedToken | undefined
  let failures = 0
  let pause: Subscription | undefined

  /**
   * Whether the SDK can take a token now: connected, and not a host while the token is an
   * audience token (a role change cut short may leave the SDK a host until its restore).
   */
  const connected = (): boolean => {
    const { client } = rt.ctx
    if (client.connectionState !== 'CONNECTED' || rt.out.state.status !== 'joined') return false
    return !(client.role === 'host' && rt.active?.follower.scope.role === 'subscriber')
  }

  /** Whether a call failed because the connection went away under it. */
  const lost = (error: unknown): boolean => rt.ctx.client.connectionState !== 'CONNECTED' || isConnectionLost(error)

  const due = (): IssuedToken | undefined => {
    const conn = rt.active
    const token = conn?.follower.current
    if (conn === undefined || token === undefined || token === conn.sdkToken || token === refused) return undefined
    return token.receivedAt < conn.sdkToken.receivedAt ? undefined : token
  }

  const push = async (signal: AbortSignal): Promise<void> => {
    const conn = rt.active
    const token = due()
    if (conn === undefined || token === undefined || pause !== undefined || !connected()) return
    try {
      if (conn.role === 'audience' && conn.follower.scope.role === 'publisher') {
        const audience = await toAudienceToken(rt.ctx, conn, signal).catch((error: unknown) => {
          // Lost with the connection: the pause below, not a second call that fails the same way.
          if (signal.aborted || lost(error)) throw error
          return undefined // no subscriber token: the publisher token is renewed instead
        })
        if (audience !== undefined) {
          rt.active = audience
          rt.out.token$.next(audience.sdkToken)
          return
        }
      }
      if (signal.aborted) return
      await abortable(rt.ctx.client.renewToken(token.token), signal)
      conn.sdkToken = token
      failures = 0
      rt.out.token$.next(token)
    } catch (error) {
      if (signal.aborted) return
      // The connection went away under the renewal (the SDK rejects with WS_ABORT, or, as 4.24.8
      // does once it has reset the client, with a TypeError from restoring the old token): a
      // client no longer connected did not refuse the token. The disconnect is handled; the
      // token goes over when the SDK is connected again, after a pause.
      if (lost(error)) {
        failures += 1
        pause = timer(retryDelayMs(failures, undefined, DEFAULT_RETRY_POLICY, rt.ctx.random), rt.ctx.scheduler).subscribe(() => {
          pause = undefined
          reconcile()
        })
        return
      }
      refused = token
      const mapped = renewError(error)
      rt.out.emit({ type: 'error', code: mapped.code, message: mapped.message })
    }
  }

  const reconcile = (): void => {
    if (due() === undefined || pause !== undefined || !connected() || queue().has(['renew', 'dispose'])) return
    queue()
      .run('renew', push)
      .catch(() => {})
  }

  return {
    /** A follower got a new token: hand it over if it belongs to the current channel. */
    renewed: (follower: unknown): void => {
      if (rt.active?.follower === follower) reconcile()
    },
    /** The queue went idle, or the SDK is connected again: hand over a token renewed meanwhile. */
    reconcile,
    /** Ends the pause after a lost connection (the SDK is back) and hands the token over. */
    resume: (): void => {
      pause?.unsubscribe()
      pause = undefined
      reconcile()
    },
    /** No timer left behind (dispose). */
    stop: (): void => {
      pause?.unsubscribe()
      pause = undefined
    },
  }
}

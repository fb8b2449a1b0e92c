import { timer } from 'rxjs'
import { SessionError } from '../errors.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { SessionClient } from './SessionClient.js'
import { leaveClient } from './leaveClient.js'
import type { SessionContext } from './SessionContext.js'

/**
 * Joins cut short by `leave()` that have not settled yet, per client. The SDK's `join()` keeps
 * unwinding after `leave()` resolved: its retry loop (500 ms × 1.5, at most 10 s) notices the
 * cancelled token only when it wakes, then rejects `OPERATION_ABORTED: cancel token canceled`.
 * A new `join()` on the same client waits for that, so the two never overlap.
 */
const unwinding = new WeakMap<SessionClient, Promise<void>>()

function trackUnwinding(client: SessionClient, join: Promise<unknown>): void {
  const settled = join.then(
    () => {},
    () => {},
  )
  unwinding.set(client, settled)
  void settled.then(() => {
    if (unwinding.get(client) === settled) unwinding.delete(client)
  })
}

/**
 * `client.join()` under the session's join timeout, which covers waiting for an earlier join
 * of this client to unwind. The SDK's `join()` never rejects while offline (it retries
 * forever), so on timeout, or when the command is superseded, the session calls `leave()` and
 * rejects as soon as `leave()` resolved (`JOIN_TIMEOUT` exactly at `joinTimeoutMs` on the
 * scheduler, give or take the leave), leaving the SDK's join to unwind in the background.
 * SDK errors are passed through for the caller to map.
 */
export function joinWithTimeout(
  ctx: SessionContext,
  channel: string,
  token: IssuedToken,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown)
  const { client } = ctx
  return new Promise<void>((resolve, reject) => {
    let settled = false
    let join: Promise<unknown> | undefined
    const finish = (outcome: () => void): void => {
      if (settled) return
      settled = true
      deadline.unsubscribe()
      signal.removeEventListener('abort', onAbort)
      outcome()
    }
    const cutShort = (reason: unknown): void => {
      if (settled) return
      if (join === undefined) return finish(() => reject(reason))
      trackUnwinding(client, join)
      finish(() => {
        void leaveClient(ctx)
          .catch(() => {})
          .then(() => reject(reason))
      })
    }
    const onAbort = (): void => cutShort(signal.reason)
    const deadline = timer(ctx.joinTimeoutMs, ctx.scheduler).subscribe(() =>
      cutShort(
        new SessionError(
          'JOIN_TIMEOUT',
          `joining "${channel}" took longer than ${ctx.joinTimeoutMs} ms: the network may be offline or blocking Agora; the session left the channel`,
          { retryable: true },
        ),
      ),
    )
    signal.addEventListener('abort', onAbort, { once: true })
    const start = (): void => {
      if (settled) return
      join = client.join(ctx.appId, channel, token.token, ctx.uid)
      join.then(
        () => finish(resolve),
        (error: unknown) => finish(() => reject(error)),
      )
    }
    const previous = unwinding.get(client)
    if (previous === undefined) start()
    else void previous.then(start)
  })
}

import { timer } from 'rxjs'
import { SessionError } from '../errors.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { SessionContext } from './SessionContext.js'

/**
 * `client.join()` under the session's join timeout. The SDK's `join()` never rejects while
 * offline (it retries forever), so on timeout, or when the command is superseded, the
 * session calls `leave()` (which makes the pending join reject) and waits for the join to
 * settle, so no join is left dangling. SDK errors are passed through for the caller to map.
 */
export function joinWithTimeout(
  ctx: SessionContext,
  channel: string,
  token: IssuedToken,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown)
  const join = ctx.client.join(ctx.appId, channel, token.token, ctx.uid)
  return new Promise<void>((resolve, reject) => {
    let settled = false
    const cutShort = (reason: unknown): void => {
      if (settled) return
      settled = true
      cleanup()
      void ctx.client
        .leave()
        .catch(() => {})
        .then(() => join.catch(() => {}))
        .then(() => reject(reason))
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
    const cleanup = (): void => {
      deadline.unsubscribe()
      signal.removeEventListener('abort', onAbort)
    }
    signal.addEventListener('abort', onAbort, { once: true })
    join.then(
      () => {
        if (settled) return
        settled = true
        cleanup()
        resolve()
      },
      (error: unknown) => {
        if (settled) return
        settled = true
        cleanup()
        reject(error)
      },
    )
  })
}

import { abortable, abortableDelay, throwIfAborted } from '../abortable.js'
import { isSessionError } from '../errors.js'
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../store/retryDelay.js'
import { joinableToken, prepareRole } from './connect.js'
import { joinWithTimeout } from './joinWithTimeout.js'
import { isExpiredTokenError } from './sdkErrors.js'
import type { Connection, SessionContext } from './SessionContext.js'

/**
 * After Agora dropped the client: join the same channel again with the same role, with a
 * token that is alive, until it works or the command is superseded (`leave()`, `dispose()`, a
 * switch). Tokens come from the store's renewal of the connection's scope: an attempt whose
 * token is dead asks the store to renew (deduped with a renewal in flight) and waits for the
 * next token at most one backoff delay, so the token server sees at most one request per
 * delay (1 s, 2 s, ... 30 s, full jitter). A refusal as expired forces a renewal. Only a store
 * that is gone (`DISPOSED`) ends the loop with an error.
 */
export async function reconnect(
  ctx: SessionContext,
  conn: Connection,
  reason: 'token-expired' | 'disconnected',
  signal: AbortSignal,
): Promise<Connection> {
  let force = false
  for (let attempt = 1; ; attempt++) {
    ctx.emit({ type: 'reconnecting', channel: conn.channel, reason, attempt })
    const backoff = retryDelayMs(attempt, undefined, DEFAULT_RETRY_POLICY, ctx.random)
    try {
      const pacing = new AbortController()
      const wait = abortableDelay(backoff, ctx.scheduler, pacing.signal).then(() => undefined)
      const token = await abortable(Promise.race([joinableToken(ctx, conn.follower, signal, force), wait]), signal).finally(() =>
        pacing.abort(),
      )
      force = false
      if (token === undefined) continue // no live token within one backoff delay: ask again
      await prepareRole(ctx, conn.role)
      throwIfAborted(signal)
      await joinWithTimeout(ctx, conn.channel, token, signal)
      ctx.emit({ type: 'reconnected', channel: conn.channel, role: conn.role, republishNeeded: conn.role === 'host' })
      return { ...conn, sdkToken: token }
    } catch (error) {
      throwIfAborted(signal)
      if (isSessionError(error) && error.code === 'DISPOSED') throw error
      force = isExpiredTokenError(error)
      await abortableDelay(backoff, ctx.scheduler, signal)
    }
  }
}

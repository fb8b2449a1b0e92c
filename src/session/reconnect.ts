import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../store/retryDelay'
import type { IssuedToken } from '../store/IssuedToken'
import { abortable, abortableDelay, throwIfAborted } from '../abortable'
import { prepareRole } from './connect'
import { joinWithTimeout } from './joinWithTimeout'
import { isExpiredTokenError } from './sdkErrors'
import type { Connection, SessionContext } from './SessionContext'

/** A token is too close to its deadline to join with when less than this is left. */
const MIN_JOIN_LIFE_MS = 5_000

/**
 * After Agora dropped the client for an expired token: join the same channel again with the
 * same role, with a fresh token, until it works or the command is superseded (`leave()`,
 * `dispose()`, a switch). Tokens come from the store's renewal, which retries the token server
 * with backoff on its own, so this loop does not add requests of its own while it is down;
 * failed joins back off here.
 */
export async function reconnect(
  ctx: SessionContext,
  conn: Connection,
  reason: 'token-expired' | 'disconnected',
  signal: AbortSignal,
): Promise<Connection> {
  const scope = conn.follower.scope
  let fresh: IssuedToken | undefined
  for (let attempt = 1; ; attempt++) {
    ctx.emit({ type: 'reconnecting', channel: conn.channel, reason, attempt })
    try {
      let token: IssuedToken | undefined = fresh ?? conn.follower.current
      fresh = undefined
      if (token === undefined || token.expiresAt - ctx.scheduler.now() < MIN_JOIN_LIFE_MS) {
        const next = conn.follower.next()
        ctx.store.renewNow(scope)
        token = await abortable(next, signal)
      }
      await prepareRole(ctx, conn.role)
      throwIfAborted(signal)
      await joinWithTimeout(ctx, conn.channel, token, signal)
      ctx.emit({ type: 'reconnected', channel: conn.channel, role: conn.role, republishNeeded: conn.role === 'host' })
      return { ...conn, sdkToken: token }
    } catch (error) {
      throwIfAborted(signal)
      if (isExpiredTokenError(error)) {
        // Agora says the token is dead though our clock does not: take a fresh one.
        fresh = await abortable(ctx.store.get(scope, { fresh: true }), signal).catch(() => undefined)
      }
      await abortableDelay(retryDelayMs(attempt, error, DEFAULT_RETRY_POLICY, ctx.random), ctx.scheduler, signal)
    }
  }
}

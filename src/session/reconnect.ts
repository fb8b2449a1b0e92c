import { abortableDelay, childSignal, throwIfAborted } from '../abortable.js'
import { isSessionError } from '../errors.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../store/retryDelay.js'
import { joinableToken, prepareRole, refusal } from './connect.js'
import { joinWithTimeout } from './joinWithTimeout.js'
import { joinError } from './sdkErrors.js'
import type { Connection, SessionContext } from './SessionContext.js'

/**
 * After Agora dropped the client: join the same channel again with the same role, with a
 * token that is alive, until it works or the command is superseded (`leave()`, `dispose()`, a
 * switch). Tokens come from the store's renewal of the connection's scope: an attempt whose
 * token is dead asks the store to renew (deduped with a renewal in flight) and waits for the
 * next token at most one backoff delay, so the token server sees at most one request per
 * delay (1 s, 2 s, ... 30 s, equal jitter). A refusal as expired forces a renewal. A token Agora
 * refuses (as invalid, or as expired while our deadline says it is alive) gets one fresh token;
 * refused again, the loop ends with `TOKEN_INVALID`: rejoining would not help. A store that is
 * gone (`DISPOSED`) ends it too; a token server that refuses (even with a 4xx) is asked again
 * at the backoff's pace, as its refusal may lift (a user's login renewed).
 */
export async function reconnect(
  ctx: SessionContext,
  conn: Connection,
  reason: 'token-expired' | 'disconnected',
  signal: AbortSignal,
): Promise<Connection> {
  let force = false
  let refusals = 0
  for (let attempt = 1; ; attempt++) {
    ctx.emit({ type: 'reconnecting', channel: conn.channel, reason, attempt })
    const backoff = retryDelayMs(attempt, undefined, DEFAULT_RETRY_POLICY, ctx.random)
    let token: IssuedToken | undefined
    try {
      // The token, or nothing within one backoff delay; either way both waits end here.
      const attempt = childSignal(signal)
      const wait = abortableDelay(backoff, ctx.scheduler, attempt.signal).then(() => undefined)
      token = await Promise.race([joinableToken(ctx, conn.follower, attempt.signal, { force }), wait]).finally(attempt.end)
      throwIfAborted(signal)
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
      const verdict = token === undefined ? undefined : refusal(ctx, error, token)
      if (verdict === 'invalid' && ++refusals > 1) throw joinError(error, conn.channel, verdict)
      force = verdict !== undefined
      await abortableDelay(backoff, ctx.scheduler, signal)
    }
  }
}

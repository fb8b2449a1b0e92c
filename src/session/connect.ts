import { SessionError } from '../errors'
import type { IssuedToken } from '../store/IssuedToken'
import type { TokenRequest } from '../store/TokenSource'
import { tokenMisfit } from '../token/tokenFits'
import { abortable, throwIfAborted } from '../abortable'
import { joinWithTimeout } from './joinWithTimeout'
import { isExpiredTokenError, isInvalidTokenError, joinError } from './sdkErrors'
import type { ClientRoleName, Connection, SessionContext } from './SessionContext'
import { TokenFollower } from './TokenFollower'
import { sameScope, tokenScope } from './tokenScope'

/** Throws `TOKEN_MISMATCH` / `PRIVILEGE_MISSING` when `token` cannot join `channel` as asked. */
export function assertFits(ctx: SessionContext, token: IssuedToken, channel: string, scope: TokenRequest): void {
  const misfit = tokenMisfit(token.claims, { appId: ctx.appId, channel, uid: ctx.uid, role: scope.role })
  if (misfit !== null) {
    throw new SessionError(misfit.code, `cannot join "${channel}": ${misfit.message}`, { retryable: false })
  }
}

/** Sets the client's role before a join (live mode only: `rtc` mode refuses setClientRole). */
export async function prepareRole(ctx: SessionContext, role: ClientRoleName): Promise<void> {
  if (ctx.client.mode === 'rtc' || ctx.client.role === role) return
  await ctx.client.setClientRole(role)
}

/**
 * Gets the token for `channel` as `role` (reusing `reuse` when it follows the same scope),
 * checks it fits before anything reaches Agora, sets the role and joins under the join
 * timeout. The token is fetched before `beforeJoin` runs, so a switch leaves the old channel
 * only once the new token is in hand.
 *
 * Agora refusing the token as expired: one fresh token, one more join. Agora refusing a
 * wildcard token: from then on channel tokens (`wildcard-refused`), one more join.
 */
export async function connect(
  ctx: SessionContext,
  channel: string,
  role: ClientRoleName,
  signal: AbortSignal,
  options: { reuse?: TokenFollower; beforeJoin?: () => Promise<void> } = {},
): Promise<Connection> {
  let scope = tokenScope(ctx, channel, role)
  const reuse = options.reuse
  let follower = reuse !== undefined && !reuse.released && sameScope(reuse.scope, scope) ? reuse : undefined
  try {
    follower ??= new TokenFollower(ctx.store, scope, ctx.onToken)
    let token = await abortable(follower.current !== undefined ? Promise.resolve(follower.current) : follower.first, signal)
    assertFits(ctx, token, channel, scope)
    await options.beforeJoin?.()
    throwIfAborted(signal)
    await prepareRole(ctx, role)
    throwIfAborted(signal)
    try {
      await joinWithTimeout(ctx, channel, token, signal)
    } catch (error) {
      throwIfAborted(signal)
      if (isExpiredTokenError(error)) {
        token = await abortable(ctx.store.get(scope, { fresh: true }), signal)
      } else if (isInvalidTokenError(error) && scope.channel === '*') {
        ctx.store.disableWildcards()
        ctx.emit({ type: 'wildcard-refused', channel })
        if (follower !== reuse) follower.release()
        scope = tokenScope(ctx, channel, role)
        follower = new TokenFollower(ctx.store, scope, ctx.onToken)
        token = await abortable(follower.first, signal)
        assertFits(ctx, token, channel, scope)
      } else {
        throw joinError(error, channel)
      }
      await joinWithTimeout(ctx, channel, token, signal).catch((again: unknown) => {
        throw signal.aborted ? signal.reason : joinError(again, channel)
      })
    }
    return { channel, role, follower, sdkToken: token }
  } catch (error) {
    if (follower !== undefined && follower !== reuse) follower.release()
    throw error
  }
}

import { SessionError } from '../errors.js'
import { abortable, throwIfAborted } from '../abortable.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { TokenRequest } from '../store/TokenSource.js'
import { tokenMisfit } from '../token/tokenFits.js'
import { joinWithTimeout } from './joinWithTimeout.js'
import { hasRoles } from './SessionClient.js'
import { isWildcardRefusal } from '../store/wildcardRefusal.js'
import { joinError, joinVerdict, type TokenVerdict } from './sdkErrors.js'
import type { ClientRoleName, Connection, SessionContext } from './SessionContext.js'
import { TokenFollower } from './TokenFollower.js'
import { sameScope, tokenScope } from './tokenScope.js'

/** A token is too close to its deadline to join with when less than this is left. */
const MIN_JOIN_LIFE_MS = 5_000

/** Throws `TOKEN_MISMATCH` / `PRIVILEGE_MISSING` when `token` cannot join `channel` as asked. */
export function assertFits(ctx: SessionContext, token: IssuedToken, channel: string, scope: TokenRequest): void {
  const misfit = tokenMisfit(token.claims, { appId: ctx.appId, channel, uid: ctx.uid, role: scope.role })
  if (misfit !== null) {
    throw new SessionError(misfit.code, `cannot join "${channel}": ${misfit.message}`, { retryable: false })
  }
}

/** Sets the client's role before a join (live mode only: `rtc` and `p2p` refuse setClientRole). */
export async function prepareRole(ctx: SessionContext, role: ClientRoleName): Promise<void> {
  if (!hasRoles(ctx.client) || ctx.client.role === role) return
  await ctx.client.setClientRole(role)
}

/** What Agora's refusal of a join with `token` says of it (our deadline decides a TOKEN_EXPIRE; see joinVerdict). */
export function refusal(ctx: Pick<SessionContext, 'scheduler'>, error: unknown, token: IssuedToken): TokenVerdict {
  return joinVerdict(error, token.expiresAt - ctx.scheduler.now())
}

/**
 * A token of `follower` good enough to join with: its current one, unless that is (nearly)
 * dead, then the next one. `force` renews even a young token: Agora refused it. `urgent` (a
 * user's join or switch) renews a dead token at once even while its renewal backs off after
 * failures; the reconnect loop is not urgent, so a crowd of dropped clients keeps its pace.
 */
export async function joinableToken(
  ctx: SessionContext,
  follower: TokenFollower,
  signal: AbortSignal,
  { force = false, urgent = false }: { force?: boolean; urgent?: boolean } = {},
): Promise<IssuedToken> {
  const current = follower.current
  if (current === undefined) return abortable(follower.first, signal)
  if (!force && current.expiresAt - ctx.scheduler.now() >= MIN_JOIN_LIFE_MS) return current
  const next = follower.next(signal)
  ctx.store.renewNow(follower.scope, { force, urgent })
  return abortable(next, signal)
}

/**
 * Gets the token for `channel` as `role` (reusing `reuse` when it follows the same scope),
 * checks it fits before anything reaches Agora, sets the role and joins under the join
 * timeout. The token is in hand before `beforeJoin` runs, so a switch leaves the old channel
 * only once the new token is.
 *
 * Agora refusing the token (as expired, or as invalid): one forced renewal, one more join, then
 * the error. Agora, or the token server (a 403), refusing a wildcard token: wildcards off for the
 * store, a channel token, one more join; if that works, `wildcard-refused` (saying who refused),
 * else wildcards back on (the cause was something else) and the error.
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
    let token: IssuedToken
    try {
      token = await joinableToken(ctx, follower, signal, { urgent: true })
    } catch (error) {
      // The token server refused the wildcard token (403: its authorize hook grants some
      // channels only); a token for this channel may still be granted.
      if (!signal.aborted && scope.channel === '*' && isWildcardRefusal(error)) {
        return await joinWithoutWildcards(ctx, channel, role, signal, follower === reuse ? undefined : follower, 'token-server', options.beforeJoin)
      }
      throw error
    }
    assertFits(ctx, token, channel, scope)
    await options.beforeJoin?.()
    throwIfAborted(signal)
    await prepareRole(ctx, role)
    throwIfAborted(signal)
    try {
      await joinWithTimeout(ctx, channel, token, signal)
      return { channel, role, follower, sdkToken: token }
    } catch (error) {
      throwIfAborted(signal)
      const verdict = refusal(ctx, error, token)
      if (verdict === 'invalid' && scope.channel === '*') {
        return await joinWithoutWildcards(ctx, channel, role, signal, follower === reuse ? undefined : follower, 'agora')
      }
      if (verdict === undefined) throw joinError(error, channel)
      // Refused or expired: one fresh token, one more join, then a clear error.
      const fresh = await joinableToken(ctx, follower, signal, { force: true })
      await joinWithTimeout(ctx, channel, fresh, signal).catch((again: unknown) => {
        throw signal.aborted ? signal.reason : joinError(again, channel, refusal(ctx, again, fresh))
      })
      return { channel, role, follower, sdkToken: fresh }
    }
  } catch (error) {
    if (follower !== undefined && follower !== reuse) follower.release()
    throw error
  }
}

/**
 * Joins with a token for this channel after a wildcard token was refused, by Agora (at join:
 * the previous channel is already left) or by the token server (before: `beforeJoin` leaves it
 * once the channel token is in hand).
 */
async function joinWithoutWildcards(
  ctx: SessionContext,
  channel: string,
  role: ClientRoleName,
  signal: AbortSignal,
  refused: TokenFollower | undefined,
  by: 'agora' | 'token-server',
  beforeJoin?: () => Promise<void>,
): Promise<Connection> {
  refused?.release()
  ctx.store.wildcards = false
  const scope = tokenScope(ctx, channel, role)
  const follower = new TokenFollower(ctx.store, scope, ctx.onToken)
  let token: IssuedToken | undefined
  try {
    token = await abortable(follower.first, signal)
    assertFits(ctx, token, channel, scope)
    await beforeJoin?.()
    throwIfAborted(signal)
    await prepareRole(ctx, role)
    throwIfAborted(signal)
    await joinWithTimeout(ctx, channel, token, signal)
    ctx.emit({ type: 'wildcard-refused', channel, by })
    return { channel, role, follower, sdkToken: token }
  } catch (error) {
    follower.release()
    // The channel token failed too: wildcards were not the cause.
    ctx.store.wildcards = true
    throw signal.aborted ? signal.reason : joinError(error, channel, token === undefined ? undefined : refusal(ctx, error, token))
  }
}

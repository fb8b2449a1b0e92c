import { SessionError, isSessionError } from '../errors.js'
import { grantsPublish } from '../token/lifetime.js'
import { abortable, throwIfAborted } from '../abortable.js'
import { assertFits } from './connect.js'
import { renewError } from './sdkErrors.js'
import { hasRoles } from './SessionClient.js'
import type { Connection, SessionContext } from './SessionContext.js'
import { TokenFollower } from './TokenFollower.js'
import { tokenScope } from './tokenScope.js'

type Step = NonNullable<SessionError['step']>

const noop = (): void => {}

const failed = (step: Step, what: string, cause: unknown): SessionError => {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new SessionError('ROLE_CHANGE_FAILED', `${what} (${detail})`, { step, cause })
}

function requireLiveMode(ctx: SessionContext, what: string): void {
  if (!hasRoles(ctx.client)) {
    throw new SessionError(
      'ROLE_CHANGE_FAILED',
      `cannot ${what}: the client is in '${String(ctx.client.mode)}' mode, where everyone publishes; create it with { mode: 'live' } to use audience and host roles`,
    )
  }
}

/**
 * Audience → host, as Agora documents it: a publisher token for this exact channel and uid,
 * `renewToken` with it, then `setClientRole('host')` (the server checks the token there).
 * If a step fails, the previous token and role are put back and the command rejects
 * `ROLE_CHANGE_FAILED` naming the step; the session stays joined.
 */
export async function upgradeToHost(ctx: SessionContext, conn: Connection, signal: AbortSignal): Promise<Connection> {
  requireLiveMode(ctx, 'upgrade to host')
  if (conn.role === 'host') return conn
  const scope = tokenScope(ctx, conn.channel, 'host')
  const follower = new TokenFollower(ctx.store, scope, ctx.onToken)
  // Back to audience in the order of a downgrade (the role, then the token): a host never holds
  // a token without publish privileges.
  // A restore waits no longer than its command may; cut short, it takes no further step.
  const restore = async (cut: AbortSignal): Promise<void> => {
    await abortable(ctx.client.setClientRole('audience'), cut).catch(() => {})
    if (cut.aborted) return
    await abortable(ctx.client.renewToken((conn.follower.current ?? conn.sdkToken).token), cut).catch(() => {})
  }
  /** The SDK call on its way, if any: a restore after a cut-short upgrade waits for it. */
  let inFlight: Promise<unknown> | undefined
  const send = <T>(call: Promise<T>): Promise<T> => {
    inFlight = call
    return abortable(call, signal)
  }
  try {
    const token = await abortable(follower.first, signal).catch((error: unknown) => {
      if (signal.aborted) throw signal.reason
      if (isSessionError(error) && isSessionError(error.cause) && error.cause.code === 'PRIVILEGE_MISSING') {
        throw new SessionError('PRIVILEGE_MISSING', `the publisher token does not grant publishing; still audience (${error.message})`, {
          cause: error,
        })
      }
      throw failed('fetch-token', 'could not get a publisher token; still audience', error)
    })
    assertFits(ctx, token, conn.channel, scope)
    ctx.emit({ type: 'role-change-step', to: 'host', step: 'fetch-token' })
    const serverNowSec = (ctx.scheduler.now() + token.clockOffsetMs) / 1000
    if (!grantsPublish(token.claims, serverNowSec)) {
      throw new SessionError('PRIVILEGE_MISSING', 'the publisher token does not grant publishing audio and video now; still audience')
    }
    throwIfAborted(signal)
    try {
      await send(ctx.client.renewToken(token.token))
    } catch (error) {
      throwIfAborted(signal)
      await restore(signal)
      throw failed('renew-token', 'the SDK refused the publisher token; the previous token is back, still audience', error)
    }
    ctx.emit({ type: 'role-change-step', to: 'host', step: 'renew-token' })
    try {
      await send(ctx.client.setClientRole('host'))
    } catch (error) {
      throwIfAborted(signal)
      await restore(signal)
      throw failed('set-client-role', 'the SDK refused the host role; the previous token and the audience role are back', error)
    }
    ctx.emit({ type: 'role-change-step', to: 'host', step: 'set-client-role' })
    conn.follower.release()
    return { channel: conn.channel, role: 'host', follower, sdkToken: token }
  } catch (error) {
    follower.release()
    // Cut short (superseded, or past its deadline while the SDK did not answer): the SDK may
    // still take the publisher token or the host role later. Once that call has settled, and if
    // the client is still in this channel, the audience role and token are put back, as a
    // command of its own, so it never lands in the middle of another (a switch supersedes it).
    const pending = inFlight
    if (pending !== undefined && signal.aborted) {
      ctx.later(async (later) => {
        await abortable(pending, later).catch(() => {})
        throwIfAborted(later)
        if (ctx.client.connectionState === 'CONNECTED' && ctx.client.channelName === conn.channel) await restore(later)
      })
    }
    throw error
  }
}

/**
 * Moves an audience member onto the least-privileged token for its channel (the cached
 * wildcard subscriber token, or a channel subscriber token): `renewToken` with it, then the
 * publisher token is released. Rejects (leaving everything as it was) if it cannot.
 */
export async function toAudienceToken(ctx: SessionContext, conn: Connection, signal: AbortSignal): Promise<Connection> {
  const scope = tokenScope(ctx, conn.channel, 'audience')
  const follower = new TokenFollower(ctx.store, scope, ctx.onToken)
  try {
    const token = await abortable(follower.first, signal)
    assertFits(ctx, token, conn.channel, scope)
    await abortable(ctx.client.renewToken(token.token), signal)
    conn.follower.release()
    return { channel: conn.channel, role: 'audience', follower, sdkToken: token }
  } catch (error) {
    follower.release()
    throw error
  }
}

/**
 * Host → audience: unpublish the local tracks (the SDK refuses `audience` while publishing),
 * `setClientRole('audience')`, then the least-privileged token ({@link toAudienceToken}). If
 * that token cannot be had, the session stays audience on the publisher token, says so, and
 * goes back to the subscriber token at the publisher token's next renewal (forwardRenewals.ts).
 */
export async function downgradeToAudience(ctx: SessionContext, conn: Connection, signal: AbortSignal): Promise<Connection> {
  requireLiveMode(ctx, 'downgrade to audience')
  if (conn.role === 'audience') return conn
  const tracks = [...ctx.client.localTracks]
  if (tracks.length > 0) {
    await abortable(ctx.client.unpublish(tracks), signal).catch((error: unknown) => {
      throw signal.aborted ? signal.reason : failed('unpublish', 'could not unpublish the local tracks; still host', error)
    })
    ctx.emit({ type: 'role-change-step', to: 'audience', step: 'unpublish' })
  }
  const setRole = ctx.client.setClientRole('audience')
  await abortable(setRole, signal).catch((error: unknown) => {
    // Cut short while the SDK changes the role: once it has, the session follows what the
    // client is (createSession's keepClientRole, when this queued wait ends).
    if (signal.aborted) ctx.later((later) => abortable(setRole, later).then(noop, noop))
    throw signal.aborted ? signal.reason : failed('set-client-role', 'the SDK refused the audience role; still host', error)
  })
  ctx.emit({ type: 'role-change-step', to: 'audience', step: 'set-client-role' })
  try {
    const audience = await toAudienceToken(ctx, conn, signal)
    ctx.emit({ type: 'role-change-step', to: 'audience', step: 'renew-token' })
    return audience
  } catch (error) {
    if (signal.aborted) throw signal.reason
    ctx.emit({
      type: 'error',
      code: renewError(error).code,
      message: `now audience, but still on the publisher token: ${error instanceof Error ? error.message : String(error)}`,
    })
    return { ...conn, role: 'audience' }
  }
}

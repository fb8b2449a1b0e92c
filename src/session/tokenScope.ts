import type { TokenRequest } from '../store/TokenSource.js'
import { requestKey } from '../store/requestKey.js'
import { uidToString } from '../token/validate.js'
import type { ClientRoleName, SessionContext } from './SessionContext.js'

/**
 * The token a session needs in `channel` as `role`:
 * - host: a publisher token for this channel and uid (never a wildcard publisher token:
 *   Agora's guide advises wildcard tokens be subscriber tokens);
 * - audience: a subscriber token for channel `*` (one token for every channel) when
 *   `audienceTokens` is `'wildcard'`, the uid is not 0 (Agora does not support uid 0 with
 *   channel `*`) and the store has not seen Agora refuse a wildcard token; otherwise for
 *   this channel.
 */
export function tokenScope(
  ctx: Pick<SessionContext, 'uid' | 'audienceTokens' | 'store'>,
  channel: string,
  role: ClientRoleName,
): TokenRequest {
  if (role === 'host') return { channel, uid: ctx.uid, role: 'publisher' }
  const wildcard = ctx.audienceTokens === 'wildcard' && ctx.store.wildcards && uidToString(ctx.uid) !== ''
  return { channel: wildcard ? '*' : channel, uid: ctx.uid, role: 'subscriber' }
}

/** Whether two scopes ask for the same token. */
export function sameScope(a: TokenRequest, b: TokenRequest): boolean {
  return requestKey(a) === requestKey(b)
}

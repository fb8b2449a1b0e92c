import { SessionError } from '../errors.js'
import { isWildcard } from './matchesPattern.js'
import type { TokenRole } from './TokenClaims.js'
import { uidToString, validateChannelPattern, validateUidPattern } from './validate.js'

/** What a token is asked for, on either side: the library's request or the server's order. */
export interface TokenAsk {
  /** A channel name or pattern: `''` and `'*'` for every channel, `*` inside for a pattern. */
  channel: string
  /** An integer uid (0: any user), or a user account (`*` inside: a pattern of accounts). */
  uid: number | string
  role: TokenRole
  /** Lifetime asked for, in seconds. */
  expireSec?: number
}

/** Agora's longest token lifetime. */
export const MAX_EXPIRE_SEC = 86_400

/**
 * The one rule for which tokens may be asked for, applied by the library before it sends a
 * request (the token store) and by the token server of `agora-rtc-session/server` before it
 * builds one, so the library never sends what its own server refuses (issue 20, item 7). Throws
 * `SessionError` `'INVALID_ARGUMENT'` saying what to fix:
 * - a channel name or pattern Agora does not take (64 bytes of its alphabet), or a uid it does
 *   not take (0..2^32-1, or 1..255 characters of the same alphabet);
 * - a wildcard channel (`''`, `'*'`, a pattern) with a wildcard user (uid 0, or `*` in an
 *   account): Agora does not support the pair;
 * - a wildcard publisher token (either wildcard): Agora's guide advises wildcard tokens be
 *   subscriber tokens, and a leaked one would let anyone publish;
 * - a lifetime outside 1 s .. 24 h.
 */
export function checkTokenRequest(ask: TokenAsk): void {
  validateChannelPattern(ask.channel)
  validateUidPattern(ask.uid)
  const wildcardChannel = isWildcard(ask.channel)
  const wildcardUid = isWildcard(uidToString(ask.uid))
  const uid = typeof ask.uid === 'number' ? `uid ${ask.uid}` : `uid ${JSON.stringify(ask.uid)}`
  if (wildcardChannel && wildcardUid) {
    throw new SessionError(
      'INVALID_ARGUMENT',
      `a wildcard-channel token (channel ${JSON.stringify(ask.channel)}) cannot have a wildcard user (${uid}): ` +
        'Agora does not support the combination; use a specific uid',
    )
  }
  if (ask.role === 'publisher' && (wildcardChannel || wildcardUid)) {
    throw new SessionError(
      'INVALID_ARGUMENT',
      `a publisher token cannot be a wildcard token (channel ${JSON.stringify(ask.channel)}, ${uid}): wildcard tokens are ` +
        'for subscribers only, as a leaked wildcard publisher token would let anyone publish; ask for one channel and a specific uid',
    )
  }
  const expire = ask.expireSec
  if (expire !== undefined && !(Number.isInteger(expire) && expire >= 1 && expire <= MAX_EXPIRE_SEC)) {
    throw new SessionError('INVALID_ARGUMENT', `expireSec must be a whole number of seconds from 1 to ${MAX_EXPIRE_SEC} (24 h), got ${expire}`)
  }
}

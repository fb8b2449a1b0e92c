import { SessionError } from '../errors.js'
import { matchesEverything } from '../token/matchesPattern.js'
import { uidToString, validateChannelPattern, validateUid } from '../token/validate.js'
import type { TokenRequest } from './TokenSource.js'

/**
 * Throws `INVALID_ARGUMENT` for a request no token server should be asked: a bad channel
 * pattern or uid, uid 0 with an every-channel wildcard (Agora does not support the pair), or an
 * expiry outside 1 s .. 24 h.
 */
export function validateRequest(request: TokenRequest): void {
  validateChannelPattern(request.channel)
  validateUid(request.uid)
  if (matchesEverything(request.channel) && uidToString(request.uid) === '') {
    throw new SessionError(
      'INVALID_ARGUMENT',
      "a wildcard-channel token ('*') cannot have uid 0 (wildcard user): Agora does not support the combination; use a specific uid",
    )
  }
  const expire = request.expireSec
  if (expire !== undefined && !(Number.isInteger(expire) && expire >= 1 && expire <= 86_400)) {
    throw new SessionError('INVALID_ARGUMENT', `expireSec must be a whole number of seconds from 1 to 86400 (24 h), got ${expire}`)
  }
}

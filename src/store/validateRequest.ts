import { checkTokenRequest } from '../token/tokenRequestRules.js'
import { validateUid } from '../token/validate.js'
import type { TokenRequest } from './TokenSource.js'

/**
 * Throws `INVALID_ARGUMENT` for a request no token server should be asked, before any request:
 * a uid the SDK cannot join with (no `*` patterns here: a session joins as one user), and
 * whatever `checkTokenRequest` refuses, the rule the token server of `agora-rtc-session/server`
 * applies too (wildcard channel with a wildcard user, wildcard publisher tokens, names Agora
 * does not take, a lifetime outside 1 s .. 24 h).
 */
export function validateRequest(request: TokenRequest): void {
  validateUid(request.uid)
  checkTokenRequest(request)
}

import { SessionError } from '../errors.js'
import { parseToken } from '../token/decodeToken.js'
import type { TokenClaims } from '../token/TokenClaims.js'
import { bytesEqual, signAccessToken2 } from './signAccessToken2.js'

/**
 * Decodes a token and checks its HMAC-SHA256 signature against `appCertificate`, as Agora's
 * edge does. Synchronous. Throws `SessionError` code `'TOKEN_INVALID'` when the token is
 * malformed (tokens over 2,047 characters included: they are refused before anything is
 * inflated) or the signature does not match (wrong certificate, or the token was altered).
 */
export function verifyToken(token: string, appCertificate: string): TokenClaims {
  if (typeof appCertificate !== 'string') {
    throw new SessionError('INVALID_ARGUMENT', 'appCertificate must be a string')
  }
  const { claims, signature, signingInfo } = parseToken(token)
  const expected = signAccessToken2(appCertificate, claims.issuedAt, claims.salt, signingInfo)
  if (!bytesEqual(signature, expected)) {
    throw new SessionError(
      'TOKEN_INVALID',
      'signature does not match: the token was signed with another app certificate, or it was altered',
    )
  }
  return claims
}

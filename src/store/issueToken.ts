import { SessionError } from '../errors.js'
import { decodeToken } from '../token/decodeToken.js'
import { fingerprint } from '../token/fingerprint.js'
import { serverSecToLocalMs, tokenDeadlineSec } from '../token/lifetime.js'
import { tokenMisfit } from '../token/tokenFits.js'
import type { IssuedToken } from './IssuedToken.js'
import type { TokenRequest, TokenResponse } from './TokenSource.js'

/** What {@link issueToken} needs besides the token. */
export interface IssueContext {
  /** Local ms when the response arrived. */
  receivedAt: number
  appId?: string
  /** Computes `renewAt` for the new token (see renewalPolicy.ts). */
  renewAt(token: { receivedAt: number; expiresAt: number }): number
}

/**
 * Decodes a token that arrived for `request` and carries its deadline to the local clock.
 *
 * Clock offset: from `serverTime` (the HTTP `Date` header) when the source gives it. Without
 * it there are two guesses: the local clock is right, or the token was issued just now (true
 * of Agora's token image and builders, wrong for a token the server cached). The earlier of the
 * two deadlines is taken, unless by the local clock the token is already dead: then the local
 * clock must be wrong (hours off), and the issue time is trusted. So a cached token is renewed
 * in time, a fresh token on a wrong clock too; a local clock that is slightly ahead only makes
 * renewal a little early.
 *
 * Throws `TOKEN_MISMATCH` when the token does not serve the request, and `TOKEN_EXPIRED` when
 * it is dead on arrival.
 */
export function issueToken(response: TokenResponse, request: TokenRequest, ctx: IssueContext): IssuedToken {
  const claims = decodeToken(response.token)
  const use = ctx.appId === undefined ? request : { ...request, appId: ctx.appId }
  const misfit = tokenMisfit(claims, use)
  if (misfit !== null) {
    // Always TOKEN_MISMATCH here; a missing privilege is kept as the cause, so a role change
    // can say PRIVILEGE_MISSING.
    throw new SessionError('TOKEN_MISMATCH', `the token source answered a token that does not fit the request: ${misfit.message}`, {
      retryable: false,
      ...(misfit.code === 'PRIVILEGE_MISSING' ? { cause: new SessionError(misfit.code, misfit.message) } : {}),
    })
  }
  const deadlineSec = tokenDeadlineSec(claims, request.role)
  const clockOffsetMs = response.serverTime !== undefined ? response.serverTime - ctx.receivedAt : guessOffsetMs(claims.issuedAt, deadlineSec, ctx.receivedAt)
  const expiresAt = serverSecToLocalMs(deadlineSec, clockOffsetMs)
  if (expiresAt <= ctx.receivedAt) {
    throw new SessionError(
      'TOKEN_EXPIRED',
      'the token source answered a token that has already expired: check the token server clock and the expiry it sets',
      { retryable: false },
    )
  }
  const timing = { receivedAt: ctx.receivedAt, expiresAt }
  return {
    token: response.token,
    claims,
    ...timing,
    renewAt: ctx.renewAt(timing),
    fingerprint: fingerprint(response.token),
    clockOffsetMs,
    request: { ...request },
  }
}

/** Server minus local clock without a server time: see {@link issueToken}. */
function guessOffsetMs(issuedAtSec: number, deadlineSec: number, receivedAt: number): number {
  const issuedNow = issuedAtSec * 1000 - receivedAt
  const localDeadline = serverSecToLocalMs(deadlineSec, 0)
  return localDeadline > receivedAt && localDeadline < serverSecToLocalMs(deadlineSec, issuedNow) ? 0 : issuedNow
}

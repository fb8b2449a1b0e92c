import { isWildcard, matchesPattern } from '../token/matchesPattern.js'
import type { TokenClaims } from '../token/TokenClaims.js'

/** What the edge compares a token with. */
export interface EdgeTokenContext {
  appId: string
  channel: string
  /** As tokens store it: `''` never occurs here (the edge has assigned a uid by then). */
  uid: string
  /** Server ms. */
  nowMs: number
  acceptWildcardTokens: boolean
}

/** Why the edge refuses a token: `invalid` (signature, app id, channel, uid) or `expired`. */
export interface EdgeTokenProblem {
  kind: 'invalid' | 'expired'
  /** Plain words for the edge log. */
  detail: string
}


/**
 * Checks a token whose signature is already verified against what it is used for, the way
 * Agora's edge does at join and renewToken; `null` when it is good. A token whose own expiry or
 * join privilege has passed is refused even when other privileges last longer.
 */
export function checkEdgeToken(claims: TokenClaims, ctx: EdgeTokenContext): EdgeTokenProblem | null {
  const invalid = (detail: string): EdgeTokenProblem => ({ kind: 'invalid', detail })
  if (claims.appId !== ctx.appId) return invalid(`token app id ${claims.appId} is not ${ctx.appId}`)
  const rtc = claims.rtc
  if (rtc === undefined) return invalid('token has no RTC service')
  if (!ctx.acceptWildcardTokens && isWildcard(rtc.channel)) {
    return invalid(`wildcard channel ${JSON.stringify(rtc.channel)} refused (wildcard tokens not enabled)`)
  }
  if (!matchesPattern(rtc.channel, ctx.channel)) {
    return invalid(`token channel ${JSON.stringify(rtc.channel)} does not match ${JSON.stringify(ctx.channel)}`)
  }
  // '' (uid 0 in the token) matches every uid; numeric uids compare as decimal strings.
  if (!matchesPattern(rtc.uid, ctx.uid)) {
    return invalid(`token uid ${JSON.stringify(rtc.uid)} does not match ${JSON.stringify(ctx.uid)}`)
  }
  const nowSec = ctx.nowMs / 1000
  if (claims.expiresAt <= nowSec) return { kind: 'expired', detail: `token expired at ${claims.expiresAt}` }
  const join = rtc.privileges.joinChannel
  if (join === undefined) return { kind: 'expired', detail: 'token grants no join privilege' }
  if (join <= nowSec) return { kind: 'expired', detail: `join privilege expired at ${join}` }
  return null
}

import type { SessionErrorCode } from '../errors.js'
import type { TokenClaims, TokenRole } from './TokenClaims.js'
import { matchesEverything, matchesPattern } from './matchesPattern.js'
import { uidToString } from './validate.js'

/** What a token is to be used for. `channel: '*'` means "any channel" (a wildcard token). */
export interface TokenUse {
  appId?: string
  channel: string
  uid: number | string
  role: TokenRole
}

/** Why a token cannot serve a use. */
export interface TokenMisfit {
  code: Extract<SessionErrorCode, 'TOKEN_MISMATCH' | 'PRIVILEGE_MISSING'>
  message: string
}

/**
 * Checks that a token's app id, channel, uid and privileges allow `use`, before anything is
 * sent to Agora: a mismatch here is the top cause of "invalid token" reports. Returns `null`
 * when the token fits. Expiry is not checked here (it needs a clock; see lifetime.ts).
 */
export function tokenMisfit(claims: TokenClaims, use: TokenUse): TokenMisfit | null {
  const mismatch = (message: string): TokenMisfit => ({ code: 'TOKEN_MISMATCH', message })
  if (use.appId !== undefined && claims.appId !== use.appId) {
    return mismatch(`the token was issued for app id ${claims.appId}, but this session uses ${use.appId}`)
  }
  const rtc = claims.rtc
  if (rtc === undefined) return mismatch('the token has no RTC service (is it an RTM or Chat token?)')
  const channelOk = use.channel === '*' ? matchesEverything(rtc.channel) : matchesPattern(rtc.channel, use.channel)
  if (!channelOk) {
    return mismatch(`the token is for channel "${rtc.channel}", not "${use.channel}"`)
  }
  const uid = uidToString(use.uid)
  const uidOk = rtc.uid === '' || (uid !== '' && matchesPattern(rtc.uid, uid))
  if (!uidOk) {
    return mismatch(`the token is for uid "${rtc.uid || '0'}", not "${uid || '0'}": join with the uid the token was made for`)
  }
  if (rtc.privileges.joinChannel === undefined) {
    return { code: 'PRIVILEGE_MISSING', message: 'the token does not grant the join-channel privilege' }
  }
  if (use.role === 'publisher' && (rtc.privileges.publishAudio === undefined || rtc.privileges.publishVideo === undefined)) {
    return {
      code: 'PRIVILEGE_MISSING',
      message: 'the token does not grant publish privileges: ask the token server for role publisher (1)',
    }
  }
  return null
}

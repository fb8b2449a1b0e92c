import { SessionError } from '../errors.js'
import type { TokenRole } from '../token/TokenClaims.js'
import { uidToString, validateChannelPattern, validateUidPattern } from '../token/validate.js'
import { PRIVILEGE_KEYS, createAccessToken2Builder } from './buildAccessToken2.js'

/** Relative privilege lifetimes in seconds after the issue time; 0 = never expires. */
export interface MintPrivileges {
  joinChannel?: number
  publishAudio?: number
  publishVideo?: number
  publishData?: number
}

/** What {@link mintToken} puts in a token. */
export interface MintTokenOptions {
  appId: string
  appCertificate: string
  /** A channel name, or a wildcard: `''`, `'*'` or a pattern such as `'room-*'`. */
  channel: string
  /** 0 is stored as `''` (the wildcard user); an account may be a pattern such as `'guest-*'`. */
  uid: number | string
  /** Default `'publisher'`. Ignored when `privileges` is given. */
  role?: TokenRole
  /** Token lifetime in seconds after the issue time. */
  expireSec: number
  /** Lifetime of each role privilege in seconds; default 0 (never expires), as in agora-token. */
  privilegeExpireSec?: number
  /** Exactly these privileges are granted (others are absent), instead of `role`'s. */
  privileges?: MintPrivileges
  /** Issue time, unix seconds. Default: `now()` rounded down. */
  issuedAt?: number
  /** Default: random in 1..99999999, like agora-token. */
  salt?: number
  /** Clock for the default issue time, ms since the epoch. Default `Date.now`. */
  now?: () => number
}

/**
 * Mints a signed AccessToken2 holding one RTC service: the content agora-token's
 * `RtcTokenBuilder.buildTokenWithUid` / `buildTokenWithUserAccount` (with `role`) and
 * `buildTokenWithUidAndPrivilege` (with all four `privileges`) sign, byte for byte, for the same
 * issue time and salt. Synchronous (fflate and @noble/hashes), the same bytes in Node and in
 * browsers. The zlib stream around that content is a stored block, not Node's compressed one:
 * Agora inflates, then checks the signature of what it inflated (see `createAccessToken2Builder`,
 * which the token server of `agora-rtc-session/server` uses too).
 *
 * Unlike agora-token, the app id and certificate need not be 32 hex digits (tests may use
 * readable ones); the channel and uid are checked like the library checks them.
 *
 * @example
 * ```ts
 * const token = mintToken({ appId, appCertificate, channel: 'lobby', uid: 42,
 *   role: 'subscriber', expireSec: 3600, issuedAt: Math.floor(scheduler.now() / 1000) })
 * ```
 */
export function mintToken(o: MintTokenOptions): string {
  validateChannelPattern(o.channel)
  validateUidPattern(o.uid)
  for (const name of ['appId', 'appCertificate'] as const) {
    if (typeof o[name] !== 'string') throw new SessionError('INVALID_ARGUMENT', `${name} must be a string`)
  }
  const issuedAt = o.issuedAt ?? Math.floor((o.now ?? Date.now)() / 1000)
  // Same formula as agora-token, so a test that pins Math.random gets the same salt from both.
  const salt = o.salt ?? Math.floor(Math.random() * 99999999) + 1
  const seconds = { issuedAt, salt, expireSec: o.expireSec, privilegeExpireSec: o.privilegeExpireSec, ...o.privileges }
  for (const [name, value] of Object.entries(seconds)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
      throw new SessionError('INVALID_ARGUMENT', `${name} must be an integer from 0 to 4294967295, got ${value}`)
    }
  }

  const privileges = [...privilegeMap(o)].sort(([a], [b]) => a - b)
  const build = createAccessToken2Builder(o.appId, o.appCertificate)
  return build({ channel: o.channel, uid: uidToString(o.uid), issuedAt, expireSec: o.expireSec, salt, privileges })
}

function privilegeMap(o: MintTokenOptions): Map<number, number> {
  const map = new Map<number, number>()
  if (o.privileges !== undefined) {
    for (const [name, key] of Object.entries(PRIVILEGE_KEYS)) {
      const value = o.privileges[name as keyof MintPrivileges]
      if (value !== undefined) map.set(key, value)
    }
    return map
  }
  const expire = o.privilegeExpireSec ?? 0
  map.set(PRIVILEGE_KEYS.joinChannel, expire)
  if ((o.role ?? 'publisher') === 'publisher') {
    map.set(PRIVILEGE_KEYS.publishAudio, expire)
    map.set(PRIVILEGE_KEYS.publishVideo, expire)
    map.set(PRIVILEGE_KEYS.publishData, expire)
  }
  return map
}

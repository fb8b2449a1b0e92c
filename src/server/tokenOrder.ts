import { isSessionError } from '../errors.js'
import type { TokenRole } from '../token/TokenClaims.js'
import { MAX_EXPIRE_SEC, checkTokenRequest } from '../token/tokenRequestRules.js'
import { RequestError } from './RequestError.js'

/** A checked token request, from either body shape. */
export interface TokenOrder {
  /** `''` or `'*'` or a pattern with `*` for a wildcard-channel token. */
  channel: string
  /** A number for integer uids (0: any user), else the account. */
  uid: number | string
  role: TokenRole
  /** Seconds from now, 1..86400; `undefined`: the handler's default. */
  tokenExpireSec: number | undefined
  /** Seconds from now, 1..86400; `undefined`: as long as the token. */
  privilegeExpireSec: number | undefined
}

const MAX_UID = 2 ** 32 - 1

const bad = (message: string): RequestError => new RequestError(400, message)
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The body of `POST /token/generate` (Agora's token service image):
 * `{channelName, uid: string, tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role: 1|2}}`.
 * The `...Ts` fields are seconds from now, as the image reads them (not timestamps).
 */
export function readTokenGenerate(body: unknown): TokenOrder {
  if (!isRecord(body)) throw bad('the body must be a JSON object: {channelName, uid, tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role}}')
  const rtc = body['serviceRtc']
  if (!isRecord(rtc) || rtc['enable'] !== true) throw bad('serviceRtc must be {enable: true, role: 1|2}: this server issues RTC tokens only')
  if (typeof body['uid'] !== 'string') {
    throw bad(`uid must be a string ("0" or "*" for any user, digits for an integer uid, or a user account), got ${describe(body['uid'])}`)
  }
  const tokenExpireSec = readExpiry(body['tokenExpireTs'], 'tokenExpireTs')
  // Left out, the privileges last as long as the token (documented); null is refused like any
  // other value that is not a number of seconds, rather than read as "left out".
  const privilegeExpireSec = 'privilegeExpireTs' in body ? readExpiry(body['privilegeExpireTs'], 'privilegeExpireTs') : tokenExpireSec
  return order(readChannel(body['channelName'], 'channelName'), readUidString(body['uid']), readRole(rtc['role'], 'serviceRtc.role'), tokenExpireSec, privilegeExpireSec)
}

/**
 * The body of `POST /fetch_rtc_token` (the Go sample in Agora's guide): `{uid, ChannelName, role: 1|2}`.
 * The Go sample takes a `uint32` uid; a string is taken too, as a user account. No lifetime:
 * the handler's default.
 */
export function readFetchRtcToken(body: unknown): TokenOrder {
  if (!isRecord(body)) throw bad('the body must be a JSON object: {uid, ChannelName, role}')
  const raw = body['uid']
  let uid: number | string
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0 || raw > MAX_UID) throw bad(`uid must be an integer from 0 to ${MAX_UID}, got ${raw}`)
    uid = raw
  } else if (typeof raw === 'string') {
    uid = readUidString(raw)
  } else {
    throw bad(`uid must be a number (0 for any user) or a user-account string, got ${describe(raw)}`)
  }
  return order(readChannel(body['ChannelName'], 'ChannelName'), uid, readRole(body['role'], 'role'), undefined, undefined)
}

function order(channel: string, uid: number | string, role: TokenRole, tokenExpireSec: number | undefined, privilegeExpireSec: number | undefined): TokenOrder {
  try {
    // The rule the library applies before it asks (src/token/tokenRequestRules.ts).
    checkTokenRequest({ channel, uid, role })
  } catch (error) {
    if (isSessionError(error)) throw bad(error.message)
    throw error
  }
  return { channel, uid, role, tokenExpireSec, privilegeExpireSec }
}

function readChannel(value: unknown, field: string): string {
  if (typeof value !== 'string') throw bad(`${field} must be a string, got ${describe(value)}`)
  return value
}

function readRole(value: unknown, field: string): TokenRole {
  if (value === 1) return 'publisher'
  if (value === 2) return 'subscriber'
  throw bad(`${field} must be 1 (publisher) or 2 (subscriber), got ${describe(value)}`)
}

/**
 * A uid sent as a string: "0" is the wildcard user (stored as uid 0), digits up to 2^32-1 are
 * an integer uid, anything else (including "*" and patterns with it) is a user account, checked
 * by the shared rule.
 */
function readUidString(value: string): number | string {
  if (/^(0|[1-9]\d{0,9})$/.test(value) && Number(value) <= MAX_UID) return Number(value)
  return value
}

function readExpiry(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRE_SEC) {
    throw bad(`${field} must be a whole number of seconds from 1 to ${MAX_EXPIRE_SEC} (24 h), got ${describe(value)}`)
  }
  return value
}

/** A value for a message: primitives as JSON (cut at 40 characters), objects by kind only. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return value === null ? 'null' : 'an object'
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return typeof value
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

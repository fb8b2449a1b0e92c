// @ts-check
/**
 * What a token request asks for, read from either request shape and checked against Agora's
 * rules, so that a bad request gets a clear 400 instead of a token Agora will refuse.
 */
import { accountProblem, channelProblem } from './agoraNames.mjs'

/**
 * A checked token request.
 * @typedef {object} TokenOrder
 * @property {string} channel '' or '*' or a pattern with '*' for a wildcard-channel token
 * @property {number | string} uid a number for integer uids (0 = wildcard user), else the account
 * @property {1 | 2} role 1 publisher, 2 subscriber
 * @property {number} tokenExpireSec seconds from now, 1..86400
 * @property {number} privilegeExpireSec seconds from now, 1..86400
 */

/** A request the server refuses; `status` is the HTTP status to answer with. */
export class RequestError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message)
    this.name = 'RequestError'
    this.status = status
  }
}

const MAX_UID = 2 ** 32 - 1
const MAX_EXPIRE_SEC = 86_400
/** What the servers in Agora's guide issue when a request does not say. */
export const DEFAULT_EXPIRE_SEC = 3600

/** @param {string} message */
const bad = (message) => new RequestError(400, message)

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The body of `POST /token/generate` (Agora's token service image):
 * `{channelName, uid: string, tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role: 1|2}}`.
 * @param {unknown} body parsed JSON
 * @returns {TokenOrder}
 */
export function readTokenGenerate(body) {
  if (!isRecord(body)) throw bad('the body must be a JSON object: {channelName, uid, tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role}}')
  const rtc = body['serviceRtc']
  if (!isRecord(rtc) || rtc['enable'] !== true) {
    throw bad('serviceRtc must be {enable: true, role: 1|2}: this server issues RTC tokens only')
  }
  if (typeof body['uid'] !== 'string') {
    throw bad(`uid must be a string ("0" or "*" for any user, digits for an integer uid, or a user account), got ${describe(body['uid'])}`)
  }
  const tokenExpireSec = readExpiry(body['tokenExpireTs'], 'tokenExpireTs')
  // Left out, the privileges last as long as the token (documented); null is refused like any
  // other value that is not a number of seconds, rather than read as "left out".
  const privilegeExpireSec = 'privilegeExpireTs' in body ? readExpiry(body['privilegeExpireTs'], 'privilegeExpireTs') : tokenExpireSec
  return order(body['channelName'], 'channelName', readUidString(body['uid']), rtc['role'], 'serviceRtc.role', tokenExpireSec, privilegeExpireSec)
}

/**
 * The body of `POST /fetch_rtc_token` (the Go sample in Agora's guide): `{uid, ChannelName, role: 1|2}`.
 * The Go sample takes a `uint32` uid; a string is accepted too, as a user account.
 * @param {unknown} body parsed JSON
 * @returns {TokenOrder}
 */
export function readFetchRtcToken(body) {
  if (!isRecord(body)) throw bad('the body must be a JSON object: {uid, ChannelName, role}')
  const raw = body['uid']
  let uid
  if (typeof raw === 'number') {
    if (!Number.isInteger(raw) || raw < 0 || raw > MAX_UID) throw bad(`uid must be an integer from 0 to ${MAX_UID}, got ${raw}`)
    uid = raw
  } else if (typeof raw === 'string') {
    uid = readUidString(raw)
  } else {
    throw bad(`uid must be a number (0 for any user) or a user-account string, got ${describe(raw)}`)
  }
  return order(body['ChannelName'], 'ChannelName', uid, body['role'], 'role', DEFAULT_EXPIRE_SEC, DEFAULT_EXPIRE_SEC)
}

/**
 * Whether a uid is a wildcard user: 0, '*' or a pattern with '*'.
 * @param {number | string} uid
 */
export const isWildcardUid = (uid) => uid === 0 || (typeof uid === 'string' && uid.includes('*'))

/**
 * Whether a channel is a wildcard: '', '*' or a pattern with '*'.
 * @param {string} channel
 */
export const isWildcardChannel = (channel) => channel === '' || channel.includes('*')

/**
 * @param {unknown} channelValue
 * @param {string} channelField
 * @param {number | string} uid
 * @param {unknown} roleValue
 * @param {string} roleField
 * @param {number} tokenExpireSec
 * @param {number} privilegeExpireSec
 * @returns {TokenOrder}
 */
function order(channelValue, channelField, uid, roleValue, roleField, tokenExpireSec, privilegeExpireSec) {
  const channel = readChannel(channelValue, channelField)
  if (roleValue !== 1 && roleValue !== 2) {
    throw bad(`${roleField} must be 1 (publisher) or 2 (subscriber), got ${describe(roleValue)}`)
  }
  const wildcardChannel = isWildcardChannel(channel)
  const wildcardUid = isWildcardUid(uid)
  if (wildcardChannel && wildcardUid) {
    throw bad('a wildcard channel with a wildcard uid (0 or *) is not supported by Agora: ask with a specific uid')
  }
  if (roleValue === 1 && (wildcardChannel || wildcardUid)) {
    throw bad(
      `wildcard tokens (channel ${JSON.stringify(channel)}, uid ${JSON.stringify(uid)}) are issued for role 2 (subscriber) only: ` +
        'a leaked wildcard publisher token would let anyone publish; ask for a publisher token for one channel and uid',
    )
  }
  return { channel, uid, role: roleValue, tokenExpireSec, privilegeExpireSec }
}

/**
 * @param {unknown} value
 * @param {string} field
 * @returns {string}
 */
function readChannel(value, field) {
  if (typeof value !== 'string') throw bad(`${field} must be a string, got ${describe(value)}`)
  const problem = channelProblem(value, field)
  if (problem !== undefined) throw bad(problem)
  return value
}

/**
 * A uid sent as a string: "0" is the wildcard user (stored as uid 0), digits up to 2^32-1 are
 * an integer uid, anything else (including "*" and patterns with it) is a user account as
 * Agora documents them: 1 to 255 characters of its 89.
 * @param {string} value
 * @returns {number | string}
 */
function readUidString(value) {
  if (/^(0|[1-9]\d{0,9})$/.test(value) && Number(value) <= MAX_UID) return Number(value)
  const problem = accountProblem(value, 'uid')
  if (problem !== undefined) throw bad(problem)
  return value
}

/**
 * @param {unknown} value
 * @param {string} field
 * @returns {number}
 */
function readExpiry(value, field) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRE_SEC) {
    throw bad(`${field} must be a whole number of seconds from 1 to ${MAX_EXPIRE_SEC} (24 h), got ${describe(value)}`)
  }
  return value
}

/** @param {unknown} value */
function describe(value) {
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value)
  return json === undefined ? typeof value : json.length > 40 ? `${json.slice(0, 40)}…` : json
}

import { SessionError, isSessionError } from '../errors.js'
import { ByteReader } from './ByteReader.js'
import { InflateLimitError, base64Decode, inflate } from './codec.js'
import type { RtcClaims, RtcPrivileges, TokenClaims } from './TokenClaims.js'

const VERSION = '007'
const UPGRADE_GUIDE = 'https://docs.agora.io/en/video-calling/get-started/authentication-workflow'
/**
 * The SDK refuses longer tokens (`Invalid token: Length of the string: [1,2047]`); checked before
 * anything is inflated, so a crafted zlib bomb costs nothing.
 */
const MAX_TOKEN_CHARS = 2047
/** Cap on the decompressed body: far above any real token, far below a zip bomb's payload. */
const MAX_CONTENT_BYTES = 64 * 1024

const RTC_SERVICE = 1
const RTC_PRIVILEGES: ReadonlyMap<number, keyof RtcPrivileges> = new Map([
  [1, 'joinChannel'],
  [2, 'publishAudio'],
  [3, 'publishVideo'],
  [4, 'publishData'],
])

type PayloadField = 'string' | 'int16' | 'rtm2Permissions'

/**
 * What follows the privilege map of each service type known to agora-token 2.0.6
 * (`src/AccessToken2.js`, the `pack()` of each `Service*` class).
 */
const SERVICE_PAYLOADS: ReadonlyMap<number, { name: string; fields: readonly PayloadField[] }> = new Map([
  [1, { name: 'RTC', fields: ['string', 'string'] }],
  [2, { name: 'RTM', fields: ['string'] }],
  [3, { name: 'Streaming', fields: ['string', 'string'] }],
  [4, { name: 'FPA', fields: [] }],
  [5, { name: 'Chat', fields: ['string'] }],
  [6, { name: 'FCDN', fields: ['string', 'string'] }],
  [7, { name: 'APaaS', fields: ['string', 'string', 'int16'] }],
  [8, { name: 'RTM2', fields: ['string', 'rtm2Permissions'] }],
  [9, { name: 'ConvoAI', fields: [] }],
  [10, { name: 'STT', fields: [] }],
])

/** A parsed token with the raw parts a signature check needs. */
export interface ParsedToken {
  claims: TokenClaims
  /** The HMAC-SHA256 signature stored in the token. */
  signature: Uint8Array
  /** The signed bytes: everything after the signature, as stored. */
  signingInfo: Uint8Array
}

/**
 * Decodes an AccessToken2 (`"007"` + base64 of zlib-deflated bytes) without checking its
 * signature (that needs the app certificate, which never reaches a browser).
 *
 * Synchronous. Throws `SessionError` code `'TOKEN_INVALID'` for anything that is not a
 * well-formed AccessToken2 (also for tokens over 2,047 characters, the SDK's own limit), with a
 * message that says what is wrong. Privilege times are absolute unix seconds in the server's
 * clock; see {@link TokenClaims}.
 *
 * @example
 * ```ts
 * const claims = decodeToken(token)
 * claims.rtc?.privileges.joinChannel // e.g. 1735693200, or Infinity
 * ```
 */
export function decodeToken(token: string): TokenClaims {
  return parseToken(token).claims
}

/**
 * {@link decodeToken}, also returning the stored signature and the signed bytes.
 * @internal For `verifyToken` in `src/testing`; not part of the public API.
 */
export function parseToken(token: unknown): ParsedToken {
  const content = tokenContent(token)
  try {
    return parseContent(content)
  } catch (error) {
    if (isSessionError(error)) throw error
    throw invalid('token is corrupt', error)
  }
}

function tokenContent(token: unknown): Uint8Array<ArrayBuffer> {
  if (typeof token !== 'string') {
    throw invalid(`token must be a string, got ${token === null ? 'null' : typeof token}`)
  }
  if (token === '') throw invalid('token is empty')
  if (token.length > MAX_TOKEN_CHARS) {
    throw invalid(
      `token is ${token.length} characters long; the SDK accepts at most ${MAX_TOKEN_CHARS} (an AccessToken2 is a few hundred)`,
    )
  }
  checkPrefix(token)

  const body = token.slice(VERSION.length)
  checkBase64(body)
  let compressed: Uint8Array<ArrayBuffer>
  try {
    compressed = base64Decode(body)
  } catch (cause) {
    throw invalid('token is not valid base64 after the "007" prefix (bad length or padding)', cause)
  }

  try {
    return inflate(compressed, MAX_CONTENT_BYTES)
  } catch (cause) {
    if (cause instanceof InflateLimitError) {
      throw invalid(`token expands to more than ${MAX_CONTENT_BYTES} bytes; an AccessToken2 is a few hundred`, cause)
    }
    const reason = cause instanceof Error ? `: ${cause.message}` : ''
    throw invalid(`token is not valid zlib data after base64 decoding (truncated or corrupt${reason})`, cause)
  }
}

function checkPrefix(token: string): void {
  if (token.startsWith(VERSION)) return
  if (token.startsWith('006')) {
    throw invalid(
      'token is an old AccessToken ("006"); AccessToken2 ("007") is required. Build tokens with ' +
        `an AccessToken2 builder (e.g. agora-token's RtcTokenBuilder); see the AccessToken upgrade guide: ${UPGRADE_GUIDE}`,
    )
  }
  const hint = /^\s/.test(token)
    ? ' (it has leading whitespace)'
    : token.startsWith('"')
      ? ' (it is wrapped in quotes: pass the string, not its JSON encoding)'
      : token.startsWith('{')
        ? ' (it looks like a JSON response body: pass the token field)'
        : ''
  throw invalid(`token must start with "007" (AccessToken2), got ${JSON.stringify(token.slice(0, 3))}${hint}`)
}

function checkBase64(body: string): void {
  const bad = /[^A-Za-z0-9+/=]/.exec(body)
  if (bad) {
    const char = bad[0]
    const hint =
      char === ' '
        ? ": a '+' may have turned into a space (the token was URL-decoded once too often)"
        : char === '-' || char === '_'
          ? ': the token looks base64url-encoded; AccessToken2 uses standard base64'
          : ''
    throw invalid(
      `token is not valid base64 after the "007" prefix: ${JSON.stringify(char)} at index ` +
        `${bad.index + VERSION.length}${hint}`,
    )
  }
  if (/=[^=]|={3}/.test(body)) {
    throw invalid('token is not valid base64 after the "007" prefix: "=" padding inside the text')
  }
}

function parseContent(content: Uint8Array): ParsedToken {
  const reader = new ByteReader(content)
  const signature = reader.bytes('signature')
  const signingInfo = content.subarray(reader.position)
  const appId = reader.string('app id')
  const issuedAt = reader.u32('issue time')
  const expire = reader.u32('expire')
  const salt = reader.u32('salt')
  const serviceCount = reader.u16('service count')

  const services: number[] = []
  let rtc: RtcClaims | undefined
  let complete = true
  for (let i = 0; i < serviceCount; i++) {
    const type = reader.u16(`service ${i} type`)
    services.push(type)
    const payload = SERVICE_PAYLOADS.get(type)
    if (payload === undefined) {
      // An unknown service's payload has no length prefix, so nothing after it can be found.
      // Like agora-token's own parser, keep what was read and stop: the token may come from a
      // newer server that added a service, and its RTC part is still readable.
      complete = false
      break
    }
    const field = `${payload.name} service`
    const privileges = reader.u32Map(`${field} privileges`)
    if (type === RTC_SERVICE) {
      const channel = reader.string(`${field} channel`)
      const uid = reader.string(`${field} uid`)
      // agora-token allows a service type twice; the first RTC service is the one described.
      rtc ??= { channel, uid, privileges: rtcPrivileges(privileges, issuedAt) }
    } else {
      skipPayload(reader, payload.fields, field)
    }
  }
  if (complete && reader.remaining > 0) {
    throw invalid(`token is corrupt: ${reader.remaining} unexpected bytes after its last service`)
  }

  const claims: TokenClaims = { appId, issuedAt, expiresAt: issuedAt + expire, salt, services }
  if (rtc !== undefined) claims.rtc = rtc
  return { claims, signature, signingInfo }
}

function rtcPrivileges(stored: Map<number, number>, issuedAt: number): RtcPrivileges {
  const privileges: RtcPrivileges = {}
  for (const [key, relative] of stored) {
    const name = RTC_PRIVILEGES.get(key)
    // A stored 0 means the privilege never expires (agora-token's default privilegeExpire).
    if (name !== undefined) privileges[name] = relative === 0 ? Infinity : issuedAt + relative
  }
  return privileges
}

function skipPayload(reader: ByteReader, fields: readonly PayloadField[], service: string): void {
  for (const field of fields) {
    if (field === 'string') reader.bytes(`${service} string`)
    else if (field === 'int16') reader.u16(`${service} role`)
    else skipRtm2Permissions(reader, service)
  }
}

/** RTM2: u16 count of (u16 resource type, u16 count of (u16 permission, u16 count of strings)). */
function skipRtm2Permissions(reader: ByteReader, service: string): void {
  const resourceTypes = reader.u16(`${service} resource type count`)
  for (let i = 0; i < resourceTypes; i++) {
    reader.u16(`${service} resource type`)
    const permissions = reader.u16(`${service} permission count`)
    for (let j = 0; j < permissions; j++) {
      reader.u16(`${service} permission type`)
      const resources = reader.u16(`${service} resource count`)
      for (let k = 0; k < resources; k++) reader.bytes(`${service} resource`)
    }
  }
}

function invalid(message: string, cause?: unknown): SessionError {
  return new SessionError('TOKEN_INVALID', message, cause === undefined ? {} : { cause })
}

import { SessionError } from '../errors.js'
import type { TokenRequest } from './TokenSource.js'

/**
 * How `httpTokenSource` talks to a token server: the JSON body to POST for a request, and
 * how to find the token in the JSON answer. `token` throws (any `Error`) when the answer holds
 * no token; give that error a string `serverMessage` field to pass the server's own words on.
 */
export interface TokenFormat {
  /** Short name used in error messages, e.g. `'agora-token-service'`. */
  readonly name: string
  /** The answer's shape, for error messages, e.g. `'{token}'`. */
  readonly expects: string
  body(request: TokenRequest): unknown
  token(json: unknown): string
}

/** The built-in {@link TokenFormat} names. */
export type TokenFormatName = 'agora-token-service' | 'fetch-rtc-token'

/** A custom mapping, as passed to `httpTokenSource({ format })`. */
export interface CustomTokenFormat {
  body(request: TokenRequest): unknown
  token(json: unknown): string
}

/** Thrown by a format's `token()` when the answer holds no token. Internal; becomes a `cause`. */
export class TokenFormatError extends Error {
  override readonly name = 'TokenFormatError'
  readonly serverMessage?: string

  constructor(message: string, serverMessage?: string) {
    super(message)
    if (serverMessage !== undefined) this.serverMessage = serverMessage
  }
}

/** Lifetime asked for when the request does not say, in seconds: the servers' own default. */
const DEFAULT_EXPIRE_SEC = 3600

const describeJson = (json: unknown): string =>
  json === null ? 'null' : json === '' ? 'an empty string' : Array.isArray(json) ? 'an array' : `a ${typeof json}`

const roleId = (request: TokenRequest): 1 | 2 => (request.role === 'publisher' ? 1 : 2)

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `value` if it is a usable token; otherwise throws `"<path> is <what it is>"`. */
function requireToken(value: unknown, path: string): string {
  if (typeof value === 'string' && value !== '') return value
  throw new TokenFormatError(`${path} is ${value === undefined ? 'missing' : describeJson(value)}`)
}

/**
 * Agora's token service image: POST
 * `{channelName, uid: string, tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role: 1|2}}`
 * and read `{code: 0, data: {token}}`. A non-zero `code` is an error carrying the server's
 * `message` / `msg`.
 */
export const agoraTokenService: TokenFormat = {
  name: 'agora-token-service',
  expects: '{code: 0, data: {token}}',
  body: (request) => ({
    channelName: request.channel,
    uid: String(request.uid),
    tokenExpireTs: request.expireSec ?? DEFAULT_EXPIRE_SEC,
    privilegeExpireTs: request.expireSec ?? DEFAULT_EXPIRE_SEC,
    serviceRtc: { enable: true, role: roleId(request) },
  }),
  token: (json) => {
    if (!isRecord(json)) throw new TokenFormatError(`the body is ${describeJson(json)}, not an object`)
    if (json['code'] !== 0) {
      const said = json['message'] ?? json['msg']
      const serverMessage = typeof said === 'string' && said !== '' ? said : undefined
      throw new TokenFormatError(
        `its code is ${JSON.stringify(json['code']) ?? 'missing'}, not 0` +
          (serverMessage === undefined ? '' : `: ${serverMessage}`),
        serverMessage,
      )
    }
    const data = json['data']
    return requireToken(isRecord(data) ? data['token'] : undefined, 'data.token')
  },
}

/**
 * The Go sample from Agora's "fetch a token" guide: POST `{uid, ChannelName, role: 1|2}` and read
 * `{token}`. A numeric uid is sent as a JSON number; a string uid (user account) is sent as the
 * string. The Go sample decodes `uid` into a `uint32`, so it answers 400 for a string uid: use
 * numeric uids with it, or a custom format.
 */
export const fetchRtcToken: TokenFormat = {
  name: 'fetch-rtc-token',
  expects: '{token}',
  body: (request) => ({ uid: request.uid, ChannelName: request.channel, role: roleId(request) }),
  token: (json) => {
    if (!isRecord(json)) throw new TokenFormatError(`the body is ${describeJson(json)}, not an object`)
    return requireToken(json['token'], 'token')
  },
}

/** The {@link TokenFormat} for a `format` option (default `'agora-token-service'`). */
export function resolveTokenFormat(format: TokenFormatName | CustomTokenFormat | undefined): TokenFormat {
  if (format === undefined || format === 'agora-token-service') return agoraTokenService
  if (format === 'fetch-rtc-token') return fetchRtcToken
  // Plain-JS callers can pass anything; fail at setup rather than on the first fetch.
  if (!isRecord(format) || typeof format.body !== 'function' || typeof format.token !== 'function') {
    throw new SessionError(
      'INVALID_ARGUMENT',
      `httpTokenSource: format must be 'agora-token-service', 'fetch-rtc-token' or {body, token} functions, got ${JSON.stringify(format)}`,
    )
  }
  return {
    name: 'custom',
    body: (request) => format.body(request),
    expects: 'what your format.token() reads',
    token: (json) => requireToken(format.token(json), 'what your format.token() returned'),
  }
}

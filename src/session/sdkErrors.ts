import { SessionError, isSessionError, type SessionErrorCode } from '../errors.js'

/** The SDK's error shape: `AgoraRTCError` has `name`, a string `code`, a message and `data`. */
interface SdkErrorLike {
  code: string
  message: string
  data: unknown
}

function asSdkError(error: unknown): SdkErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown }
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '', data } : undefined
}

/** What Agora said of a token: it expired, it was refused, or the error is not about the token. */
export type TokenVerdict = 'expired' | 'invalid' | undefined

// What the SDK says of a token, by number first. AgoraRTCErrorCode is a type-only enum, so codes
// are matched as strings; the numbers are the SDK's own enums (agora-rtc-sdk-ng 4.24.8 bundle).
/**
 * The access point's codes, in `UPDATE_TICKET_FAILED` messages as `[n]: desc` (renewToken with
 * USE_NEW_TOKEN), where n is the server's code: module × 10,000 + number (UNILBS is module 201,
 * so NO_AUTHORIZED arrives as 2010009).
 */
const UNILBS_MODULE = 201
const ACCESS_POINT: ReadonlyMap<number, TokenVerdict> = new Map([
  [10, 'expired'], // DYNAMIC_KEY_TIMEOUT
  [13, 'expired'], // DYNAMIC_KEY_EXPIRED
  [5, 'invalid'], // INVALID_VENDOR_KEY
  [9, 'invalid'], // NO_AUTHORIZED
  [14, 'invalid'], // STATIC_USE_DYNAMIC_KEY
  [15, 'invalid'], // DYNAMIC_USE_STATIC_KEY
])
/** The gateway's codes, in `data.code` of `UNEXPECTED_RESPONSE` (renewToken without USE_NEW_TOKEN, setClientRole). */
const GATEWAY: ReadonlyMap<number, TokenVerdict> = new Map([
  [109, 'expired'], // ERR_DYNAMIC_KEY_TIMEOUT
  [118, 'expired'], // ERR_DYNAMIC_KEY_EXPIRED
  [110, 'invalid'], // ERR_NO_AUTHORIZED
  [119, 'invalid'], // ERR_STATIC_USE_DYANMIC_KE (sic): a token where the project expects none
  [120, 'invalid'], // ERR_DYNAMIC_USE_STATIC_KE (sic): no token where the project expects one
  [2013, 'invalid'], // ERR_INVALID_VENDOR_KEY
])

/** The UNILBS number in an `UPDATE_TICKET_FAILED` message, or NaN. */
function ticketCode(message: string): number {
  const code = Number(/\[(\d+)\]:/.exec(message)?.[1])
  return Math.floor(code / 10_000) === UNILBS_MODULE ? code % 10_000 : Number.NaN
}

// Text last: a join refusal arrives as CAN_NOT_GET_GATEWAY_SERVER with the access point's words
// nested in the message ("flag: 4096, message: AgoraRTCError CAN_NOT_GET_GATEWAY_SERVER: invalid
// token, authorized failed"); those words come from Agora's servers, so they are matched loosely.
const EXPIRED_TEXT = /dynamic key expired|dynamic key or token timeout|token expired|token timeout|ERR_DYNAMIC_KEY_(EXPIRED|TIMEOUT)/i
const INVALID_TEXT = /invalid token|authorized failed|invalid vendor key|no authorized|ERR_NO_AUTHORIZED|dynamic key|static key/i

const gatewayCode = (data: unknown): number => {
  const code = typeof data === 'object' && data !== null ? (data as { code?: unknown }).code : undefined
  return typeof code === 'number' ? code : Number.NaN
}

function tokenVerdict(error: unknown): TokenVerdict {
  if (isSessionError(error)) return error.code === 'TOKEN_EXPIRED' ? 'expired' : error.code === 'TOKEN_INVALID' ? 'invalid' : undefined
  const sdk = asSdkError(error)
  if (sdk === undefined) return undefined
  if (sdk.code === 'TOKEN_EXPIRE') return 'expired'
  const byNumber =
    GATEWAY.get(gatewayCode(sdk.data)) ?? (sdk.code === 'UPDATE_TICKET_FAILED' ? ACCESS_POINT.get(ticketCode(sdk.message)) : undefined)
  if (byNumber !== undefined) return byNumber
  if (EXPIRED_TEXT.test(sdk.message)) return 'expired'
  if (INVALID_TEXT.test(sdk.message)) return 'invalid'
  return undefined
}

/**
 * What a refused `join()` says of the token, given how long our deadline (computed in the token
 * server's clock) says it has left. The gateway's ERR_NO_AUTHORIZED (110) at join reaches the app
 * as `TOKEN_EXPIRE` "dynamic key expired" (agora-rtc-sdk-ng 4.24.8: `e.data.code===$x.ERR_NO_AUTHORIZED`
 * → `new KL(IN.TOKEN_EXPIRE,"dynamic key expired")`, closing with `TOKEN_EXPIRE`): for a token that
 * is still alive, that is a refusal, not an expiry. The access point's own "dynamic key expired"
 * (`CAN_NOT_GET_GATEWAY_SERVER`) is an expiry by Agora's clock.
 */
export function joinVerdict(error: unknown, tokenLeftMs: number): TokenVerdict {
  const verdict = tokenVerdict(error)
  return verdict === 'expired' && asSdkError(error)?.code === 'TOKEN_EXPIRE' && tokenLeftMs > 0 ? 'invalid' : verdict
}

/**
 * Whether an SDK call failed because the client's connection went away under it (the socket
 * closed while `renewToken` waited for a reconnection): the disconnect handler takes over.
 */
export function isConnectionLost(error: unknown): boolean {
  const code = asSdkError(error)?.code
  return code === 'WS_ABORT' || code === 'WS_DISCONNECT' || code === 'OPERATION_ABORTED'
}

const detailOf = (error: unknown): string => asSdkError(error)?.message ?? (error instanceof Error ? error.message : String(error))

const mapped = (error: unknown, code: SessionErrorCode, message: string): SessionError => {
  const sdkCode = asSdkError(error)?.code
  return new SessionError(code, message, sdkCode === undefined ? { cause: error } : { cause: error, sdkCode })
}

/**
 * Maps an SDK error from `join()` to the library's code, keeping the SDK error as `cause`:
 * expired → `TOKEN_EXPIRED`; refused token → `TOKEN_INVALID`; `UID_CONFLICT` and anything
 * else → `JOIN_REJECTED`. `verdict` overrides what the error alone says (see {@link joinVerdict}).
 */
export function joinError(error: unknown, channel: string, verdict: TokenVerdict = tokenVerdict(error)): SessionError {
  if (isSessionError(error)) return error
  const detail = detailOf(error)
  if (verdict === 'expired') {
    return mapped(error, 'TOKEN_EXPIRED', `Agora refused the token for "${channel}" as expired (${detail}): check the token server's clock and expiry`)
  }
  if (verdict === 'invalid') {
    const reportedAsExpiry = asSdkError(error)?.code === 'TOKEN_EXPIRE' ? ', reported by the SDK as an expiry though the token is valid' : ''
    return mapped(
      error,
      'TOKEN_INVALID',
      `Agora refused the token for "${channel}" (${detail}${reportedAsExpiry}): check that the token server uses this app id and its certificate, and the same channel and uid`,
    )
  }
  if (asSdkError(error)?.code === 'UID_CONFLICT') {
    return mapped(error, 'JOIN_REJECTED', `uid already in channel "${channel}" (${detail}): give each client its own uid`)
  }
  return mapped(error, 'JOIN_REJECTED', `the SDK refused to join "${channel}": ${detail}`)
}

/**
 * Maps an SDK error from `renewToken()`: expired → `TOKEN_EXPIRED`; refused → `TOKEN_INVALID`;
 * anything else (e.g. `INVALID_OPERATION` when the client is not connected) → `JOIN_REJECTED`.
 */
export function renewError(error: unknown): SessionError {
  if (isSessionError(error)) return error
  const verdict = tokenVerdict(error)
  const code: SessionErrorCode = verdict === 'expired' ? 'TOKEN_EXPIRED' : verdict === 'invalid' ? 'TOKEN_INVALID' : 'JOIN_REJECTED'
  return mapped(error, code, `the SDK refused a renewed token: ${detailOf(error)}`)
}

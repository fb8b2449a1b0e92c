import { SessionError, isSessionError, type SessionErrorCode } from '../errors.js'

/** The SDK's error shape: `AgoraRTCError` has `name`, a string `code` and a message. */
interface SdkErrorLike {
  code: string
  message: string
}

function asSdkError(error: unknown): SdkErrorLike | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { code, message } = error as { code?: unknown; message?: unknown }
  return typeof code === 'string' ? { code, message: typeof message === 'string' ? message : '' } : undefined
}

// The gateway's reasons arrive inside CAN_NOT_GET_GATEWAY_SERVER messages; AgoraRTCErrorCode is
// a type-only enum, so codes and reasons are matched as strings.
const EXPIRED = /dynamic key expired|dynamic key or token timeout|token expired|token timeout/i
const INVALID_TOKEN = /invalid token|authorized failed|invalid vendor key|no authorized|dynamic key/i

/** Whether the SDK refused a token as expired. */
export function isExpiredTokenError(error: unknown): boolean {
  return (isSessionError(error) && error.code === 'TOKEN_EXPIRED') || EXPIRED.test(asSdkError(error)?.message ?? '')
}

/** Whether the SDK refused a token as invalid (signature, app id, channel, uid, or a wildcard it does not accept). */
export function isInvalidTokenError(error: unknown): boolean {
  const sdk = asSdkError(error)
  return sdk !== undefined && !EXPIRED.test(sdk.message) && INVALID_TOKEN.test(sdk.message)
}

/**
 * Maps an SDK error from `join()` to the library's code, keeping the SDK error as `cause`:
 * expired → `TOKEN_EXPIRED`; refused token → `TOKEN_INVALID`; `UID_CONFLICT` and anything
 * else → `JOIN_REJECTED`.
 */
export function joinError(error: unknown, channel: string): SessionError {
  if (isSessionError(error)) return error
  const sdk = asSdkError(error)
  const detail = sdk?.message ?? (error instanceof Error ? error.message : String(error))
  const sdkCode = sdk?.code
  const make = (code: SessionErrorCode, message: string): SessionError =>
    new SessionError(code, message, sdkCode === undefined ? { cause: error } : { cause: error, sdkCode })
  if (isExpiredTokenError(error)) {
    return make('TOKEN_EXPIRED', `Agora refused the token for "${channel}" as expired (${detail}): check the token server's clock and expiry`)
  }
  if (isInvalidTokenError(error)) {
    return make(
      'TOKEN_INVALID',
      `Agora refused the token for "${channel}" (${detail}): check that the token server uses this app id and its certificate, and the same channel and uid`,
    )
  }
  if (sdkCode === 'UID_CONFLICT') {
    return make('JOIN_REJECTED', `uid already in channel "${channel}" (${detail}): give each client its own uid`)
  }
  return make('JOIN_REJECTED', `the SDK refused to join "${channel}": ${detail}`)
}

/**
 * Maps an SDK error from `renewToken()`: expired → `TOKEN_EXPIRED`; refused → `TOKEN_INVALID`;
 * anything else (e.g. `INVALID_OPERATION` when the client is not connected) → `JOIN_REJECTED`.
 */
export function renewError(error: unknown): SessionError {
  if (isSessionError(error)) return error
  const sdk = asSdkError(error)
  const detail = sdk?.message ?? (error instanceof Error ? error.message : String(error))
  const code: SessionErrorCode = isExpiredTokenError(error) ? 'TOKEN_EXPIRED' : isInvalidTokenError(error) ? 'TOKEN_INVALID' : 'JOIN_REJECTED'
  return new SessionError(code, `the SDK refused a renewed token: ${detail}`, sdk === undefined ? { cause: error } : { cause: error, sdkCode: sdk.code })
}

/** Every code a {@link SessionError} can carry. */
export type SessionErrorCode =
  | 'INVALID_ARGUMENT'
  | 'TOKEN_INVALID'
  | 'TOKEN_MISMATCH'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_FETCH_FAILED'
  | 'PRIVILEGE_MISSING'
  | 'JOIN_TIMEOUT'
  | 'JOIN_REJECTED'
  | 'ROLE_CHANGE_FAILED'
  | 'UNSUPPORTED_SDK'
  | 'SUPERSEDED'
  | 'DISPOSED'

/** Context a {@link SessionError} may carry besides its code and message. */
export interface SessionErrorOptions {
  /** The error this one wraps: an SDK error, a ky error, a decode failure. */
  cause?: unknown
  /** HTTP status of a failed token request. */
  status?: number
  /** Whether trying the same thing again later can help. */
  retryable?: boolean
  /** How long the server asked us to wait (`Retry-After`), in ms. */
  retryAfterMs?: number
  /** The token server's own message, when it sent one. */
  serverMessage?: string
  /** The SDK's string error code (`AgoraRTCError.code`), when the SDK refused. */
  sdkCode?: string
  /** For `ROLE_CHANGE_FAILED`: the step that failed. */
  step?: 'fetch-token' | 'renew-token' | 'set-client-role' | 'unpublish'
  /**
   * For `TOKEN_FETCH_FAILED`: the token server refused (403) a request for a wildcard-channel
   * token (channel `'*'`, `''` or a pattern); a token per channel may still be granted. See
   * `isWildcardRefusal`.
   */
  wildcardRefused?: boolean
}

/**
 * The one error type of agora-rtc-session. `code` says what went wrong in a way code can
 * branch on; `message` says what to fix; the SDK's or ky's error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await session.join('lobby') } catch (e) {
 *   if (isSessionError(e) && e.code === 'TOKEN_FETCH_FAILED' && e.retryable) retryLater()
 * }
 * ```
 */
export class SessionError extends Error {
  override readonly name = 'SessionError'
  readonly code: SessionErrorCode
  readonly status?: number
  readonly retryable?: boolean
  readonly retryAfterMs?: number
  readonly serverMessage?: string
  readonly sdkCode?: string
  readonly step?: SessionErrorOptions['step']
  readonly wildcardRefused?: boolean

  constructor(code: SessionErrorCode, message: string, options: SessionErrorOptions = {}) {
    const { cause, ...context } = options
    super(message, 'cause' in options ? { cause } : undefined)
    this.code = code
    Object.assign(this, context)
  }
}

/**
 * Whether `error` is a {@link SessionError}. Also checks `name` and `code`, so it works across
 * realms (an iframe, a second copy of the package) where `instanceof` does not.
 */
export function isSessionError(error: unknown): error is SessionError {
  return (
    error instanceof SessionError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'SessionError' &&
      typeof (error as { code?: unknown }).code === 'string')
  )
}

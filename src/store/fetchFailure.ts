import { SessionError, isSessionError, type SessionErrorCode } from '../errors.js'

/** A failed fetch as the {@link SessionError} lifetimes carry (a custom source may throw anything). */
export function asSessionError(error: unknown): SessionError {
  if (isSessionError(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new SessionError('TOKEN_FETCH_FAILED', message, { cause: error })
}

/** What the store's events say of a failed fetch: code, message, and the HTTP status and Retry-After where there were. */
export function fetchFailure(error: unknown): { code: SessionErrorCode; message: string; status?: number; retryAfterMs?: number } {
  const { code, message, status, retryAfterMs } = asSessionError(error)
  return { code, message, ...(status === undefined ? {} : { status }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
}

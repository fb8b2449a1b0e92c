import { SessionError, isSessionError } from '../errors.js'
import { isWildcard } from '../token/matchesPattern.js'
import type { TokenRequest } from './TokenSource.js'

/**
 * Whether `error` is a token server's refusal of a wildcard-channel token: a `TOKEN_FETCH_FAILED`
 * with status 403 for a request whose channel is `'*'`, `''` or a pattern (the store marks it
 * `wildcardRefused`). An app's authorize hook that grants some channels only (`team-red-*`)
 * answers that to channel `'*'`; a token per channel may still be granted, so a session falls
 * back to those. Works across realms (checks fields, not `instanceof`).
 *
 * @example
 * ```ts
 * store.get({ channel: '*', uid, role: 'subscriber' }).catch((e) => {
 *   if (isWildcardRefusal(e)) return store.get({ channel, uid, role: 'subscriber' })
 *   throw e
 * })
 * ```
 */
export function isWildcardRefusal(error: unknown): error is SessionError & { wildcardRefused: true } {
  return isSessionError(error) && error.code === 'TOKEN_FETCH_FAILED' && error.wildcardRefused === true
}

/**
 * `error` as the store reports it for `request`: a 403 for a wildcard-channel request becomes
 * the same error marked `wildcardRefused`, its message saying so; anything else is returned as
 * it is. Any source's `SessionError` counts (`httpTokenSource`, `localTokenSource`, an app's own).
 */
export function markWildcardRefusal(error: unknown, request: TokenRequest): unknown {
  if (!isSessionError(error) || error.code !== 'TOKEN_FETCH_FAILED' || error.status !== 403 || !isWildcard(request.channel)) return error
  if (error.wildcardRefused === true) return error
  const { code, message, status, retryable, retryAfterMs, serverMessage, sdkCode, step } = error
  const context = { status, retryable, retryAfterMs, serverMessage, sdkCode, step }
  return new SessionError(
    code,
    `${message}; it refused a wildcard-channel token (channel '${request.channel}'): tokens per channel may still be granted (audienceTokens: 'channel')`,
    {
      ...Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined)),
      wildcardRefused: true,
      ...('cause' in error ? { cause: error.cause } : {}),
    },
  )
}

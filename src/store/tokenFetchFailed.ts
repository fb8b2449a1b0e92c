import { isHTTPError, isTimeoutError } from 'ky'
import { SessionError } from '../errors.js'
import { retryAfterMs } from './retryAfter.js'
import { serverMessage } from './serverMessage.js'

/** Context of a `TOKEN_FETCH_FAILED` error; `undefined` fields are left off. */
export interface TokenFetchFailure {
  retryable: boolean
  status?: number | undefined
  retryAfterMs?: number | undefined
  serverMessage?: string | undefined
  cause?: unknown
}

/** A `TOKEN_FETCH_FAILED` {@link SessionError}, leaving off context that is `undefined`. */
export function tokenFetchFailed(message: string, failure: TokenFetchFailure): SessionError {
  const { retryable, status, retryAfterMs, serverMessage, cause } = failure
  return new SessionError('TOKEN_FETCH_FAILED', message, {
    retryable,
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(serverMessage === undefined ? {} : { serverMessage }),
    ...('cause' in failure ? { cause } : {}),
  })
}

/** What a failed status says to fix, appended to the message. */
function hintFor(status: number): string {
  if (status === 401 || status === 403) return '; check the credentials in the headers passed to httpTokenSource'
  if (status === 404 || status === 405) return '; check the url and format passed to httpTokenSource'
  if (status === 429) return '; it is rate limiting this client'
  return ''
}

/**
 * The `TOKEN_FETCH_FAILED` error for something ky threw while requesting a token: an HTTP
 * error status, a timeout, or a network failure. (The caller's abort is handled before this.)
 * `server` names the server in messages, e.g. `'token server at https://host/token'`.
 */
export async function requestFailure(error: unknown, server: string, timeoutMs: number): Promise<SessionError> {
  if (isHTTPError(error)) {
    const { response } = error
    const { status } = response
    const said = serverMessage(await response.text().catch(() => ''))
    const retryable = status >= 500 || status === 408 || status === 429
    const afterMs = retryAfterMs(response.headers.get('retry-after'), response.headers.get('date'))
    const statusLine = response.statusText === '' ? `${status}` : `${status} ${response.statusText}`
    return tokenFetchFailed(
      `${server} ${retryable ? 'failed' : 'refused the request'} (${statusLine})` +
        (said === undefined ? '' : `: ${said}`) +
        hintFor(status) +
        (afterMs === undefined ? '' : `; it asked to retry in ${afterMs / 1000} s`),
      { status, retryable, retryAfterMs: afterMs, serverMessage: said, cause: error },
    )
  }
  if (isTimeoutError(error)) {
    return tokenFetchFailed(`${server} did not answer within timeoutMs (${timeoutMs} ms)`, {
      retryable: true,
      cause: error,
    })
  }
  // fetch() rejects with a TypeError for every network failure (DNS, refused connection, reset,
  // offline, and a CORS rejection, which browsers deliberately do not tell apart).
  if (error instanceof TypeError) {
    return tokenFetchFailed(
      `could not reach ${server} (${networkDetail(error)}); check that it is up and, from a browser, ` +
        'that it allows this origin (CORS)',
      { retryable: true, cause: error },
    )
  }
  return tokenFetchFailed(`the request to ${server} failed: ${String(error)}`, { retryable: true, cause: error })
}

/** Node's fetch says only 'fetch failed' and keeps the reason (e.g. ECONNREFUSED) in `cause`. */
function networkDetail(error: TypeError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined
  if (typeof cause?.code === 'string') return `${error.message}: ${cause.code}`
  if (typeof cause?.message === 'string') return `${error.message}: ${cause.message}`
  return error.message
}

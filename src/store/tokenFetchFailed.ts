import { isHTTPError, isTimeoutError } from 'ky'
import { SessionError } from '../errors.js'
import { AnswerTooLargeError, StatusOutOfRangeError } from './bufferedFetch.js'
import { RedirectRefusedError, type RedirectRefusal } from './followRedirects.js'
import { HttpFailureCause } from './httpFailureCause.js'
import { redactSecrets, redactedError } from './redactSecrets.js'
import { MAX_RETRY_AFTER_MS, cappedRetryAfterMs, retryAfterMs } from './retryAfter.js'
import { cutText, serverMessage, shownServerText } from './serverMessage.js'

/** Context of a `TOKEN_FETCH_FAILED` error; `undefined` fields are left off. */
export interface TokenFetchFailure {
  retryable: boolean
  status?: number | undefined
  retryAfterMs?: number | undefined
  serverMessage?: string | undefined
  cause?: unknown
}

/** Masks secrets in a text bound for an error: {@link redactSecrets}, or a `secretMasker`. */
export type Mask = (text: string) => string

/**
 * Longest message kept, in characters. What a server said is cut to 200 where it is quoted;
 * this bounds the rest (a long url).
 */
const MAX_MESSAGE_LENGTH = 1000

/**
 * A `TOKEN_FETCH_FAILED` {@link SessionError}, leaving off context that is `undefined`. The
 * message and the server message are masked (they end up in logs), then cut to length.
 */
export function tokenFetchFailed(message: string, failure: TokenFetchFailure, mask: Mask = redactSecrets): SessionError {
  const { retryable, status, retryAfterMs, serverMessage, cause } = failure
  const said = serverMessage === undefined ? undefined : shownServerText(serverMessage, mask)
  return new SessionError('TOKEN_FETCH_FAILED', cutText(mask(message), MAX_MESSAGE_LENGTH), {
    retryable,
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(said === undefined ? {} : { serverMessage: said }),
    ...('cause' in failure ? { cause } : {}),
  })
}

/** The request a failure is about, for its `cause`: method and url without query. */
export interface Exchange {
  method: string
  url: string
}

/**
 * What the server asked with `Retry-After`, for the message; nothing when its own words
 * already give the same seconds ("retry in 20 s"): the message would say it twice.
 */
function retryAfterText(askedMs: number | undefined, said: string | undefined): string {
  if (askedMs === undefined) return ''
  const seconds = askedMs / 1000
  if (said !== undefined && new RegExp(`(^|[^\\d.])${seconds}\\s*(s|secs?|seconds?)\\b`, 'i').test(said)) return ''
  if (askedMs <= MAX_RETRY_AFTER_MS) return `; it asked to retry in ${seconds} s`
  return `; it asked to retry after more than ${MAX_RETRY_AFTER_MS / 60_000} minutes, the longest the token store waits`
}

/**
 * What a failed status says to fix, appended to the message. A 401, 403 or 429 with the
 * server's own words needs none: a guess ("check the credentials") is wrong when the server
 * refused the channel or the role, and a 429's words say it already.
 */
function hintFor(status: number, serverSaid: boolean): string {
  if (status === 401) return serverSaid ? '' : ' without saying why: check the credentials (headers) passed to httpTokenSource'
  if (status === 403) return serverSaid ? '' : ' without saying why: the server does not allow this user this token'
  if (status === 404 || status === 405) return '; check the url and format passed to httpTokenSource'
  if (status === 429) return serverSaid ? '' : '; it is rate limiting this client'
  return ''
}

/**
 * The `TOKEN_FETCH_FAILED` error for something ky threw while requesting a token: an HTTP
 * error status, a timeout, an answer over the size cap, a refused redirect, or a network
 * failure. (The caller's abort is handled before this.) `server` names the server in
 * messages, e.g. `'token server at https://host/token'`. The `cause` is an
 * {@link HttpFailureCause} (or a masked copy of fetch's TypeError): never ky's error, which
 * holds the request's headers.
 */
export async function requestFailure(
  error: unknown,
  server: string,
  timeoutMs: number,
  exchange: Exchange,
  mask: Mask = redactSecrets,
): Promise<SessionError> {
  const failed = (message: string, failure: TokenFetchFailure): SessionError => tokenFetchFailed(message, failure, mask)
  if (isHTTPError(error)) {
    const { response } = error
    const { status } = response
    const said = serverMessage(await response.text().catch(() => ''), mask)
    const retryable = status >= 500 || status === 408 || status === 429
    const askedMs = retryAfterMs(response.headers.get('retry-after'), response.headers.get('date'))
    const afterMs = askedMs === undefined ? undefined : cappedRetryAfterMs(askedMs)
    // The status text is the server's to choose: masked like its body.
    const statusLine = mask(response.statusText === '' ? `${status}` : `${status} ${response.statusText}`)
    return failed(
      `${server} ${retryable ? 'failed' : 'refused the request'} (${statusLine})` +
        (said === undefined ? '' : `: ${said}`) +
        hintFor(status, said !== undefined) +
        retryAfterText(askedMs, said),
      {
        status,
        retryable,
        retryAfterMs: afterMs,
        serverMessage: said,
        cause: new HttpFailureCause('status', `${statusLine} from ${exchange.method} ${exchange.url}`, { ...exchange, status }),
      },
    )
  }
  if (isTimeoutError(error)) {
    return failed(`${server} did not answer within timeoutMs (${timeoutMs} ms)`, {
      retryable: true,
      cause: new HttpFailureCause('timeout', `no answer to ${exchange.method} ${exchange.url} within ${timeoutMs} ms`, exchange),
    })
  }
  if (error instanceof AnswerTooLargeError) {
    const { status, limitBytes } = error
    return failed(
      `${server} answered ${status} with more than ${limitBytes / 1024} KB, so the rest was not read ` +
        '(a token answer is a few hundred bytes); check the url',
      { status, retryable: false, cause: new HttpFailureCause('too-large', error.message, { ...exchange, status }) },
    )
  }
  if (error instanceof StatusOutOfRangeError) {
    const { status } = error
    return failed(`${server} answered with ${error.message}; it is broken or not a token server, check the url`, {
      status,
      retryable: false,
      cause: new HttpFailureCause('status', `${error.message} from ${exchange.method} ${exchange.url}`, { ...exchange, status }),
    })
  }
  if (error instanceof RedirectRefusedError) {
    const { reason, status, toOrigin } = error
    const detail = redirectDetail(reason, status, toOrigin, error.message)
    return failed(`${server} ${detail}`, {
      ...(status === 0 ? {} : { status }),
      retryable: false,
      cause: new HttpFailureCause('redirect', error.message, status === 0 ? exchange : { ...exchange, status }),
    })
  }
  // fetch() rejects with a TypeError for every network failure (DNS, refused connection, reset,
  // offline, and a CORS rejection, which browsers deliberately do not tell apart).
  if (error instanceof TypeError) {
    const detail = networkDetail(error)
    return failed(
      `could not reach ${server} (${detail}); check that it is up and, from a browser, ` +
        'that it allows this origin (CORS)',
      { retryable: true, cause: redactedError(error, () => new TypeError(mask(detail)), mask) },
    )
  }
  return failed(`the request to ${server} failed: ${String(error)}`, { retryable: true, cause: redactedError(error, undefined, mask) })
}

/** What a refused redirect says to fix; `said` is the refusal's own message. */
function redirectDetail(reason: RedirectRefusal, status: number, toOrigin: string | undefined, said: string): string {
  if (reason === 'origin') {
    return (
      `redirected (${status}) to another origin, ${toOrigin}, which httpTokenSource does not follow ` +
      '(the request body and headers would go there); use that url, or list the origin in allowRedirectOrigins'
    )
  }
  if (reason === 'hidden') {
    return (
      'redirected, and the browser does not say where to, so httpTokenSource cannot check that it stays on ' +
      'this origin; use the url the redirect ends at'
    )
  }
  if (reason === 'too-many') return `${said}; use the url the redirects end at`
  // A Location that is not a url, not http(s), or with credentials: fetch itself refuses these
  // with a TypeError, which would read as a network failure.
  return `${said.replace(/^redirect/, 'redirected')}; fix the token server's Location header, or use the url it should lead to`
}

/** Node's fetch says only 'fetch failed' and keeps the reason (e.g. ECONNREFUSED) in `cause`. */
function networkDetail(error: TypeError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined
  if (typeof cause?.code === 'string') return `${error.message}: ${cause.code}`
  if (typeof cause?.message === 'string') return `${error.message}: ${cause.message}`
  return error.message
}

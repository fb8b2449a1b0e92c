import ky from 'ky'
import { SessionError } from '../errors.js'
import { decodeToken } from '../token/decodeToken.js'
import { bufferedFetch, MAX_ANSWER_BYTES } from './bufferedFetch.js'
import { followRedirects } from './followRedirects.js'
import { redactSecrets, redactedError, secretMasker, urlForLogs } from './redactSecrets.js'
import { shownServerText } from './serverMessage.js'
import { MAX_TIMER_DELAY_MS } from './timerDelay.js'
import { requestFailure, tokenFetchFailed, type TokenFetchFailure } from './tokenFetchFailed.js'
import { resolveTokenFormat, type CustomTokenFormat, type TokenFormatName } from './tokenFormats.js'
import type { TokenResponse, TokenSource } from './TokenSource.js'

/** Options of {@link httpTokenSource}. */
export interface HttpTokenSourceOptions {
  /**
   * Used as given, e.g. `'https://tokens.example.com/token/generate'`. Error messages show it
   * without credentials, query or fragment, since they end up in logs.
   */
  url: string
  /**
   * The server's request and answer shapes (default `'agora-token-service'`):
   * - `'agora-token-service'` (Agora's token service image): POSTs
   *   `{channelName, uid: string, tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role: 1|2}}`,
   *   reads `{code: 0, data: {token}}`; a non-zero `code` fails with the server's `message`/`msg`.
   * - `'fetch-rtc-token'` (the Go sample in Agora's guide): POSTs `{uid, ChannelName, role: 1|2}`,
   *   reads `{token}`. A string uid is sent as a string, which the Go sample (a `uint32` uid)
   *   refuses with 400: use numeric uids with it.
   * - `{ body, token }`: your own mapping from a request to a JSON body, and from the JSON
   *   answer to the token string.
   *
   * Role 1 is publisher, 2 subscriber. `expireSec` defaults to 3600.
   */
  format?: TokenFormatName | CustomTokenFormat
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>
  /** Bound on the whole exchange (headers and body), in ms. Default 10000. */
  timeoutMs?: number
  /** Replaces the global `fetch` (tests, SSR). */
  fetch?: typeof fetch
  /**
   * Origins besides the url's own that a redirect may lead to, e.g.
   * `['https://tokens-eu.example.com']`. Default none: a redirect to any other origin fails
   * (the request body and headers would go there), and so does any redirect in a browser,
   * which hides where it leads.
   */
  allowRedirectOrigins?: readonly string[]
}

/** ky's ceiling for `timeout`: the longest delay a JS timer accepts, 2^31 - 1 ms. */
const MAX_TIMEOUT_MS = MAX_TIMER_DELAY_MS

/**
 * A {@link TokenSource} that POSTs to your token server with ky and checks that the answer is
 * an AccessToken2.
 *
 * Resolves `{ token, serverTime }`, `serverTime` being the response's `Date` header (ms epoch;
 * left off when absent or unreadable) so the store can correct for the local clock's skew.
 * The header counts whole seconds, so `serverTime` is the last millisecond of that second:
 * a deadline carried with it is never later than the real one.
 *
 * Rejects with `SessionError('TOKEN_FETCH_FAILED')` carrying `status`, `retryable`,
 * `retryAfterMs` and `serverMessage` where known, and a `cause` with the kind of failure, the
 * method, the status and the url without its query (never the headers or the body):
 * - an error status: retryable for 5xx, 408 and 429, with `Retry-After` (seconds, or an HTTP
 *   date taken relative to the response's `Date`) as `retryAfterMs`, and the server's
 *   `message`/`msg`/`error` (or the start of the body) as `serverMessage`;
 * - no answer within `timeoutMs`, or a network failure: retryable;
 * - a 2xx answer that is not JSON, holds no token, or whose token is not an AccessToken2
 *   (e.g. a legacy `006…` token): not retryable, since asking again gets the same answer;
 * - an answer over 64 KB (a token answer is a few hundred bytes): not retryable; the rest of it
 *   is not downloaded;
 * - a redirect to another origin (unless in `allowRedirectOrigins`), or any redirect in a
 *   browser: not retryable, nothing is sent there. Same-origin redirects are followed as fetch
 *   follows them (a 301/302 after a POST and a 303 become a GET without the body; 307/308 repeat
 *   method and body), at most 5; a sixth, and a `Location` that is not an http(s) url or carries
 *   credentials, fail, not retryable;
 * - a status above 599 (Node's fetch passes them on): not retryable.
 *
 * Messages and `serverMessage` never hold a whole token, a run of 32 hex digits (an App
 * Certificate's shape), `Bearer` credentials or a query string, even where the server's answer
 * quotes one: they are masked.
 *
 * When `signal` aborts, rejects with `signal.reason` as it is (by default a `DOMException`
 * named `'AbortError'`), never a `SessionError`, so callers can tell cancellation from failure.
 * A JavaScript caller may leave `signal` out: the request then runs to its end or `timeoutMs`.
 *
 * Makes exactly one attempt per call: retrying (with backoff, jitter and `retryAfterMs`) is
 * the token store's job, so ky's own retry is off.
 *
 * From a browser, a token server on another origin must allow it (CORS) and list
 * `Access-Control-Expose-Headers: Date, Retry-After`; otherwise the browser hides those
 * headers and `serverTime` / `retryAfterMs` are left off.
 *
 * @example
 * ```ts
 * const tokens = httpTokenSource({
 *   url: 'https://tokens.example.com/token/generate',
 *   headers: { authorization: `Bearer ${sessionToken}` },
 * })
 * const store = createTokenStore({ source: tokens })
 *
 * // The Go sample server from Agora's guide:
 * httpTokenSource({ url: 'http://localhost:8082/fetch_rtc_token', format: 'fetch-rtc-token' })
 *
 * // Your own server:
 * httpTokenSource({
 *   url: '/api/agora-token',
 *   format: {
 *     body: (r) => ({ room: r.channel, user: r.uid, host: r.role === 'publisher' }),
 *     token: (json) => (json as { rtcToken: string }).rtcToken,
 *   },
 * })
 * ```
 */
export function httpTokenSource(options: HttpTokenSourceOptions): TokenSource {
  const { url, headers, timeoutMs = 10_000 } = options
  if (typeof url !== 'string' || url === '') {
    throw new SessionError('INVALID_ARGUMENT', 'httpTokenSource: url must be a non-empty string')
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new SessionError('INVALID_ARGUMENT', `httpTokenSource: timeoutMs must be in (0, ${MAX_TIMEOUT_MS}], got ${timeoutMs}`)
  }
  const format = resolveTokenFormat(options.format)
  const allowRedirectOrigins = redirectOrigins(options.allowRedirectOrigins)
  const fetchFn = options.fetch
  const fetch = bufferedFetch(
    // Looked up at call time, so a test's or an SSR host's replacement of the global is seen.
    followRedirects((input, init) => (fetchFn ?? globalThis.fetch)(input, init), allowRedirectOrigins),
    MAX_ANSWER_BYTES,
  )
  const shownUrl = urlForLogs(url)
  const server = `token server at ${shownUrl}`
  const exchange = { method: 'POST', url: shownUrl }
  const mask = secretMasker(url, headers)
  const failed = (message: string, failure: TokenFetchFailure): SessionError => tokenFetchFailed(message, failure, mask)

  // `signal` is optional here though TokenSource's type requires it: an app calling the source
  // itself from JavaScript may leave it out, and must get a token, not a TypeError.
  return async (request, signal?: AbortSignal) => {
    signal?.throwIfAborted()

    // ky.post builds the Request synchronously, so a bad url or header value throws here,
    // apart from the network failures below (both are TypeErrors).
    let pending: ReturnType<typeof ky.post>
    try {
      pending = ky.post(url, {
        json: format.body(request),
        headers: withAccept(headers),
        timeout: timeoutMs,
        ...(signal == null ? {} : { signal }),
        // One attempt only: the store retries with its own backoff, jitter and Retry-After,
        // on its injectable scheduler. (ky would not retry a POST anyway, but say so.)
        retry: 0,
        fetch,
      })
    } catch (error) {
      // Request's own message quotes the url as given (credentials included) and a bad header
      // value (perhaps an Authorization bearer): neither goes into the message or the cause.
      const kind = error instanceof Error ? error.name : 'error'
      throw failed(`could not build a request to ${server} (${kind}): check the url, the headers and format.body()`, {
        retryable: false,
      })
    }

    let response: Response
    let body: string
    try {
      response = await pending
      body = await response.text()
    } catch (error) {
      // Cancellation is not a failure: hand the caller back its own abort reason.
      signal?.throwIfAborted()
      throw await requestFailure(error, server, timeoutMs, exchange, mask)
    }
    const { status } = response

    let json: unknown
    try {
      json = JSON.parse(body)
    } catch {
      const bare = looksLikeToken(body)
      throw failed(
        `${server} answered ${status} with a body that is not JSON (` +
          (bare ? 'it looks like a bare token: answer JSON, or write your own TokenSource)' : `${preview(body, mask)}); check the url`),
        // Not JSON.parse's own error: its message quotes a cut of the body, where half a secret
        // would no longer look like one.
        { status, retryable: false, cause: new SyntaxError('the body is not JSON') },
      )
    }

    let token: string
    try {
      token = format.token(json)
    } catch (error) {
      // Both may quote the answer at any length (a 60 KB `message`): masked, then cut.
      const reason = shownServerText(error instanceof Error ? error.message : String(error), mask) ?? 'no token was found'
      const said = (error as { serverMessage?: unknown } | null)?.serverMessage
      throw failed(
        `${server} answered ${status} but ${reason} (format '${format.name}' expects ${format.expects})`,
        {
          status,
          retryable: false,
          serverMessage: typeof said === 'string' ? shownServerText(said, mask) : undefined,
          cause: redactedError(error, undefined, mask),
        },
      )
    }

    try {
      decodeToken(token)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw failed(`${server} answered ${status} but the token is not an AccessToken2: ${reason}`, {
        status,
        retryable: false,
        cause: new SessionError('TOKEN_INVALID', mask(reason)),
      })
    }
    signal?.throwIfAborted()

    const serverTime = Date.parse(response.headers.get('date') ?? '')
    const result: TokenResponse = { token }
    if (!Number.isNaN(serverTime)) result.serverTime = serverTime + 999
    return result
  }
}

/** `headers` plus `accept: application/json` unless the caller set its own (in any case). */
function withAccept(headers: Record<string, string> | undefined): Headers {
  const merged = new Headers(headers)
  if (!merged.has('accept')) merged.set('accept', 'application/json')
  return merged
}

/** The `allowRedirectOrigins` option, each entry normalised to an origin; throws for one that is not. */
function redirectOrigins(origins: readonly string[] | undefined): string[] {
  if (origins === undefined) return []
  if (!Array.isArray(origins)) {
    throw new SessionError('INVALID_ARGUMENT', 'httpTokenSource: allowRedirectOrigins must be an array of origins')
  }
  return origins.map((entry: unknown) => {
    let origin = 'null'
    try {
      origin = new URL(String(entry)).origin
    } catch {
      // reported below
    }
    if (origin === 'null') {
      throw new SessionError(
        'INVALID_ARGUMENT',
        `httpTokenSource: allowRedirectOrigins has ${JSON.stringify(redactSecrets(String(entry)))}, not an origin such as https://tokens.example.com`,
      )
    }
    return origin
  })
}

/** Whether a body is a token sent as plain text (AccessToken2 or the older AccessToken). */
function looksLikeToken(body: string): boolean {
  return /^\s*00[67][\w+/=-]{20,}\s*$/.test(body)
}

/** The start of a body, for messages (masked before it is cut): an HTML page here usually means a wrong url. */
function preview(body: string, mask: (text: string) => string): string {
  const start = mask(body).replace(/\s+/g, ' ').trim()
  if (start === '') return 'it is empty'
  return `it starts ${JSON.stringify(start.length > 60 ? `${start.slice(0, 60)}…` : start)}`
}

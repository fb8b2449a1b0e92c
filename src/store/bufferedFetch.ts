import type { Options } from 'ky'
import { readCapped } from '../readCapped.js'

/** The `fetch` signature ky accepts. */
export type KyFetch = NonNullable<Options['fetch']>

/** Statuses whose Response must have a null body (Fetch spec), so are passed on as they are. */
const NULL_BODY_STATUSES = new Set([204, 205, 304])

/** Longest answer read, in bytes: a token answer is a few hundred, an error page a few thousand. */
export const MAX_ANSWER_BYTES = 64 * 1024

/** An answer longer than {@link MAX_ANSWER_BYTES}. Internal; becomes the error's `cause`. */
export class AnswerTooLargeError extends Error {
  override readonly name = 'AnswerTooLargeError'

  constructor(
    readonly status: number,
    readonly limitBytes: number,
  ) {
    super(`answer over ${limitBytes} bytes`)
  }
}

/**
 * An answer whose status is not one a `Response` can carry (200 to 599; Node's fetch passes
 * 600 to 999 on, browsers fail them as network errors). Internal; becomes the error's `cause`.
 */
export class StatusOutOfRangeError extends Error {
  override readonly name = 'StatusOutOfRangeError'

  constructor(readonly status: number) {
    super(`status ${status}, which is not an HTTP status (200 to 599)`)
  }
}

/**
 * Wraps `fetchFn` (default: the global `fetch`, looked up at call time so a test's or an SSR
 * host's replacement is seen) so that it resolves only once the whole body has arrived, and
 * reads at most `maxBytes` of it: past that (or when `Content-Length` says so up front) it
 * cancels the rest of the download and rejects with {@link AnswerTooLargeError}. A status
 * above 599 rejects with {@link StatusOutOfRangeError}.
 *
 * ky's `timeout` covers only the `fetch()` call, which resolves as soon as the headers arrive;
 * a server (or proxy) that sends headers and then stalls the body would hang `response.text()`
 * past `timeoutMs`. Reading the body inside the timed call makes `timeoutMs` bound the whole
 * exchange. The cap bounds its memory: a hostile or broken server could otherwise stream
 * hundreds of megabytes into the page.
 */
export function bufferedFetch(fetchFn: KyFetch | undefined, maxBytes = MAX_ANSWER_BYTES): KyFetch {
  return async (input, init) => {
    const response = await (fetchFn ?? globalThis.fetch)(input, init)
    // Status 0 (opaque) and null-body statuses cannot be rebuilt with `new Response`.
    if (response.status < 200 || NULL_BODY_STATUSES.has(response.status)) return response
    if (response.status > 599) {
      void response.body?.cancel().catch(() => {})
      throw new StatusOutOfRangeError(response.status)
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN)
    const body = await readCapped(response.body, declared, maxBytes, () => new AnswerTooLargeError(response.status, maxBytes))
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
}


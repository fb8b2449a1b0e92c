import type { Options } from 'ky'

/** The `fetch` signature ky accepts. */
export type KyFetch = NonNullable<Options['fetch']>

/** Statuses whose Response must have a null body (Fetch spec), so are passed on as they are. */
const NULL_BODY_STATUSES = new Set([204, 205, 304])

/**
 * Wraps `fetchFn` (default: the global `fetch`, looked up at call time so a test's or an SSR
 * host's replacement is seen) so that it resolves only once the whole body has arrived.
 *
 * ky's `timeout` covers only the `fetch()` call, which resolves as soon as the headers arrive;
 * a server (or proxy) that sends headers and then stalls the body would hang `response.text()`
 * past `timeoutMs`. Reading the body inside the timed call makes `timeoutMs` bound the whole
 * exchange. Token answers are a few hundred bytes, so buffering costs nothing.
 */
export function bufferedFetch(fetchFn: KyFetch | undefined): KyFetch {
  return async (input, init) => {
    const response = await (fetchFn ?? globalThis.fetch)(input, init)
    // Status 0 (opaque) and null-body statuses cannot be rebuilt with `new Response`.
    if (response.status < 200 || NULL_BODY_STATUSES.has(response.status)) return response
    const body = await response.arrayBuffer()
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    })
  }
}

import type { KyFetch } from './bufferedFetch.js'

/** Redirects followed at most, as browsers do (Fetch spec: 20); a token server needs one or two. */
const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/** A redirect `httpTokenSource` refused to follow. Internal; becomes the error's `cause`. */
export class RedirectRefusedError extends Error {
  override readonly name = 'RedirectRefusedError'

  /**
   * @param reason `'origin'`: to another origin not allowed; `'hidden'`: the browser would not
   *   say where (an opaque redirect); `'too-many'`: more than {@link MAX_REDIRECTS}
   * @param status the redirect's status (0 for a browser's opaque redirect)
   * @param toOrigin where it pointed, origin only (never its path or query)
   */
  constructor(
    readonly reason: 'origin' | 'hidden' | 'too-many',
    readonly status: number,
    readonly toOrigin?: string,
  ) {
    super(
      reason === 'origin'
        ? `redirect (${status}) to another origin, ${toOrigin}`
        : reason === 'hidden'
          ? 'redirect the browser does not show the target of'
          : `more than ${MAX_REDIRECTS} redirects`,
    )
  }
}

/**
 * Wraps `fetchFn` so that redirects are followed only to the request's own origin or to one
 * of `allowedOrigins`. fetch's own `redirect: 'follow'` would send the POST body and every
 * custom header (an `x-api-key`) to whatever host a redirect names, and take its token.
 *
 * Follows as fetch does: 303, and 301/302 after a POST, become a GET without a body; 307 and
 * 308 repeat the method and body. A browser hides where a redirect goes (`opaqueredirect`), so
 * there any redirect is refused: give `httpTokenSource` the url it ends at.
 */
export function followRedirects(fetchFn: KyFetch, allowedOrigins: readonly string[]): KyFetch {
  return async (input, init) => {
    let request = new Request(input, { ...init, redirect: 'manual' })
    const origins = new Set([new URL(request.url).origin, ...allowedOrigins])
    // A token request's body is a small JSON text: keep it for a 307/308 repeat.
    const body = request.body === null ? null : await request.clone().arrayBuffer()
    for (let hops = 0; ; hops++) {
      const response = await fetchFn(request)
      if (response.type === 'opaqueredirect') throw new RedirectRefusedError('hidden', 0)
      const location = response.headers.get('location')
      if (!REDIRECT_STATUSES.has(response.status) || location === null) return response
      void response.body?.cancel().catch(() => {})
      const target = new URL(location, request.url)
      if (!origins.has(target.origin)) throw new RedirectRefusedError('origin', response.status, target.origin)
      if (hops >= MAX_REDIRECTS) throw new RedirectRefusedError('too-many', response.status)
      const toGet = response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === 'POST')
      const headers = new Headers(request.headers)
      if (toGet) headers.delete('content-type')
      request = new Request(target, {
        method: toGet ? 'GET' : request.method,
        headers,
        body: toGet ? null : body,
        signal: request.signal,
        redirect: 'manual',
      })
    }
  }
}

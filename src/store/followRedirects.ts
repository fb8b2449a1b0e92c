import type { KyFetch } from './bufferedFetch.js'

/** Redirects followed at most, as browsers do (Fetch spec: 20); a token server needs one or two. */
const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Headers that describe a body (Fetch spec: request-body-header names), dropped with it. */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type']

/** Why `httpTokenSource` refused to follow a redirect. */
export type RedirectRefusal = 'origin' | 'hidden' | 'too-many' | 'bad-location' | 'credentials' | 'scheme'

/** A redirect `httpTokenSource` refused to follow. Internal; becomes the error's `cause`. */
export class RedirectRefusedError extends Error {
  override readonly name = 'RedirectRefusedError'

  /**
   * @param reason `'origin'`: to another origin not allowed; `'hidden'`: the browser would not
   *   say where (an opaque redirect); `'too-many'`: more than {@link MAX_REDIRECTS};
   *   `'bad-location'`: a `Location` that is not a url; `'credentials'`: a url with user info;
   *   `'scheme'`: a url that is not http(s)
   * @param status the redirect's status (0 for a browser's opaque redirect)
   * @param toOrigin where it pointed, origin only (never its path or query); for `'scheme'`,
   *   the scheme
   */
  constructor(
    readonly reason: RedirectRefusal,
    readonly status: number,
    readonly toOrigin?: string,
  ) {
    super(refusalText(reason, status, toOrigin))
  }
}

function refusalText(reason: RedirectRefusal, status: number, toOrigin: string | undefined): string {
  switch (reason) {
    case 'origin':
      return `redirect (${status}) to another origin, ${toOrigin}`
    case 'hidden':
      return 'redirect the browser does not show the target of'
    case 'too-many':
      return `more than ${MAX_REDIRECTS} redirects`
    case 'bad-location':
      return `redirect (${status}) to a Location that is not a valid url`
    case 'credentials':
      return `redirect (${status}) to a url with credentials in it (user:password@)`
    case 'scheme':
      return `redirect (${status}) to a url that is not http or https (${toOrigin})`
  }
}

/**
 * Wraps `fetchFn` so that redirects are followed only to the request's own origin or to one
 * of `allowedOrigins`. fetch's own `redirect: 'follow'` would send the POST body and every
 * custom header (an `x-api-key`) to whatever host a redirect names, and take its token.
 *
 * Follows as fetch does (Fetch standard, HTTP-redirect fetch): a 301 or 302 after a POST, and
 * a 303 after anything but GET or HEAD, become a GET without a body or the headers that
 * describe one; otherwise (307, 308, and 301/302/303 after a GET) the request goes on as it is
 * now, method and body. A browser hides where a redirect goes (`opaqueredirect`), so there any
 * redirect is refused: give `httpTokenSource` the url it ends at. A `Location` that is not a
 * url, names another scheme, or carries credentials is refused, as is a sixth redirect.
 */
export function followRedirects(fetchFn: KyFetch, allowedOrigins: readonly string[]): KyFetch {
  return async (input, init) => {
    let request = new Request(input, { ...init, redirect: 'manual' })
    const origins = new Set([new URL(request.url).origin, ...allowedOrigins])
    // A token request's body is a small JSON text: kept for a 307/308 repeat. The body of the
    // request as it is now: null once a redirect turned it into a GET.
    let body = request.body === null ? null : await request.clone().arrayBuffer()
    for (let hops = 0; ; hops++) {
      const response = await fetchFn(request)
      if (response.type === 'opaqueredirect') throw new RedirectRefusedError('hidden', 0)
      const location = response.headers.get('location')
      const { status } = response
      if (!REDIRECT_STATUSES.has(status) || location === null) return response
      void response.body?.cancel().catch(() => {})
      const target = redirectTarget(location, request.url, status)
      if (!origins.has(target.origin)) throw new RedirectRefusedError('origin', status, target.origin)
      if (hops >= MAX_REDIRECTS) throw new RedirectRefusedError('too-many', status)
      const { method } = request
      const toGet = ((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')
      const headers = new Headers(request.headers)
      if (toGet) {
        body = null
        for (const name of BODY_HEADERS) headers.delete(name)
      }
      request = new Request(target, {
        method: toGet ? 'GET' : method,
        headers,
        body,
        signal: request.signal,
        redirect: 'manual',
      })
    }
  }
}

/** Where a redirect leads; throws {@link RedirectRefusedError} for a url fetch could not follow. */
function redirectTarget(location: string, base: string, status: number): URL {
  let target: URL
  try {
    target = new URL(location, base)
  } catch {
    throw new RedirectRefusedError('bad-location', status)
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RedirectRefusedError('scheme', status, target.protocol)
  if (target.username !== '' || target.password !== '') throw new RedirectRefusedError('credentials', status)
  return target
}

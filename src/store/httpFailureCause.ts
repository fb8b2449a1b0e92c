/** What went wrong in an exchange with the token server. */
export type HttpFailureKind = 'status' | 'timeout' | 'too-large' | 'redirect'

/**
 * What a failed exchange with the token server keeps as an error's `cause`: the kind of
 * failure, the method, the url without credentials, query or fragment, and the status when an
 * answer came.
 *
 * Nothing else: ky's own errors hold the Request (every header: an Authorization bearer, an API
 * key) and the options (the body), and the url with its query, all of which `console.error(err)`
 * prints. Its `name` is its own, not ky's `'HTTPError'`: ky's `isHTTPError` goes by name, and
 * would promise a `response` this does not have.
 */
export class HttpFailureCause extends Error {
  override readonly name = 'HttpFailureCause'
  readonly kind: HttpFailureKind
  readonly method: string
  readonly url: string
  readonly status?: number

  constructor(kind: HttpFailureKind, message: string, exchange: { method: string; url: string; status?: number | undefined }) {
    super(message)
    this.kind = kind
    this.method = exchange.method
    this.url = exchange.url
    if (exchange.status !== undefined) this.status = exchange.status
  }
}

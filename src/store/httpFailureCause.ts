/**
 * What a failed exchange with the token server keeps as an error's `cause`: the kind of failure
 * as `name` (ky's `'HTTPError'`, `'TimeoutError'`, or `'AnswerTooLargeError'`...), the method,
 * the url without credentials, query or fragment, and the status when an answer came.
 *
 * Nothing else: ky's own errors hold the Request (every header: an Authorization bearer, an API
 * key) and the options (the body), and the url with its query, all of which `console.error(err)`
 * prints.
 */
export class HttpFailureCause extends Error {
  override readonly name: string
  readonly method: string
  readonly url: string
  readonly status?: number

  constructor(name: string, message: string, exchange: { method: string; url: string; status?: number | undefined }) {
    super(message)
    this.name = name
    this.method = exchange.method
    this.url = exchange.url
    if (exchange.status !== undefined) this.status = exchange.status
  }
}

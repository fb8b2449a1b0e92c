/** A request the token server refuses: `status` (4xx, or 503) is the HTTP status to answer with. */
export class RequestError extends Error {
  override readonly name = 'RequestError'
  readonly status: number
  readonly headers: Readonly<Record<string, string>>

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message)
    this.status = status
    this.headers = headers
  }
}

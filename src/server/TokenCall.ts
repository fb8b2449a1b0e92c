import type { ClientInfo } from './TokenHandlerOptions.js'

/**
 * A request as the handler's core reads it, so that an adapter can hand one over without
 * building a `Request` (on Node 20 a `Request` with a body and a `Response` cost about 35 µs
 * together, more than the token): `request()` builds one only when a hook (`authorize`,
 * `clientKey`) asks for it.
 */
export interface TokenCall {
  readonly method: string
  readonly url: URL
  header(name: string): string | null
  /** The body as text: at most `BODY_LIMIT_BYTES` (else a 413 `RequestError`). */
  text(): Promise<string>
  request(): Request
  readonly client: ClientInfo
}

/** An answer before it becomes a `Response` (or goes straight to a Node `ServerResponse`). */
export interface TokenAnswer {
  status: number
  headers: Record<string, string>
  body: string | null
}

/** The core of a handler made by `createTokenHandler`, for adapters that can skip `Request`. */
export const answerCall: unique symbol = Symbol.for('agora-rtc-session.server.answerCall')

/** A `TokenHandler` with its core. */
export interface CallAnswering {
  [answerCall]?: (call: TokenCall) => Promise<TokenAnswer>
}

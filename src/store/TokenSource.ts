import type { TokenRole } from '../token/TokenClaims.js'

/** What a token is asked for. Channel `'*'` asks for a wildcard-channel token. */
export interface TokenRequest {
  channel: string
  uid: number | string
  role: TokenRole
  /** Lifetime to ask the server for, in seconds. The server may ignore it. */
  expireSec?: number
}

/** A token and, where known, the server's clock when it was made (e.g. the HTTP `Date` header). */
export interface TokenResponse {
  token: string
  /** ms since the epoch, in the server's clock. */
  serverTime?: number
}

/**
 * Where tokens come from: your token server ({@link httpTokenSource}), a test double
 * (`localTokenSource`), or any async function. Must honour `signal`.
 */
export type TokenSource = (request: TokenRequest, signal: AbortSignal) => Promise<string | TokenResponse>

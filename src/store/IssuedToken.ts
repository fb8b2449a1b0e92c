import type { TokenClaims } from '../token/TokenClaims.js'
import type { TokenRequest } from './TokenSource.js'

/** A decoded token with its deadlines carried to the local clock. All times are local ms. */
export interface IssuedToken {
  token: string
  claims: TokenClaims
  /** When it arrived (`scheduler.now()`). */
  receivedAt: number
  /**
   * When it stops being good for the role it was fetched for: the earliest of token expiry,
   * join privilege and, for a publisher token, the publish privileges; clock offset applied.
   */
  expiresAt: number
  /** When the store renews it. */
  renewAt: number
  /** Short tag for logs and events: the token never appears whole there. */
  fingerprint: string
  /** Server clock minus local clock, measured on arrival, in ms. */
  clockOffsetMs: number
  /** What it was fetched for. */
  request: TokenRequest
}

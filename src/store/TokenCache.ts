import { serverSecToLocalMs, tokenDeadlineSec } from '../token/lifetime.js'
import { isWildcard } from '../token/matchesPattern.js'
import { tokenMisfit } from '../token/tokenFits.js'
import type { IssuedToken } from './IssuedToken.js'
import { renewalLeadMs, type RenewalPolicy } from './renewalPolicy.js'
import type { TokenRequest } from './TokenSource.js'

/**
 * The latest token of each request key, and which of them can serve a new request.
 * Wildcard-aware: a `*` channel token serves every channel, `1*a*2` serves `1abc2`; a
 * publisher token serves subscriber use; a uid-wildcard token is in one channel at a time
 * (Agora: uid 0 is fine for one channel, several channels at once need a specific uid).
 */
export class TokenCache {
  readonly #byKey = new Map<string, IssuedToken>()
  readonly #everFetched = new Set<string>()
  /** Channels each uid-wildcard token is in use for, with a count of users. */
  readonly #uidWildcardUse = new Map<string, Map<string, number>>()
  /** Off when Agora refused a wildcard token: such tokens are no longer served. */
  wildcards = true

  constructor(
    private readonly policy: RenewalPolicy,
    private readonly appId: string | undefined,
  ) {}

  /** Stores `issued` as the latest token of `key`. */
  put(key: string, issued: IssuedToken): void {
    this.#byKey.set(key, issued)
    this.#everFetched.add(key)
  }

  /** Whether a token was ever fetched for `key` (so the next one is a renewal). */
  hasFetched(key: string): boolean {
    return this.#everFetched.has(key)
  }

  /**
   * The least-privileged cached token that serves `request` with more than the renewal lead
   * left at `nowMs`; among equals, the one that lives longest. With `exactRole`, only a token
   * made for the requested role.
   */
  find(request: TokenRequest, nowMs: number, exactRole = false): IssuedToken | undefined {
    let best: { issued: IssuedToken; publisher: boolean; expiresAt: number } | undefined
    for (const [key, issued] of this.#byKey) {
      const expiresAt = serverSecToLocalMs(tokenDeadlineSec(issued.claims, request.role), issued.clockOffsetMs)
      if (expiresAt <= nowMs) {
        if (issued.expiresAt <= nowMs) this.#byKey.delete(key)
        continue
      }
      const lead = renewalLeadMs(issued.expiresAt - issued.receivedAt, this.policy)
      if (expiresAt - lead <= nowMs) continue
      const use = this.appId === undefined ? request : { ...request, appId: this.appId }
      if (tokenMisfit(issued.claims, use) !== null) continue
      if (!this.#freeForChannel(issued, request.channel)) continue
      if (!this.wildcards && isWildcard(issued.claims.rtc?.channel ?? '')) continue
      if (exactRole && issued.request.role !== request.role) continue
      const publisher = issued.request.role === 'publisher'
      if (
        best === undefined ||
        (best.publisher && !publisher) ||
        (best.publisher === publisher && expiresAt > best.expiresAt)
      ) {
        best = { issued, publisher, expiresAt }
      }
    }
    return best?.issued
  }

  /** Records that `issued` is in use in `channel` (only uid-wildcard tokens are tracked). */
  use(issued: IssuedToken, channel: string): () => void {
    if (!isWildcard(issued.claims.rtc?.uid ?? 'none')) return () => {}
    const channels = this.#uidWildcardUse.get(issued.token) ?? new Map<string, number>()
    this.#uidWildcardUse.set(issued.token, channels)
    channels.set(channel, (channels.get(channel) ?? 0) + 1)
    return () => {
      const count = (channels.get(channel) ?? 1) - 1
      if (count > 0) channels.set(channel, count)
      else channels.delete(channel)
      if (channels.size === 0) this.#uidWildcardUse.delete(issued.token)
    }
  }

  #freeForChannel(issued: IssuedToken, channel: string): boolean {
    const channels = this.#uidWildcardUse.get(issued.token)
    if (channels === undefined) return true
    for (const used of channels.keys()) if (used !== channel) return false
    return true
  }

  clear(): void {
    this.#byKey.clear()
    this.#uidWildcardUse.clear()
  }
}

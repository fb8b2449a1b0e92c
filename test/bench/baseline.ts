import { timer, type SchedulerLike } from 'rxjs'
import type { SessionClient, TokenRole, TokenSource } from '../../src/index'

/** Options of {@link createBaselineApp}. */
export interface BaselineOptions {
  appId: string
  client: SessionClient
  uid: number
  /** The token server: the same source (and so the same latency and outages) as the library's. */
  fetchToken: TokenSource
  /**
   * The tab's timers, used only for the retry wait: in the hidden hour it is throttled like
   * the library's (the SDK's events are server pushes and are never throttled).
   */
  scheduler: SchedulerLike
  /** Wait between failed token fetches. Default 5 000 ms. */
  retryDelayMs?: number
}

/** What the benchmark drives: the same four user actions as on a `Session`. */
export interface BaselineApp {
  join(channel: string): Promise<void>
  switchChannel(channel: string): Promise<void>
  upgradeToHost(): Promise<void>
  downgradeToAudience(): Promise<void>
  leave(): Promise<void>
}

/**
 * The baseline: token handling as Agora's guide and its Web samples show it, written the way an
 * app developer following them would, with the small amount of care a careful developer adds
 * (every addition is marked "fairness" below). It is what `npm run bench` compares the library to.
 *
 * - Every join fetches a token for that channel, uid and role (the guide's `fetchToken(uid,
 *   channelName, tokenRole)`; role 1 publisher for a host, 2 subscriber for an audience member).
 *   No wildcard tokens, no cache: the guide's wildcard section is not what its samples do.
 * - `token-privilege-will-expire` (30 s before expiry): fetch a token for the current channel and
 *   role, then `client.renewToken(token)` (the guide's "Token expiration" sample).
 * - `token-privilege-did-expire`: fetch a token and `client.join()` the same channel again (the
 *   Web SDK sample; `renewToken` cannot work after did-expire, the client has been dropped).
 * - Upgrade: fetch a publisher token, `renewToken`, `setClientRole('host')`. The guide lists
 *   setClientRole first, but with co-host authentication the server checks the token at
 *   setClientRole and refuses the host role on a subscriber token; the order used here is the
 *   one that works (fairness: the guide's literal order would fail every upgrade).
 * - Downgrade: unpublish, `setClientRole('audience')`. The publisher token stays until the next
 *   will-expire, which then fetches a subscriber token (nothing in the guide says otherwise).
 * - Fairness: a failed token fetch is retried every `retryDelayMs` (5 s) until it works; the
 *   guide's samples do not retry at all, so an outage would strand them for good.
 * - Fairness: a switch fetches the new channel's token before leaving the old channel, so the
 *   user stays in the old channel during the token round trip.
 * - Fairness: event handlers check that the channel and role they fetched for are still current
 *   before using the token, and the did-expire handler joins only if the client is still out.
 *   Without these a will-expire answered during a switch or an upgrade would hand the SDK a token
 *   for the wrong channel or role.
 * - No decoding, no clock handling, no timers of its own besides the retry wait: it relies on
 *   the server's pushes entirely, which is exactly what the guide teaches.
 */
export function createBaselineApp(o: BaselineOptions): BaselineApp {
  const { client, appId, uid } = o
  const retryDelayMs = o.retryDelayMs ?? 5_000
  let channel: string | null = null
  let role: 'audience' | 'host' = 'audience'

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      timer(ms, o.scheduler).subscribe(() => resolve())
    })

  /** The guide's fetchToken, plus a retry every few seconds (fairness). */
  const fetchToken = async (forChannel: string, forRole: 'audience' | 'host'): Promise<string> => {
    const tokenRole: TokenRole = forRole === 'host' ? 'publisher' : 'subscriber'
    for (;;) {
      try {
        const answer = await o.fetchToken({ channel: forChannel, uid, role: tokenRole }, new AbortController().signal)
        return typeof answer === 'string' ? answer : answer.token
      } catch {
        await wait(retryDelayMs)
      }
    }
  }

  client.on('token-privilege-will-expire', async () => {
    const forChannel = channel
    const forRole = role
    if (forChannel === null) return
    const token = await fetchToken(forChannel, forRole)
    if (channel !== forChannel || role !== forRole) return // fairness: stale by now
    await client.renewToken(token).catch(() => {})
  })

  client.on('token-privilege-did-expire', async () => {
    const forChannel = channel
    const forRole = role
    if (forChannel === null) return
    const token = await fetchToken(forChannel, forRole)
    // fairness: the user may have switched meanwhile (the switch joined with its own token).
    if (channel !== forChannel || role !== forRole || client.connectionState !== 'DISCONNECTED') return
    await client.join(appId, forChannel, token, uid).catch(() => {})
  })

  return {
    join: async (next) => {
      const token = await fetchToken(next, role)
      channel = next
      await client.join(appId, next, token, uid)
    },
    switchChannel: async (next) => {
      const token = await fetchToken(next, role)
      channel = next
      await client.leave()
      await client.join(appId, next, token, uid)
    },
    upgradeToHost: async () => {
      if (channel === null) throw new Error('not in a channel')
      const token = await fetchToken(channel, 'host')
      await client.renewToken(token)
      await client.setClientRole('host')
      role = 'host'
    },
    downgradeToAudience: async () => {
      await client.unpublish()
      await client.setClientRole('audience')
      role = 'audience'
    },
    leave: async () => {
      channel = null
      await client.leave()
    },
  }
}

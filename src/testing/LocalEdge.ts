import type { ClientRole } from 'agora-rtc-sdk-ng'
import type { SchedulerLike } from 'rxjs'
import type { TokenClaims } from '../token/TokenClaims.js'

/** Options of {@link createLocalEdge}. One of `appCertificate` and `verify` is required. */
export interface LocalEdgeOptions {
  /** The project's app id; a join with another app id is refused. */
  appId: string
  /** Checks token signatures with `verifyToken(token, appCertificate)`. */
  appCertificate?: string
  /**
   * Checks a token and returns its claims, throwing (or rejecting) for a bad one; used instead of
   * the certificate, e.g. to check signatures on a server. A synchronous function keeps joins on
   * the test's clock; a promise (a request to a server) settles when that server answers.
   */
  verify?: (token: string) => TokenClaims | Promise<TokenClaims>
  /**
   * Join latency and the expiry timers run on it. Default `asyncScheduler`, as for every double,
   * the store and the session: one clock, which fake timers (vitest, Jest, sinon) drive with no
   * option. Its fake clients run on it too.
   */
  scheduler?: SchedulerLike
  /**
   * Co-host authentication (Agora's "strict token permission"): a host needs a token granting
   * unexpired publish-audio and publish-video privileges to join as host, `setClientRole('host')`,
   * `publish` and `renewToken`; its deadline includes the publish privileges. Default `false`:
   * any valid token may host (Agora's default, see AgoraIO/API-Examples-Web#84).
   */
  coHostAuth?: boolean
  /** How long a join takes to reach the edge, in ms on the scheduler. Default 0. */
  joinLatencyMs?: number
  /**
   * The edge's clock is `scheduler.now() + serverClockOffsetMs`: a positive offset simulates a
   * user whose local clock is behind. Default 0.
   */
  serverClockOffsetMs?: number
  /**
   * Default `true`. `false` refuses tokens whose channel is `''`, `'*'` or a pattern with
   * `'invalid token, authorized failed'`, as projects without wildcard tokens enabled do.
   */
  acceptWildcardTokens?: boolean
}

/** What an {@link EdgeRecord} records. */
export type EdgeRecordType =
  | 'join'
  | 'renew'
  | 'set-role'
  | 'publish'
  | 'unpublish'
  | 'leave'
  | 'will-expire'
  | 'did-expire'
  | 'drop'
  | 'network-cut'
  | 'network-back'

/** One thing that happened at the edge, in order. */
export interface EdgeRecord {
  readonly type: EdgeRecordType
  readonly clientId: string
  readonly channel: string
  /** The uid as the edge sees it: the assigned one after a join with uid 0, else the decimal or account string. */
  readonly uid: string
  /** The whole token of a `join` or `renew` (fine in a test double; the library only logs fingerprints). */
  readonly token?: string
  /** The role asked for (`set-role`) or joined with (`join`). */
  readonly role?: ClientRole
  readonly ok: boolean
  /** The SDK error code the client got, when `ok` is false. */
  readonly code?: string
  /** The SDK error message the client got, when `ok` is false. */
  readonly message?: string
  /** Why the edge refused, in plain words (not something the SDK tells). */
  readonly detail?: string
  /** Disconnect reason of a `drop` / `did-expire`, e.g. `'TOKEN_EXPIRE'`, `'UID_BANNED'`. */
  readonly reason?: string
  /** Server ms (the edge's clock). */
  readonly at: number
}

/**
 * A simulated Agora edge for tests: the server side of {@link createFakeClient}. See
 * {@link createLocalEdge}.
 */
export interface LocalEdge {
  readonly appId: string
  /** Everything that happened, in order. */
  readonly log: readonly EdgeRecord[]
  /** The edge's clock in ms: `scheduler.now() + serverClockOffsetMs`. */
  serverNow(): number
  /**
   * While offline, joins never reach the edge: `join()` stays `CONNECTING` (the SDK never gives
   * up: it asks one set of access points at once and a backup set 1 s later, each retried after
   * 500 ms, then × 1.5 up to 10 s) until the edge is back online, found at the next retry. After
   * `leave()` it rejects `OPERATION_ABORTED` once both sets have retried, up to 10 s after
   * `leave()` resolved and never sooner than 1 s after the join, as the SDK's does. Connected
   * clients stay connected.
   */
  setOffline(offline: boolean): void
  /** Ids of the clients connected to `channel`. */
  clientsIn(channel: string): string[]
  /** Channels the client with this id is connected to (at most one for a well-behaved app). */
  channelsOf(clientId: string): string[]
  /**
   * Drops a connected client as the server does (`'UID_BANNED'`, `'IP_BANNED'`,
   * `'CHANNEL_BANNED'`…), or as the SDK does when it gives up reconnecting (`'NETWORK_ERROR'`,
   * which the SDK does only with a finite retry count: by default it never gives up): the client
   * goes straight to `DISCONNECTED` with `reason` (no `DISCONNECTING`), and must join again.
   */
  dropClient(clientId: string, reason: string): void
  /**
   * Cuts a connected client's network for `forMs` (on the scheduler; `Infinity` until
   * `dropClient`): it goes `RECONNECTING`, and `CONNECTED` again when the network is back. Meanwhile
   * `renewToken` waits for the reconnection (and rejects `WS_ABORT` if the client is dropped, as
   * the SDK gives up with `dropClient(id, 'NETWORK_ERROR')`), `setClientRole` only records the
   * role, which the reconnection carries, and the edge's expiry pushes do not reach the client.
   * A privilege that ends during the cut is found out when the network is back, as the SDK finds
   * out when it reconnects: by default at the gateway (its 110: `DISCONNECTED` with
   * `TOKEN_EXPIRE`, no `DISCONNECTING`, no `token-privilege-did-expire`), or with
   * `expiryFoundBy: 'access-point'` from the access point ("dynamic key expired":
   * `DISCONNECTING`, `DISCONNECTED` with `TOKEN_EXPIRE`, then `token-privilege-did-expire`).
   * Which one happens depends on Agora's servers (the SDK goes back to the access point when it
   * cannot reach the gateways it knew).
   */
  cutNetwork(clientId: string, forMs: number, options?: { expiryFoundBy?: 'gateway' | 'access-point' }): void
}

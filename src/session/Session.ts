// Kept in the emitted .d.ts (`preserve`): apps whose `lib` lacks it still know `Symbol.asyncDispose`.
/// <reference lib="esnext.disposable" preserve="true" />
import type { Observable, SchedulerLike } from 'rxjs'
import type { SessionError } from '../errors.js'
import type { SessionEvent } from '../events.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { TokenLifetime } from '../store/TokenLifetime.js'
import type { TokenStore } from '../store/createTokenStore.js'
import type { TokenSource } from '../store/TokenSource.js'
import type { SessionClient } from './SessionClient.js'

/** Options of `createSession`. */
export interface SessionOptions {
  appId: string
  /** An `IAgoraRTCClient`, or `createFakeClient()` from `agora-rtc-session/testing`. */
  client: SessionClient
  /** Where tokens come from: a source (the session makes its own store) or a shared store. */
  tokens: TokenSource | TokenStore
  uid: number | string
  /**
   * `'wildcard'` (default): audience members use one subscriber token for channel `*`, so
   * switching channels costs no token request. `'channel'`: one token per channel.
   * A uid of 0 always uses channel tokens (Agora does not support uid 0 with channel `*`).
   */
  audienceTokens?: 'wildcard' | 'channel'
  /**
   * The `AgoraRTC` object: its version is checked, and wildcard tokens switched on
   * (`setParameter('USE_NEW_TOKEN', true)`). `setParameter` is optional here because the SDK's
   * typings leave it out, though every 4.x build has it at runtime.
   */
  sdk?: { VERSION: string; setParameter?: (key: string, value: unknown) => void }
  /**
   * Default 15 000. The bound of every command: `join` and `switchChannel` reject `JOIN_TIMEOUT`,
   * `upgradeToHost` and `downgradeToAudience` `ROLE_CHANGE_FAILED`, at most this long after the
   * call, whatever the SDK does (its `join()` never fails while offline; its `renewToken` waits
   * out a reconnection that can last a whole outage).
   */
  joinTimeoutMs?: number
  /**
   * The session's clock (and its own store's). Default `asyncScheduler`, so fake timers (vitest,
   * Jest, sinon) drive it with no option, together with the test doubles of
   * `agora-rtc-session/testing`.
   */
  scheduler?: SchedulerLike
  /** Wake-ups for the session's own store (ignored with a shared store). */
  wake$?: Observable<unknown>
  /** Jitter source for backoff. Default Math.random. */
  random?: () => number
}

/** Where a session is. `role` always says what the client is. */
export interface SessionState {
  status:
    | 'idle'
    | 'joining'
    | 'joined'
    | 'switching'
    | 'upgrading'
    | 'downgrading'
    | 'reconnecting'
    | 'leaving'
    | 'failed'
    | 'disposed'
  channel: string | null
  role: 'audience' | 'host'
  /** The last command's failure, while its effect lasts. */
  error?: SessionError
}

/**
 * One Agora client in one channel at a time, with its tokens taken care of.
 *
 * Commands run one at a time. `join`/`switchChannel` supersede a join, switch, reconnect or
 * waiting renewal in progress (the latest wins; superseded calls reject `SUPERSEDED` at once);
 * `upgradeToHost` and `downgradeToAudience` wait their turn; `leave` supersedes everything;
 * `dispose` ends it all (pending calls reject `DISPOSED`). Each settles within its bound
 * (`joinTimeoutMs`), whatever the SDK does.
 *
 * `status: 'reconnecting'` is both the SDK getting its connection back by itself
 * (`RECONNECTING`; `joined` again when it is back, with no rejoin) and a rejoin after Agora
 * dropped the client. Any `DISCONNECTED` the session did not cause, whatever its reason (also
 * `LEAVE`), is a drop: a rejoin, or `failed` for bans, a uid taken and licence refusals.
 */
export interface Session {
  /** Replays the current state to new subscribers. */
  readonly state$: Observable<SessionState>
  /** The token the SDK holds (join or renewToken), `null` when not in a channel. */
  readonly token$: Observable<IssuedToken | null>
  /** The session's events and its store's. Tokens appear only as fingerprints. */
  readonly events$: Observable<SessionEvent>
  /**
   * The life of the token the SDK holds: its phase (`valid`, `renewing`, `expiring`, `expired`),
   * deadlines in local ms and, while renewals fail, `retry`. A new value at each change, on the
   * session's scheduler, never two equal ones in a row; replays the current one. After a switch,
   * an upgrade or a reconnect it is the new token's; while rejoining after a drop, the last
   * token's; `null` when idle, failed or disposed. Pipe it through `countdown()` for a ticking UI.
   */
  readonly lifetime$: Observable<TokenLifetime | null>
  readonly state: SessionState
  join(channel: string, options?: { role?: 'audience' | 'host' }): Promise<void>
  switchChannel(channel: string): Promise<void>
  /**
   * Warms the token cache for a likely next channel (in the current role), so that a later
   * `switchChannel` costs no token round trip. Free when a cached wildcard token covers it.
   */
  prefetch(channel: string): Promise<void>
  upgradeToHost(): Promise<void>
  downgradeToAudience(): Promise<void>
  leave(): Promise<void>
  dispose(): Promise<void>
  /** `dispose()`, so that `await using session = createSession(...)` disposes it when the block exits. */
  [Symbol.asyncDispose](): Promise<void>
}

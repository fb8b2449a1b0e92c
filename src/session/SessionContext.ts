import type { SchedulerLike } from 'rxjs'
import type { SessionOnlyEvent } from '../events.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { TokenStore } from '../store/createTokenStore.js'
import type { SessionClient } from './SessionClient.js'
import type { TokenFollower } from './TokenFollower.js'

/** A client role as the SDK names it. */
export type ClientRoleName = 'audience' | 'host'

/** What the steps of a session (join, switch, role change, reconnect) share. */
export interface SessionContext {
  readonly client: SessionClient
  readonly store: TokenStore
  readonly appId: string
  readonly uid: number | string
  readonly scheduler: SchedulerLike
  readonly random: () => number
  readonly joinTimeoutMs: number
  readonly audienceTokens: 'wildcard' | 'channel'
  /** How many of the session's own `client.leave()` calls are running (see leaveClient.ts). */
  readonly ownLeaves: { count: number }
  emit(event: DistributiveOmit<SessionOnlyEvent, 'at'>): void
  /**
   * Runs `run` as a command of its own once the queue is free (a clean-up after a command cut
   * short); a join, switch, leave or dispose supersedes it, and it is given up after
   * `joinTimeoutMs`, like any command: an SDK call that never answers holds nothing.
   */
  later(run: (signal: AbortSignal) => Promise<void>): void
  /** Called with each token of a follower (the first one too). */
  onToken(follower: TokenFollower): void
}

/** The channel a session is in, the role it has there and the token the SDK holds. */
export interface Connection {
  readonly channel: string
  readonly role: ClientRoleName
  readonly follower: TokenFollower
  /** The token last handed to the SDK (join or renewToken). */
  sdkToken: IssuedToken
}

/** `Omit` applied to each member of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

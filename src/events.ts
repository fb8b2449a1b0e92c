import type { SessionErrorCode } from './errors.js'
import type { TokenRole } from './token/TokenClaims.js'

/** Fields every event has. `at` is local ms (`scheduler.now()`). */
interface EventBase {
  at: number
}

/** Which token an event is about. Tokens themselves appear only as a fingerprint. */
interface TokenScope {
  channel: string
  uid: string
  role: TokenRole
}

/** What a failed token request says: the `SessionError`'s code and message, the HTTP status and the server's `Retry-After`. */
interface FetchFailure {
  code: SessionErrorCode
  message: string
  /** The token server's HTTP status, when it answered. */
  status?: number
  /** How long the server asked to wait (`Retry-After`, capped), in ms. */
  retryAfterMs?: number
}

/** Events of the {@link TokenStore}. */
export type StoreEvent =
  | (EventBase & TokenScope & { type: 'token-requested' })
  | (EventBase &
      TokenScope & {
        type: 'token-received'
        source: 'cache' | 'network'
        fingerprint: string
        /** Local ms. */
        expiresAt: number
        renewAt: number
      })
  | (EventBase &
      TokenScope & {
        type: 'token-renewed'
        fingerprint: string
        previousFingerprint: string
        expiresAt: number
        renewAt: number
      })
  | (EventBase &
      TokenScope &
      FetchFailure & {
        type: 'renewal-failed'
        /** 1 for the first failed attempt of this renewal. */
        attempt: number
        /** When the next attempt runs, or `null` when the store gave up (permanent failure). */
        retryInMs: number | null
      })
  /**
   * A first request of a scope (not a renewal, which says `renewal-failed`) failed: every
   * `token-requested` ends in `token-received` (network), `renewal-failed` or this.
   */
  | (EventBase & TokenScope & FetchFailure & { type: 'token-request-failed' })
  | (EventBase & TokenScope & { type: 'token-expired'; fingerprint: string })

/** Events of a {@link Session}, besides the store's. */
export type SessionOnlyEvent =
  | (EventBase & { type: 'joined'; channel: string; role: 'audience' | 'host'; durationMs: number })
  | (EventBase & { type: 'left'; channel: string })
  | (EventBase & {
      type: 'reconnecting'
      channel: string
      /**
       * `'network'`: the SDK lost its connection and is getting it back by itself (`RECONNECTING`;
       * by default it tries for ever). `'token-expired'`, `'disconnected'`: Agora dropped the
       * client, and the session joins again (`attempt` counts the joins).
       */
      reason: 'token-expired' | 'disconnected' | 'network'
      attempt: number
    })
  | (EventBase & {
      type: 'reconnected'
      channel: string
      role: 'audience' | 'host'
      /** A host's local tracks were unpublished by the drop: publish them again. */
      republishNeeded: boolean
    })
  | (EventBase & { type: 'sdk-will-expire'; channel: string })
  | (EventBase & { type: 'sdk-did-expire'; channel: string })
  | (EventBase & {
      type: 'switch-started'
      from: string | null
      to: string
    })
  | (EventBase & {
      type: 'switch-completed'
      from: string | null
      to: string
      durationMs: number
      tokenSource: 'cache' | 'network'
    })
  | (EventBase & {
      /** The switch that a `switch-started` announced did not happen (superseded, timed out, refused). */
      type: 'switch-failed'
      from: string | null
      to: string
      durationMs: number
      code: SessionErrorCode
    })
  | (EventBase & {
      /**
       * A step of `upgradeToHost` (`fetch-token`, `renew-token`, `set-client-role`) or
       * `downgradeToAudience` (`unpublish`, `set-client-role`, `renew-token`) is done.
       */
      type: 'role-change-step'
      to: 'audience' | 'host'
      step: 'fetch-token' | 'renew-token' | 'set-client-role' | 'unpublish'
    })
  | (EventBase & { type: 'role-changed'; from: 'audience' | 'host'; to: 'audience' | 'host' })
  | (EventBase & {
      /**
       * A wildcard token was refused, and a token for this channel worked: the session's store
       * now asks for a token per channel. `by`: Agora (at join), or the token server (a 403, e.g.
       * an authorize hook that grants `team-red-*` only).
       */
      type: 'wildcard-refused'
      channel: string
      by: 'agora' | 'token-server'
    })
  | (EventBase & { type: 'error'; code: SessionErrorCode; message: string })

/** Every event a session emits: its own and its store's. Discriminated on `type`. */
export type SessionEvent = StoreEvent | SessionOnlyEvent

/** The event whose `type` is `T`. */
export type SessionEventOf<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>

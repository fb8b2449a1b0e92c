import type { SessionError } from '../errors.js'
import { serverSecToLocalMs } from '../token/lifetime.js'
import type { RtcPrivileges, TokenRole } from '../token/TokenClaims.js'
import type { IssuedToken } from './IssuedToken.js'

/** How long before a token's deadline the SDK warns (`token-privilege-will-expire`), in ms. */
export const WILL_EXPIRE_WINDOW_MS = 30_000

/**
 * Where a token is in its life:
 * - `valid`: from its arrival until `renewAt`;
 * - `renewing`: from `renewAt` (or an earlier failed attempt) until a new token arrives;
 * - `expiring`: less than 30 s before `expiresAt` (the SDK's will-expire window), no new token yet;
 * - `expired`: from `expiresAt` until a new token.
 */
export type LifetimePhase = 'valid' | 'renewing' | 'expiring' | 'expired'

/** Why a token is still the current one though its renewal is due: the last attempt failed. */
export interface RenewalRetry {
  /** Failed attempts so far: 1 after the first failure. */
  attempt: number
  /** When the next attempt runs (local ms), or `null` when the store gave up (a permanent failure). */
  retryAt: number | null
  /** What the last attempt failed with. */
  error: SessionError
}

/**
 * A token's life in local milliseconds (`scheduler.now()`), server-clock deadlines already
 * carried to the local clock: what a countdown or a "reconnecting…" banner shows.
 */
export interface TokenLifetime {
  /** The token's fingerprint (`tok:…`); the token itself is not here. */
  fingerprint: string
  /** What the token was fetched as. */
  role: TokenRole
  phase: LifetimePhase
  /** When it arrived. */
  receivedAt: number
  /** When the store renews it. */
  renewAt: number
  /** The deadline for its role (as `IssuedToken.expiresAt`): the earliest privilege it needs. */
  expiresAt: number
  /** The token's own expiry. */
  tokenExpiresAt: number
  /** When each granted privilege expires; `Infinity` = never; absent = not granted. */
  privileges: RtcPrivileges
  /** Set while renewals fail. */
  retry?: RenewalRetry
}

/** A token and the state of its renewal: what a lifetime is computed from. */
export interface LineageState {
  token: IssuedToken
  retry?: RenewalRetry | undefined
}

/** The phase of `state` at `nowMs`. */
export function lifetimePhase(state: LineageState, nowMs: number): LifetimePhase {
  const { expiresAt, renewAt } = state.token
  if (nowMs >= expiresAt) return 'expired'
  if (nowMs >= expiresAt - WILL_EXPIRE_WINDOW_MS) return 'expiring'
  if (nowMs >= renewAt || state.retry !== undefined) return 'renewing'
  return 'valid'
}

/** The lifetime of `state` at `nowMs`. */
export function lifetimeAt(state: LineageState, nowMs: number): TokenLifetime {
  const { token, retry } = state
  const lifetime: TokenLifetime = {
    fingerprint: token.fingerprint,
    role: token.request.role,
    phase: lifetimePhase(state, nowMs),
    receivedAt: token.receivedAt,
    renewAt: token.renewAt,
    expiresAt: token.expiresAt,
    tokenExpiresAt: serverSecToLocalMs(token.claims.expiresAt, token.clockOffsetMs),
    privileges: localPrivileges(token),
  }
  if (retry !== undefined) lifetime.retry = retry
  return lifetime
}

/**
 * The next moment after `nowMs` at which the phase of `state` may change by itself; `undefined`
 * if never. The earliest, not the first in order: a token whose deadline is under a minute after
 * it arrived renews after the will-expire window has begun.
 */
export function nextPhaseChangeAt(state: LineageState, nowMs: number): number | undefined {
  const { expiresAt, renewAt } = state.token
  const later = [renewAt, expiresAt - WILL_EXPIRE_WINDOW_MS, expiresAt].filter((at) => at > nowMs)
  return later.length === 0 ? undefined : Math.min(...later)
}

/** Whether two lifetimes say the same: same token, phase and retry. */
export function sameLifetime(a: TokenLifetime | null, b: TokenLifetime | null): boolean {
  if (a === null || b === null) return a === b
  return a.fingerprint === b.fingerprint && a.phase === b.phase && a.retry === b.retry
}

function localPrivileges(token: IssuedToken): RtcPrivileges {
  const privileges: RtcPrivileges = {}
  const stored = token.claims.rtc?.privileges ?? {}
  for (const name of ['joinChannel', 'publishAudio', 'publishVideo', 'publishData'] as const) {
    const sec = stored[name]
    // Infinity stays Infinity: never expires.
    if (sec !== undefined) privileges[name] = serverSecToLocalMs(sec, token.clockOffsetMs)
  }
  return privileges
}

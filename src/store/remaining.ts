import { asyncScheduler, interval, map, of, startWith, switchMap, type OperatorFunction, type SchedulerLike } from 'rxjs'
import type { TokenLifetime } from './TokenLifetime.js'

/** What is left of a token's life at a moment, in ms, never below 0. */
export interface Remaining {
  /** Until the store renews it (0 once renewing). */
  untilRenewMs: number
  /** Until its deadline for its role (`expiresAt`): when Agora drops the client. */
  untilExpiryMs: number
  /** Until the token's own expiry (after which it cannot join again). */
  untilTokenExpiryMs: number
  /** Until the next renewal attempt while renewals fail; `null` when none is planned or none failed. */
  untilRetryMs: number | null
}

/** A lifetime and what is left of it, as {@link countdown} emits. */
export interface Countdown {
  lifetime: TokenLifetime
  remaining: Remaining
  /** The scheduler time this was computed at. */
  at: number
}

const left = (at: number, nowMs: number): number => Math.max(0, at - nowMs)

/**
 * What is left of `lifetime` at `nowMs`: a pure function for a countdown. Combine it with a
 * ticking source on your scheduler (`interval`, `animationFrames`), or use {@link countdown}.
 *
 * @example
 * ```ts
 * const { untilExpiryMs } = remaining(lifetime, scheduler.now())
 * label.textContent = `${Math.ceil(untilExpiryMs / 1000)} s left`
 * ```
 */
export function remaining(lifetime: TokenLifetime, nowMs: number): Remaining {
  const retryAt = lifetime.retry?.retryAt
  return {
    untilRenewMs: left(lifetime.renewAt, nowMs),
    untilExpiryMs: left(lifetime.expiresAt, nowMs),
    untilTokenExpiryMs: left(lifetime.tokenExpiresAt, nowMs),
    untilRetryMs: retryAt === undefined || retryAt === null ? null : left(retryAt, nowMs),
  }
}

/**
 * Ticks a lifetime stream (`session.lifetime$`, `store.lifetime$(request)`) into a countdown: at
 * once on each lifetime, then every `periodMs` on `scheduler` (default `asyncScheduler`), `null`
 * while there is no token (and then no ticking).
 *
 * @example
 * ```ts
 * session.lifetime$.pipe(countdown(1000)).subscribe((c) => {
 *   banner.textContent = c === null ? '' : `${c.lifetime.phase}: ${Math.ceil(c.remaining.untilExpiryMs / 1000)} s`
 * })
 * ```
 */
export function countdown(
  periodMs = 1000,
  scheduler: SchedulerLike = asyncScheduler,
): OperatorFunction<TokenLifetime | null, Countdown | null> {
  return (lifetimes$) =>
    lifetimes$.pipe(
      switchMap((lifetime) =>
        lifetime === null
          ? of(null)
          : interval(periodMs, scheduler).pipe(
              startWith(0),
              map(() => {
                const at = scheduler.now()
                return { lifetime, remaining: remaining(lifetime, at), at }
              }),
            ),
      ),
    )
}

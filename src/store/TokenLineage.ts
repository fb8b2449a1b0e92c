import { ReplaySubject, timer, type SchedulerLike, type Subscription } from 'rxjs'
import type { StoreEvent } from '../events.js'
import type { IssuedToken } from './IssuedToken.js'
import { minRenewIntervalMs, type RenewalPolicy } from './renewalPolicy.js'
import { honouredRetryAfterMs, isRetryable } from './retryDelay.js'
import { asSessionError, fetchFailure } from './fetchFailure.js'
import { describeRequest } from './requestKey.js'
import type { LineageState } from './TokenLifetime.js'
import { timerDelayMs } from './timerDelay.js'
import type { TokenRequest } from './TokenSource.js'

/** What a lineage needs from its store. */
export interface LineageDeps {
  scheduler: SchedulerLike
  policy: RenewalPolicy
  /** A token newer than `current` for the request: from the cache or the network. */
  fetchFresh(request: TokenRequest, current: IssuedToken, exactRole: boolean): Promise<IssuedToken>
  retryDelayMs(attempt: number, error: unknown, timeLeftMs: number): number
  emit(event: StoreEvent): void
}

/**
 * The life of one watched token scope: the current token, then each renewal.
 *
 * One timer at a time, due at the earlier of the next attempt (renewAt, or a retry after a
 * failure) and the current token's deadline (to say `token-expired` on time even while the
 * token server is down). Wake-ups and `renewNow` run the same `check`.
 */
export class TokenLineage {
  readonly tokens$ = new ReplaySubject<IssuedToken>(1)
  /** The current token and how its renewal stands: a new value for each token and each failure. */
  readonly state$ = new ReplaySubject<LineageState>(1)
  /** How many `watch` subscribers follow this lineage; it stops when the last one leaves. */
  watchers = 0
  #current: IssuedToken | undefined
  #nextAttemptAt = Infinity
  #failures = 0
  /** Until when the server asked us to wait (`Retry-After`), local ms. */
  #retryAfterUntil = 0
  #inFlight = false
  #expiredReported = false
  #stopped = false
  #timer: Subscription | undefined

  constructor(
    readonly request: TokenRequest,
    private readonly exactRole: boolean,
    private readonly deps: LineageDeps,
  ) {}

  /** Starts from the first token; a failure ends the lineage with that error. */
  start(first: Promise<IssuedToken>): void {
    first.then(
      (token) => this.#adopt(token, false),
      (error: unknown) => {
        this.#stopped = true
        this.tokens$.error(error)
        this.state$.error(error)
      },
    )
  }

  /**
   * A wake-up (tab visible again, back online, focus): overdue work runs now, and a renewal
   * waiting out a backoff after failures tries at once (the network may be back), unless the
   * server asked for patience (`Retry-After`) that has not passed yet.
   */
  wake(): void {
    const now = this.deps.scheduler.now()
    if (this.#failures > 0 && Number.isFinite(this.#nextAttemptAt) && now >= this.#retryAfterUntil) {
      this.#nextAttemptAt = Math.min(this.#nextAttemptAt, now)
    }
    this.check()
  }

  /** Re-checks now: runs overdue work, reports an expiry, and sets the timer. */
  check(): void {
    const current = this.#current
    if (this.#stopped || current === undefined) return
    const now = this.deps.scheduler.now()
    if (now >= current.expiresAt && !this.#expiredReported) {
      this.#expiredReported = true
      this.deps.emit({ type: 'token-expired', at: now, ...describeRequest(this.request), fingerprint: current.fingerprint })
    }
    if (!this.#inFlight && now >= this.#nextAttemptAt) this.#attempt()
    else this.#schedule()
  }

  /**
   * Renews now (the SDK said the token will expire), unless a renewal is already running, or
   * (without `force`) the current token is younger than the minimum renewal interval and not
   * expired, or it is dead and a retry after failures is already set (that backoff paces a
   * dropped client; `urgent`, for a user waiting on a join, cuts it short). Also retries at once after a permanent failure. A server's `Retry-After`
   * is honoured: the attempt waits for it, unless `force` (Agora refused the token as expired).
   */
  renewNow(force = false, urgent = false): void {
    const current = this.#current
    if (this.#stopped || current === undefined || this.#inFlight) return
    const now = this.deps.scheduler.now()
    const young = now - current.receivedAt < minRenewIntervalMs(current.expiresAt - current.receivedAt, this.deps.policy)
    if (!force && young && now < current.expiresAt) return
    // Past the deadline, with a retry already set after failures, its backoff stands: every
    // pass of the session's reconnect loop nudges, and would add a request per dropped client
    // per pass to the crowd that meets the token server when it comes back (npm run bench,
    // Herd). A wake-up, or a user waiting on a join (`urgent`), still cuts the backoff short.
    if (!force && !urgent && this.#failures > 0 && Number.isFinite(this.#nextAttemptAt) && now >= current.expiresAt) return
    this.#nextAttemptAt = force ? now : Math.max(now, this.#retryAfterUntil)
    this.check()
  }

  /** Ends the lineage: cancels the timer and completes `tokens$`. */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#timer?.unsubscribe()
    this.tokens$.complete()
    this.state$.complete()
  }

  #adopt(token: IssuedToken, renewed: boolean): void {
    if (this.#stopped) return
    const previous = this.#current
    this.#current = token
    this.#failures = 0
    this.#expiredReported = false
    this.#nextAttemptAt = token.renewAt
    if (renewed && previous !== undefined) {
      this.deps.emit({
        type: 'token-renewed',
        at: this.deps.scheduler.now(),
        ...describeRequest(this.request),
        fingerprint: token.fingerprint,
        previousFingerprint: previous.fingerprint,
        expiresAt: token.expiresAt,
        renewAt: token.renewAt,
      })
    }
    this.tokens$.next(token)
    this.state$.next({ token })
    this.check()
  }

  #attempt(): void {
    const current = this.#current
    if (current === undefined) return
    this.#inFlight = true
    this.#nextAttemptAt = Infinity
    this.#schedule()
    this.deps.fetchFresh(this.request, current, this.exactRole).then(
      (token) => {
        this.#inFlight = false
        this.#adopt(token, true)
      },
      (error: unknown) => {
        this.#inFlight = false
        if (this.#stopped) return
        this.#failures += 1
        const now = this.deps.scheduler.now()
        const retryInMs = isRetryable(error) ? this.deps.retryDelayMs(this.#failures, error, current.expiresAt - now) : null
        this.#nextAttemptAt = retryInMs === null ? Infinity : now + retryInMs
        this.#retryAfterUntil = now + honouredRetryAfterMs(error, current.expiresAt - now)
        const failure = asSessionError(error)
        this.deps.emit({
          type: 'renewal-failed',
          at: now,
          ...describeRequest(this.request),
          attempt: this.#failures,
          retryInMs,
          ...fetchFailure(failure),
        })
        this.state$.next({
          token: current,
          retry: { attempt: this.#failures, retryAt: retryInMs === null ? null : now + retryInMs, error: failure },
        })
        this.check()
      },
    )
  }

  #schedule(): void {
    this.#timer?.unsubscribe()
    this.#timer = undefined
    const current = this.#current
    if (this.#stopped || current === undefined) return
    const due = Math.min(this.#nextAttemptAt, this.#expiredReported ? Infinity : current.expiresAt)
    if (!Number.isFinite(due)) return
    // A deadline more than 24.8 days away (a token no Agora server issues, but one a token
    // server may answer) is waited for in steps: check() finds it not due yet and sets the next.
    const delay = timerDelayMs(due - this.deps.scheduler.now())
    this.#timer = timer(delay, this.deps.scheduler).subscribe(() => {
      this.#timer = undefined
      this.check()
    })
  }
}

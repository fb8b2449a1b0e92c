// Kept in the emitted .d.ts (`preserve`): apps whose `lib` lacks it still know `Symbol.dispose`.
/// <reference lib="esnext.disposable" preserve="true" />
import { Observable, Subject, asyncScheduler, endWith, ignoreElements, takeUntil, type SchedulerLike } from 'rxjs'
import { SessionError } from '../errors.js'
import type { StoreEvent } from '../events.js'
import { defaultWake$ } from './defaultWake.js'
import { fetchFailure } from './fetchFailure.js'
import { fetchFromSource } from './fetchFromSource.js'
import type { IssuedToken } from './IssuedToken.js'
import { issueToken } from './issueToken.js'
import { DEFAULT_RENEWAL_POLICY, renewAt, type RenewalPolicy } from './renewalPolicy.js'
import { describeRequest, requestKey } from './requestKey.js'
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retryDelay.js'
import { TokenCache } from './TokenCache.js'
import type { TokenLifetime } from './TokenLifetime.js'
import { tokenLifetimes } from './tokenLifetimes.js'
import { TokenLineage } from './TokenLineage.js'
import { validateRequest } from './validateRequest.js'
import { markWildcardRefusal } from './wildcardRefusal.js'
import type { TokenRequest, TokenSource } from './TokenSource.js'

/** Options of {@link createTokenStore}. */
export interface TokenStoreOptions {
  source: TokenSource
  /** When given, tokens for another app id are refused (`TOKEN_MISMATCH`). */
  appId?: string
  /**
   * Renewal and retry timers run on it, and `now()` is its clock. Default `asyncScheduler`, so
   * fake timers (vitest, Jest, sinon) drive the store with no option.
   */
  scheduler?: SchedulerLike
  /** Returns a number in [0, 1); used for jitter. Default `Math.random`. */
  random?: () => number
  /** Re-check overdue renewals when this emits. Default: visible, online, focus. */
  wake$?: Observable<unknown>
  renewal?: Partial<RenewalPolicy>
  retry?: Partial<RetryPolicy>
  /** Give up on a token source call after this long. Default 20 000. */
  fetchTimeoutMs?: number
}

/** How a token may be served. */
export interface TokenUseOptions {
  /**
   * Serve only a token made for exactly the requested role: no publisher token for subscriber
   * use (least privilege; sessions ask this for audience tokens).
   */
  exactRole?: boolean
}

/** Fetches, caches and renews tokens. One per page, shared by sessions. */
export interface TokenStore {
  /** A cached token that serves the request (wildcard-aware), or one fetch shared by concurrent callers. */
  get(request: TokenRequest, options?: TokenUseOptions): Promise<IssuedToken>
  /** The current token, then each renewal, while subscribed. Errors if the first token can't be had. */
  watch(request: TokenRequest, options?: TokenUseOptions): Observable<IssuedToken>
  /**
   * The life of the watched token of `request`, while subscribed (it is watched as by `watch`, so
   * it is fetched and renewed meanwhile): its current lifetime at once, then a value at each
   * phase change (`valid` → `renewing` at `renewAt` → `expiring` 30 s before `expiresAt` →
   * `expired`), each failed renewal (`retry`) and each new token (`valid` again), on the store's
   * scheduler; never two equal values in a row. Errors like `watch`.
   *
   * @example
   * ```ts
   * store.lifetime$({ channel: '*', uid: 42, role: 'subscriber' }).subscribe((l) => {
   *   if (l.phase === 'expiring') showBanner(`reconnecting soon: ${l.retry?.error.message ?? ''}`)
   * })
   * ```
   */
  lifetime$(request: TokenRequest, options?: TokenUseOptions): Observable<TokenLifetime>
  /**
   * Renew the watched token of `request` now: deduped with a renewal in flight, and
   * rate-limited (not within the minimum renewal interval of the last one) unless `force`
   * (Agora refused the token as expired though our clock says it is alive). A dead token whose
   * renewal is backing off after failures waits for the backoff, unless `urgent` (a user is
   * waiting on a join); the server's `Retry-After` is honoured either way, unless `force`.
   */
  renewNow(request: TokenRequest, options?: { force?: boolean; urgent?: boolean }): void
  readonly events$: Observable<StoreEvent>
  /**
   * Whether the cache serves wildcard tokens (channel `*`, `''` or a pattern). Some Agora
   * projects refuse them; a session that sees Agora refuse one turns this off for its store.
   */
  wildcards: boolean
  /** Aborts fetches, clears timers, completes streams. Later calls reject `DISPOSED`. */
  dispose(): void
  /** `dispose()`, so that `using store = createTokenStore(...)` disposes it when the block exits. */
  [Symbol.dispose](): void
}

const disposedError = (): SessionError =>
  new SessionError('DISPOSED', 'the token store was disposed: create a new one', { retryable: false })

/**
 * Creates a {@link TokenStore}.
 *
 * @example
 * ```ts
 * const store = createTokenStore({ source: httpTokenSource({ url: '/token/generate' }) })
 * store.watch({ channel: '*', uid: 42, role: 'subscriber' }).subscribe((t) => client.renewToken(t.token))
 * ```
 */
export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const scheduler = options.scheduler ?? asyncScheduler
  // Read at call time, not stored, so a test's Math.random spy still applies.
  const random = options.random ?? (() => Math.random())
  const policy: RenewalPolicy = { ...DEFAULT_RENEWAL_POLICY, ...options.renewal }
  const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 20_000
  const cache = new TokenCache(policy, options.appId)
  const inflight = new Map<string, Promise<IssuedToken>>()
  const controllers = new Set<AbortController>()
  const lineages = new Map<string, TokenLineage>()
  const events$ = new Subject<StoreEvent>()
  let disposed = false

  const emit = (event: StoreEvent): void => events$.next(event)

  const received = (issued: IssuedToken, request: TokenRequest, source: 'cache' | 'network'): IssuedToken => {
    emit({
      type: 'token-received',
      at: scheduler.now(),
      ...describeRequest(request),
      source,
      fingerprint: issued.fingerprint,
      expiresAt: issued.expiresAt,
      renewAt: issued.renewAt,
    })
    return issued
  }

  /** One fetch of `request` at a time; a failure of a `first` one (not a renewal's) is an event of its own. */
  const fetchNetwork = (request: TokenRequest, first: boolean): Promise<IssuedToken> => {
    const key = requestKey(request)
    const pending = inflight.get(key)
    if (pending !== undefined) return pending
    emit({ type: 'token-requested', at: scheduler.now(), ...describeRequest(request) })
    const controller = new AbortController()
    controllers.add(controller)
    // Crowds that join in the same second are audiences (a class, a stadium): only the first
    // subscriber token of a scope gets the wide first-renewal spread. Hosts renew late.
    const kind = cache.hasFetched(key) || request.role === 'publisher' ? 'renewal' : 'first'
    const promise = fetchFromSource(options.source, request, controller.signal, fetchTimeoutMs, scheduler)
      .then((response) => {
        const receivedAt = scheduler.now()
        const ctx = { receivedAt, renewAt: (t: { receivedAt: number; expiresAt: number }) => renewAt(t, receivedAt, policy, random, kind) }
        return issueToken(response, request, options.appId === undefined ? ctx : { ...ctx, appId: options.appId })
      })
      .then(
        (issued) => {
          if (disposed) throw disposedError()
          cache.put(key, issued)
          return received(issued, request, 'network')
        },
        (error: unknown) => {
          if (disposed) throw disposedError()
          const failure = markWildcardRefusal(error, request)
          if (first) emit({ type: 'token-request-failed', at: scheduler.now(), ...describeRequest(request), ...fetchFailure(failure) })
          throw failure
        },
      )
      .finally(() => {
        inflight.delete(key)
        controllers.delete(controller)
      })
    inflight.set(key, promise)
    return promise
  }

  const get = async (request: TokenRequest, use: TokenUseOptions = {}): Promise<IssuedToken> => {
    if (disposed) throw disposedError()
    validateRequest(request)
    const cached = cache.find(request, scheduler.now(), use.exactRole === true)
    return cached !== undefined ? received(cached, request, 'cache') : fetchNetwork(request, true)
  }

  const fetchFresh = async (request: TokenRequest, current: IssuedToken, exactRole: boolean): Promise<IssuedToken> => {
    if (disposed) throw disposedError()
    const now = scheduler.now()
    const cached = cache.find(request, now, exactRole)
    if (cached !== undefined && cached.token !== current.token && cached.renewAt > now) {
      return received(cached, request, 'cache')
    }
    return fetchNetwork(request, false)
  }

  const lineageDeps = {
    scheduler,
    policy,
    fetchFresh,
    retryDelayMs: (attempt: number, error: unknown, timeLeftMs: number) => retryDelayMs(attempt, error, retryPolicy, random, timeLeftMs),
    emit,
  }

  /**
   * Follows the lineage of `request` (made on first use, stopped when its last follower leaves)
   * while subscribed; `project` picks what of it to emit.
   */
  const follow = <T>(request: TokenRequest, use: TokenUseOptions, project: (lineage: TokenLineage) => Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (disposed) {
        subscriber.error(disposedError())
        return undefined
      }
      try {
        validateRequest(request)
      } catch (error) {
        subscriber.error(error)
        return undefined
      }
      const exactRole = use.exactRole === true
      const key = `${requestKey(request)}${exactRole ? ' exact' : ''}`
      let lineage = lineages.get(key)
      if (lineage === undefined) {
        const created = new TokenLineage({ ...request }, exactRole, lineageDeps)
        lineage = created
        lineages.set(key, created)
        // A lineage whose first token failed is dropped, so the next watch tries afresh.
        created.tokens$.subscribe({ error: () => lineages.get(key) === created && lineages.delete(key) })
        created.start(get(request, use))
      }
      lineage.watchers += 1
      const subscription = project(lineage).subscribe(subscriber)
      const owner = lineage
      return () => {
        subscription.unsubscribe()
        owner.watchers -= 1
        if (owner.watchers === 0) {
          owner.stop()
          if (lineages.get(key) === owner) lineages.delete(key)
        }
      }
    })

  const watch = (request: TokenRequest, use: TokenUseOptions = {}): Observable<IssuedToken> =>
    follow(
      request,
      use,
      (lineage) =>
        new Observable<IssuedToken>((subscriber) => {
          // Tokens handed out are in use in the request's channel (a uid-wildcard token is in one at a time).
          let release = (): void => {}
          const subscription = lineage.tokens$.subscribe({
            next: (token) => {
              release()
              release = cache.use(token, request.channel)
              subscriber.next(token)
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          })
          return () => {
            subscription.unsubscribe()
            release()
          }
        }),
    )

  const lifetime$ = (request: TokenRequest, use: TokenUseOptions = {}): Observable<TokenLifetime> =>
    // Ends (or errors) with the lineage: the phases of a token nobody renews any more say nothing.
    follow(request, use, (lineage) => lineage.state$.pipe(tokenLifetimes(scheduler), takeUntil(lineage.state$.pipe(ignoreElements(), endWith(null)))))

  const wakeSubscription = (options.wake$ ?? defaultWake$()).subscribe(() => {
    for (const lineage of lineages.values()) lineage.wake()
  })

  const store: TokenStore = {
    get,
    watch,
    lifetime$,
    renewNow: (request, options = {}) => {
      if (disposed) return
      const key = requestKey(request)
      for (const lineage of [lineages.get(key), lineages.get(`${key} exact`)]) lineage?.renewNow(options.force === true, options.urgent === true)
    },
    events$: events$.asObservable(),
    get wildcards() {
      return cache.wildcards
    },
    set wildcards(enabled: boolean) {
      cache.wildcards = enabled
    },
    dispose: () => {
      if (disposed) return
      disposed = true
      wakeSubscription.unsubscribe()
      for (const controller of controllers) controller.abort(disposedError())
      for (const lineage of lineages.values()) lineage.stop()
      lineages.clear()
      cache.clear()
      events$.complete()
    },
    [Symbol.dispose]: () => store.dispose(),
  }
  return store
}

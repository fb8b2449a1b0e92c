import { BehaviorSubject, EMPTY, catchError, concat, distinctUntilChanged, of, shareReplay, switchMap, type Observable } from 'rxjs'
import type { IssuedToken } from '../store/IssuedToken.js'
import { sameLifetime, type TokenLifetime } from '../store/TokenLifetime.js'
import { tokenLifetimes } from '../store/tokenLifetimes.js'
import type { TokenRequest } from '../store/TokenSource.js'
import { isInChannel } from './isInChannel.js'
import type { SessionRuntime } from './SessionRuntime.js'

/** The token the SDK holds (or held last, while rejoining), and the scope the store renews it under. */
interface HeldToken {
  token: IssuedToken
  scope: TokenRequest
}

/**
 * `session.lifetime$`: the lifetime of the token the SDK holds. After a switch, an upgrade or a
 * reconnect, the new token's; while rejoining after a drop, the last one's (so `expired` is
 * seen, then `valid` with the new token); `null` when the session is idle, failed or disposed.
 *
 * The lifetime comes from the store's `lifetime$` for the connection's scope (so a failing
 * renewal shows as `retry`) while the store's current token is the one the SDK holds; when the
 * store already has a newer one not yet handed over, the held token's lifetime follows the
 * clock alone. Replays the current value; computed only while subscribed.
 */
export function sessionLifetime(rt: SessionRuntime): Observable<TokenLifetime | null> {
  const { out, ctx } = rt
  const held$ = new BehaviorSubject<HeldToken | null>(null)
  // Both complete when the session is disposed (SessionOutputs.close), ending these.
  out.token$.subscribe((token) => {
    const scope = rt.active?.follower.scope
    // null: the client left the channel; the token still counts until the state says "out".
    if (token !== null && scope !== undefined) held$.next({ token, scope })
  })
  out.state$.subscribe({
    next: (state) => {
      if (!isInChannel(state.status) && held$.value !== null) held$.next(null)
    },
    complete: () => held$.complete(),
  })

  const byClock = (token: IssuedToken): Observable<TokenLifetime> => of({ token }).pipe(tokenLifetimes(ctx.scheduler))
  const lifetimeOf = ({ token, scope }: HeldToken): Observable<TokenLifetime> =>
    concat(
      ctx.store.lifetime$(scope, { exactRole: true }).pipe(
        switchMap((lifetime) => (lifetime.fingerprint === token.fingerprint ? of(lifetime) : byClock(token))),
        catchError(() => EMPTY),
      ),
      // The store's stream ended (a shared store was disposed): the SDK still holds the token, by its clock.
      byClock(token),
    )

  return held$.pipe(
    switchMap((held) => (held === null ? of(null) : lifetimeOf(held))),
    distinctUntilChanged(sameLifetime),
    shareReplay({ bufferSize: 1, refCount: true }),
  )
}

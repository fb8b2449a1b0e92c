import { Observable, distinctUntilChanged, switchMap, timer, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs'
import { timerDelayMs } from './timerDelay.js'
import { lifetimeAt, nextPhaseChangeAt, sameLifetime, type LineageState, type TokenLifetime } from './TokenLifetime.js'

/**
 * Turns a stream of tokens (with the state of their renewal) into their lifetimes: one value at
 * once, then one at the scheduler time of each phase change (`renewAt`, 30 s before `expiresAt`,
 * `expiresAt`), and one for each new token or retry. Never two equal values in a row; one timer
 * at a time, cancelled on unsubscribe.
 */
export function tokenLifetimes(scheduler: SchedulerLike): OperatorFunction<LineageState, TokenLifetime> {
  return (states$) =>
    states$.pipe(
      switchMap((state) => phasesOf(state, scheduler)),
      distinctUntilChanged<TokenLifetime>(sameLifetime),
    )
}

/** The lifetime of one token state: now, and at each later phase change. */
function phasesOf(state: LineageState, scheduler: SchedulerLike): Observable<TokenLifetime> {
  return new Observable<TokenLifetime>((subscriber) => {
    let pending: Subscription | undefined
    const tick = (): void => {
      const now = scheduler.now()
      subscriber.next(lifetimeAt(state, now))
      const next = nextPhaseChangeAt(state, now)
      // A phase change over 24.8 days away is waited for in steps (equal values are dropped below).
      if (next !== undefined) pending = timer(timerDelayMs(next - now), scheduler).subscribe(tick)
    }
    tick()
    return () => pending?.unsubscribe()
  })
}

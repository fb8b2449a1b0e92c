import { BehaviorSubject, ReplaySubject, Subject, merge, takeUntil, type Observable, type SchedulerLike } from 'rxjs'
import { SessionError, isSessionError } from '../errors.js'
import type { SessionEvent, SessionOnlyEvent, StoreEvent } from '../events.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { SessionState } from './Session.js'
import type { ClientRoleName, DistributiveOmit } from './SessionContext.js'

/**
 * What a session shows the app: `state$` (replayed), `token$` (the token the SDK holds) and
 * `events$` (its own and its store's). `role-changed` is emitted from here, whenever a new
 * state has another role, so it can never be forgotten by a command.
 */
export class SessionOutputs {
  readonly state$: BehaviorSubject<SessionState>
  readonly token$ = new BehaviorSubject<IssuedToken | null>(null)
  readonly events$: Observable<SessionEvent>
  readonly #own$ = new Subject<SessionEvent>()
  readonly #closed$ = new ReplaySubject<void>(1)

  constructor(
    initialRole: ClientRoleName,
    storeEvents$: Observable<StoreEvent>,
    private readonly scheduler: SchedulerLike,
  ) {
    this.state$ = new BehaviorSubject<SessionState>({ status: 'idle', channel: null, role: initialRole })
    this.events$ = merge(storeEvents$, this.#own$).pipe(takeUntil(this.#closed$))
  }

  get state(): SessionState {
    return this.state$.value
  }

  emit(event: DistributiveOmit<SessionOnlyEvent, 'at'>): void {
    this.#own$.next({ ...event, at: this.scheduler.now() } as SessionEvent)
  }

  setState(next: SessionState): void {
    const previous = this.state$.value
    if (previous.role !== next.role) this.emit({ type: 'role-changed', from: previous.role, to: next.role })
    this.state$.next(next)
  }

  /** A new status for the same channel and role; the previous error is cleared. */
  setStatus(status: SessionState['status']): void {
    const { error: _, ...rest } = this.state$.value
    this.setState({ ...rest, status })
  }

  /**
   * Reports a failed command: an `error` event, and the state it left (still in the channel
   * where it was, `joined` or `reconnecting`; else `failed`). Not for superseded commands: their
   * successor sets the state.
   */
  fail(error: unknown, where: { channel: string; role: ClientRoleName } | undefined, role: ClientRoleName, inChannel: 'joined' | 'reconnecting' = 'joined'): never {
    throw this.report(error, where, role, inChannel)
  }

  /** {@link fail} without the throw: reports the failure and returns it as a `SessionError`. */
  report(error: unknown, where: { channel: string; role: ClientRoleName } | undefined, role: ClientRoleName, inChannel: 'joined' | 'reconnecting' = 'joined'): SessionError {
    const sessionError = isSessionError(error)
      ? error
      : new SessionError('JOIN_REJECTED', error instanceof Error ? error.message : String(error), { cause: error })
    this.emit({ type: 'error', code: sessionError.code, message: sessionError.message })
    this.setState(
      where !== undefined
        ? { status: inChannel, channel: where.channel, role, error: sessionError }
        : { status: 'failed', channel: null, role, error: sessionError },
    )
    return sessionError
  }

  /** Final state, then every stream completes. */
  close(role: ClientRoleName): void {
    this.state$.next({ status: 'disposed', channel: null, role })
    this.#closed$.next()
    this.state$.complete()
    this.token$.complete()
    this.#own$.complete()
  }
}

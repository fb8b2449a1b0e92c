import type { Subscription } from 'rxjs'
import { SessionError } from '../errors.js'
import type { IssuedToken } from '../store/IssuedToken.js'
import type { TokenStore } from '../store/createTokenStore.js'
import type { TokenRequest } from '../store/TokenSource.js'

const storeGone = (): SessionError =>
  new SessionError('DISPOSED', 'the token store was disposed while the session still needed tokens', { retryable: false })

/**
 * A session's hold on one watched token scope: the first token as a promise, the latest one,
 * and a callback for each token. Releasing it lets the store stop renewing the scope.
 * Audience scopes are watched with `exactRole`: never a publisher token for audience use.
 */
export class TokenFollower {
  readonly first: Promise<IssuedToken>
  #current: IssuedToken | undefined
  #waiters: { resolve(token: IssuedToken): void; reject(error: unknown): void }[] = []
  #ended: unknown
  #subscription: Subscription | undefined
  #released = false

  constructor(
    store: TokenStore,
    readonly scope: TokenRequest,
    onToken: (follower: TokenFollower) => void,
  ) {
    this.first = new Promise<IssuedToken>((resolve, reject) => {
      const end = (error: unknown): void => {
        this.#ended = error
        reject(error)
        for (const waiter of this.#drain()) waiter.reject(error)
      }
      this.#subscription = store.watch(scope, { exactRole: true }).subscribe({
        next: (token) => {
          this.#current = token
          resolve(token)
          onToken(this)
          for (const waiter of this.#drain()) waiter.resolve(token)
        },
        error: end,
        complete: () => end(storeGone()),
      })
    })
    // The session awaits `first` where it needs it; an unawaited failure is not an error here.
    this.first.catch(() => {})
  }

  /** The latest token of the scope. */
  get current(): IssuedToken | undefined {
    return this.#current
  }

  /** The next token the store hands over; rejects if the token stream has ended. */
  next(): Promise<IssuedToken> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended)
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  get released(): boolean {
    return this.#released
  }

  release(): void {
    this.#released = true
    this.#ended ??= new SessionError('SUPERSEDED', 'the token is no longer needed', { retryable: false })
    for (const waiter of this.#drain()) waiter.reject(this.#ended)
    this.#subscription?.unsubscribe()
  }

  #drain(): { resolve(token: IssuedToken): void; reject(error: unknown): void }[] {
    const waiters = this.#waiters
    this.#waiters = []
    return waiters
  }
}

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
  readonly #failures: Subscription
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
    // A renewal that failed for good (the server refused: 4xx, a token that does not fit) ends
    // the wait of whoever waits for the next token: no next token is coming.
    this.#failures = store.lifetime$(scope, { exactRole: true }).subscribe({
      next: (lifetime) => {
        if (lifetime.retry !== undefined && lifetime.retry.retryAt === null) {
          for (const waiter of this.#drain()) waiter.reject(lifetime.retry.error)
        }
      },
      error: () => {},
    })
  }

  /** The latest token of the scope. */
  get current(): IssuedToken | undefined {
    return this.#current
  }

  /**
   * The next token the store hands over; rejects if the token stream has ended, or when a
   * renewal fails for good (with that failure).
   */
  next(signal?: AbortSignal): Promise<IssuedToken> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended)
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject }
      this.#waiters.push(waiter)
      // Given up on (a wait that lost its race): no waiter left behind.
      signal?.addEventListener('abort', () => (this.#waiters = this.#waiters.filter((w) => w !== waiter)), { once: true })
    })
  }

  get released(): boolean {
    return this.#released
  }

  release(): void {
    this.#released = true
    this.#ended ??= new SessionError('SUPERSEDED', 'the token is no longer needed', { retryable: false })
    for (const waiter of this.#drain()) waiter.reject(this.#ended)
    this.#subscription?.unsubscribe()
    this.#failures.unsubscribe()
  }

  #drain(): { resolve(token: IssuedToken): void; reject(error: unknown): void }[] {
    const waiters = this.#waiters
    this.#waiters = []
    return waiters
  }
}

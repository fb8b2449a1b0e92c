import type { Subscription } from 'rxjs'
import type { IssuedToken } from '../store/IssuedToken'
import type { TokenStore } from '../store/createTokenStore'
import type { TokenRequest } from '../store/TokenSource'

/**
 * A session's hold on one watched token scope: the first token as a promise, the latest one,
 * and a callback for each renewal. Unsubscribing (`release`) lets the store stop renewing it.
 */
export class TokenFollower {
  readonly first: Promise<IssuedToken>
  #current: IssuedToken | undefined
  #waiters: ((token: IssuedToken) => void)[] = []
  #subscription: Subscription | undefined
  #released = false

  constructor(
    store: TokenStore,
    readonly scope: TokenRequest,
    private readonly onToken: (token: IssuedToken, follower: TokenFollower) => void,
  ) {
    this.first = new Promise<IssuedToken>((resolve, reject) => {
      this.#subscription = store.watch(scope).subscribe({
        next: (token) => {
          const isFirst = this.#current === undefined
          this.#current = token
          if (isFirst) resolve(token)
          else this.onToken(token, this)
          const waiters = this.#waiters
          this.#waiters = []
          for (const wake of waiters) wake(token)
        },
        error: reject,
        complete: () => reject(new Error('token stream completed before the first token')),
      })
    })
    // The session awaits `first` where it needs it; an unawaited failure is not an error here.
    this.first.catch(() => {})
  }

  /** The latest token of the scope. */
  get current(): IssuedToken | undefined {
    return this.#current
  }

  /** The next token the store hands over (a renewal). */
  next(): Promise<IssuedToken> {
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  get released(): boolean {
    return this.#released
  }

  release(): void {
    this.#released = true
    this.#waiters = []
    this.#subscription?.unsubscribe()
  }
}

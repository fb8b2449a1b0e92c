import type { Subscription } from 'rxjs'
import type { Session } from '../session/Session.js'
import { sameLifetime, type TokenLifetime } from '../store/TokenLifetime.js'

/** `session.lifetime$` as an external store for `useSyncExternalStore`: subscribe and a cached snapshot. */
export interface LifetimeStore {
  subscribe(onChange: () => void): () => void
  snapshot(): TokenLifetime | null
}

const stores = new WeakMap<Session, LifetimeStore>()

/**
 * One store per session, shared by every component that reads it: one subscription to
 * `lifetime$` while any is mounted. The snapshot keeps its identity until the lifetime changes
 * (React requires that), also when it is read before anything subscribed (the first render):
 * then it is peeked with a subscription that ends at once (`lifetime$` replays synchronously).
 */
export function lifetimeStoreOf(session: Session): LifetimeStore {
  let store = stores.get(session)
  if (store !== undefined) return store
  let current: TokenLifetime | null = null
  let subscription: Subscription | undefined
  const listeners = new Set<() => void>()
  const take = (next: TokenLifetime | null): void => {
    if (!sameLifetime(current, next)) current = next
  }
  store = {
    subscribe(onChange) {
      listeners.add(onChange)
      subscription ??= session.lifetime$.subscribe((next) => {
        take(next)
        for (const listener of [...listeners]) listener()
      })
      return () => {
        listeners.delete(onChange)
        if (listeners.size > 0) return
        subscription?.unsubscribe()
        subscription = undefined
      }
    },
    snapshot() {
      if (subscription === undefined) session.lifetime$.subscribe(take).unsubscribe()
      return current
    },
  }
  stores.set(session, store)
  return store
}

import { useSyncExternalStore } from 'react'
import type { Session } from '../session/Session.js'
import type { TokenLifetime } from '../store/TokenLifetime.js'
import { lifetimeStoreOf } from './lifetimeStore.js'

const none = (): null => null

/**
 * The lifetime of the token the session's SDK holds (`session.lifetime$`): phase, deadlines in
 * local ms, `retry` while renewals fail; `null` out of a channel, and while server rendering.
 * Re-renders at each phase change, not every second: for a ticking countdown, read
 * `remaining(lifetime, Date.now())` from a component that re-renders on its own timer.
 *
 * @example
 * ```tsx
 * const lifetime = useTokenLifetime(session)
 * if (lifetime?.phase === 'expired') return <Banner>Reconnecting…</Banner>
 * ```
 */
export function useTokenLifetime(session: Session): TokenLifetime | null {
  const store = lifetimeStoreOf(session)
  return useSyncExternalStore(store.subscribe, store.snapshot, none)
}

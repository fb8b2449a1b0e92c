import { useCallback, useSyncExternalStore } from 'react'
import type { Session, SessionState } from '../session/Session.js'

/**
 * The session's state, re-rendering on each change. On `useSyncExternalStore`: every component
 * of one render sees the same state, even in a concurrent (transition) render, and server
 * rendering gets the state the session has (`idle` for a fresh one).
 *
 * @example
 * ```tsx
 * const { status, channel, error } = useSessionState(session)
 * ```
 */
export function useSessionState(session: Session): SessionState {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const subscription = session.state$.subscribe(onChange)
      return () => subscription.unsubscribe()
    },
    [session],
  )
  const snapshot = useCallback(() => session.state, [session])
  return useSyncExternalStore(subscribe, snapshot, snapshot)
}

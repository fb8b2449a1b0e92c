import { useCallback, useSyncExternalStore } from 'react'
import type { Session, SessionState } from '../session/Session.js'

const serverStates = new WeakMap<Session, SessionState>()

/**
 * What the server rendered: a session out of a channel (sessions live in browsers, where the
 * client is). One object per session, as `useSyncExternalStore` requires; hydration then renders
 * the live state, so a session that started joining before `hydrateRoot` causes no mismatch.
 */
function serverState(session: Session): SessionState {
  let state = serverStates.get(session)
  if (state === undefined) {
    state = { status: 'idle', channel: null, role: session.state.role }
    serverStates.set(session, state)
  }
  return state
}

/**
 * The session's state, re-rendering on each change. On `useSyncExternalStore`: every component
 * of one render sees the same state, even in a concurrent (transition) render; server rendering
 * and hydration see a session out of a channel (`idle`), then the live state.
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
  const serverSnapshot = useCallback(() => serverState(session), [session])
  return useSyncExternalStore(subscribe, snapshot, serverSnapshot)
}

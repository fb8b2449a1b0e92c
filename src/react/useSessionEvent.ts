import { useEffect, useLayoutEffect, useRef } from 'react'
import type { SessionEvent, SessionEventOf } from '../events.js'
import type { Session } from '../session/Session.js'

// useLayoutEffect warns when server rendering; effects do not run there anyway.
const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect

/**
 * Calls `handler` for each session event of `type` while the component is mounted. The newest
 * handler is called (it may close over the latest props), and a new handler on each render does
 * not resubscribe.
 *
 * @example
 * ```tsx
 * useSessionEvent(session, 'reconnected', (e) => e.republishNeeded && republish())
 * ```
 */
export function useSessionEvent<T extends SessionEvent['type']>(
  session: Session,
  type: T,
  handler: (event: SessionEventOf<T>) => void,
): void {
  const latest = useRef(handler)
  useIsomorphicLayoutEffect(() => {
    latest.current = handler
  })
  useEffect(() => {
    const subscription = session.events$.subscribe((event) => {
      if (event.type === type) latest.current(event as SessionEventOf<T>)
    })
    return () => subscription.unsubscribe()
  }, [session, type])
}

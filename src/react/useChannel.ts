import { useEffect, useState, useSyncExternalStore } from 'react'
import type { Session, SessionState } from '../session/Session.js'
import { channelControllerOf } from './channelController.js'
import { useSessionState } from './useSessionState.js'

/** Options of {@link useChannel}. */
export interface UseChannelOptions {
  /** Default `'audience'`. A change while in the channel upgrades or downgrades. */
  role?: 'audience' | 'host'
}

/**
 * Keeps the session in `channel` while the component is mounted: it joins on mount, switches
 * (`switchChannel`, one command the session's latest-wins queue orders) when `channel` changes,
 * and leaves when unmounted or when `channel` is `null`. Re-renders with the same channel do
 * nothing; StrictMode's double mount makes one `join` and no `leave`. Every refusal of a command
 * it issues shows in the returned state's `error` (a failed join also as `status: 'failed'`; an
 * invalid channel name, which changes nothing, with the status as it was), never as an
 * unhandled rejection.
 *
 * Use it once per session (one client, one channel; a second one warns, and the latest wins);
 * create the session outside React's render (once per client), not per render.
 *
 * @example
 * ```tsx
 * function Room({ session, name }: { session: Session; name: string }) {
 *   const { status, error } = useChannel(session, name)
 *   return <p>{error ? error.message : status}</p>
 * }
 * ```
 */
export function useChannel(session: Session, channel: string | null, options: UseChannelOptions = {}): SessionState {
  const role = options.role ?? 'audience'
  // This component's identity for the controller; kept across StrictMode's remount.
  const [holder] = useState(() => ({}))
  useEffect(() => {
    const controller = channelControllerOf(session)
    controller.want(holder, { channel, role })
    return () => controller.release(holder)
  }, [session, holder, channel, role])
  const state = useSessionState(session)
  const controller = channelControllerOf(session)
  const refusal = useSyncExternalStore(controller.subscribe, () => controller.refusal, noRefusal)
  return refusal !== undefined && state.error === undefined ? { ...state, error: refusal } : state
}

const noRefusal = (): undefined => undefined

import type { SessionState } from './Session.js'

/**
 * Whether a session with this status is in a channel, or on its way into or back into one: any
 * status but `idle`, `failed` and `disposed`.
 *
 * @example
 * ```ts
 * const go = isInChannel(session.state.status) ? session.switchChannel(name) : session.join(name)
 * ```
 */
export function isInChannel(status: SessionState['status']): boolean {
  return status !== 'idle' && status !== 'failed' && status !== 'disposed'
}

/**
 * React bindings, published as `agora-rtc-session/react` (React 18 or later, an optional peer
 * dependency). The main entry has nothing of React.
 */
export { useChannel } from './useChannel.js'
export type { UseChannelOptions } from './useChannel.js'
export { useSessionEvent } from './useSessionEvent.js'
export { useSessionState } from './useSessionState.js'
export { useTokenLifetime } from './useTokenLifetime.js'

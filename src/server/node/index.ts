/**
 * The Node adapter of the token server, published as `agora-rtc-session/server/node`:
 * `serveTokens(handle, options)` listens with timeouts, a connection cap and a cap per client
 * address; `nodeListener(handle)` answers inside another Node server (or connect, or Vite).
 */
export { serveTokens, createTokenServer } from './serveTokens.js'
export type { RunningTokenServer, ServeTokensOptions } from './serveTokens.js'
export { nodeListener } from './nodeListener.js'
export { applyConnectionLimits, DEFAULT_NODE_LIMITS } from './connectionLimits.js'
export type { NodeServerLimits } from './connectionLimits.js'

/**
 * The token server, published as `agora-rtc-session/server`: one Web-standard handler
 * (`createTokenHandler`) for Node, Bun, Deno and Cloudflare Workers, with caller authorization,
 * CORS and per-client rate limits (in memory, or shared through Redis). The Node adapter, with
 * its timeouts and connection caps, is `agora-rtc-session/server/node`. No `node:` module here.
 */
export { createTokenHandler, DEFAULT_RATE_LIMIT } from './createTokenHandler.js'
export type { ClientInfo, TokenHandler, TokenHandlerOptions, TokenLifetimes } from './TokenHandlerOptions.js'
export type { Authorize, Grant, Refusal } from './authorize.js'
export { bearerAuthorize, sessionCookieAuthorize } from './bearerAuthorize.js'
export type { RateLimit, RateLimitStore } from './rateLimit/RateLimitStore.js'
export { memoryRateLimitStore } from './rateLimit/memoryRateLimitStore.js'
export type { MemoryRateLimitStoreOptions } from './rateLimit/memoryRateLimitStore.js'
export { redisRateLimitStore } from './rateLimit/redisRateLimitStore.js'
export type { RedisEvalClient, RedisRateLimitStoreOptions } from './rateLimit/redisRateLimitStore.js'
export type { LogSampling } from './sampledLog.js'

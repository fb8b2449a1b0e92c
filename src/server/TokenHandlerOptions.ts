import type { Authorize } from './authorize.js'
import type { RateLimitStore } from './rateLimit/RateLimitStore.js'
import type { LogSampling } from './sampledLog.js'

/**
 * What the runtime knows about the connection and a `Request` does not carry: the client's
 * address (the socket's on Node, Bun and Deno; `CF-Connecting-IP` on Cloudflare Workers).
 */
export interface ClientInfo {
  address?: string | undefined
}

/** The token server: a Web-standard `fetch` handler. */
export type TokenHandler = (request: Request, client?: ClientInfo) => Promise<Response>

/** Token lifetimes: what a request that names none gets, and the most any gets. */
export interface TokenLifetimes {
  /** Seconds, for `POST /fetch_rtc_token` (no lifetime in its body); default 3,600, as Agora's samples. */
  defaultSec?: number
  /** Longer requests get this (the token says how long it lasts); default 86,400 (Agora's limit). A function is asked per token. */
  maxSec?: number | (() => number)
}

/** Options of `createTokenHandler`. */
export interface TokenHandlerOptions {
  /** 32 hex digits, from Agora Console. */
  appId: string
  /** 32 hex digits. Never in an answer or a log line. */
  appCertificate: string
  /**
   * Who the caller is and what they may have, asked before each token (see {@link Authorize}).
   * Without it anyone who can reach the handler gets any token: it must then sit behind the
   * app's own authentication.
   */
  authorize?: Authorize
  /** Origins (other than the handler's own) whose pages may call it; default none. */
  cors?: { origins: readonly string[] }
  /**
   * Token requests per client: default 20 at once, then 2 a second, counted in this process.
   * `store` shares the count between instances (`redisRateLimitStore`). `false`: no limit
   * (when a proxy in front limits).
   */
  rateLimit?: false | { burst?: number; perSecond?: number; store?: RateLimitStore }
  /**
   * The client's rate-limit key; default the address the runtime's adapter passes. Behind a
   * proxy you trust, read its header here (e.g. the last `X-Forwarded-For` hop it appends):
   * a header is never trusted by default, since any client can send one.
   */
  clientKey?: (request: Request, client: ClientInfo) => string | undefined
  lifetime?: TokenLifetimes
  /** Default `console.log`. */
  log?: (line: string) => void
  /** One log line per token: `'all'`, `'none'`, or N (the first 10, then 1 in N); default 100. */
  logTokens?: LogSampling
  /** ms since the epoch, for issue times and `Date`; default `Date.now`. */
  now?: () => number
  /** In [0, 1), for token salts; default `Math.random` (as agora-token). */
  random?: () => number
}

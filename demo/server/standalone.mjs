// @ts-check
/**
 * The token server as a Node HTTP server of its own (main.mjs, `npm run token-server`), with
 * the limits a server that answers small JSON requests can afford: headers within 5 s, the
 * whole request within 10 s, idle keep-alive connections closed after 2 s, at most 256
 * connections at once. Node's defaults (60 s, 300 s, no cap) let a few hundred idle or slow
 * sockets deny everyone else.
 */
import { createServer } from 'node:http'

/** @typedef {import('./tokenServer.mjs').TokenServer} TokenServer */

/**
 * @typedef {object} ServerLimits
 * @property {number} headersTimeoutMs the request line and headers must arrive within this
 * @property {number} requestTimeoutMs the whole request, body included, within this
 * @property {number} keepAliveTimeoutMs an idle keep-alive connection is closed after this
 * @property {number} maxConnections connections at once; more are closed as they come
 */

/** @type {Readonly<ServerLimits>} */
export const DEFAULT_LIMITS = Object.freeze({ headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 2_000, maxConnections: 256 })

/** Host names served: a page elsewhere that rebinds its DNS name to 127.0.0.1 sends its own. */
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * An HTTP server (not listening yet) that answers with `tokens.handle`, refuses Host names that
 * are not local (DNS rebinding), and applies `limits` over {@link DEFAULT_LIMITS}.
 * @param {Pick<TokenServer, 'handle'>} tokens
 * @param {Partial<ServerLimits>} [limits]
 * @returns {import('node:http').Server}
 */
export function createStandaloneServer(tokens, limits = {}) {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections } = { ...DEFAULT_LIMITS, ...limits }
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (default 30 s): as often as they need.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, headersTimeoutMs / 4, requestTimeoutMs / 4)),
      maxHeaderSize: 8 * 1024,
    },
    (req, res) => {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '')
      if (!LOCAL_HOSTS.has(host)) {
        res.writeHead(403, { 'Content-Type': 'application/json; charset=utf-8', Connection: 'close' })
        res.end(JSON.stringify({ code: 403, message: `host ${JSON.stringify(host.slice(0, 100))} is not served here` }))
        return
      }
      tokens.handle(req, res)
    },
  )
  server.maxConnections = maxConnections
  return server
}

/**
 * Limits from the environment: `HEADERS_TIMEOUT_MS`, `REQUEST_TIMEOUT_MS`,
 * `KEEP_ALIVE_TIMEOUT_MS`, `MAX_CONNECTIONS` (whole numbers); unset ones keep the defaults.
 * @param {Record<string, string | undefined>} env
 * @returns {Partial<ServerLimits>}
 */
export function readLimits(env) {
  /** @type {[keyof ServerLimits, string][]} */
  const names = [
    ['headersTimeoutMs', 'HEADERS_TIMEOUT_MS'],
    ['requestTimeoutMs', 'REQUEST_TIMEOUT_MS'],
    ['keepAliveTimeoutMs', 'KEEP_ALIVE_TIMEOUT_MS'],
    ['maxConnections', 'MAX_CONNECTIONS'],
  ]
  /** @type {Partial<ServerLimits>} */
  const limits = {}
  for (const [key, name] of names) {
    const text = env[name]
    if (text === undefined || text.trim() === '') continue
    const value = Number(text)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of 1 or more, got ${JSON.stringify(text)}`)
    limits[key] = value
  }
  return limits
}

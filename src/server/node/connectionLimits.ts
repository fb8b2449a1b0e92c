import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** What a Node server holding token requests allows. */
export interface NodeServerLimits {
  /** The request line and headers must arrive within this (then 408). */
  headersTimeoutMs: number
  /** The whole request, body included, within this (then 408). */
  requestTimeoutMs: number
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number
  /** Connections at once; more are closed as they come. */
  maxConnections: number
  /** Connections at once from one address; more from it are closed as they come. */
  maxConnectionsPerClient: number
}

/**
 * The limits a server that answers small JSON requests can afford: headers within 5 s, the
 * whole request within 10 s, idle keep-alive connections closed after 2 s, at most 256
 * connections, 32 of them from one address. Node's defaults (60 s, 300 s, no cap) let a few
 * hundred idle or slow sockets deny everyone else; the cap per client keeps one client from
 * taking them all (browsers open at most 6 per origin; an office behind one address gets 32).
 */
export const DEFAULT_NODE_LIMITS: Readonly<NodeServerLimits> = Object.freeze({
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 2_000,
  maxConnections: 256,
  maxConnectionsPerClient: 32,
})

/**
 * Applies `limits` (over {@link DEFAULT_NODE_LIMITS}) to a Node HTTP server before it listens:
 * the timeouts, checked as often as they need (Node checks every 30 s by default, so a 5-s
 * limit held a slow socket 35 s), the connection cap, and the cap per client address.
 * Works on a server made elsewhere too (the demo's Vite server).
 */
export function applyConnectionLimits(server: Server, limits: Partial<NodeServerLimits> = {}): NodeServerLimits {
  const applied = { ...DEFAULT_NODE_LIMITS, ...limits }
  for (const [name, value] of Object.entries(applied)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of 1 or more, got ${JSON.stringify(value)}`)
  }
  server.headersTimeout = applied.headersTimeoutMs
  server.requestTimeout = applied.requestTimeoutMs
  server.keepAliveTimeout = applied.keepAliveTimeoutMs
  // Read by Node when the server starts listening.
  ;(server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    10,
    Math.min(1_000, applied.headersTimeoutMs / 4, applied.requestTimeoutMs / 4),
  )
  server.maxConnections = applied.maxConnections
  const perClient = new Map<string, number>()
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? ''
    const open = perClient.get(address) ?? 0
    if (open >= applied.maxConnectionsPerClient) {
      socket.destroy()
      return
    }
    perClient.set(address, open + 1)
    socket.once('close', () => {
      const left = (perClient.get(address) ?? 1) - 1
      if (left <= 0) perClient.delete(address)
      else perClient.set(address, left)
    })
  })
  return applied
}

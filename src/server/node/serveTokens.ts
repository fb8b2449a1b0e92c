import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TokenHandler } from '../TokenHandlerOptions.js'
import { applyConnectionLimits, type NodeServerLimits } from './connectionLimits.js'
import { nodeListener } from './nodeListener.js'

/** Options of {@link serveTokens}. */
export interface ServeTokensOptions extends Partial<NodeServerLimits> {
  /** Default 8080; 0 for any free port. */
  port?: number
  /** Default `'127.0.0.1'`. */
  host?: string
  /**
   * `Host` names served (with any port). Default: on a loopback address only `127.0.0.1`,
   * `localhost` and `[::1]` (a page elsewhere that rebinds its DNS name to 127.0.0.1 sends its
   * own name); on any other address every name.
   */
  hosts?: readonly string[]
}

/** A listening token server. */
export interface RunningTokenServer {
  /** `http://host:port`. */
  readonly url: string
  readonly server: Server
  readonly limits: NodeServerLimits
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/
const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

/**
 * A Node HTTP server that answers with `handle` (from `createTokenHandler`), with the limits of
 * {@link applyConnectionLimits} (timeouts, a connection cap, a cap per client address) and the
 * client's socket address as its rate-limit key.
 *
 * @example
 * ```ts
 * const running = await serveTokens(createTokenHandler({ appId, appCertificate, authorize }), { port: 8080 })
 * console.log(`token server on ${running.url}`)
 * ```
 */
export async function serveTokens(handle: TokenHandler, options: ServeTokensOptions = {}): Promise<RunningTokenServer> {
  const { port = 8080, host = '127.0.0.1', hosts, ...limits } = options
  const server = createTokenServer(handle, { ...limits, hosts: hosts ?? (LOOPBACK.test(host) ? LOCAL_HOSTS : undefined) })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shown}:${address.port}`,
    server,
    limits: (server as Server & { tokenLimits: NodeServerLimits }).tokenLimits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * The server of {@link serveTokens}, not listening yet: for apps that listen themselves.
 * `hosts`: see {@link ServeTokensOptions}; `undefined` serves every name.
 */
export function createTokenServer(handle: TokenHandler, options: Partial<NodeServerLimits> & { hosts?: readonly string[] | undefined } = {}): Server {
  const { hosts, ...limits } = options
  const listener = nodeListener(handle)
  const served = hosts === undefined ? undefined : new Set(hosts.map((name) => name.toLowerCase()))
  const server = createServer({ maxHeaderSize: 8 * 1024 }, (req: IncomingMessage, res: ServerResponse) => {
    if (served !== undefined) {
      const name = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
      if (!served.has(name)) {
        req.resume()
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
        res.end(JSON.stringify({ code: 403, message: `host ${JSON.stringify(name.slice(0, 100))} is not served here` }))
        return
      }
    }
    listener(req, res)
  })
  Object.defineProperty(server, 'tokenLimits', { value: applyConnectionLimits(server, limits) })
  return server
}

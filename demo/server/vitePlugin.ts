import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Plugin, ResolvedConfig } from 'vite'
import type { Authorize } from '../../src/server/authorize.js'
import { applyConnectionLimits } from '../../src/server/node/connectionLimits.js'
import { refusal } from '../../src/server/respond.js'
import { sendAnswer } from '../../src/server/node/nodeIo.js'
import { createDemoServer, type DemoServer } from './demoServer.js'

/** What the plugin exposes to other plugins and to tests as `plugin.api`. */
export interface TokenServerPluginApi {
  /** The running demo server, once a dev or preview server started it. */
  tokenServer(): DemoServer | undefined
}

/**
 * Serves the token server and the demo's endpoints (see demoServer.ts) from Vite's dev and
 * preview servers, so `npm run demo` is one command. Credentials come from the environment
 * when the server starts, never from the bundle: Vite only exposes `VITE_`-prefixed variables
 * to the page.
 *
 * It also holds Vite's own HTTP server to the token server's limits (headers within 5 s, the
 * whole request within 10 s, 256 connections, 32 per client) and answers a request target that
 * is not a path (`http://[`) with 400 before connect parses it: connect's URL parsing threw on
 * it and ended the process.
 */
export function tokenServerPlugin(options: { log?: (line: string) => void; authorize?: Authorize } = {}): Plugin & { api: TokenServerPluginApi } {
  let server: DemoServer | undefined

  const start = (config: ResolvedConfig): DemoServer => {
    if (server !== undefined) return server
    const log = options.log ?? ((line: string) => config.logger.info(`[token server] ${line}`, { timestamp: true }))
    server = createDemoServer({ log, ...(options.authorize === undefined ? {} : { authorize: options.authorize }) })
    for (const line of server.banner) log(line)
    return server
  }

  return {
    name: 'agora-rtc-session:token-server',
    api: { tokenServer: () => server },
    // Registered directly (not in a returned function) so the routes run before Vite's own
    // middlewares, which would answer a POST to an unknown path with index.html.
    configureServer(vite) {
      if (vite.httpServer !== null) harden(vite.httpServer as Server)
      vite.middlewares.use(start(vite.config).handle)
    },
    configurePreviewServer(preview) {
      harden(preview.httpServer as Server)
      preview.middlewares.use(start(preview.config).handle)
    },
  }
}

/** Limits on Vite's HTTP server, and a 400 for targets that are not paths, ahead of connect. */
function harden(httpServer: Server): void {
  applyConnectionLimits(httpServer)
  const listeners = httpServer.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
  httpServer.removeAllListeners('request')
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? ''
    if (!target.startsWith('/') || target.startsWith('//') || !parses(target)) {
      req.resume()
      sendAnswer(req, res, refusal(400, 'the request target must be a path such as /', Date.now()))
      return
    }
    for (const listener of listeners) listener.call(httpServer, req, res)
  })
}

function parses(target: string): boolean {
  try {
    new URL(target, 'http://localhost')
    return true
  } catch {
    return false
  }
}

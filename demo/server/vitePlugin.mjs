// @ts-check
import { createTokenServer } from './tokenServer.mjs'

/** @typedef {import('./tokenServer.mjs').TokenServer} TokenServer */

/**
 * What the plugin exposes to other plugins and to tests as `plugin.api`.
 * @typedef {object} TokenServerPluginApi
 * @property {() => TokenServer | undefined} tokenServer the running token server, once a dev or
 *   preview server started it
 */

/**
 * Serves the token server and the demo's endpoints (see tokenServer.mjs) from Vite's dev and
 * preview servers, so `npm run demo` is one command. Credentials come from the environment
 * when the server starts, never from the bundle: Vite only exposes `VITE_`-prefixed variables
 * to the page.
 * @param {{ log?: (line: string) => void, authorize?: import('./authorize.mjs').Authorize }} [options] `authorize`:
 *   see authorize.mjs (the demo page runs without one)
 * @returns {import('vite').Plugin & { api: TokenServerPluginApi }}
 */
export function tokenServerPlugin(options = {}) {
  /** @type {TokenServer | undefined} */
  let server

  /**
   * @param {import('vite').ResolvedConfig} config
   * @returns {TokenServer}
   */
  const start = (config) => {
    if (server !== undefined) return server
    const log = options.log ?? ((/** @type {string} */ line) => config.logger.info(`[token server] ${line}`, { timestamp: true }))
    server = createTokenServer({ demo: true, log, ...(options.authorize === undefined ? {} : { authorize: options.authorize }) })
    for (const line of server.banner) log(line)
    return server
  }

  return {
    name: 'agora-rtc-session:token-server',
    api: { tokenServer: () => server },
    // Registered directly (not in a returned function) so the routes run before Vite's own
    // middlewares, which would answer a POST to an unknown path with index.html.
    configureServer(vite) {
      vite.middlewares.use(start(vite.config).handle)
    },
    configurePreviewServer(preview) {
      preview.middlewares.use(start(preview.config).handle)
    },
  }
}

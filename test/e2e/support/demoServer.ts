import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'

const CONFIG_FILE = fileURLToPath(new URL('../../../demo/vite.config.mjs', import.meta.url))
const PLUGIN_NAME = 'agora-rtc-session:token-server'

/** The demo served by Vite's dev server, token server included, on 127.0.0.1. */
export interface DemoServer {
  readonly url: string
  /** Whether `text` holds the token server's app certificate (which the test never sees). */
  containsSecret(text: string): boolean
  close(): Promise<void>
}

interface PluginApi {
  tokenServer(): { containsSecret(text: string): boolean } | undefined
}

const isPluginApi = (api: unknown): api is PluginApi =>
  typeof api === 'object' && api !== null && typeof (api as { tokenServer?: unknown }).tokenServer === 'function'

/** Credentials for the demo's token server, as `AGORA_APP_ID` and `AGORA_APP_CERTIFICATE` give them. */
export interface DemoCredentials {
  appId: string
  appCertificate: string
}

/**
 * Starts the demo's dev server (demo/vite.config.mjs) on a free port of 127.0.0.1, with file
 * watching and HMR off: a file saved during the run must not reload the page under test.
 * Simulated mode (no Agora credentials) unless `credentials` are given: then the page loads
 * the real SDK, so only a browser whose requests to anything but 127.0.0.1 are blocked
 * (launchChromium) may open it.
 */
export async function startDemoServer(name: string, options: { credentials?: DemoCredentials } = {}): Promise<DemoServer> {
  // The token server reads the environment once, when the plugin starts it (configureServer,
  // inside createServer): set it for that moment only, and put back what was there.
  const saved = { id: process.env['AGORA_APP_ID'], certificate: process.env['AGORA_APP_CERTIFICATE'] }
  if (options.credentials === undefined) {
    delete process.env['AGORA_APP_ID']
    delete process.env['AGORA_APP_CERTIFICATE']
  } else {
    process.env['AGORA_APP_ID'] = options.credentials.appId
    process.env['AGORA_APP_CERTIFICATE'] = options.credentials.appCertificate
  }
  let server: ViteDevServer
  try {
    server = await createServer({
      configFile: CONFIG_FILE,
      logLevel: 'warn',
      clearScreen: false,
      // One optimizer cache per test file: files may run in parallel.
      cacheDir: fileURLToPath(new URL(`../../../node_modules/.vite/e2e-${name}`, import.meta.url)),
      server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null },
    })
  } finally {
    if (saved.id === undefined) delete process.env['AGORA_APP_ID']
    else process.env['AGORA_APP_ID'] = saved.id
    if (saved.certificate === undefined) delete process.env['AGORA_APP_CERTIFICATE']
    else process.env['AGORA_APP_CERTIFICATE'] = saved.certificate
  }
  const api = server.config.plugins.find((plugin) => plugin.name === PLUGIN_NAME)?.api as unknown
  try {
    await server.listen()
    const address = server.httpServer?.address()
    if (typeof address !== 'object' || address === null) throw new Error('the demo server has no address')
    const tokenServer = isPluginApi(api) ? api.tokenServer() : undefined
    if (tokenServer === undefined) throw new Error(`the demo config has no ${PLUGIN_NAME} plugin`)
    return {
      url: `http://127.0.0.1:${address.port}/`,
      containsSecret: (text) => tokenServer.containsSecret(text),
      close: () => server.close(),
    }
  } catch (error) {
    await server.close()
    throw error
  }
}

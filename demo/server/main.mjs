#!/usr/bin/env node
// @ts-check
/**
 * The token server on its own, for apps to copy: `npm run token-server`.
 *
 *   AGORA_APP_ID=... AGORA_APP_CERTIFICATE=... PORT=8080 CORS_ORIGINS=http://127.0.0.1:5173 node demo/server/main.mjs
 *
 * Binds 127.0.0.1 only. `--authorize <module>` checks every caller with the module's
 * `authorize` export (see authorize.mjs and exampleAuthorize.mjs); without one, anyone who can
 * reach the server gets any token, so it must sit behind the app's own authentication.
 * `--demo` also serves the demo page's endpoints (settings, faults, /edge/verify), which a real
 * deployment must not expose. Limits: see standalone.mjs, rateLimit.mjs and demo/README.md.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createStandaloneServer, readLimits } from './standalone.mjs'
import { createTokenServer } from './tokenServer.mjs'

const HOST = '127.0.0.1'
/** The demo page's own origin (`npm run demo`), allowed by default. */
const DEMO_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173']

/**
 * @param {string} message
 * @returns {never}
 */
const fail = (message) => {
  console.error(message)
  process.exit(2)
}

const port = Number(process.env['PORT'] ?? 8080)
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`PORT must be a port number (0 for any free port), got ${process.env['PORT']}`)

/** @returns {Promise<import('./authorize.mjs').Authorize | undefined>} */
async function loadAuthorize() {
  const at = process.argv.indexOf('--authorize')
  if (at === -1) return undefined
  const file = process.argv[at + 1]
  if (file === undefined || file.startsWith('--')) return fail('--authorize needs a module path, e.g. --authorize ./auth.mjs')
  /** @type {{ authorize?: unknown }} */
  const module = await import(pathToFileURL(resolve(file)).href)
  if (typeof module.authorize !== 'function') return fail(`${file} must export a function named authorize: (request) => grant`)
  return /** @type {import('./authorize.mjs').Authorize} */ (module.authorize)
}

/** @type {import('./tokenServer.mjs').TokenServer} */
let tokens
/** @type {import('node:http').Server} */
let server
try {
  const authorize = await loadAuthorize()
  tokens = createTokenServer({ demo: process.argv.includes('--demo'), defaultOrigins: DEMO_ORIGINS, ...(authorize === undefined ? {} : { authorize }) })
  server = createStandaloneServer(tokens, readLimits(process.env))
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}
const { banner } = tokens

server.listen(port, HOST, () => {
  const address = server.address()
  const url = `http://${HOST}:${typeof address === 'object' && address !== null ? address.port : port}`
  const lines = [
    ...banner,
    `  POST ${url}/token/generate   (Agora token service image)`,
    `  POST ${url}/fetch_rtc_token  (Go sample)`,
    ...(tokens.settings === undefined ? [] : [`  demo: GET ${url}/demo/config, GET|POST ${url}/demo/settings, POST ${url}/edge/verify`]),
    // Last, in the same write: whoever waits for this line has the rest too.
    `Token server listening on ${url}`,
  ]
  console.log(lines.join('\n'))
})

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => server.close(() => process.exit(0)))
}

#!/usr/bin/env node
// @ts-check
/**
 * The token server on its own, for apps to copy: `npm run token-server`.
 *
 *   AGORA_APP_ID=... AGORA_APP_CERTIFICATE=... PORT=8080 CORS_ORIGINS=http://127.0.0.1:5173 node demo/server/main.mjs
 *
 * Binds 127.0.0.1 only. `--demo` also serves the demo page's endpoints (settings, faults,
 * /edge/verify), which a real deployment must not expose.
 */
import { createServer } from 'node:http'
import { createTokenServer } from './tokenServer.mjs'

const HOST = '127.0.0.1'
/** The demo page's own origin (`npm run demo`), allowed by default. */
const DEMO_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173']

const port = Number(process.env['PORT'] ?? 8080)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`PORT must be a port number (0 for any free port), got ${process.env['PORT']}`)
  process.exit(2)
}

let tokens
try {
  tokens = createTokenServer({ demo: process.argv.includes('--demo'), defaultOrigins: DEMO_ORIGINS })
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
const { handle, banner } = tokens

const server = createServer((req, res) => {
  // Only local names: a page on another site that rebinds its DNS name to 127.0.0.1 sends
  // its own name as Host, and is refused here.
  const host = (req.headers.host ?? '').replace(/:\d+$/, '')
  if (host !== HOST && host !== 'localhost' && host !== '[::1]') {
    res.writeHead(403, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify({ code: 403, message: `host ${JSON.stringify(host)} is not served here` }))
    return
  }
  handle(req, res)
})

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

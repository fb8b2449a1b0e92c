/**
 * `npm run token-server`: the token server on its own, on Node, with `serveTokens`.
 *
 *   AGORA_APP_ID=... AGORA_APP_CERTIFICATE=... PORT=8080 CORS_ORIGINS=https://app.example npm run token-server
 *
 * Binds 127.0.0.1 only. `--authorize <module>` checks every caller with the module's
 * `authorize` export (see demo/server/exampleAuthorize.ts); without one, anyone who can reach
 * the server gets any token. `REDIS_URL` shares the rate limit with every instance using that
 * Redis. Settings: see tokenServerEnv.ts and demo/README.md. A bad setting stops it at start
 * (exit code 2) with a message that says what to set.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Authorize } from '../authorize.js'
import { createTokenHandler } from '../createTokenHandler.js'
import type { RateLimitStore } from '../rateLimit/RateLimitStore.js'
import { redisRateLimitStore } from '../rateLimit/redisRateLimitStore.js'
import { sampledLog } from '../sampledLog.js'
import { serveTokens } from './serveTokens.js'
import { banner, readTokenServerEnv, withoutCredentials } from './tokenServerEnv.js'

const fail = (message: string): never => {
  console.error(message)
  process.exit(2)
}

async function loadAuthorize(argv: readonly string[]): Promise<Authorize | undefined> {
  const at = argv.indexOf('--authorize')
  if (at === -1) return undefined
  const file = argv[at + 1]
  if (file === undefined || file.startsWith('--')) return fail('--authorize needs a module path, e.g. --authorize ./auth.mjs')
  const module = (await import(pathToFileURL(resolve(file)).href)) as { authorize?: unknown }
  if (typeof module.authorize !== 'function') return fail(`${file} must export a function named authorize: (request) => grant`)
  return module.authorize as Authorize
}

/** A node-redis client on `url`: fails at start if Redis cannot be reached, reconnects for ever after. */
async function connectRedis(url: string): Promise<{ store: RateLimitStore; quit: () => Promise<unknown> }> {
  const { createClient } = await import('redis')
  let connected = false
  const logError = sampledLog((line) => console.error(line), 100)
  const client = createClient({
    url,
    // Fail at once while Redis is away (503), instead of queueing requests until it is back.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(50 * 2 ** retries, 2_000) : cause) },
  })
  // node-redis ends the process on an 'error' nobody listens to.
  client.on('error', (error: Error) => logError(`redis: ${error.message}`))
  try {
    await client.connect()
  } catch (error) {
    return fail(`REDIS_URL: cannot reach Redis at ${withoutCredentials(url)} (${error instanceof Error ? error.message : String(error)})`)
  }
  connected = true
  return { store: redisRateLimitStore({ client }), quit: () => client.close() }
}

let config: ReturnType<typeof readTokenServerEnv>
try {
  config = readTokenServerEnv(process.env)
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}
const authorize = await loadAuthorize(process.argv).catch((error: unknown) => fail(`--authorize: ${error instanceof Error ? error.message : String(error)}`))
const redis = config!.redisUrl === undefined ? undefined : await connectRedis(config!.redisUrl)
const { appId, appCertificate, corsOrigins, rateLimit, logTokens, limits, port } = config!
let running: Awaited<ReturnType<typeof serveTokens>>
try {
  const handle = createTokenHandler({
    appId,
    appCertificate,
    cors: { origins: corsOrigins },
    rateLimit: rateLimit === false ? false : { ...rateLimit, ...(redis === undefined ? {} : { store: redis.store }) },
    logTokens,
    ...(authorize === undefined ? {} : { authorize }),
  })
  running = await serveTokens(handle, { port, ...limits })
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}
const { url } = running!
console.log(
  [
    ...banner(config!, authorize?.name),
    `  POST ${url}/token/generate   (Agora token service image)`,
    `  POST ${url}/fetch_rtc_token  (Go sample)`,
    // Last, in the same write: whoever waits for this line has the rest too.
    `Token server listening on ${url}`,
  ].join('\n'),
)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void running
      .close()
      .then(() => redis?.quit())
      .finally(() => process.exit(0))
  })
}

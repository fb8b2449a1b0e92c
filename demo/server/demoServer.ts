/**
 * What `npm run demo` serves besides the page, as one Node (connect) middleware: the token
 * server (`createTokenHandler` from src/server, the same handler as `npm run token-server`,
 * through its Node adapter) and what only the demo needs:
 * - `GET /demo/config` -> `{appId, simulated}`;
 * - `GET|POST /demo/settings` -> `{tokenLifetimeSec, fault}` (see demoSettings.ts); changes only
 *   from the page's own origin;
 * - `POST /edge/verify` `{token}`: 200 when the signature verifies with this app's certificate,
 *   so the simulated edge in the page checks tokens without the certificate; rate-limited like
 *   the token routes, tokens over 2,047 characters (the SDK's limit) refused before parsing.
 * - the settings' faults and lifetime cap on the token routes.
 *
 * The certificate never leaves this module: not in answers, not in logs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isSessionError } from '../../src/errors.js'
import { verifyToken } from '../../src/accessToken2/verifyToken.js'
import { decodeToken } from '../../src/token/decodeToken.js'
import type { Authorize } from '../../src/server/authorize.js'
import { createTokenHandler, DEFAULT_RATE_LIMIT } from '../../src/server/createTokenHandler.js'
import { nodeListener } from '../../src/server/node/nodeListener.js'
import { bodyReader, sendAnswer as send } from '../../src/server/node/nodeIo.js'
import { parseLogSampling, parseRateLimit, readTokenServerEnv } from '../../src/server/node/tokenServerEnv.js'
import { memoryRateLimitStore } from '../../src/server/rateLimit/memoryRateLimitStore.js'
import { parseJsonBody } from '../../src/server/readJsonBody.js'
import { RequestError } from '../../src/server/RequestError.js'
import { refusal, json } from '../../src/server/respond.js'
import type { TokenAnswer } from '../../src/server/TokenCall.js'
import { RETRY_AFTER_SEC, SLOW_MS, createDemoSettings, type DemoSettings } from './demoSettings.js'

/** A connect middleware: paths that are not the demo's go to `next`. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void

/** The demo's server side. */
export interface DemoServer {
  readonly appId: string
  readonly simulated: boolean
  readonly handle: Middleware
  readonly settings: { get(): DemoSettings }
  /** Whether `text` holds the app certificate (for tests that check it never leaks; the certificate itself is never handed out). */
  containsSecret(text: string): boolean
  /** Lines to print at start. */
  readonly banner: string[]
}

/** Options of {@link createDemoServer}. */
export interface DemoServerOptions {
  /** Where `AGORA_APP_ID`, `AGORA_APP_CERTIFICATE`, `CORS_ORIGINS`, `RATE_LIMIT` and `LOG_TOKENS` are read; default `process.env`. */
  env?: Record<string, string | undefined>
  log?: (line: string) => void
  authorize?: Authorize
}

const TOKEN_PATHS = new Set(['/token/generate', '/fetch_rtc_token'])
const DEMO_PATHS = new Set(['/demo/config', '/demo/settings', '/edge/verify'])
/** The SDK refuses longer tokens; so does the edge check, before it parses anything. */
const MAX_TOKEN_CHARS = 2047

export function createDemoServer(options: DemoServerOptions = {}): DemoServer {
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => console.log(line))
  // The demo page is same-origin: cross-origin callers only when CORS_ORIGINS says so.
  const config = readTokenServerEnv({ CORS_ORIGINS: '', ...env, PORT: undefined })
  const { appId, appCertificate, simulated } = config
  const settings = createDemoSettings()
  const rateLimit = parseRateLimit(env['RATE_LIMIT'])
  const handle = createTokenHandler({
    appId,
    appCertificate,
    cors: { origins: config.corsOrigins },
    rateLimit,
    logTokens: parseLogSampling(env['LOG_TOKENS'], 'all'),
    lifetime: { maxSec: () => settings.get().tokenLifetimeSec },
    log,
    ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
  })
  const tokens = nodeListener(handle)
  const edgeLimit = rateLimit === false ? undefined : { store: memoryRateLimitStore(), limit: rateLimit }

  const verify = (token: string): TokenAnswer => {
    if (token.length > MAX_TOKEN_CHARS) return refusal(400, `the token is ${token.length} characters; the SDK takes at most ${MAX_TOKEN_CHARS}`, Date.now())
    try {
      if (decodeToken(token).appId !== appId) return refusal(401, 'the token is for another app id', Date.now())
    } catch (error) {
      return refusal(400, `not an AccessToken2: ${isSessionError(error) ? error.message : 'unreadable'}`, Date.now())
    }
    try {
      verifyToken(token, appCertificate)
    } catch {
      return refusal(401, "the signature does not verify with this app's certificate", Date.now())
    }
    return json(200, { code: 0, message: 'signature verified' }, Date.now())
  }

  const demoRoute = async (req: IncomingMessage, path: string): Promise<TokenAnswer> => {
    const method = req.method ?? 'GET'
    if (path === '/demo/config') {
      if (method !== 'GET') return refusal(405, 'use GET for /demo/config', Date.now(), { allow: 'GET' })
      return json(200, { appId, simulated }, Date.now())
    }
    if (path === '/demo/settings') {
      if (method === 'GET') return json(200, settings.get(), Date.now())
      if (method !== 'POST') return refusal(405, 'use GET or POST for /demo/settings', Date.now(), { allow: 'GET, POST' })
      // Faults are the page's to set: a browser sends its page's Origin with every POST, and
      // any other client (or another page) is refused.
      const origin = req.headers.origin
      if (origin === undefined || (origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`)) {
        return refusal(403, 'only the demo page itself may change its settings (same-origin POST with an Origin header)', Date.now())
      }
      const before = settings.get()
      const after = settings.update(parseJsonBody(await bodyReader(req)()))
      if (before.fault !== after.fault || before.tokenLifetimeSec !== after.tokenLifetimeSec) {
        log(`demo settings: token lifetime ${after.tokenLifetimeSec} s, fault ${after.fault}`)
      }
      return json(200, after, Date.now())
    }
    // /edge/verify
    if (method !== 'POST') return refusal(405, 'use POST for /edge/verify', Date.now(), { allow: 'POST' })
    if (edgeLimit !== undefined) {
      const waitSec = await edgeLimit.store.take(req.socket.remoteAddress ?? '', edgeLimit.limit)
      if (waitSec > 0) return refusal(429, `too many checks from this client: retry in ${waitSec} s`, Date.now(), { 'retry-after': String(waitSec) })
    }
    const body = parseJsonBody(await bodyReader(req)())
    const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : undefined
    if (typeof token !== 'string' || token === '') return refusal(400, 'the body must be {token: string}', Date.now())
    return verify(token)
  }

  const faulty = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const fault = settings.get().fault
    if (fault === 'down') {
      // No answer at all: the browser's fetch fails as it does for a server that is down.
      req.socket.destroy()
      return true
    }
    if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_MS))
    if (fault === '500') send(req, res, refusal(500, 'simulated failure (demo fault "500")', Date.now()))
    if (fault === '429') {
      send(req, res, refusal(429, `simulated rate limit (demo fault "429"): retry in ${RETRY_AFTER_SEC} s`, Date.now(), { 'retry-after': String(RETRY_AFTER_SEC) }))
    }
    return fault === '500' || fault === '429'
  }

  const middleware: Middleware = (req, res, next) => {
    const path = pathOf(req.url)
    if (path === undefined || (!TOKEN_PATHS.has(path) && !DEMO_PATHS.has(path))) return next()
    if (TOKEN_PATHS.has(path)) {
      if (req.method === 'OPTIONS') return tokens(req, res)
      void faulty(req, res).then((answered) => answered || tokens(req, res))
      return undefined
    }
    demoRoute(req, path).then(
      (answer) => send(req, res, answer),
      (error: unknown) => {
        if (error instanceof RequestError) return send(req, res, refusal(error.status, error.message, Date.now()))
        log(`error on ${path}: ${error instanceof Error ? error.message : String(error)}`)
        return send(req, res, refusal(500, 'internal error: see the demo server log', Date.now()))
      },
    )
    return undefined
  }

  const shortId = `${appId.slice(0, 4)}…${appId.slice(-4)}`
  const banner = simulated
    ? [
        'Simulated mode: AGORA_APP_ID and AGORA_APP_CERTIFICATE are not set, so a throwaway app id',
        `(${shortId}) and certificate were made up for this run. Tokens are well-formed AccessToken2 tokens`,
        "that no Agora project accepts; the demo page's simulated edge checks them. The certificate stays here.",
      ]
    : [`Real credentials: app id ${shortId} from AGORA_APP_ID; the certificate stays on this server.`]
  banner.push(
    rateLimit === false
      ? 'Token requests per client: not limited (RATE_LIMIT=off).'
      : `Token requests per client: ${rateLimit.burst} at once, then ${rateLimit.perSecond} a second (429 with Retry-After)${rateLimit.burst === DEFAULT_RATE_LIMIT.burst && rateLimit.perSecond === DEFAULT_RATE_LIMIT.perSecond ? '' : ' (RATE_LIMIT)'}.`,
  )

  return {
    appId,
    simulated,
    handle: middleware,
    settings,
    containsSecret: (text) => text.toLowerCase().includes(appCertificate.toLowerCase()),
    banner,
  }
}

/** The path of a request target, or `undefined` when it is not one (absolute-form, `//x`, `*`). */
function pathOf(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return undefined
  try {
    return new URL(target, 'http://localhost').pathname
  } catch {
    return undefined
  }
}

// @ts-check
/**
 * A token server on agora-token, as a Node request handler: standalone (main.mjs) or inside
 * Vite's dev and preview servers (vitePlugin.mjs).
 *
 * - `POST /token/generate`: Agora's token service image. `{channelName, uid: string,
 *   tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role: 1|2}}` -> `{code: 0, data: {token}}`
 * - `POST /fetch_rtc_token`: the Go sample in Agora's guide. `{uid, ChannelName, role: 1|2}` -> `{token}`
 *
 * With `demo: true`, also what the demo page needs:
 * - `GET /demo/config` -> `{appId, simulated}`
 * - `GET|POST /demo/settings` -> `{tokenLifetimeSec, fault}` (see demoSettings.mjs)
 * - `POST /edge/verify` `{token}`: 200 when the signature verifies with this app's certificate,
 *   so the simulated edge in the page can check tokens without the certificate.
 *
 * Every refusal is `{code, message}` with a 4xx status, whatever the request: a target that is
 * not a path gets a 400, never an exception. Token requests are rate limited per client (429
 * with `Retry-After`) and, with an `authorize` hook, checked against what the caller may have
 * (401/403) before the body is read. Without a hook anyone who can reach the server gets any
 * token: it must then sit behind the app's own authentication.
 *
 * The certificate never leaves this module: not in answers, not in logs (tokens appear as
 * fingerprints, and per-token lines are sampled: see sampledLog.mjs).
 */
import { createRequire } from 'node:module'
import { checkGrant, grantFor } from './authorize.mjs'
import { checkOrigin, parseOrigins } from './cors.mjs'
import { loadCredentials } from './credentials.mjs'
import { RETRY_AFTER_SEC, SLOW_MS, createDemoSettings } from './demoSettings.mjs'
import { DEFAULT_RATE_LIMIT, createRateLimit } from './rateLimit.mjs'
import { parseLogSampling, sampledLog } from './sampledLog.mjs'
import { RequestError, readFetchRtcToken, readTokenGenerate } from './tokenRequest.mjs'

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./tokenRequest.mjs').TokenOrder} TokenOrder */
/** @typedef {import('./demoSettings.mjs').DemoSettings} DemoSettings */
/** @typedef {import('./authorize.mjs').Authorize} Authorize */
/** @typedef {import('./authorize.mjs').Grant} Grant */
/** @typedef {import('./rateLimit.mjs').RateLimitOptions} RateLimitOptions */
/** @typedef {import('./sampledLog.mjs').LogSampling} LogSampling */

/**
 * The parts of agora-token's AccessToken2 (src/AccessToken2.js, not in its typings) used here.
 * @typedef {object} ParsedToken
 * @property {Buffer} appId the parsed app id's bytes
 * @property {(token: string) => boolean} from_string
 * @property {(appCertificate: string) => boolean} verifySignature
 */

const require = createRequire(import.meta.url)
/** @type {typeof import('agora-token')} */
const agoraToken = require('agora-token')
/** @type {{ AccessToken2: new () => ParsedToken }} */
const accessToken2 = require('agora-token/src/AccessToken2')

/**
 * @typedef {object} TokenServerOptions
 * @property {Record<string, string | undefined>} [env] where `AGORA_APP_ID`, `AGORA_APP_CERTIFICATE`
 *   and `CORS_ORIGINS` are read; default `process.env`
 * @property {boolean} [demo] serve the demo's endpoints and apply its settings; default false
 * @property {readonly string[]} [defaultOrigins] cross-origin callers allowed when `CORS_ORIGINS`
 *   is not set; the server's own origin is always allowed
 * @property {(line: string) => void} [log] default `console.log`
 * @property {Authorize} [authorize] who the caller is and what they may have, asked before each
 *   token (see authorize.mjs); without it every caller gets any token it asks for
 * @property {Omit<RateLimitOptions, 'maxClients'> | false} [rateLimit] token requests per client address;
 *   default `RATE_LIMIT` from `env` (`<burst>/<perSecond>` or `off`), else 20 at once then 2 a second
 * @property {LogSampling} [logTokens] one log line per token: `'all'`, `'none'`, or N (the first
 *   10, then 1 in N); default `LOG_TOKENS` from `env`, else `'all'` with `demo`, 100 without
 */

/**
 * @typedef {object} TokenServer
 * @property {string} appId
 * @property {boolean} simulated
 * @property {readonly string[]} corsOrigins
 * @property {(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void} handle
 *   a Node / connect handler; other paths go to `next`, or get a 404 without it
 * @property {{ get(): DemoSettings } | undefined} settings the demo settings (`demo: true` only)
 * @property {(text: string) => boolean} containsSecret whether `text` holds the app certificate
 *   (for tests that check it never leaks; the certificate itself is never handed out)
 * @property {string[]} banner lines to print at start
 */

const BODY_LIMIT_BYTES = 16 * 1024
const TOKEN_PATHS = new Set(['/token/generate', '/fetch_rtc_token'])
const DEMO_PATHS = new Set(['/demo/config', '/demo/settings', '/edge/verify'])

/**
 * Creates a token server: see the module comment.
 * @param {TokenServerOptions} [options]
 * @returns {TokenServer}
 */
export function createTokenServer(options = {}) {
  const env = options.env ?? process.env
  const demo = options.demo ?? false
  const log = options.log ?? ((line) => console.log(line))
  const { appId, appCertificate, simulated } = loadCredentials(env)
  const corsOrigins = env['CORS_ORIGINS'] === undefined ? [...(options.defaultOrigins ?? [])] : parseOrigins(env['CORS_ORIGINS'])
  const settings = demo ? createDemoSettings() : undefined
  const authorize = options.authorize
  if (authorize !== undefined && typeof authorize !== 'function') throw new Error('authorize must be a function (request) => grant')
  const rateLimitOptions = options.rateLimit ?? parseRateLimit(env['RATE_LIMIT'])
  const limiter = rateLimitOptions === false ? undefined : createRateLimit(rateLimitOptions)
  const logToken = sampledLog(log, options.logTokens ?? parseLogSampling(env['LOG_TOKENS'], demo ? 'all' : 100))
  const logRefusal = sampledLog(log, 100)
  const allowHeaders = authorize === undefined ? 'content-type, accept' : 'content-type, accept, authorization'

  /**
   * @param {TokenOrder} order
   * @param {Grant | undefined} grant
   * @returns {string}
   */
  const issue = (order, grant) => {
    if (grant !== undefined) checkGrant(order, grant)
    const cap = settings?.get().tokenLifetimeSec ?? Infinity
    const tokenExpire = Math.min(order.tokenExpireSec, cap)
    const privilegeExpire = Math.min(order.privilegeExpireSec, cap)
    const { RtcTokenBuilder } = agoraToken
    const token =
      typeof order.uid === 'number'
        ? RtcTokenBuilder.buildTokenWithUid(appId, appCertificate, order.channel, order.uid, order.role, tokenExpire, privilegeExpire)
        : RtcTokenBuilder.buildTokenWithUserAccount(appId, appCertificate, order.channel, order.uid, order.role, tokenExpire, privilegeExpire)
    // agora-token answers '' instead of throwing when its inputs are unusable.
    if (token === '') throw new Error('agora-token built no token (check the app id and certificate format)')
    logToken(
      `token ${fingerprint(token)}  ${order.role === 1 ? 'publisher ' : 'subscriber'}  channel ${JSON.stringify(order.channel)}  ` +
        `uid ${JSON.stringify(order.uid)}  ${tokenExpire} s` +
        (grant?.subject === undefined ? '' : `  for ${JSON.stringify(grant.subject)}`),
    )
    return token
  }

  /**
   * @param {string} token
   * @returns {{ status: number, body: object }}
   */
  const verify = (token) => {
    const parsed = new accessToken2.AccessToken2()
    if (!parsed.from_string(token)) return refusal(400, 'not an AccessToken2: expected "007" and base64 of deflated bytes')
    if (parsed.appId.toString('utf8') !== appId) return refusal(401, 'the token is for another app id')
    if (!parsed.verifySignature(appCertificate)) return refusal(401, "the signature does not verify with this app's certificate")
    return { status: 200, body: { code: 0, message: 'signature verified' } }
  }

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {string} path
   */
  const route = async (req, res, path) => {
    const method = req.method ?? 'GET'
    if (TOKEN_PATHS.has(path)) {
      if (method !== 'POST') return send(res, 405, refusal(405, `use POST for ${path}`).body, { Allow: 'POST, OPTIONS' })
      const fault = settings?.get().fault ?? 'none'
      if (fault === 'down') {
        // No answer at all: the browser's fetch fails as it does for a server that is down.
        req.socket.destroy()
        return undefined
      }
      if (fault === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_MS))
      if (fault === '500') return send(res, 500, refusal(500, 'simulated failure (demo fault "500")').body)
      if (fault === '429') {
        return send(res, 429, refusal(429, `simulated rate limit (demo fault "429"): retry in ${RETRY_AFTER_SEC} s`).body, {
          'Retry-After': String(RETRY_AFTER_SEC),
        })
      }
      const waitSec = limiter?.take(req.socket.remoteAddress ?? 'unknown') ?? 0
      if (waitSec > 0) {
        // Not logged one by one: a client being limited would fill the log.
        req.resume()
        return send(res, 429, refusal(429, `too many token requests from this client: retry in ${waitSec} s`).body, {
          'Retry-After': String(waitSec),
        })
      }
      // Who is asking, before anything else is read.
      const grant = authorize === undefined ? undefined : await grantFor(authorize, req)
      const body = await readJson(req)
      if (path === '/token/generate') return send(res, 200, { code: 0, data: { token: issue(readTokenGenerate(body), grant) } })
      return send(res, 200, { token: issue(readFetchRtcToken(body), grant) })
    }
    if (settings === undefined) return send(res, 404, refusal(404, `no ${path} here`).body)
    if (path === '/demo/config') {
      if (method !== 'GET') return send(res, 405, refusal(405, 'use GET for /demo/config').body, { Allow: 'GET, OPTIONS' })
      return send(res, 200, { appId, simulated })
    }
    if (path === '/demo/settings') {
      if (method === 'GET') return send(res, 200, settings.get())
      if (method !== 'POST') return send(res, 405, refusal(405, 'use GET or POST for /demo/settings').body, { Allow: 'GET, POST, OPTIONS' })
      const before = settings.get()
      const after = settings.update(await readJson(req))
      if (before.fault !== after.fault || before.tokenLifetimeSec !== after.tokenLifetimeSec) {
        log(`demo settings: token lifetime ${after.tokenLifetimeSec} s, fault ${after.fault}`)
      }
      return send(res, 200, after)
    }
    // /edge/verify
    if (method !== 'POST') return send(res, 405, refusal(405, 'use POST for /edge/verify').body, { Allow: 'POST, OPTIONS' })
    const body = await readJson(req)
    const token = typeof body === 'object' && body !== null ? /** @type {{ token?: unknown }} */ (body).token : undefined
    if (typeof token !== 'string' || token === '') return send(res, 400, refusal(400, 'the body must be {token: string}').body)
    const verdict = verify(token)
    return send(res, verdict.status, verdict.body)
  }

  /** @type {TokenServer['handle']} */
  const handle = (req, res, next) => {
    try {
      serve(req, res, next)
    } catch (error) {
      // Nothing a request sends may end the process or reach the host's error page.
      log(`error on a request: ${error instanceof Error ? error.message : String(error)}`)
      send(res, 500, refusal(500, 'internal error: see the token server log').body)
    }
  }

  /** @type {TokenServer['handle']} */
  const serve = (req, res, next) => {
    const path = pathOf(req.url)
    if (path === undefined) {
      // `//`, `http://[`, `*`...: new URL() would throw on some, and none is a path served here.
      req.resume()
      return send(res, 400, refusal(400, 'the request target must be a path such as /token/generate').body)
    }
    if (!TOKEN_PATHS.has(path) && !(demo && DEMO_PATHS.has(path))) {
      if (next !== undefined) return next()
      return send(res, 404, refusal(404, `no ${path} here: POST /token/generate or /fetch_rtc_token`).body)
    }
    const origin = req.headers.origin
    const { allowed, crossOrigin } = checkOrigin(origin, req.headers.host, corsOrigins)
    if (!allowed) {
      logRefusal(`refused a request from origin ${JSON.stringify(origin)}: not in CORS_ORIGINS`)
      return send(res, 403, refusal(403, `origin ${origin} is not allowed: add it to CORS_ORIGINS (comma-separated)`).body)
    }
    if (crossOrigin && origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin)
      res.setHeader('Vary', 'Origin')
      // A hook may read a session cookie: let allowed pages send theirs.
      if (authorize !== undefined) res.setHeader('Access-Control-Allow-Credentials', 'true')
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
      // Authorization only when a hook may read it: advertising a header nothing checks misleads.
      res.setHeader('Access-Control-Allow-Headers', allowHeaders)
      res.setHeader('Access-Control-Max-Age', '600')
      res.statusCode = 204
      res.setHeader('Date', new Date().toUTCString())
      res.end()
      return undefined
    }
    route(req, res, path).catch((/** @type {unknown} */ error) => {
      if (error instanceof RequestError) return send(res, error.status, refusal(error.status, error.message).body)
      log(`error on ${path}: ${error instanceof Error ? error.message : String(error)}`)
      return send(res, 500, refusal(500, 'internal error: see the token server log').body)
    })
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
  banner.push(`Cross-origin callers allowed: ${corsOrigins.length === 0 ? 'none (same origin only)' : corsOrigins.join(', ')}`)
  banner.push(
    authorize === undefined
      ? 'No authorize hook: ANYONE WHO CAN REACH THIS SERVER GETS A TOKEN FOR ANY CHANNEL AND UID. Run it behind your ' +
          "app's own authentication, or give it an authorize hook (--authorize <module>, see demo/README.md)."
      : `Callers are checked by authorize()${authorize.name === '' ? '' : ` (${authorize.name})`} before each token.`,
  )
  banner.push(
    rateLimitOptions === false
      ? 'Token requests per client: not limited (RATE_LIMIT=off).'
      : `Token requests per client: ${rateLimitOptions.burst} at once, then ${rateLimitOptions.perSecond} a second (429 with Retry-After).`,
  )

  return {
    appId,
    simulated,
    corsOrigins,
    handle,
    settings,
    containsSecret: (text) => text.toLowerCase().includes(appCertificate.toLowerCase()),
    banner,
  }
}

/**
 * The path of a request target, or `undefined` when it is not one (absolute-form, `//x`, `*`).
 * @param {string | undefined} target
 * @returns {string | undefined}
 */
function pathOf(target) {
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return undefined
  try {
    return new URL(target, 'http://localhost').pathname
  } catch {
    return undefined
  }
}

/**
 * `RATE_LIMIT`: `<burst>/<perSecond>` (`20/2`), `off`, or unset for the default.
 * @param {string | undefined} text
 * @returns {{ burst: number, perSecond: number } | false}
 */
export function parseRateLimit(text) {
  if (text === undefined || text.trim() === '') return DEFAULT_RATE_LIMIT
  if (text.trim() === 'off') return false
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text)
  const burst = Number(match?.[1])
  const perSecond = Number(match?.[2])
  if (match === null || burst < 1 || !(perSecond > 0)) {
    throw new Error(`RATE_LIMIT must be <burst>/<per second> such as 20/2, or off; got ${JSON.stringify(text)}`)
  }
  return { burst, perSecond }
}

/**
 * @param {number} status
 * @param {string} message
 * @returns {{ status: number, body: { code: number, message: string } }}
 */
function refusal(status, message) {
  return { status, body: { code: status, message } }
}

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return undefined
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Cache-Control', 'no-store')
  // The library carries token deadlines to the local clock with Date, and honours Retry-After;
  // a browser hides both from a cross-origin page unless they are exposed.
  res.setHeader('Date', new Date().toUTCString())
  res.setHeader('Access-Control-Expose-Headers', 'Date, Retry-After')
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.end(JSON.stringify(body))
  return undefined
}

/**
 * @param {IncomingMessage} req
 * @returns {Promise<unknown>}
 */
async function readJson(req) {
  /** @type {Buffer[]} */
  const chunks = []
  let size = 0
  try {
    for await (const chunk of req) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
      size += buffer.length
      if (size > BODY_LIMIT_BYTES) throw new RequestError(413, `the body is larger than ${BODY_LIMIT_BYTES} bytes`)
      chunks.push(buffer)
    }
  } catch (error) {
    if (error instanceof RequestError) throw error
    // The client went away, or sent less than its Content-Length: its fault, not ours.
    throw new RequestError(400, 'the body did not arrive whole')
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') throw new RequestError(400, 'the body is empty: send JSON')
  try {
    return JSON.parse(text)
  } catch {
    throw new RequestError(400, 'the body is not JSON')
  }
}

/**
 * The library's fingerprint (FNV-1a, `tok:` + 8 hex digits), so server logs and the page's
 * event log name tokens the same way without ever showing one.
 * @param {string} token
 */
function fingerprint(token) {
  let hash = 0x811c9dc5
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return `tok:${(hash >>> 0).toString(16).padStart(8, '0')}`
}

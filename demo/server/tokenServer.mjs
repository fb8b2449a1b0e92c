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
 * Every refusal is `{code, message}` with a 4xx status. The certificate never leaves this module:
 * not in answers, not in logs.
 */
import { createRequire } from 'node:module'
import { checkOrigin, parseOrigins } from './cors.mjs'
import { loadCredentials } from './credentials.mjs'
import { RETRY_AFTER_SEC, SLOW_MS, createDemoSettings } from './demoSettings.mjs'
import { RequestError, readFetchRtcToken, readTokenGenerate } from './tokenRequest.mjs'

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('./tokenRequest.mjs').TokenOrder} TokenOrder */
/** @typedef {import('./demoSettings.mjs').DemoSettings} DemoSettings */

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

  /**
   * @param {TokenOrder} order
   * @returns {string}
   */
  const issue = (order) => {
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
    log(
      `token ${fingerprint(token)}  ${order.role === 1 ? 'publisher ' : 'subscriber'}  channel ${JSON.stringify(order.channel)}  ` +
        `uid ${JSON.stringify(order.uid)}  ${tokenExpire} s`,
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
      const body = await readJson(req)
      if (path === '/token/generate') return send(res, 200, { code: 0, data: { token: issue(readTokenGenerate(body)) } })
      return send(res, 200, { token: issue(readFetchRtcToken(body)) })
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
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (!TOKEN_PATHS.has(path) && !(demo && DEMO_PATHS.has(path))) {
      if (next !== undefined) return next()
      return send(res, 404, refusal(404, `no ${path} here: POST /token/generate or /fetch_rtc_token`).body)
    }
    const origin = req.headers.origin
    const { allowed, crossOrigin } = checkOrigin(origin, req.headers.host, corsOrigins)
    if (!allowed) {
      log(`refused a request from origin ${origin}: not in CORS_ORIGINS`)
      return send(res, 403, refusal(403, `origin ${origin} is not allowed: add it to CORS_ORIGINS (comma-separated)`).body)
    }
    if (crossOrigin && origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin)
      res.setHeader('Vary', 'Origin')
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
      res.setHeader('Access-Control-Allow-Headers', 'content-type, accept, authorization')
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
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += buffer.length
    if (size > BODY_LIMIT_BYTES) throw new RequestError(413, `the body is larger than ${BODY_LIMIT_BYTES} bytes`)
    chunks.push(buffer)
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

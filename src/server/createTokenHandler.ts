import { checkGrant, grantFor, type Grant } from './authorize.js'
import { checkOrigin, normaliseOrigins } from './cors.js'
import { tokenIssuer } from './issueToken.js'
import { memoryRateLimitStore } from './rateLimit/memoryRateLimitStore.js'
import type { RateLimit, RateLimitStore } from './rateLimit/RateLimitStore.js'
import { parseJsonBody, readBodyText } from './readJsonBody.js'
import { RequestError } from './RequestError.js'
import { json, refusal, toResponse } from './respond.js'
import { sampledLog } from './sampledLog.js'
import { answerCall, type CallAnswering, type TokenAnswer, type TokenCall } from './TokenCall.js'
import { readFetchRtcToken, readTokenGenerate, type TokenOrder } from './tokenOrder.js'
import type { TokenHandler, TokenHandlerOptions } from './TokenHandlerOptions.js'

/** Today's limits: 20 requests at once, then 2 a second, per client. */
export const DEFAULT_RATE_LIMIT: Readonly<RateLimit> = Object.freeze({ burst: 20, perSecond: 2 })
/** The routes and how each reads its body. */
const ROUTES: ReadonlyMap<string, { read: (body: unknown) => TokenOrder; answer: (token: string) => unknown }> = new Map([
  // Agora's token service image.
  ['/token/generate', { read: readTokenGenerate, answer: (token: string) => ({ code: 0, data: { token } }) }],
  // The Go sample in Agora's guide.
  ['/fetch_rtc_token', { read: readFetchRtcToken, answer: (token: string) => ({ token }) }],
])
const HEX32 = /^[0-9a-f]{32}$/i

/**
 * The token server as one Web-standard handler, `(request, client?) => Promise<Response>`, for
 * any runtime: Node (`serveTokens` from `agora-rtc-session/server/node`), Bun, Deno, Cloudflare
 * Workers. It uses no `node:` module, no `Buffer` and no `process`.
 *
 * - `POST /token/generate`: Agora's token service image. `{channelName, uid: string,
 *   tokenExpireTs, privilegeExpireTs, serviceRtc: {enable: true, role: 1|2}}` (lifetimes in
 *   seconds from now) -> `{code: 0, data: {token}}`;
 * - `POST /fetch_rtc_token`: the Go sample in Agora's guide. `{uid, ChannelName, role: 1|2}` -> `{token}`;
 * - `OPTIONS`: the CORS preflight.
 *
 * In order: the CORS check (403), the rate limit per client (429 with `Retry-After`; 503 when
 * the store cannot answer), `authorize` (401/403), the body (16 KB, 413; JSON, 400), the request
 * checked by the rule the library applies before it asks (400), the grant (403). Every refusal
 * is `{code, message}` with that status. Tokens come from the project's own AccessToken2 builder
 * (synchronous, the same bytes on every runtime) and appear in the log as fingerprints only;
 * the certificate never appears in an answer or a log line.
 *
 * @example
 * ```ts
 * const handle = createTokenHandler({
 *   appId, appCertificate,
 *   authorize: bearerAuthorize(async (token) => {
 *     const user = await sessions.find(token) // undefined: 401
 *     return user && { subject: user.id, uid: user.id, channels: [`team-${user.team}-*`] }
 *   }),
 * })
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  const { appId, appCertificate, authorize, clientKey } = checkOptions(options)
  const log = options.log ?? ((line: string) => console.log(line))
  const now = options.now ?? (() => Date.now())
  const corsOrigins = normaliseOrigins(options.cors?.origins ?? [], 'cors.origins')
  const limit = rateLimitOf(options.rateLimit)
  const store: RateLimitStore | undefined = limit === undefined ? undefined : limit.store ?? memoryRateLimitStore()
  const logRefusal = sampledLog(log, 100)
  const maxSec = options.lifetime?.maxSec ?? 86_400
  const issue = tokenIssuer({
    appId,
    appCertificate,
    defaultSec: lifetimeOf(options.lifetime?.defaultSec, 3_600, 'lifetime.defaultSec'),
    maxSec: typeof maxSec === 'function' ? maxSec : ((cap) => () => cap)(lifetimeOf(maxSec, 86_400, 'lifetime.maxSec')),
    now,
    random: options.random ?? (() => Math.random()),
    logToken: sampledLog(log, options.logTokens ?? 100),
  })
  // Authorization only when a hook may read it: advertising a header nothing checks misleads.
  const allowHeaders = authorize === undefined ? 'content-type, accept' : 'content-type, accept, authorization'

  const serve = async (call: TokenCall, cors: Record<string, string>): Promise<TokenAnswer> => {
    const { url } = call
    const route = ROUTES.get(url.pathname)!
    if (call.method !== 'POST') return refusal(405, `use POST for ${url.pathname}`, now(), { ...cors, allow: 'POST, OPTIONS' })
    if (limit !== undefined && store !== undefined) {
      const key = clientKey === undefined ? call.client.address : clientKey(call.request(), call.client)
      if (key === undefined || key === '') {
        throw new Error('no client address to rate-limit by: pass it as handle(request, { address }) (see the README for each runtime), set clientKey, or set rateLimit: false')
      }
      let waitSec: number
      try {
        waitSec = await store.take(key, limit)
      } catch (error) {
        logRefusal(`rate-limit store failed: ${messageOf(error)}`)
        return refusal(503, 'the rate-limit store is unavailable: retry shortly', now(), { ...cors, 'retry-after': '1' })
      }
      // Not logged one by one: a client being limited would fill the log.
      if (waitSec > 0) return refusal(429, `too many token requests from this client: retry in ${waitSec} s`, now(), { ...cors, 'retry-after': String(waitSec) })
    }
    // Who is asking, before the body is read.
    const grant: Grant | undefined = authorize === undefined ? undefined : await grantFor(authorize, call.request())
    const order = route.read(parseJsonBody(await call.text()))
    if (grant !== undefined) checkGrant(order, grant)
    return json(200, route.answer(issue(order, grant)), now(), cors)
  }

  const answer = async (call: TokenCall): Promise<TokenAnswer> => {
    const { url } = call
    if (!ROUTES.has(url.pathname)) return refusal(404, `no ${url.pathname.slice(0, 100)} here: POST /token/generate or /fetch_rtc_token`, now())
    const origin = call.header('origin')
    const { allowed, crossOrigin } = checkOrigin(origin, url, corsOrigins)
    if (!allowed) {
      logRefusal(`refused a request from origin ${JSON.stringify(origin?.slice(0, 100))}: not in the allowed origins`)
      return refusal(403, `origin ${origin?.slice(0, 100)} is not allowed: add it to the token server's allowed origins (CORS_ORIGINS)`, now())
    }
    // A hook may read a session cookie: let allowed pages send theirs.
    const cors: Record<string, string> =
      crossOrigin && origin !== null
        ? { 'access-control-allow-origin': origin, vary: 'Origin', ...(authorize === undefined ? {} : { 'access-control-allow-credentials': 'true' }) }
        : {}
    if (call.method === 'OPTIONS') {
      return {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': allowHeaders,
          'access-control-max-age': '600',
          date: new Date(now()).toUTCString(),
        },
        body: null,
      }
    }
    try {
      return await serve(call, cors)
    } catch (error) {
      if (error instanceof RequestError) return refusal(error.status, error.message, now(), { ...cors, ...error.headers })
      // Nothing a request sends may end the server; the message goes to the log, not the caller.
      log(`error on ${url.pathname}: ${messageOf(error)}`)
      return refusal(500, 'internal error: see the token server log', now(), cors)
    }
  }

  const handle: TokenHandler & CallAnswering = async (request, client = {}) => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return toResponse(refusal(400, 'the request target must be a path such as /token/generate', now()))
    }
    const call: TokenCall = {
      method: request.method,
      url,
      header: (name) => request.headers.get(name),
      text: () => readBodyText(request),
      request: () => request,
      client,
    }
    return toResponse(await answer(call))
  }
  Object.defineProperty(handle, answerCall, { value: answer })
  return handle
}

function checkOptions(options: TokenHandlerOptions): TokenHandlerOptions {
  if (typeof options !== 'object' || options === null) throw new Error('createTokenHandler: options must be an object {appId, appCertificate, ...}')
  // The certificate's value never goes into a message: only whether it has the right shape.
  if (typeof options.appId !== 'string' || !HEX32.test(options.appId)) throw new Error('createTokenHandler: appId must be 32 hex digits, as shown in Agora Console')
  if (typeof options.appCertificate !== 'string' || !HEX32.test(options.appCertificate)) {
    throw new Error('createTokenHandler: appCertificate must be 32 hex digits, as shown in Agora Console')
  }
  if (options.authorize !== undefined && typeof options.authorize !== 'function') throw new Error('createTokenHandler: authorize must be a function (request) => grant')
  if (options.clientKey !== undefined && typeof options.clientKey !== 'function') throw new Error('createTokenHandler: clientKey must be a function (request, client) => key')
  return options
}

function rateLimitOf(option: TokenHandlerOptions['rateLimit']): (RateLimit & { store?: RateLimitStore }) | undefined {
  if (option === false) return undefined
  const burst = option?.burst ?? DEFAULT_RATE_LIMIT.burst
  const perSecond = option?.perSecond ?? DEFAULT_RATE_LIMIT.perSecond
  if (!(Number.isFinite(burst) && burst >= 1 && Number.isFinite(perSecond) && perSecond > 0)) {
    throw new Error(`createTokenHandler: rateLimit.burst must be at least 1 and perSecond above 0, got ${burst} and ${perSecond}`)
  }
  return { burst, perSecond, ...(option?.store === undefined ? {} : { store: option.store }) }
}

function lifetimeOf(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (!(Number.isInteger(value) && value >= 1 && value <= 86_400)) throw new Error(`createTokenHandler: ${name} must be a whole number of seconds from 1 to 86400, got ${value}`)
  return value
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

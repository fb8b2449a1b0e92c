import type { LogSampling } from '../sampledLog.js'
import { DEFAULT_RATE_LIMIT } from '../createTokenHandler.js'
import type { NodeServerLimits } from './connectionLimits.js'

/** What `npm run token-server` reads from its environment. */
export interface TokenServerEnv {
  appId: string
  appCertificate: string
  /** Made up at start: no Agora project behind them. */
  simulated: boolean
  corsOrigins: string[]
  rateLimit: { burst: number; perSecond: number } | false
  logTokens: LogSampling
  limits: Partial<NodeServerLimits>
  port: number
  /** `REDIS_URL`, when set. */
  redisUrl: string | undefined
}

const HEX32 = /^[0-9a-f]{32}$/i
/** The demo page's own origins (`npm run demo`), allowed when `CORS_ORIGINS` is not set. */
const DEMO_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173']
const LIMIT_NAMES: [keyof NodeServerLimits, string][] = [
  ['headersTimeoutMs', 'HEADERS_TIMEOUT_MS'],
  ['requestTimeoutMs', 'REQUEST_TIMEOUT_MS'],
  ['keepAliveTimeoutMs', 'KEEP_ALIVE_TIMEOUT_MS'],
  ['maxConnections', 'MAX_CONNECTIONS'],
  ['maxConnectionsPerClient', 'MAX_CONNECTIONS_PER_CLIENT'],
]

/**
 * The token server's settings from `env`; throws with a message that says what to set (and
 * never holds the certificate's value). `AGORA_APP_ID` and `AGORA_APP_CERTIFICATE`, both or
 * neither (simulated mode: a throwaway pair made up for this process); `CORS_ORIGINS`
 * (comma-separated); `RATE_LIMIT` (`<burst>/<perSecond>` or `off`); `LOG_TOKENS`; the limits;
 * `PORT`; `REDIS_URL`.
 */
export function readTokenServerEnv(env: Record<string, string | undefined>): TokenServerEnv {
  const appId = env['AGORA_APP_ID']?.trim() ?? ''
  const appCertificate = env['AGORA_APP_CERTIFICATE']?.trim() ?? ''
  let simulated = false
  let credentials = { appId, appCertificate }
  if (appId === '' && appCertificate === '') {
    simulated = true
    credentials = { appId: randomHex(), appCertificate: randomHex() }
  } else if (appId === '' || appCertificate === '') {
    throw new Error(
      `${appId === '' ? 'AGORA_APP_ID' : 'AGORA_APP_CERTIFICATE'} is not set but ${appId === '' ? 'AGORA_APP_CERTIFICATE' : 'AGORA_APP_ID'} is: ` +
        'set both (Agora Console > your project) for real tokens, or neither for simulated mode',
    )
  } else {
    if (!HEX32.test(appId)) throw new Error('AGORA_APP_ID must be 32 hex digits, as shown in Agora Console')
    if (!HEX32.test(appCertificate)) throw new Error('AGORA_APP_CERTIFICATE must be 32 hex digits, as shown in Agora Console')
  }
  const port = Number(env['PORT'] ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number (0 for any free port), got ${JSON.stringify(env['PORT'])}`)
  const redisUrl = env['REDIS_URL']?.trim()
  return {
    ...credentials,
    simulated,
    corsOrigins: env['CORS_ORIGINS'] === undefined ? [...DEMO_ORIGINS] : parseOrigins(env['CORS_ORIGINS']),
    rateLimit: parseRateLimit(env['RATE_LIMIT']),
    logTokens: parseLogSampling(env['LOG_TOKENS'], 100),
    limits: readLimits(env),
    port,
    redisUrl: redisUrl === undefined || redisUrl === '' ? undefined : redisUrl,
  }
}

/** The lines `npm run token-server` prints at start: where its credentials come from and what it lets through. */
export function banner(config: TokenServerEnv, authorizeName: string | undefined): string[] {
  const shortId = `${config.appId.slice(0, 4)}…${config.appId.slice(-4)}`
  const lines = config.simulated
    ? [
        'Simulated mode: AGORA_APP_ID and AGORA_APP_CERTIFICATE are not set, so a throwaway app id',
        `(${shortId}) and certificate were made up for this run. Tokens are well-formed AccessToken2 tokens`,
        "that no Agora project accepts; the demo page's simulated edge checks them. The certificate stays here.",
      ]
    : [`Real credentials: app id ${shortId} from AGORA_APP_ID; the certificate stays on this server.`]
  lines.push(`Cross-origin callers allowed: ${config.corsOrigins.length === 0 ? 'none (same origin only)' : config.corsOrigins.join(', ')}`)
  lines.push(
    authorizeName === undefined
      ? 'No authorize hook: ANYONE WHO CAN REACH THIS SERVER GETS A TOKEN FOR ANY CHANNEL AND UID. Run it behind your ' +
          "app's own authentication, or give it an authorize hook (--authorize <module>, see demo/README.md)."
      : `Callers are checked by authorize()${authorizeName === '' ? '' : ` (${authorizeName})`} before each token.`,
  )
  lines.push(
    config.rateLimit === false
      ? 'Token requests per client: not limited (RATE_LIMIT=off).'
      : `Token requests per client: ${config.rateLimit.burst} at once, then ${config.rateLimit.perSecond} a second (429 with Retry-After)` +
          (config.redisUrl === undefined ? ', counted in this process.' : `, counted in Redis at ${withoutCredentials(config.redisUrl)} (REDIS_URL), shared by every instance using it.`),
  )
  return lines
}

/** `RATE_LIMIT`: `<burst>/<perSecond>` (`20/2`), `off`, or unset for the default. */
export function parseRateLimit(text: string | undefined): { burst: number; perSecond: number } | false {
  if (text === undefined || text.trim() === '') return { ...DEFAULT_RATE_LIMIT }
  if (text.trim() === 'off') return false
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text)
  const burst = Number(match?.[1])
  const perSecond = Number(match?.[2])
  if (match === null || burst < 1 || !(perSecond > 0)) {
    throw new Error(`RATE_LIMIT must be <burst>/<per second> such as 20/2, or off; got ${JSON.stringify(text)}`)
  }
  return { burst, perSecond }
}

/** `LOG_TOKENS`: `all`, `none`, or a number; `fallback` when unset. */
export function parseLogSampling(text: string | undefined, fallback: LogSampling): LogSampling {
  if (text === undefined || text.trim() === '') return fallback
  const value = text.trim()
  if (value === 'all' || value === 'none') return value
  const n = Number(value)
  if (Number.isInteger(n) && n >= 1) return n
  throw new Error(`LOG_TOKENS must be all, none or a whole number N (1 line in N), got ${JSON.stringify(text)}`)
}

function parseOrigins(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let origin = 'null'
      try {
        origin = new URL(entry).origin
      } catch {
        // reported below
      }
      if (origin === 'null') throw new Error(`CORS_ORIGINS: ${JSON.stringify(entry)} is not an origin such as http://127.0.0.1:5173`)
      return origin
    })
}

function readLimits(env: Record<string, string | undefined>): Partial<NodeServerLimits> {
  const limits: Partial<NodeServerLimits> = {}
  for (const [key, name] of LIMIT_NAMES) {
    const text = env[name]
    if (text === undefined || text.trim() === '') continue
    const value = Number(text)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of 1 or more, got ${JSON.stringify(text)}`)
    limits[key] = value
  }
  return limits
}

function randomHex(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A URL for a log line: without a user or password. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.href
  } catch {
    return '(REDIS_URL, not a URL)'
  }
}

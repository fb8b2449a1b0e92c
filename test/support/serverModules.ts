import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/*
 * The token server (demo/server/*.mjs) is plain JavaScript that `node` runs without a build; the
 * root tsconfig does not check JavaScript, so its modules are loaded here by URL and typed by
 * the part the tests use (demo/tsconfig.json checks the modules themselves).
 */

export interface Grant {
  subject?: string
  uid?: number | string
  channels?: readonly string[]
  role?: 'publisher' | 'subscriber'
}
export type Verdict = Grant | { refuse: 401 | 403; message?: string } | null | undefined
export type Authorize = (request: IncomingMessage) => Verdict | Promise<Verdict>

export interface TokenServerOptions {
  env?: Record<string, string | undefined>
  demo?: boolean
  defaultOrigins?: readonly string[]
  log?: (line: string) => void
  authorize?: Authorize
  rateLimit?: { burst: number; perSecond: number; now?: () => number } | false
  logTokens?: 'all' | 'none' | number
}

export interface TokenServer {
  appId: string
  handle(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void
  containsSecret(text: string): boolean
  banner: string[]
}

export interface ServerLimits {
  headersTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
  maxConnections: number
}

interface Modules {
  tokenServer: { createTokenServer(options?: TokenServerOptions): TokenServer }
  standalone: { createStandaloneServer(tokens: Pick<TokenServer, 'handle'>, limits?: Partial<ServerLimits>): Server; DEFAULT_LIMITS: ServerLimits }
  tokenRequest: { readTokenGenerate(body: unknown): unknown; readFetchRtcToken(body: unknown): unknown }
  agoraNames: { matchesPattern(pattern: string, value: string): boolean }
  exampleAuthorize: {
    bearerAuthorize(lookup: (token: string) => Grant | undefined): Authorize
    sessionCookieAuthorize(name: string, lookup: (id: string) => Grant | undefined): Authorize
  }
}

const load = async <K extends keyof Modules>(name: K): Promise<Modules[K]> =>
  (await import(/* @vite-ignore */ new URL(`../../demo/server/${name}.mjs`, import.meta.url).href)) as Modules[K]

/** The token server's modules, loaded from demo/server. */
export async function serverModules(): Promise<Modules> {
  return {
    tokenServer: await load('tokenServer'),
    standalone: await load('standalone'),
    tokenRequest: await load('tokenRequest'),
    agoraNames: await load('agoraNames'),
    exampleAuthorize: await load('exampleAuthorize'),
  }
}

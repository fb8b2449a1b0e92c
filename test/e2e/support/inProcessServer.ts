import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serverModules, type ServerLimits, type TokenServer, type TokenServerOptions } from '../../support/serverModules'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

/** The standalone token server (demo/server/standalone.mjs) in this process, on 127.0.0.1. */
export interface InProcessServer {
  readonly url: string
  readonly tokens: TokenServer
  /** Every line it logged. */
  readonly lines: string[]
  close(): Promise<void>
}

/** Starts it with the test credentials, `options` and `limits` (both over the defaults). */
export async function startInProcess(options: TokenServerOptions = {}, limits: Partial<ServerLimits> = {}): Promise<InProcessServer> {
  const { tokenServer, standalone } = await serverModules()
  const lines: string[] = []
  const tokens = tokenServer.createTokenServer({
    env: { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE },
    log: (line) => lines.push(line),
    ...options,
  })
  const server = standalone.createStandaloneServer(tokens, limits)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokens,
    lines,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** An answer of {@link post}. */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  json: Record<string, unknown>
}

/**
 * One request on its own connection (no keep-alive pool, so connection limits see exactly the
 * sockets a test opens): JSON `body` POSTed, or a bodiless `method`.
 */
export function post(url: string, body?: unknown, headers: Record<string, string> = {}, method = body === undefined ? 'GET' : 'POST'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const req = request(url, { method, agent: false, headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers } }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (data += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: data === '' ? {} : (JSON.parse(data) as Record<string, unknown>) }))
    })
    req.on('error', reject)
    req.end(text)
  })
}

/** The body of `POST /token/generate` for a channel, uid and role (1 publisher, 2 subscriber). */
export const generateBody = (channelName = 'lobby', uid = '42', role: 1 | 2 = 1) => ({
  channelName,
  uid,
  tokenExpireTs: 600,
  privilegeExpireTs: 600,
  serviceRtc: { enable: true, role },
})

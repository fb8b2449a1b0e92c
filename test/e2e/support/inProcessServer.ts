import { request } from 'node:http'
import { createTokenHandler } from '../../../src/server/createTokenHandler'
import { serveTokens, type RunningTokenServer, type ServeTokensOptions } from '../../../src/server/node/serveTokens'
import type { TokenHandlerOptions } from '../../../src/server/TokenHandlerOptions'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

/** `serveTokens(createTokenHandler(...))` in this process, on 127.0.0.1. */
export interface InProcessServer {
  readonly url: string
  readonly running: RunningTokenServer
  /** Every line it logged. */
  readonly lines: string[]
  close(): Promise<void>
}

/** Starts it with the test credentials, `options` and `limits` (both over the defaults). */
export async function startInProcess(options: Partial<TokenHandlerOptions> = {}, limits: ServeTokensOptions = {}): Promise<InProcessServer> {
  const lines: string[] = []
  const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, log: (line) => lines.push(line), ...options })
  const running = await serveTokens(handle, { port: 0, ...limits })
  return { url: running.url, running, lines, close: () => running.close() }
}

/** An answer of {@link post}. */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  json: Record<string, unknown>
}

/**
 * One request on its own connection (no keep-alive pool, so connection limits see exactly the
 * sockets a test opens): JSON `body` POSTed, or a bodiless `method`. `localAddress` picks the
 * client's address (any of 127.0.0.0/8), so one machine can be several clients.
 */
export function post(
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  method = body === undefined ? 'GET' : 'POST',
  localAddress?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const req = request(
      url,
      { method, agent: false, ...(localAddress === undefined ? {} : { localAddress }), headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers } },
      (res) => {
        let data = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (data += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: data === '' ? {} : (JSON.parse(data) as Record<string, unknown>) }))
      },
    )
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

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach } from 'vitest'

/** Answers one request: what a hostile (or honest) token server does with it. */
export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void

/** A real HTTP server on a free 127.0.0.1 port whose answers a test sets through `handler`. */
export interface Host {
  server: Server
  origin: string
  handler: Handler
  /** `METHOD path body` of every request it received. */
  received: string[]
}

/** A host not listening yet. */
function newHost(): Host {
  const host: Host = {
    server: createServer(),
    origin: '',
    handler: refuse,
    received: [],
  }
  host.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      host.received.push(`${req.method} ${req.url} ${body}`.trim())
      host.handler(req, body, res)
    })
  })
  return host
}

async function listen(host: Host): Promise<Host> {
  await new Promise<void>((resolve) => host.server.listen(0, '127.0.0.1', resolve))
  host.origin = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`
  return host
}

const refuse: Handler = (_req, _body, res) => void res.writeHead(500).end()

export function startHost(): Promise<Host> {
  return listen(newHost())
}

/**
 * The host of a test file: listening before its tests, stopped after them; before each test
 * `received` is emptied and `handler` is `initial` again.
 */
export function hostForTests(initial: Handler = refuse): Host {
  const host = newHost()
  beforeAll(() => listen(host))
  afterAll(() => stopHost(host))
  beforeEach(() => {
    host.received = []
    host.handler = initial
  })
  return host
}

export async function stopHost(host: Host): Promise<void> {
  host.server.closeAllConnections()
  await new Promise<void>((resolve) => host.server.close(() => resolve()))
}

/** Answers `body` as JSON with `status`. */
export const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
}

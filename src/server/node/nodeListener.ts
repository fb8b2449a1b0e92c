import type { IncomingMessage, ServerResponse } from 'node:http'
import { RequestError } from '../RequestError.js'
import { refusal } from '../respond.js'
import { answerCall, type CallAnswering, type TokenAnswer, type TokenCall } from '../TokenCall.js'
import type { TokenHandler } from '../TokenHandlerOptions.js'
import { bodyReader, sendAnswer as send } from './nodeIo.js'

/**
 * A Node `request` listener (or connect middleware) that answers with `handle`: the client's
 * address is the socket's. A handler from `createTokenHandler` is called without building a
 * `Request` or `Response` (they cost more than the token on Node 20; a `Request` is made only
 * if `authorize` or `clientKey` asks for one); any other fetch handler gets real ones.
 *
 * A request target that is not a path (`http://[`, `//x`, `*`) gets a 400 here, before anything
 * parses it: connect and Vite would otherwise throw on it.
 */
export function nodeListener(handle: TokenHandler): (req: IncomingMessage, res: ServerResponse) => void {
  const core = (handle as TokenHandler & CallAnswering)[answerCall]
  return (req, res) => {
    answerNode(req, res, handle, core).catch(() => {
      // Nothing a request sends may end the process (createTokenHandler answers its own errors;
      // this is for any other handler, whose message stays out of the answer).
      send(req, res, refusal(500, 'internal error', Date.now()))
    })
  }
}

async function answerNode(req: IncomingMessage, res: ServerResponse, handle: TokenHandler, core: ((call: TokenCall) => Promise<TokenAnswer>) | undefined): Promise<void> {
  const url = urlOf(req)
  if (url === undefined) {
    req.resume()
    return send(req, res, refusal(400, 'the request target must be a path such as /token/generate', Date.now()))
  }
  const client = { address: req.socket.remoteAddress }
  const method = req.method ?? 'GET'
  const text = bodyReader(req)
  if (core !== undefined) {
    let made: Request | undefined
    const call: TokenCall = {
      method,
      url,
      header: (name) => headerOf(req, name),
      text,
      // For hooks, which read headers and cookies: the body is the handler's (text()).
      request: () => (made ??= new Request(url, { method, headers: headersOf(req) })),
      client,
    }
    return send(req, res, await core(call))
  }
  let body: string | undefined
  if (method !== 'GET' && method !== 'HEAD') {
    try {
      body = await text()
    } catch (error) {
      if (error instanceof RequestError) return send(req, res, refusal(error.status, error.message, Date.now()))
      throw error
    }
  }
  const response = await handle(new Request(url, { method, headers: headersOf(req), ...(body === undefined ? {} : { body }) }), client)
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => (headers[name] = value))
  send(req, res, { status: response.status, headers, body: method === 'HEAD' ? null : await response.text() })
}

/** The request's URL, or `undefined` when its target is not a path (absolute-form, `//x`, `*`). */
function urlOf(req: IncomingMessage): URL | undefined {
  const target = req.url
  if (target === undefined || !target.startsWith('/') || target.startsWith('//')) return undefined
  // The Host header names the origin the page saw (for the same-origin check); a client that
  // sends a wrong one only misleads that check about itself.
  for (const host of [req.headers.host, `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`]) {
    if (host === undefined) continue
    try {
      return new URL(target, `http://${host}`)
    } catch {
      // the next one
    }
  }
  return undefined
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name]
  if (value === undefined) return null
  return Array.isArray(value) ? value.join(', ') : value
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers()
  const raw = req.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!)
    } catch {
      // A value Node's parser let through but Headers refuses: not one a hook can need.
    }
  }
  return headers
}

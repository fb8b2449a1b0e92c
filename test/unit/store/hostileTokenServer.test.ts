// @vitest-environment node
// httpTokenSource against token servers that misbehave on purpose, on real sockets (127.0.0.1)
// with Node's own fetch: errors that must not carry secrets (issue 12, item 4), answers that
// must not be read whole (item 5), redirects that must not be followed (item 6).
import type { ServerResponse } from 'node:http'
import { inspect } from 'node:util'
import { isHTTPError, isTimeoutError } from 'ky'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { SessionError } from '../../../src/errors'
import { httpTokenSource, type HttpTokenSourceOptions } from '../../../src/store/httpTokenSource'
import { redactSecrets } from '../../../src/store/redactSecrets'
import type { TokenRequest } from '../../../src/store/TokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { sessionFailure } from '../../support/sessionFailure'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { json, startHost, stopHost, type Handler, type Host } from './localHost'

const request: TokenRequest = { channel: 'lobby', uid: 42, role: 'publisher' }
const signal = () => new AbortController().signal

const failure = sessionFailure

let main: Host
let other: Host
const open: ServerResponse[] = []

beforeAll(async () => {
  main = await startHost()
  other = await startHost()
})
afterAll(async () => {
  await stopHost(main)
  await stopHost(other)
})
beforeEach(() => {
  main.received = []
  other.received = []
})
afterEach(() => {
  for (const res of open.splice(0)) res.destroy()
})

describe('httpTokenSource errors carry no secrets (issue 12, item 4)', () => {
  const BEARER = 'Bearer s3cr3t-bearer-value'
  const API_KEY = 'k3y-api-value-0042'
  const QUERY_SECRET = 'q5ecret-in-query'
  const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
  const secrets = [BEARER.slice('Bearer '.length), API_KEY, QUERY_SECRET, APP_CERTIFICATE, token.slice(0, 24)]

  const source = (options: Partial<HttpTokenSourceOptions> = {}) =>
    httpTokenSource({
      url: `${main.origin}/token/generate?key=${QUERY_SECRET}`,
      headers: { authorization: BEARER, 'x-api-key': API_KEY },
      timeoutMs: 300,
      ...options,
    })

  /** Every way an app might print the error. */
  const printed = (error: SessionError): string[] => [
    inspect(error, { depth: 12 }),
    inspect(error, { depth: 12, showHidden: true }),
    JSON.stringify(error),
    String(error),
    error.stack ?? '',
    JSON.stringify(error.serverMessage ?? null),
  ]

  const expectNoSecret = (error: SessionError): void => {
    for (const text of printed(error)) {
      for (const secret of secrets) expect(text).not.toContain(secret)
      // Nothing token-shaped or certificate-shaped either.
      expect(text).not.toMatch(/00[67][A-Za-z0-9+/=_-]{16,}/)
      expect(text).not.toMatch(/[0-9a-f]{32}/i)
    }
  }

  const quoted = `certificate ${APP_CERTIFICATE}, token ${token}, header ${BEARER}, ${API_KEY} from http://app.test/t?key=${QUERY_SECRET}`

  it.each<[string, Handler, Record<string, unknown>]>([
    ['a 500 whose text body names the certificate', (_q, _b, res) => res.writeHead(500).end(`boom: ${quoted}`), { status: 500, retryable: true }],
    ['a 401 that echoes the headers', (_q, _b, res) => json(res, 401, { message: `bad credentials: ${quoted}` }), { status: 401, retryable: false }],
    ['a code 1 answer quoting a token', (_q, _b, res) => json(res, 200, { code: 1, message: `expired: ${quoted}` }), { status: 200, retryable: false }],
    ['a 200 body that is not JSON', (_q, _b, res) => res.writeHead(200).end(`oops ${quoted}`), { status: 200, retryable: false }],
    ['a bare token', (_q, _b, res) => res.writeHead(200).end(token), { status: 200, retryable: false }],
    ['a token that is not an AccessToken2', (_q, _b, res) => json(res, 200, { code: 0, data: { token: `006${APP_CERTIFICATE}${'A'.repeat(40)}` } }), { status: 200, retryable: false }],
    ['a 503 HTML page', (_q, _b, res) => res.writeHead(503, { 'content-type': 'text/html' }).end(`<html><body><pre>${quoted}</pre></body></html>`), { status: 503, retryable: true }],
    ['no answer (timeout)', (_q, _b, res) => void open.push(res), { retryable: true }],
    ['a redirect to another origin', (_q, _b, res) => res.writeHead(307, { location: `${other.origin}/steal?key=${QUERY_SECRET}` }).end(), { status: 307, retryable: false }],
    ['an answer too large', (_q, _b, res) => res.writeHead(200).end(`${quoted} ${'x'.repeat(70_000)}`), { status: 200, retryable: false }],
  ])('%s', async (_name, handler, context) => {
    main.handler = handler

    const error = await failure(source()(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', ...context })
    expectNoSecret(error)
    // What helps stays: the kind of failure, and for the HTTP ones method, url and status.
    expect(error.message).toContain(`token server at ${main.origin}/token/generate`)
  })

  it.each<[string, Handler]>([
    ['the preview of a body that is not JSON', (_q, _b, res) => res.writeHead(200).end(`${'x'.repeat(52)}${API_KEY} ${APP_CERTIFICATE}`)],
    ['a server message cut at 200 characters', (_q, _b, res) => res.writeHead(500).end(`${'y'.repeat(190)}${APP_CERTIFICATE}`)],
    ['a JSON message cut at 200 characters', (_q, _b, res) => json(res, 400, { message: `${'z'.repeat(190)}${API_KEY}` })],
  ])('masks a secret before cutting the text it is in: %s', async (_name, handler) => {
    main.handler = handler
    const error = await failure(source()(request, signal()))
    for (const text of printed(error)) {
      expect(text).not.toContain(API_KEY.slice(0, 6))
      expect(text).not.toContain(APP_CERTIFICATE.slice(0, 6))
    }
  })

  it('keeps a cause that helps: status, method and the url without its query', async () => {
    main.handler = (_q, _b, res) => res.writeHead(502).end(quoted)
    const error = await failure(source()(request, signal()))
    expect(error.cause).toMatchObject({ name: 'HttpFailureCause', kind: 'status', status: 502, method: 'POST', url: `${main.origin}/token/generate` })

    main.handler = (_q, _b, res) => void open.push(res)
    const timeout = await failure(source()(request, signal()))
    expect(timeout.cause).toMatchObject({ name: 'HttpFailureCause', kind: 'timeout', method: 'POST', url: `${main.origin}/token/generate` })
    // Not ky's errors, which hold the request's headers; nor mistaken for them by ky's guards.
    expect(isHTTPError(error.cause) || isTimeoutError(timeout.cause)).toBe(false)
  })

  it('a refused connection: the cause is a TypeError with the reason, and nothing else', async () => {
    const closed = await startHost()
    await stopHost(closed)

    const error = await failure(source({ url: `${closed.origin}/token/generate?key=${QUERY_SECRET}` })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: true })
    expect(error.cause).toBeInstanceOf(TypeError)
    expect((error.cause as Error).message).toContain('ECONNREFUSED')
    expectNoSecret(error)
  })

  it('a custom format that throws with the answer in its message: masked too', async () => {
    main.handler = (_q, _b, res) => json(res, 200, { secret: APP_CERTIFICATE, token })
    const error = await failure(
      source({
        format: {
          body: () => ({}),
          token: (answer) => {
            throw new Error(`no rtcToken in ${JSON.stringify(answer)}`)
          },
        },
      })(request, signal()),
    )
    expect(error.message).toContain('no rtcToken in')
    expectNoSecret(error)
  })
})

describe('redactSecrets', () => {
  it.each([
    ['token 007eJxTYBBaxkzZ0123456789 left', 'token 007… left'],
    [`cert ${APP_CERTIFICATE}.`, 'cert [32+ hex digits].'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer …'],
    ['see https://user:pw@x.test/t?key=s3cret#frag now', 'see https://x.test/t?… now'],
    ['see https://user:pw@x.test/t now', 'see https://x.test/t now'],
    ['channel name too long', 'channel name too long'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic …'],
    ['bad token: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', 'bad token: Bearer …'],
    // Words after Bearer/Basic are not credentials (issue 20, item 3).
    ['The Bearer token is required', 'The Bearer token is required'],
    ['Bearer Authentication failed: use Basic authentication', 'Bearer Authentication failed: use Basic authentication'],
    ['Cannot POST /token/generate?key=s3cret&x=1 here', 'Cannot POST /token/generate?… here'],
    ['is this /token/generate? yes', 'is this /token/generate? yes'],
    ['short hex 0123456789abcdef is fine', 'short hex 0123456789abcdef is fine'],
  ])('%j -> %j', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected)
  })
})

describe('httpTokenSource reads at most 64 KB of an answer (issue 12, item 5)', () => {
  const TOTAL = 200 * 1024 * 1024

  /** A server that streams `TOTAL` bytes, with backpressure; resolves how many it wrote. */
  const streamHuge = (declareLength: boolean): Promise<number> =>
    new Promise((resolve) => {
      main.handler = (_q, _b, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(TOTAL) } : {}) })
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        let written = 0
        const pump = (): void => {
          while (written < TOTAL) {
            written += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
          res.end()
        }
        res.on('close', () => resolve(written))
        pump()
      }
    })

  /** A fetch that counts the body bytes the source pulls from the network. */
  const countingFetch = (): { fetch: typeof fetch; bytesRead: () => number } => {
    let bytes = 0
    return {
      bytesRead: () => bytes,
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        const reader = response.body?.getReader()
        if (reader === undefined) return response
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const { done, value } = await reader.read()
            if (done) return controller.close()
            bytes += value.byteLength
            controller.enqueue(value)
          },
          cancel: (reason) => reader.cancel(reason),
        })
        return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
      },
    }
  }

  it('cuts off a 200 MB answer after 64 KB, and says so', async () => {
    const written = streamHuge(false)
    const counting = countingFetch()

    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate`, fetch: counting.fetch })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 200, retryable: false })
    expect(error.message).toContain('answered 200 with more than 64 KB, so the rest was not read')
    expect(counting.bytesRead()).toBeLessThanOrEqual(64 * 1024 + 64 * 1024)
    // The download was stopped: the server could write little more than the sockets buffer.
    expect(await written).toBeLessThan(TOTAL / 10)
  })

  it('refuses an answer whose Content-Length is over 64 KB without reading it', async () => {
    const written = streamHuge(true)
    const counting = countingFetch()

    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate`, fetch: counting.fetch })(request, signal()))

    expect(error.message).toContain('more than 64 KB')
    expect(counting.bytesRead()).toBe(0)
    expect(await written).toBeLessThan(TOTAL / 10)
  })

  it('caps an error answer too', async () => {
    main.handler = (_q, _b, res) => res.writeHead(500).end('e'.repeat(100_000))
    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate` })(request, signal()))
    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 500 })
    expect(error.message).toContain('more than 64 KB')
  })

  it('reads an answer of exactly 64 KB', async () => {
    const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
    const body = JSON.stringify({ code: 0, data: { token }, padding: '' })
    const padded = body.replace('"padding":""', `"padding":"${' '.repeat(64 * 1024 - body.length)}"`)
    expect(Buffer.byteLength(padded)).toBe(64 * 1024)
    main.handler = (_q, _b, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(padded)

    await expect(httpTokenSource({ url: `${main.origin}/token/generate` })(request, signal())).resolves.toMatchObject({ token })
  })
})

describe('httpTokenSource follows same-origin redirects only (issue 12, item 6)', () => {
  const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
  const answer: Handler = (_q, _b, res) => json(res, 200, { code: 0, data: { token } })
  const headers = { 'x-api-key': 'k3y' }

  it('refuses a redirect to another origin: nothing is sent there', async () => {
    main.handler = (_q, _b, res) => res.writeHead(307, { location: `${other.origin}/token/generate` }).end()
    other.handler = answer

    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate`, headers })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 307, retryable: false })
    expect(error.message).toContain(`redirected (307) to another origin, ${other.origin}, which httpTokenSource does not follow`)
    expect(error.message).toContain('allowRedirectOrigins')
    expect(other.received).toEqual([])
  })

  it.each([307, 308])('follows a %i on the same origin with the same method, body and headers', async (status) => {
    main.handler = (req, body, res) => {
      if (req.url === '/token/generate') return void res.writeHead(status, { location: '/v2/token' }).end()
      expect(req.headers['x-api-key']).toBe('k3y')
      expect(JSON.parse(body)).toMatchObject({ channelName: 'lobby', uid: '42' })
      answer(req, body, res)
    }

    await expect(httpTokenSource({ url: `${main.origin}/token/generate`, headers })(request, signal())).resolves.toMatchObject({ token })
    expect(main.received.map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['POST /token/generate', 'POST /v2/token'])
  })

  it('follows a 303 on the same origin as a GET, as fetch does', async () => {
    main.handler = (req, body, res) => {
      if (req.method === 'POST') return void res.writeHead(303, { location: '/token/result' }).end()
      answer(req, body, res)
    }

    await expect(httpTokenSource({ url: `${main.origin}/token/generate` })(request, signal())).resolves.toMatchObject({ token })
    expect(main.received.at(-1)).toBe('GET /token/result')
  })

  it('follows a redirect to an origin in allowRedirectOrigins', async () => {
    main.handler = (_q, _b, res) => res.writeHead(308, { location: `${other.origin}/token/generate` }).end()
    other.handler = answer

    const tokens = httpTokenSource({ url: `${main.origin}/token/generate`, headers, allowRedirectOrigins: [`${other.origin}/`] })

    await expect(tokens(request, signal())).resolves.toMatchObject({ token })
    expect(other.received).toHaveLength(1)
  })

  it('gives up after 5 redirects', async () => {
    main.handler = (req, _b, res) => res.writeHead(307, { location: `${req.url ?? '/'}x` }).end()

    const error = await failure(httpTokenSource({ url: `${main.origin}/t` })(request, signal()))

    expect(error.message).toContain('more than 5 redirects')
    expect(main.received).toHaveLength(6)
  })

  it("refuses a browser's opaque redirect, which hides where it goes", async () => {
    const opaque: typeof fetch = async () => {
      const response = new Response(null, { status: 200 })
      Object.defineProperty(response, 'type', { value: 'opaqueredirect' })
      return response
    }

    const error = await failure(httpTokenSource({ url: `${main.origin}/token/generate`, fetch: opaque })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
    expect(error.message).toContain('the browser does not say where to')
  })

  it('refuses an allowRedirectOrigins entry that is not an origin', () => {
    expect(() => httpTokenSource({ url: '/token', allowRedirectOrigins: ['tokens.example.com'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('not an origin') }),
    )
  })
})

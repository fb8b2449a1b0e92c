// @vitest-environment node
// A real HTTP server on 127.0.0.1 and Node's own fetch: happy-dom's fetch would add CORS rules
// and hide headers that a same-origin page sees.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { inspect } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { httpTokenSource, type HttpTokenSourceOptions } from '../../../src/store/httpTokenSource'
import { retryAfterMs } from '../../../src/store/retryAfter'
import { serverMessage } from '../../../src/store/serverMessage'
import type { TokenRequest } from '../../../src/store/TokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { sessionFailure } from '../../support/sessionFailure'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const APP_CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b'

interface Received {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: unknown
}

type Handler = (req: Received, res: ServerResponse) => void

let server: Server
let origin: string
let handler: Handler
let received: Received[]
/** Responses a test left open on purpose (a server that never answers), closed after it. */
let open: ServerResponse[]
/** Resolves on the next request the server receives. */
let onRequest: (() => void) | undefined

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // keep the text
      }
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
      received.push(entry)
      onRequest?.()
      handler(entry, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

beforeEach(() => {
  received = []
  open = []
  onRequest = undefined
  handler = (_req, res) => sendJson(res, 500, { message: 'no handler set' })
})

afterEach(() => {
  for (const res of open) res.destroy()
})

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers })
  res.end(body)
}

/** A request that waits until the server has received it. */
function nextRequest(): Promise<void> {
  return new Promise((resolve) => {
    onRequest = resolve
  })
}

const publisher: TokenRequest = { channel: 'lobby', uid: 42, role: 'publisher' }

function source(options: Partial<HttpTokenSourceOptions> = {}) {
  return httpTokenSource({ url: `${origin}/token/generate`, ...options })
}

/** A valid AccessToken2 for `request`, minted fresh per test. */
function tokenFor(request: TokenRequest = publisher): string {
  return mintToken({
    appId: APP_ID,
    appCertificate: APP_CERTIFICATE,
    channel: request.channel,
    uid: request.uid,
    role: request.role,
    expireSec: 3600,
  })
}

const failure = sessionFailure

const signal = () => new AbortController().signal

describe('httpTokenSource', () => {
  describe("format 'agora-token-service' (default)", () => {
    it('POSTs the token image body and returns data.token', async () => {
      const token = await tokenFor()
      handler = (_req, res) => sendJson(res, 200, { code: 0, message: 'success', data: { token } })

      const result = await source()(publisher, signal())

      expect(result).toMatchObject({ token })
      expect(received).toHaveLength(1)
      expect(received[0]).toMatchObject({ method: 'POST', url: '/token/generate' })
      expect(received[0]?.headers['content-type']).toBe('application/json')
      expect(received[0]?.headers['accept']).toBe('application/json')
      expect(received[0]?.body).toEqual({
        channelName: 'lobby',
        uid: '42',
        tokenExpireTs: 3600,
        privilegeExpireTs: 3600,
        serviceRtc: { enable: true, role: 1 },
      })
    })

    it('asks for role 2 for a subscriber, passes expireSec and a string uid', async () => {
      const request: TokenRequest = { channel: 'room-7', uid: 'alice', role: 'subscriber', expireSec: 600 }
      const token = await tokenFor(request)
      handler = (_req, res) => sendJson(res, 200, { code: 0, data: { token } })

      await expect(source({ format: 'agora-token-service' })(request, signal())).resolves.toMatchObject({ token })
      expect(received[0]?.body).toEqual({
        channelName: 'room-7',
        uid: 'alice',
        tokenExpireTs: 600,
        privilegeExpireTs: 600,
        serviceRtc: { enable: true, role: 2 },
      })
    })

    it('fails, not retryable, on a non-zero code, with the server message', async () => {
      handler = (_req, res) => sendJson(res, 200, { code: 1, message: 'invalid channel name' })

      const error = await failure(source()(publisher, signal()))

      expect(error.code).toBe('TOKEN_FETCH_FAILED')
      expect(error.retryable).toBe(false)
      expect(error.status).toBe(200)
      expect(error.serverMessage).toBe('invalid channel name')
      expect(error.message).toContain('its code is 1, not 0: invalid channel name')
      expect(error.message).toContain(`${origin}/token/generate`)
    })

    it('reads the message from msg too', async () => {
      handler = (_req, res) => sendJson(res, 200, { code: 500, msg: 'certificate not configured' })

      const error = await failure(source()(publisher, signal()))

      expect(error.serverMessage).toBe('certificate not configured')
    })

    it('fails, not retryable, when data.token is missing, naming the expected shape', async () => {
      handler = (_req, res) => sendJson(res, 200, { code: 0, data: {} })

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false, status: 200 })
      expect(error.message).toContain('data.token is missing')
      expect(error.message).toContain("format 'agora-token-service' expects {code: 0, data: {token}}")
    })
  })

  describe("format 'fetch-rtc-token'", () => {
    it('POSTs {uid, ChannelName, role} and returns token', async () => {
      const token = await tokenFor()
      handler = (_req, res) => sendJson(res, 200, { token })

      const result = await source({ format: 'fetch-rtc-token' })(publisher, signal())

      expect(result).toMatchObject({ token })
      expect(received[0]?.body).toEqual({ uid: 42, ChannelName: 'lobby', role: 1 })
    })

    it('sends a string uid as a string, and role 2 for a subscriber', async () => {
      const request: TokenRequest = { channel: 'lobby', uid: 'alice', role: 'subscriber' }
      handler = async (_req, res) => sendJson(res, 200, { token: await tokenFor(request) })

      await source({ format: 'fetch-rtc-token' })(request, signal())

      expect(received[0]?.body).toEqual({ uid: 'alice', ChannelName: 'lobby', role: 2 })
    })

    it.each([
      ['no token', {}, 'token is missing'],
      ['an empty token', { token: '' }, 'token is an empty string'],
      ['a number', { token: 7 }, 'token is a number'],
      ['an array body', [1], 'the body is an array'],
      ['a null body', null, 'the body is null'],
    ])('fails, not retryable, on %s', async (_name, body, reason) => {
      handler = (_req, res) => sendJson(res, 200, body)

      const error = await failure(source({ format: 'fetch-rtc-token' })(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false, status: 200 })
      expect(error.message).toContain(reason)
      expect(error.message).toContain("format 'fetch-rtc-token' expects {token}")
    })
  })

  describe('custom format', () => {
    it('POSTs what body() returns and returns what token() reads', async () => {
      const token = await tokenFor()
      handler = (_req, res) => sendJson(res, 200, { result: { rtc: token } })
      const tokens = source({
        format: {
          body: (r) => ({ room: r.channel, user: r.uid, host: r.role === 'publisher' }),
          token: (json) => (json as { result: { rtc: string } }).result.rtc,
        },
      })

      await expect(tokens(publisher, signal())).resolves.toMatchObject({ token })
      expect(received[0]?.body).toEqual({ room: 'lobby', user: 42, host: true })
    })

    it('fails, not retryable, when token() throws or returns no string', async () => {
      handler = (_req, res) => sendJson(res, 200, { nope: true })
      const throwing = source({
        format: {
          body: () => ({}),
          token: () => {
            throw new Error('no rtc field')
          },
        },
      })
      const empty = source({ format: { body: () => ({}), token: () => undefined as unknown as string } })

      const thrown = await failure(throwing(publisher, signal()))
      const missing = await failure(empty(publisher, signal()))

      expect(thrown).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
      expect(thrown.message).toContain('but no rtc field')
      expect(thrown.cause).toBeInstanceOf(Error)
      expect(missing.message).toContain('what your format.token() returned is missing')
    })

    it('fails, not retryable, without a request, when body() throws', async () => {
      const tokens = source({
        format: {
          body: () => {
            throw new Error('boom')
          },
          token: () => '',
        },
      })

      const error = await failure(tokens(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
      expect(received).toHaveLength(0)
    })
  })

  it('sends the headers it is given, and keeps their own accept', async () => {
    const token = await tokenFor()
    handler = (_req, res) => sendJson(res, 200, { code: 0, data: { token } })

    await source({ headers: { authorization: 'Bearer s3cret', 'X-App': 'demo', Accept: 'application/vnd.token+json' } })(
      publisher,
      signal(),
    )

    expect(received[0]?.headers).toMatchObject({
      authorization: 'Bearer s3cret',
      'x-app': 'demo',
      accept: 'application/vnd.token+json',
    })
  })

  it('uses an injected fetch', async () => {
    const token = await tokenFor()
    handler = (_req, res) => sendJson(res, 200, { code: 0, data: { token } })
    const calls: string[] = []
    const injected: typeof fetch = (input, init) => {
      calls.push(input instanceof Request ? input.url : String(input))
      return fetch(input, init)
    }

    await source({ fetch: injected })(publisher, signal())

    expect(calls).toEqual([`${origin}/token/generate`])
  })

  describe('serverTime', () => {
    it('is the Date header, in ms', async () => {
      const token = await tokenFor()
      handler = (_req, res) =>
        sendJson(res, 200, { code: 0, data: { token } }, { date: 'Tue, 15 Nov 1994 08:12:31 GMT' })

      const result = await source()(publisher, signal())

      // The header counts whole seconds: the last millisecond of it, so deadlines are never late.
      expect(result).toEqual({ token, serverTime: Date.UTC(1994, 10, 15, 8, 12, 31) + 999 })
    })

    it('is left off without a Date header, or with an unreadable one', async () => {
      const token = await tokenFor()
      let date: string | undefined
      handler = (_req, res) => {
        res.sendDate = false
        sendJson(res, 200, { code: 0, data: { token } }, date === undefined ? {} : { date })
      }

      const withoutDate = await source()(publisher, signal())
      date = 'yesterday-ish'
      const withGarbage = await source()(publisher, signal())

      expect(withoutDate).toEqual({ token })
      expect(withGarbage).toEqual({ token })
    })
  })

  describe('HTTP errors', () => {
    it('500: retryable, with status and the text body as server message', async () => {
      handler = (_req, res) => sendText(res, 500, 'database is down')

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({
        code: 'TOKEN_FETCH_FAILED',
        status: 500,
        retryable: true,
        serverMessage: 'database is down',
      })
      expect(error.message).toBe(
        `token server at ${origin}/token/generate failed (500 Internal Server Error): database is down`,
      )
      expect(error.cause).toMatchObject({ name: 'HttpFailureCause', kind: 'status', status: 500 })
      expect(error.retryAfterMs).toBeUndefined()
    })

    it('503 with Retry-After: 7 gives retryAfterMs 7000, and ky does not retry', async () => {
      handler = (_req, res) => sendText(res, 503, '', { 'retry-after': '7' })

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ status: 503, retryable: true, retryAfterMs: 7000 })
      expect(error.message).toContain('it asked to retry in 7 s')
      expect(error.serverMessage).toBeUndefined()
      expect(received).toHaveLength(1)
    })

    it('503 with a Retry-After date: counted from the Date header, ignored without one', async () => {
      let sendDate = true
      handler = (_req, res) => {
        res.sendDate = false
        sendText(res, 503, 'busy', {
          'retry-after': 'Tue, 15 Nov 1994 08:13:01 GMT',
          ...(sendDate ? { date: 'Tue, 15 Nov 1994 08:12:31 GMT' } : {}),
        })
      }

      const withDate = await failure(source()(publisher, signal()))
      sendDate = false
      const withoutDate = await failure(source()(publisher, signal()))

      expect(withDate.retryAfterMs).toBe(30_000)
      expect(withoutDate.retryAfterMs).toBeUndefined()
      expect(withoutDate.retryable).toBe(true)
    })

    it.each([408, 429, 502, 504])('%i: retryable', async (status) => {
      handler = (_req, res) => sendJson(res, status, { error: 'slow down' })

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ status, retryable: true, serverMessage: 'slow down' })
      expect(received).toHaveLength(1)
    })

    it('400 with a JSON error: not retryable, server message in the message', async () => {
      handler = (_req, res) => sendJson(res, 400, { code: 400, message: 'channel name too long' })

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({
        code: 'TOKEN_FETCH_FAILED',
        status: 400,
        retryable: false,
        serverMessage: 'channel name too long',
      })
      expect(error.message).toBe(
        `token server at ${origin}/token/generate refused the request (400 Bad Request): channel name too long`,
      )
    })

    it.each([
      [401, 'without saying why: check the credentials (headers) passed to httpTokenSource'],
      [403, 'without saying why: the server does not allow this user this token'],
      [404, 'check the url and format'],
    ])('%i: not retryable, says what to check', async (status, hint) => {
      handler = (_req, res) => sendText(res, status, '')

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ status, retryable: false })
      expect(error.message).toContain(hint)
    })
  })

  describe('answers that are not a token', () => {
    it('200 with a body that is not JSON: not retryable', async () => {
      handler = (_req, res) => sendText(res, 200, '<!doctype html><html><body>My app</body></html>')

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 200, retryable: false })
      expect(error.message).toContain('answered 200 with a body that is not JSON')
      expect(error.message).toContain('<!doctype html>')
      expect(error.cause).toBeInstanceOf(SyntaxError)
    })

    it('200 with a token inside a non-JSON body: the token stays out of the message and the cause', async () => {
      const token = await tokenFor()
      handler = (_req, res) => sendText(res, 200, `token=${token}`)

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 200, retryable: false })
      expect(error.message).not.toContain(token.slice(0, 20))
      expect(inspect(error, { depth: 12 })).not.toContain(token.slice(0, 20))
    })

    it('200 with a bare token as text: not JSON, and the token stays out of the error', async () => {
      const token = await tokenFor()
      handler = (_req, res) => sendText(res, 200, token)

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 200, retryable: false })
      expect(error.message).toContain('it looks like a bare token: answer JSON')
      expect(error.message).not.toContain(token.slice(0, 20))
      expect(inspect(error, { depth: 12 })).not.toContain(token.slice(0, 20))
    })

    it('leaves the query and fragment of the url out of messages', async () => {
      handler = (_req, res) => sendText(res, 400, 'nope')

      const error = await failure(httpTokenSource({ url: `${origin}/token/generate?key=s3cret#frag` })(publisher, signal()))

      expect(received[0]?.url).toBe('/token/generate?key=s3cret')
      expect(error.message).toContain(`token server at ${origin}/token/generate refused`)
      expect(error.message).not.toMatch(/s3cret|frag/)
    })

    it('200 with an empty body: not retryable', async () => {
      handler = (_req, res) => sendText(res, 200, '')

      const error = await failure(source()(publisher, signal()))

      expect(error.message).toContain('not JSON (it is empty)')
    })

    it.each([
      ['hello', 'hello'],
      ['an AccessToken (006)', `006${'a'.repeat(32)}IAAiGJ5p9Uyh0kmyqYuUmV8C7JqC5GQ0Yj9k5NjU2MDAAAAAEAAB`],
    ])('200 with the garbage token %s: not retryable, TOKEN_INVALID as cause', async (_name, garbage) => {
      handler = (_req, res) => sendJson(res, 200, { code: 0, data: { token: garbage } })

      const error = await failure(source()(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 200, retryable: false })
      expect(error.message).toContain(
        `token server at ${origin}/token/generate answered 200 but the token is not an AccessToken2: `,
      )
      expect(error.cause).toMatchObject({ name: 'SessionError', code: 'TOKEN_INVALID' })
      expect(error.message).toContain((error.cause as Error).message)
    })
  })

  describe('timeouts and network failures', () => {
    it('fails, retryable, when the server does not answer within timeoutMs', async () => {
      handler = (_req, res) => open.push(res)

      const error = await failure(source({ timeoutMs: 200 })(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: true })
      expect(error.status).toBeUndefined()
      expect(error.message).toContain('did not answer within timeoutMs (200 ms)')
      expect(error.cause).toMatchObject({ name: 'HttpFailureCause', kind: 'timeout' })
      expect(received).toHaveLength(1)
    })

    it('times out too when the headers come but the body stalls', async () => {
      handler = (_req, res) => {
        open.push(res)
        res.writeHead(200, { 'content-type': 'application/json' })
        res.write('{"code":0,')
      }

      const error = await failure(source({ timeoutMs: 200 })(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: true })
      expect(error.cause).toMatchObject({ name: 'HttpFailureCause', kind: 'timeout' })
    })

    it('fails, retryable, when the connection is refused', async () => {
      const closed = createServer()
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
      const { port } = closed.address() as AddressInfo
      await new Promise<void>((resolve) => closed.close(() => resolve()))
      const url = `http://127.0.0.1:${port}/token/generate`

      const error = await failure(httpTokenSource({ url })(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: true })
      expect(error.status).toBeUndefined()
      expect(error.message).toMatch(new RegExp(`^could not reach token server at ${url} \\(fetch failed: ECONNREFUSED\\)`))
      expect(error.cause).toBeInstanceOf(TypeError)
    })

    it('fails, not retryable, when the url has credentials (fetch refuses them), without logging them', async () => {
      const url = `${origin.replace('//', '//user:pa55@')}/token/generate`

      const error = await failure(httpTokenSource({ url })(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
      expect(error.message).toContain(`could not build a request to token server at ${origin}/token/generate`)
      expect(error.message).not.toContain('pa55')
      expect(received).toHaveLength(0)
    })

    it('fails, not retryable, when the request cannot be built (a bad header value)', async () => {
      const error = await failure(source({ headers: { 'x-bad': 'line\nbreak' } })(publisher, signal()))

      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
      expect(error.message).toContain('could not build a request to token server at')
      expect(received).toHaveLength(0)
    })
  })

  describe('cancellation', () => {
    it("rejects with the caller's AbortError, not a SessionError, when aborted in flight", async () => {
      handler = (_req, res) => open.push(res)
      const controller = new AbortController()
      const arrived = nextRequest()

      const pending = source()(publisher, controller.signal)
      await arrived
      controller.abort()
      const error: unknown = await pending.catch((e: unknown) => e)

      expect(isSessionError(error)).toBe(false)
      expect(error).toBeInstanceOf(DOMException)
      expect((error as DOMException).name).toBe('AbortError')
      expect(error).toBe(controller.signal.reason)
    })

    it('rejects with a custom abort reason as it is', async () => {
      handler = (_req, res) => open.push(res)
      const controller = new AbortController()
      const reason = new Error('session disposed')
      const arrived = nextRequest()

      const pending = source()(publisher, controller.signal)
      await arrived
      controller.abort(reason)

      await expect(pending).rejects.toBe(reason)
    })

    it('sends nothing when the signal is already aborted', async () => {
      const pending = source()(publisher, AbortSignal.abort())

      await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
      expect(received).toHaveLength(0)
    })
  })

  describe('options', () => {
    it.each([0, -1, Number.NaN, 2 ** 31])('refuses timeoutMs %s', (timeoutMs) => {
      expect(() => source({ timeoutMs })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    })

    it('keeps a bad header value (a bearer, perhaps) out of the error', async () => {
      const secret = 'Bearer s3cr3t\nvalue'
      const error = await failure(source({ headers: { Authorization: secret } })(publisher, signal()))
      expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
      expect(error.message).not.toContain('s3cr3t')
      expect(JSON.stringify(error.cause ?? null)).not.toContain('s3cr3t')
      expect(String(error.cause ?? '')).not.toContain('s3cr3t')
    })

    it('refuses an empty url and an unknown format', () => {
      expect(() => httpTokenSource({ url: '' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
      expect(() => source({ format: 'agora' as unknown as 'fetch-rtc-token' })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      )
    })
  })
})

describe('retryAfterMs', () => {
  const date = 'Tue, 15 Nov 1994 08:12:31 GMT'
  it.each([
    [null, date, undefined],
    ['7', null, 7000],
    [' 0 ', null, 0],
    ['120', date, 120_000],
    ['Tue, 15 Nov 1994 08:13:01 GMT', date, 30_000],
    ['Tue, 15 Nov 1994 08:12:01 GMT', date, 0],
    ['Tue, 15 Nov 1994 08:13:01 GMT', null, undefined],
    ['Tue, 15 Nov 1994 08:13:01 GMT', 'garbage', undefined],
    ['7.5', date, undefined],
    ['-3', date, undefined],
    ['soon', date, undefined],
  ])('(%j, %j) -> %j', (retryAfter, serverDate, expected) => {
    expect(retryAfterMs(retryAfter, serverDate)).toBe(expected)
  })
})

describe('serverMessage', () => {
  it.each([
    ['{"message":"channel name too long"}', 'channel name too long'],
    ['{"msg":"bad uid"}', 'bad uid'],
    ['{"error":"unauthorized"}', 'unauthorized'],
    ['{"error":{"message":"nested"}}', 'nested'],
    ['{"code":1}', '{"code":1}'],
    ['  Bad\n  Gateway ', 'Bad Gateway'],
    ['', undefined],
    ['x'.repeat(300), `${'x'.repeat(199)}…`],
    [JSON.stringify({ message: 'y'.repeat(300) }), `${'y'.repeat(199)}…`],
  ])('%j -> %j', (body, expected) => {
    expect(serverMessage(body)).toBe(expected)
  })
})

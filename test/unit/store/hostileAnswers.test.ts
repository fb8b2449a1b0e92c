// @vitest-environment node
// httpTokenSource against more hostile token servers, on real sockets (127.0.0.1) with Node's own
// fetch (issue 20): redirects after a POST, answers that are not HTTP as fetch knows it, unbounded
// messages, values echoed in another encoding, and a caller that passes no signal.
import { NEVER } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { createTokenStore } from '../../../src/store/createTokenStore'
import { httpTokenSource } from '../../../src/store/httpTokenSource'
import type { TokenRequest, TokenResponse } from '../../../src/store/TokenSource'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'
import { sessionFailure as failure } from '../../support/sessionFailure'
import { hostForTests, json, type Handler } from './localHost'

const request: TokenRequest = { channel: 'lobby', uid: 42, role: 'publisher' }
const signal = (): AbortSignal => new AbortController().signal
const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
const answer: Handler = (_q, _b, res) => json(res, 200, { code: 0, data: { token } })

const main = hostForTests(answer)

describe('a TokenSource called without a signal (issue 20, item 9)', () => {
  it('httpTokenSource(...)(request) from JavaScript, as the type allows a JS caller to: fetches the token', async () => {
    const tokens = httpTokenSource({ url: `${main.origin}/token/generate` }) as unknown as (r: TokenRequest) => Promise<TokenResponse>
    await expect(tokens(request)).resolves.toMatchObject({ token })
  })

  it('fails as usual without one: a SessionError, not a TypeError', async () => {
    main.handler = (_q, _b, res) => json(res, 503, { message: 'down for maintenance' })
    const tokens = httpTokenSource({ url: `${main.origin}/token/generate` }) as unknown as (r: TokenRequest) => Promise<TokenResponse>
    expect(await failure(tokens(request))).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 503, retryable: true })
  })
})

/** `METHOD path content-type body` of what the server received, per hop. */
const hops = (): string[] => main.received.map((line) => line.split(' ').slice(0, 2).join(' '))

describe('same-origin redirects after a POST follow the Fetch standard (issue 20, item 4)', () => {
  /** A server at /t that redirects along `chain` (status and next path), and answers a token at /ok. */
  const chain = (steps: Record<string, [number, string]>): Handler & { bodies: Record<string, string>; types: Record<string, string | undefined> } => {
    const bodies: Record<string, string> = {}
    const types: Record<string, string | undefined> = {}
    const handler: Handler = (req, body, res) => {
      const path = req.url ?? ''
      bodies[`${req.method} ${path}`] = body
      types[`${req.method} ${path}`] = req.headers['content-type']
      const step = steps[path]
      if (step !== undefined) return void res.writeHead(step[0], { location: step[1] }).end()
      answer(req, body, res)
    }
    return Object.assign(handler, { bodies, types })
  }

  it.each<[string, Record<string, [number, string]>, string[]]>([
    ['302 → 302 → /ok', { '/t': [302, '/a'], '/a': [302, '/ok'] }, ['POST /t', 'GET /a', 'GET /ok']],
    ['301 → 301 → /ok', { '/t': [301, '/a'], '/a': [301, '/ok'] }, ['POST /t', 'GET /a', 'GET /ok']],
    ['303 → 307 → /ok', { '/t': [303, '/a'], '/a': [307, '/ok'] }, ['POST /t', 'GET /a', 'GET /ok']],
    ['303 → 308 → /ok', { '/t': [303, '/a'], '/a': [308, '/ok'] }, ['POST /t', 'GET /a', 'GET /ok']],
    ['307 → 302 → /ok', { '/t': [307, '/a'], '/a': [302, '/ok'] }, ['POST /t', 'POST /a', 'GET /ok']],
    ['308 → 303 → /ok', { '/t': [308, '/a'], '/a': [303, '/ok'] }, ['POST /t', 'POST /a', 'GET /ok']],
    ['307 → 308 → /ok', { '/t': [307, '/a'], '/a': [308, '/ok'] }, ['POST /t', 'POST /a', 'POST /ok']],
  ])('%s: each hop with the method and body fetch would send', async (_name, steps, expected) => {
    const handler = chain(steps)
    main.handler = handler

    await expect(httpTokenSource({ url: `${main.origin}/t` })(request, signal())).resolves.toMatchObject({ token })

    expect(hops()).toEqual(expected)
    for (const line of main.received) {
      const [method = '', path = ''] = line.split(' ')
      const key = `${method} ${path}`
      if (method === 'GET') {
        // A GET carries no body, nor the headers that describe one.
        expect(handler.bodies[key]).toBe('')
        expect(handler.types[key]).toBeUndefined()
      } else {
        expect(JSON.parse(handler.bodies[key] ?? '')).toMatchObject({ channelName: 'lobby', uid: '42' })
        expect(handler.types[key]).toBe('application/json')
      }
    }
  })

  it.each([301, 302, 303, 307, 308])('a %i loop ends with the redirect error after 5 redirects, not retryable', async (status) => {
    main.handler = (_q, _b, res) => res.writeHead(status, { location: '/t' }).end()

    const error = await failure(httpTokenSource({ url: `${main.origin}/t` })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status, retryable: false })
    expect(error.message).toContain('more than 5 redirects')
    expect(main.received).toHaveLength(6)
  })
})

describe('answers fetch cannot use are said for what they are (issue 20, item 5)', () => {
  it.each<[string, Handler, RegExp]>([
    ['a Location that is not a url (http://[)', (_q, _b, res) => res.writeHead(302, { location: 'http://[' }).end(), /redirected \(302\) to a Location that is not a valid url/],
    [
      'a same-origin Location with user info',
      (_q, _b, res) => res.writeHead(307, { location: `${main.origin.replace('//', '//user:s3cret-pw@')}/v2` }).end(),
      /redirected \(307\) to a url with credentials in it \(user:password@\)/,
    ],
    ['a Location with another scheme', (_q, _b, res) => res.writeHead(302, { location: 'ftp://127.0.0.1/t' }).end(), /redirected \(302\) to a url that is not http or https \(ftp:\)/],
    ['status 600', (_q, _b, res) => res.writeHead(600).end('{}'), /answered with status 600, which is not an HTTP status \(200 to 599\)/],
    ['status 999', (_q, _b, res) => res.writeHead(999, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, data: { token } })), /answered with status 999, which is not an HTTP status/],
  ])('%s: not retryable, and the message says what the server did', async (_name, handler, said) => {
    main.handler = handler

    const error = await failure(httpTokenSource({ url: `${main.origin}/t` })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', retryable: false })
    expect(error.message).toMatch(said)
    expect(error.message).not.toMatch(/could not reach|CORS|RangeError/)
    expect(error.message).not.toContain('s3cret-pw')
    expect(main.received).toHaveLength(1)
  })
})

describe('query values are masked in every form a server echoes them (issue 20, item 2)', () => {
  // One value with a raw '+' (a space once decoded), '/' and '=' in the url; one given
  // percent-encoded (a literal '+', '/', '=').
  const RAW = 'Xy7+pq/Rs=='
  const ENCODED = 'Zz9+wv/Ut=='
  const url = (): string => `${main.origin}/t?sig=${RAW}&k2=${encodeURIComponent(ENCODED)}&channel=lobby`

  /** Every way a value can be written in a url or a message: raw, decoded, '+' for space, %-encoded in either case. */
  const forms = (value: string): string[] => {
    const decoded = value.replaceAll('+', ' ')
    const upper = [encodeURIComponent(value), encodeURIComponent(decoded), new URLSearchParams({ v: decoded }).toString().slice(2)]
    return [...new Set([value, decoded, ...upper, ...upper.map((text) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()))])]
  }

  it.each<[string, (path: string) => string]>([
    ['the raw request line', (path) => `Cannot POST ${path}`],
    ['the query decoded', (path) => `no such route: ${decodeURIComponent(path.replaceAll('+', ' '))}`],
    ['the query decoded, + kept', (path) => `no such route: ${decodeURIComponent(path)}`],
    ['the query percent-encoded', (path) => `bad path ${encodeURIComponent(path)}`],
    ['the query percent-encoded in lower case', (path) => `bad path ${encodeURIComponent(path).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())}`],
    ['the values form-encoded', (path) => `params ${new URLSearchParams(new URL(path, 'http://x').searchParams).toString()}`],
  ])('%s', async (_name, echo) => {
    main.handler = (req, _b, res) => json(res, 404, { message: echo(req.url ?? '') })

    const error = await failure(httpTokenSource({ url: url() })(request, signal()))

    expect(error).toMatchObject({ code: 'TOKEN_FETCH_FAILED', status: 404 })
    for (const text of [error.message, error.serverMessage ?? '', String(error)]) {
      for (const form of [...forms(RAW), ...forms(ENCODED)]) expect(text).not.toContain(form)
    }
    // What is not a secret stays readable.
    expect(error.serverMessage).toMatch(/^(Cannot POST|no such route|bad path|params)/)
  })
})

describe('credentials are masked, not the words around them (issue 20, item 3)', () => {
  it.each<[string, string, string]>([
    ['Bearer x', 'The Bearer token is required', 'The Bearer token is required'],
    ['Bearer x', 'Missing header: Authorization: Bearer <token>', 'Missing header: Authorization: Bearer <token>'],
    ['Bearer s3cr3t-value', 'The Bearer token s3cr3t-value has expired', 'The Bearer token … has expired'],
    ['Bearer s3cr3t-value', 'got "Bearer s3cr3t-value"', 'got "Bearer …"'],
    ['Basic dXNlcjpwYXNz', 'Basic authentication is disabled for dXNlcjpwYXNz', 'Basic authentication is disabled for …'],
  ])('authorization %j, the server says %j', async (authorization, said, shown) => {
    main.handler = (_q, _b, res) => json(res, 401, { message: said })

    const error = await failure(httpTokenSource({ url: `${main.origin}/t`, headers: { authorization } })(request, signal()))

    expect(error.serverMessage).toBe(shown)
    expect(error.message).toContain(`(401 Unauthorized): ${shown}`)
  })
})

describe('messages stay bounded whatever the server says (issue 20, item 6)', () => {
  const LONG = `${'why '.repeat(15_000)}end`

  it.each<[string, Handler]>([
    ['a 200 answer {code: 1, message: 60 KB}', (_q, _b, res) => json(res, 200, { code: 1, message: LONG })],
    ['a 200 answer {code: 1, msg: 60 KB}', (_q, _b, res) => json(res, 200, { code: 1, msg: LONG })],
    ['a 400 answer {message: 60 KB}', (_q, _b, res) => json(res, 400, { message: LONG })],
    ['a 502 answer of 60 KB text', (_q, _b, res) => res.writeHead(502).end(LONG)],
    ['a 200 answer of 60 KB that is not JSON', (_q, _b, res) => res.writeHead(200).end(LONG)],
  ])('%s: message and serverMessage are cut', async (_name, handler) => {
    main.handler = handler

    const error = await failure(httpTokenSource({ url: `${main.origin}/t` })(request, signal()))

    expect(error.code).toBe('TOKEN_FETCH_FAILED')
    expect(error.message.length).toBeLessThanOrEqual(500)
    expect((error.serverMessage ?? '').length).toBeLessThanOrEqual(200)
    if (error.serverMessage !== undefined) expect(error.serverMessage).toMatch(/^why why .*…$/)
  })

  it('a custom TokenSource that throws a 60 KB message: the store cuts it, and keeps the error as cause', async () => {
    const thrown = new Error(LONG)
    const store = createTokenStore({ source: () => Promise.reject(thrown), wake$: NEVER })

    const error = await failure(store.get(request))

    expect(error.message.length).toBeLessThanOrEqual(250)
    expect(error.message).toMatch(/^the token source failed: why why .*…$/)
    expect(error.cause).toBe(thrown)
    store.dispose()
  })

  it("a custom format whose token() throws a 60 KB message: cut too", async () => {
    main.handler = (_q, _b, res) => json(res, 200, { nothing: true })
    const format = {
      body: () => ({}),
      token: (): string => {
        throw Object.assign(new Error(LONG), { serverMessage: LONG })
      },
    }

    const error = await failure(httpTokenSource({ url: `${main.origin}/t`, format })(request, signal()))

    expect(error.message.length).toBeLessThanOrEqual(500)
    expect(error.message).toContain("(format 'custom' expects what your format.token() reads)")
    expect(error.serverMessage?.length).toBeLessThanOrEqual(200)
  })
})

describe('a 429 says the retry once (issue 20, first hour: the demo)', () => {
  it.each<[string, Record<string, unknown> | null, RegExp]>([
    ['its words give the seconds', { message: 'simulated rate limit (demo fault "429"): retry in 20 s' }, /\(429 Too Many Requests\): simulated rate limit \(demo fault "429"\): retry in 20 s$/],
    ['its words say "seconds"', { message: 'slow down, try again in 20 seconds' }, /: slow down, try again in 20 seconds$/],
    ['its words give other seconds', { message: 'retry in 120 s' }, /: retry in 120 s; it asked to retry in 20 s$/],
    ['it says nothing', null, /\(429 Too Many Requests\); it is rate limiting this client; it asked to retry in 20 s$/],
  ])('Retry-After: 20 and %s', async (_name, body, said) => {
    main.handler = (_q, _b, res) => (body === null ? void res.writeHead(429, { 'retry-after': '20' }).end() : json(res, 429, body, { 'retry-after': '20' }))
    const error = await failure(httpTokenSource({ url: `${main.origin}/t` })(request, signal()))
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 20_000 })
    expect(error.message).toMatch(said)
  })
})

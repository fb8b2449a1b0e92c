// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { decodeToken, httpTokenSource, isSessionError } from '../../src/index'
import type { Grant } from '../../src/server/authorize'
import { bearerAuthorize, sessionCookieAuthorize } from '../../src/server/bearerAuthorize'
import { APP_CERTIFICATE, APP_ID } from '../support/fixtures'
import { generateBody, post, startInProcess, type InProcessServer } from './support/inProcessServer'
import { runToExit, startStandalone } from './support/standaloneServer'

// The authorize(request) hook (issue 12, item 3) and sampled per-token logging (item 8).

let server: InProcessServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

const ALICE: Grant = { subject: 'alice', uid: 'alice', channels: ['lobby', 'room-*'] }
const VIEWER: Grant = { subject: 'viewer-7', uid: 7, channels: ['*'], role: 'subscriber' }
const SESSIONS = new Map<string, Grant>([
  ['alice-session-token', ALICE],
  ['viewer-session-token', VIEWER],
])

function withBearer(): Promise<InProcessServer> {
  return startInProcess({ authorize: bearerAuthorize((token) => SESSIONS.get(token)), cors: { origins: ['http://app.test'] } })
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('the token server without an authorize hook', () => {
  it('does not advertise authorization in CORS', async () => {
    server = await startInProcess({ cors: { origins: ['http://app.test'] } })

    const preflight = await post(`${server.url}/token/generate`, undefined, { origin: 'http://app.test', 'access-control-request-method': 'POST' }, 'OPTIONS')
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-headers']).toBe('content-type, accept')
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined()
  })
})

describe('the token server with an authorize hook (bearer tokens)', () => {
  it('refuses a caller without credentials, or with unknown ones, with 401 before reading the body', async () => {
    server = await withBearer()
    expect(await post(`${server.url}/token/generate`, generateBody('lobby', 'alice'))).toMatchObject({
      status: 401,
      json: { code: 401, message: 'send Authorization: Bearer <your session token>' },
    })
    expect(await post(`${server.url}/token/generate`, '{not json', bearer('stolen'))).toMatchObject({
      status: 401,
      json: { code: 401, message: 'unknown or expired session: sign in again' },
    })
  })

  it('issues what the grant allows: its uid, its channels and patterns', async () => {
    server = await withBearer()
    for (const channel of ['lobby', 'room-7', 'room-*']) {
      const answer = await post(`${server.url}/token/generate`, generateBody(channel, 'alice', channel.includes('*') ? 2 : 1), bearer('alice-session-token'))
      expect(answer.status).toBe(200)
      expect(decodeToken((answer.json['data'] as { token: string }).token).rtc).toMatchObject({ channel, uid: 'alice' })
    }
    expect(server.lines.filter((line) => line.startsWith('token '))).toEqual([
      expect.stringMatching(/^token tok:[0-9a-f]{8} {2}publisher {3}channel "lobby" {2}uid "alice" {2}600 s {2}for "alice"$/),
      expect.stringMatching(/channel "room-7"/),
      expect.stringMatching(/channel "room-\*"/),
    ])
  })

  it.each([
    ['another uid', generateBody('lobby', 'bob'), 'alice-session-token', /^uid "bob" is not "alice"'s: ask for uid "alice"$/],
    ['a wildcard uid', generateBody('lobby', '*', 2), 'alice-session-token', /^"alice" may have tokens for uid "alice" only, not a wildcard uid$/],
    ['a channel outside the grant', generateBody('secret', 'alice'), 'alice-session-token', /^"alice" may not have tokens for channel "secret" \(allowed: "lobby", "room-\*"\)$/],
    ['every channel, with a grant of some', generateBody('*', 'alice', 2), 'alice-session-token', /may not have tokens for channel "\*"/],
    ['a wider pattern than granted', generateBody('r*', 'alice', 2), 'alice-session-token', /may not have tokens for channel "r\*"/],
    ['a publisher token, with a subscriber grant', generateBody('lobby', '7', 1), 'viewer-session-token', /^"viewer-7" may have subscriber tokens \(role 2\) only$/],
  ])('refuses %s with 403', async (_name, body, token, message) => {
    server = await withBearer()
    const answer = await post(`${server.url}/token/generate`, body, bearer(token))
    expect(answer).toMatchObject({ status: 403, json: { code: 403, message: expect.stringMatching(message) } })
  })

  it('applies to the Go sample endpoint too, and a subscriber grant gets subscriber tokens', async () => {
    server = await withBearer()
    expect((await post(`${server.url}/fetch_rtc_token`, { uid: 8, ChannelName: 'lobby', role: 2 }, bearer('viewer-session-token'))).status).toBe(403)
    expect((await post(`${server.url}/fetch_rtc_token`, { uid: 7, ChannelName: 'lobby', role: 2 }, bearer('viewer-session-token'))).status).toBe(200)
  })

  it('advertises authorization (and credentials) in CORS, for allowed origins only', async () => {
    server = await withBearer()
    const preflight = await post(`${server.url}/token/generate`, undefined, { origin: 'http://app.test', 'access-control-request-method': 'POST' }, 'OPTIONS')
    expect(preflight.headers['access-control-allow-headers']).toBe('content-type, accept, authorization')
    expect(preflight.headers['access-control-allow-credentials']).toBe('true')
  })

  it('is what an app does: httpTokenSource with the session bearer gets a token; a wrong one fails 401, not retryable', async () => {
    server = await withBearer()
    const url = `${server.url}/token/generate`
    const request = { channel: 'room-42', uid: 'alice', role: 'publisher' } as const

    const ok = await httpTokenSource({ url, headers: bearer('alice-session-token') })(request, new AbortController().signal)
    const error = await httpTokenSource({ url, headers: bearer('expired') })(request, new AbortController().signal).catch((e: unknown) => e)

    expect(typeof ok === 'string' ? ok : ok.token).toMatch(/^007/)
    expect(isSessionError(error) && { status: error.status, retryable: error.retryable }).toEqual({ status: 401, retryable: false })
    // The server's own words, no guess (issue 20); 'expired' is the bearer sent, so masked even as a word.
    expect((error as Error).message).toMatch(/\(401 Unauthorized\): unknown or … session: sign in again$/)
    expect((error as Error).message).not.toContain('expired"')
  })

  it('a hook that throws: 500, no token, the error in the log', async () => {
    server = await startInProcess({
      authorize: () => {
        throw new Error('session store unreachable')
      },
    })
    const answer = await post(`${server.url}/token/generate`, generateBody())
    expect(answer).toMatchObject({ status: 500, json: { code: 500, message: 'internal error: see the token server log' } })
    expect(server.lines.join('\n')).toMatch(/error on \/token\/generate: session store unreachable/)
    expect(server.lines.join('\n')).not.toMatch(/^token /m)
  })

  it('a session cookie hook: the cookie names the session', async () => {
    server = await startInProcess({ authorize: sessionCookieAuthorize('sid', (id) => (id === 's-1' ? ALICE : undefined)) })
    expect((await post(`${server.url}/token/generate`, generateBody('lobby', 'alice'), { cookie: 'theme=dark; sid=s-1' })).status).toBe(200)
    expect((await post(`${server.url}/token/generate`, generateBody('lobby', 'alice'), { cookie: 'sid=s-2' })).status).toBe(401)
    expect((await post(`${server.url}/token/generate`, generateBody('lobby', 'alice'))).status).toBe(401)
  })

  it('npm run token-server -- --authorize demo/server/exampleAuthorize.ts checks callers, and says so', async () => {
    const standalone = await startStandalone(
      { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, EXAMPLE_BEARER_TOKENS: JSON.stringify({ 'alice-session-token': ALICE }) },
      ['--authorize', 'demo/server/exampleAuthorize.ts'],
    )
    try {
      expect(standalone.output()).toContain('Callers are checked by authorize() (bearer) before each token.')
      expect((await post(`${standalone.url}/token/generate`, generateBody('lobby', 'alice'))).status).toBe(401)
      expect((await post(`${standalone.url}/token/generate`, generateBody('lobby', 'alice'), bearer('alice-session-token'))).status).toBe(200)
    } finally {
      await standalone.close()
    }
  })
})

describe('the example hook (demo/server/exampleAuthorize.ts)', () => {
  it('a malformed EXAMPLE_BEARER_TOKENS stops the server with a message that names it, and never quotes its value', async () => {
    for (const value of ['not json', '["alice-session-token"]']) {
      const { code, output } = await runToExit({ EXAMPLE_BEARER_TOKENS: value }, ['--authorize', 'demo/server/exampleAuthorize.ts'])
      expect(code).toBe(2)
      expect(output).toMatch(/EXAMPLE_BEARER_TOKENS (is not valid JSON|must be a JSON object)/)
      expect(output).not.toContain(value)
    }
  })
})

describe('per-token log lines (item 8)', () => {
  const issue = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) expect((await post(`${server!.url}/token/generate`, generateBody('lobby', String(i + 1)))).status).toBe(200)
  }
  const tokenLines = () => server!.lines.filter((line) => line.startsWith('token '))

  it('are sampled by default without --demo: the first 10, then 1 in 100, fingerprints only', async () => {
    server = await startInProcess({ rateLimit: false })
    await issue(200)
    expect(tokenLines()).toHaveLength(12)
    expect(tokenLines()[9]).toMatch(/\(from here on 1 line in 100\)$/)
    expect(tokenLines()[11]).toMatch(/\(#200, 1 in 100 logged\)$/)
    expect(server.lines.join('\n')).not.toMatch(/007[A-Za-z0-9+/=]{16,}/)
  })

  it.each([
    ['none', 0],
    ['all', 30],
    [5, 14],
  ] as const)('logTokens %j: %i lines for 30 tokens', async (logTokens, lines) => {
    server = await startInProcess({ rateLimit: false, logTokens })
    await issue(30)
    expect(tokenLines()).toHaveLength(lines)
  })

  it('LOG_TOKENS sets it for npm run token-server', async () => {
    const standalone = await startStandalone({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, LOG_TOKENS: 'none' })
    try {
      const before = standalone.output()
      for (let i = 0; i < 3; i++) expect((await post(`${standalone.url}/token/generate`, generateBody('lobby', String(i + 1)))).status).toBe(200)
      expect(standalone.output()).toBe(before)
    } finally {
      await standalone.close()
    }
  })
})

// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeToken } from '../../src/index'
import { verifyToken } from '../../src/testing/index'
import { APP_CERTIFICATE, APP_ID } from '../support/fixtures'
import { readTokenServerEnv } from '../../src/server/node/tokenServerEnv'
import { secretForms } from './support/secretForms'
import { runToExit, startStandalone, type StandaloneServer } from './support/standaloneServer'

const ALLOWED = 'http://allowed.test:3000'
/** Everything any answer said, headers included: the certificate must be in none of it. */
const seen: string[] = []

interface Answer {
  status: number
  headers: Headers
  json: Record<string, unknown>
}

async function call(base: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  })
  const text = await response.text()
  seen.push(text, JSON.stringify([...response.headers]))
  return { status: response.status, headers: response.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}

const generate = (overrides: Record<string, unknown> = {}) => ({
  channelName: 'lobby',
  uid: '42',
  tokenExpireTs: 3600,
  privilegeExpireTs: 3600,
  serviceRtc: { enable: true, role: 1 },
  ...overrides,
})

const tokenOf = (answer: Answer): string => {
  const data = answer.json['data'] as { token?: unknown } | undefined
  const token = data?.token ?? answer.json['token']
  if (typeof token !== 'string') throw new Error(`no token in ${JSON.stringify(answer.json)}`)
  return token
}

describe('token server (npm run token-server)', () => {
  let server: StandaloneServer
  let base = ''

  beforeAll(async () => {
    // Well over the default rate limit (20 at once): this file sends a few hundred requests.
    server = await startStandalone({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, CORS_ORIGINS: ALLOWED, RATE_LIMIT: '1000/1000' })
    base = server.url
  }, 20_000)

  afterAll(async () => {
    await server.close()
    // The certificate was in no answer and in no log line.
    expect(seen.length).toBeGreaterThan(50)
    expect(seen.filter((text) => text.toLowerCase().includes(APP_CERTIFICATE))).toEqual([])
    expect(server.output()).not.toContain(APP_CERTIFICATE)
    // Nor its 16 bytes, raw or as base64 / base64url.
    const secret = secretForms(APP_CERTIFICATE)
    expect(seen.flatMap((text) => secret.find(text))).toEqual([])
    expect(secret.find(server.output())).toEqual([])
  })

  it('prints its URL on 127.0.0.1, where its credentials come from, and that it must sit behind authentication', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.output()).toContain('Real credentials: app id 0123…cdef')
    expect(server.output()).toContain(`Cross-origin callers allowed: ${ALLOWED}`)
    expect(server.output()).toContain('No authorize hook: ANYONE WHO CAN REACH THIS SERVER GETS A TOKEN FOR ANY CHANNEL AND UID.')
  })

  describe('POST /token/generate (Agora token service image)', () => {
    it('issues a publisher token for a channel and uid, signed with the certificate, for the lifetimes asked', async () => {
      const answer = await call(base, '/token/generate', { body: generate({ privilegeExpireTs: 1800 }) })
      expect(answer.status).toBe(200)
      expect(answer.json).toEqual({ code: 0, data: { token: expect.stringMatching(/^007/) } })
      const claims = await verifyToken(tokenOf(answer), APP_CERTIFICATE)
      expect(claims.appId).toBe(APP_ID)
      expect(claims.rtc).toMatchObject({ channel: 'lobby', uid: '42' })
      expect(Object.keys(claims.rtc?.privileges ?? {}).sort()).toEqual(['joinChannel', 'publishAudio', 'publishData', 'publishVideo'])
      expect(claims.expiresAt - claims.issuedAt).toBe(3600)
      expect(claims.rtc?.privileges.joinChannel).toBe(claims.issuedAt + 1800)
      expect(Math.abs(claims.issuedAt - Date.now() / 1000)).toBeLessThan(5)
    })

    it('issues 1-hour tokens to the Go sample, which names no lifetime', async () => {
      const claims = decodeToken(tokenOf(await call(base, '/fetch_rtc_token', { body: { uid: 1, ChannelName: 'x', role: 1 } })))
      expect(claims.expiresAt - claims.issuedAt).toBe(3600)
    })

    it('sends Date and exposes Date and Retry-After to cross-origin pages; never caches tokens', async () => {
      const answer = await call(base, '/token/generate', { body: generate() })
      expect(Math.abs(Date.parse(answer.headers.get('date') ?? '') - Date.now())).toBeLessThan(5_000)
      expect(answer.headers.get('access-control-expose-headers')).toBe('Date, Retry-After')
      expect(answer.headers.get('cache-control')).toBe('no-store')
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    })

    it.each([
      ['channel *', { channelName: '*' }, '*', '42'],
      ["channel ''", { channelName: '' }, '', '42'],
      ['a channel pattern', { channelName: 'room-*' }, 'room-*', '42'],
      ['uid "0" (any user)', { uid: '0' }, 'lobby', ''],
      ['uid "*" (any user)', { uid: '*' }, 'lobby', '*'],
    ])('issues a wildcard subscriber token: %s', async (_name, overrides, channel, uid) => {
      const answer = await call(base, '/token/generate', { body: generate({ ...overrides, serviceRtc: { enable: true, role: 2 } }) })
      expect(answer.status).toBe(200)
      const claims = await verifyToken(tokenOf(answer), APP_CERTIFICATE)
      expect(claims.rtc).toMatchObject({ channel, uid })
      expect(Object.keys(claims.rtc?.privileges ?? {})).toEqual(['joinChannel'])
    })

    it('takes privilegeExpireTs left out as the token lifetime', async () => {
      const { privilegeExpireTs: _left, ...body } = generate({ tokenExpireTs: 90 })
      const claims = decodeToken(tokenOf(await call(base, '/token/generate', { body })))
      expect(claims.rtc?.privileges.joinChannel).toBe(claims.issuedAt + 90)
    })

    it('takes user accounts and the full 64-byte channel name', async () => {
      const channel = 'c'.repeat(64)
      const answer = await call(base, '/token/generate', { body: generate({ channelName: channel, uid: 'alice@example' }) })
      expect(answer.status).toBe(200)
      expect((await decodeToken(tokenOf(answer))).rtc).toMatchObject({ channel, uid: 'alice@example' })
    })

    it.each([
      ['a channel over 64 bytes', { channelName: 'c'.repeat(65) }, /65 bytes/],
      ['a character Agora does not allow', { channelName: 'a/b' }, /"\/"/],
      ['a channel that is not a string', { channelName: 7 }, /channelName must be a string/],
      ['a numeric uid (it is a string here)', { uid: 42 }, /uid must be a string/],
      ['uid -1', { uid: -1 }, /uid must be a string .*got -1/],
      ['an empty uid', { uid: '' }, /uid must not be an empty string/],
      ['an account over 255 characters', { uid: 'u'.repeat(256) }, /uid is 256 characters; a user account is at most 255/],
      ['an account with a NUL', { uid: 'a\u0000b' }, /uid \(a user account\) has "\\u0000" \(U\+0000\) at index 1; allowed are/],
      ['an account with a newline', { uid: 'alice\n' }, /uid \(a user account\) has "\\n"/],
      ['an account with an emoji', { uid: 'al😀ce' }, /uid \(a user account\) has "😀" \(U\+1F600\)/],
      ['a privilegeExpireTs of null', { privilegeExpireTs: null }, /^privilegeExpireTs must be a whole number of seconds from 1 to 86400 \(24 h\), got null$/],
      ['expiry 0', { tokenExpireTs: 0 }, /tokenExpireTs must be a whole number of seconds from 1 to 86400/],
      ['expiry over 24 h', { tokenExpireTs: 86_401 }, /tokenExpireTs/],
      ['a fractional expiry', { privilegeExpireTs: 1.5 }, /privilegeExpireTs/],
      ['expiry as a string', { tokenExpireTs: '60' }, /tokenExpireTs/],
      ['role 3', { serviceRtc: { enable: true, role: 3 } }, /serviceRtc.role must be 1 \(publisher\) or 2 \(subscriber\)/],
      ['role as a string', { serviceRtc: { enable: true, role: '1' } }, /serviceRtc.role/],
      ['no serviceRtc', { serviceRtc: undefined }, /serviceRtc must be \{enable: true/],
      ['serviceRtc disabled', { serviceRtc: { enable: false, role: 1 } }, /RTC tokens only/],
      ['a wildcard channel for a publisher', { channelName: '*' }, /wildcard tokens are for subscribers only/],
      ["channel '' for a publisher", { channelName: '' }, /wildcard tokens are for subscribers only/],
      ['a channel pattern for a publisher', { channelName: 'room-*' }, /wildcard tokens are for subscribers only/],
      ['uid "0" for a publisher', { uid: '0' }, /wildcard tokens are for subscribers only/],
      ['uid "*" for a publisher', { uid: '*' }, /wildcard tokens are for subscribers only/],
      ['channel * with uid 0', { channelName: '*', uid: '0', serviceRtc: { enable: true, role: 2 } }, /Agora does not support the combination/],
      ['a channel pattern with uid "*"', { channelName: 'room-*', uid: '*', serviceRtc: { enable: true, role: 2 } }, /Agora does not support the combination/],
    ])('refuses %s with 400 {code, message}', async (_name, overrides, message) => {
      const answer = await call(base, '/token/generate', { body: generate(overrides) })
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ code: 400, message: expect.stringMatching(message) })
    })

    it.each([
      ['a body that is not JSON', '{channelName:', 400, /not JSON/],
      ['an empty body', '', 400, /empty/],
      ['an array', '[]', 400, /JSON object/],
    ])('refuses %s', async (_name, body, status, message) => {
      const answer = await call(base, '/token/generate', { method: 'POST', body })
      expect(answer.status).toBe(status)
      expect(answer.json).toEqual({ code: status, message: expect.stringMatching(message) })
    })

    it('answers 405 to GET', async () => {
      const answer = await call(base, '/token/generate')
      expect(answer.status).toBe(405)
      expect(answer.headers.get('allow')).toBe('POST, OPTIONS')
    })
  })

  it('answers every bad request with 400 and a message that says what is wrong, and keeps serving', async () => {
    const bad: [string, string, unknown, RegExp][] = [
      ['/token/generate', 'bad JSON', '{"channelName": "lobby",', /^the body is not JSON$/],
      ['/fetch_rtc_token', 'bad JSON', '{uid: 1}', /^the body is not JSON$/],
      ['/token/generate', 'a wildcard publisher', generate({ channelName: '*' }), /^a publisher token cannot be a wildcard token \(channel "\*", uid 42\)/],
      ['/fetch_rtc_token', 'a wildcard publisher', { uid: 42, ChannelName: '*', role: 1 }, /^a publisher token cannot be a wildcard token/],
      ['/token/generate', 'expiry 0', generate({ tokenExpireTs: 0 }), /^tokenExpireTs must be a whole number of seconds from 1 to 86400 \(24 h\), got 0$/],
      ['/token/generate', 'expiry 86401', generate({ tokenExpireTs: 86_401, privilegeExpireTs: 86_401 }), /^tokenExpireTs .* from 1 to 86400 \(24 h\), got 86401$/],
      ['/token/generate', 'privilege expiry 86401', generate({ privilegeExpireTs: 86_401 }), /^privilegeExpireTs .* got 86401$/],
      ['/token/generate', 'a 65-byte channel', generate({ channelName: 'c'.repeat(65) }), /^channel pattern is 65 bytes \(UTF-8\); the limit is 64 bytes$/],
      ['/fetch_rtc_token', 'a 65-byte channel', { uid: 42, ChannelName: 'é'.repeat(32) + 'c', role: 1 }, /^channel pattern is 65 bytes/],
      ['/fetch_rtc_token', 'a body nested 5,000 deep', `{"uid": ${'['.repeat(5000)}${']'.repeat(5000)}}`, /^the body is nested more than 16 deep/],
      ['/token/generate', 'uid -1', generate({ uid: -1 }), /^uid must be a string .*got -1$/],
      ['/fetch_rtc_token', 'uid -1', { uid: -1, ChannelName: 'lobby', role: 1 }, /^uid must be an integer from 0 to 4294967295, got -1$/],
    ]
    const ask = (path: string, body: unknown) => call(base, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) })
    const before = server.output()
    // One after another, then all at once.
    for (const [path, name, body, message] of bad) {
      const answer = await ask(path, body)
      expect({ path, name, status: answer.status, json: answer.json }).toEqual({ path, name, status: 400, json: { code: 400, message: expect.stringMatching(message) } })
    }
    const together = await Promise.all(bad.map(([path, , body]) => ask(path, body)))
    expect(together.map((answer) => answer.status)).toEqual(bad.map(() => 400))

    // Still up: good requests on both endpoints get tokens signed with the certificate.
    const generated = await call(base, '/token/generate', { body: generate() })
    expect(generated.status).toBe(200)
    expect((await verifyToken(tokenOf(generated), APP_CERTIFICATE)).rtc).toMatchObject({ channel: 'lobby', uid: '42' })
    const goSample = await call(base, '/fetch_rtc_token', { body: { uid: 42, ChannelName: 'lobby', role: 1 } })
    expect(goSample.status).toBe(200)
    expect((await verifyToken(tokenOf(goSample), APP_CERTIFICATE)).rtc).toMatchObject({ channel: 'lobby', uid: '42' })
    // Refused as bad requests, not failed inside: the server logged no error for any of them.
    expect(server.output().slice(before.length)).not.toMatch(/error on/)
  })

  describe('POST /fetch_rtc_token (the Go sample)', () => {
    it('issues {token} for a numeric uid, publisher or subscriber', async () => {
      const publisher = await call(base, '/fetch_rtc_token', { body: { uid: 42, ChannelName: 'lobby', role: 1 } })
      expect(publisher.status).toBe(200)
      expect(Object.keys(publisher.json)).toEqual(['token'])
      const claims = await verifyToken(tokenOf(publisher), APP_CERTIFICATE)
      expect(claims.rtc).toMatchObject({ channel: 'lobby', uid: '42' })
      expect(claims.rtc?.privileges.publishVideo).toBeDefined()

      const subscriber = await call(base, '/fetch_rtc_token', { body: { uid: 42, ChannelName: '*', role: 2 } })
      const wildcard = await verifyToken(tokenOf(subscriber), APP_CERTIFICATE)
      expect(wildcard.rtc).toMatchObject({ channel: '*', uid: '42' })
      expect(wildcard.rtc?.privileges.publishVideo).toBeUndefined()
    })

    it('takes a user account as a string, and uid 0 as the wildcard user', async () => {
      const account = await call(base, '/fetch_rtc_token', { body: { uid: 'alice', ChannelName: 'lobby', role: 1 } })
      expect((await decodeToken(tokenOf(account))).rtc?.uid).toBe('alice')
      const anyone = await call(base, '/fetch_rtc_token', { body: { uid: 0, ChannelName: 'lobby', role: 2 } })
      expect((await decodeToken(tokenOf(anyone))).rtc?.uid).toBe('')
    })

    it.each([
      ['uid 2^32', { uid: 2 ** 32 }, /uid must be an integer from 0 to 4294967295/],
      ['uid -1', { uid: -1 }, /uid must be an integer/],
      ['a fractional uid', { uid: 1.5 }, /uid must be an integer/],
      ['no uid', { uid: undefined }, /uid must be a number/],
      ['no channel', { ChannelName: undefined }, /ChannelName must be a string/],
      ['role 0', { role: 0 }, /role must be 1 \(publisher\) or 2 \(subscriber\)/],
      ['a wildcard publisher token', { ChannelName: '*' }, /wildcard tokens are for subscribers only/],
      ['uid 0 for a publisher', { uid: 0 }, /wildcard tokens are for subscribers only/],
    ])('refuses %s with 400', async (_name, overrides, message) => {
      const answer = await call(base, '/fetch_rtc_token', { body: { uid: 42, ChannelName: 'lobby', role: 1, ...overrides } })
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ code: 400, message: expect.stringMatching(message) })
    })
  })

  describe('CORS', () => {
    it('lets an allowed origin in and says so', async () => {
      const answer = await call(base, '/token/generate', { body: generate(), headers: { origin: ALLOWED } })
      expect(answer.status).toBe(200)
      expect(answer.headers.get('access-control-allow-origin')).toBe(ALLOWED)
      expect(answer.headers.get('vary')).toBe('Origin')
    })

    it('answers the preflight of an allowed origin', async () => {
      const response = await fetch(`${base}/token/generate`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
      expect(response.status).toBe(204)
      expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED)
      expect(response.headers.get('access-control-allow-methods')).toContain('POST')
      expect(response.headers.get('access-control-allow-headers')).toContain('content-type')
    })

    it('refuses another origin with 403, preflight included', async () => {
      const answer = await call(base, '/token/generate', { body: generate(), headers: { origin: 'http://evil.test' } })
      expect(answer.status).toBe(403)
      expect(answer.json).toEqual({ code: 403, message: expect.stringMatching(/origin http:\/\/evil.test is not allowed: add it to the token server's allowed origins \(CORS_ORIGINS\)/) })
      expect(answer.headers.get('access-control-allow-origin')).toBeNull()
      const preflight = await fetch(`${base}/token/generate`, { method: 'OPTIONS', headers: { origin: 'http://evil.test' } })
      expect(preflight.status).toBe(403)
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    })

    it('serves its own origin and callers without an Origin (servers, curl)', async () => {
      expect((await call(base, '/token/generate', { body: generate(), headers: { origin: base } })).status).toBe(200)
      expect((await call(base, '/token/generate', { body: generate() })).status).toBe(200)
    })

    it('refuses a Host that is not local (DNS rebinding)', async () => {
      const { request } = await import('node:http')
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(`${base}/token/generate`, { headers: { host: 'evil.test' } }, (res) => {
          res.resume()
          resolve(res.statusCode)
        })
        req.on('error', reject)
        req.end()
      })
      expect(status).toBe(403)
    })
  })
})

describe('token server without credentials', () => {
  it('makes up a throwaway app id, says it runs simulated, and serves tokens only', async () => {
    const server = await startStandalone({})
    try {
      expect(server.output()).toContain('Simulated mode: AGORA_APP_ID and AGORA_APP_CERTIFICATE are not set')
      // The demo page's own origin is allowed by default.
      expect(server.output()).toContain('Cross-origin callers allowed: http://127.0.0.1:5173, http://localhost:5173')
      const answer = await call(server.url, '/token/generate', { body: generate({ tokenExpireTs: 3600 }) })
      const claims = await decodeToken(tokenOf(answer))
      expect(claims.appId).toMatch(/^[0-9a-f]{32}$/)
      expect(claims.expiresAt - claims.issuedAt).toBe(3600)
      // The demo's own endpoints are the demo's (npm run demo), not the token server's.
      for (const path of ['/demo/config', '/demo/settings', '/edge/verify']) {
        expect((await call(server.url, path)).status).toBe(404)
      }
      expect((await call(server.url, '/token/generate', { body: generate(), headers: { origin: 'http://127.0.0.1:5173' } })).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it.each([
    [{ AGORA_APP_ID: APP_ID }, /AGORA_APP_CERTIFICATE is not set but AGORA_APP_ID is/],
    [{ AGORA_APP_CERTIFICATE: APP_CERTIFICATE }, /AGORA_APP_ID is not set but AGORA_APP_CERTIFICATE is/],
    [{ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: 'not-hex-secret' }, /AGORA_APP_CERTIFICATE must be 32 hex digits/],
    [{ CORS_ORIGINS: 'not a url' }, /CORS_ORIGINS: "not a url" is not an origin/],
    [{ RATE_LIMIT: 'lots' }, /RATE_LIMIT must be <burst>\/<per second> such as 20\/2, or off/],
    [{ MAX_CONNECTIONS: '0' }, /MAX_CONNECTIONS must be a whole number of 1 or more, got "0"/],
    [{ LOG_TOKENS: 'some' }, /LOG_TOKENS must be all, none or a whole number N/],
    [{ MAX_CONNECTIONS_PER_CLIENT: '0' }, /MAX_CONNECTIONS_PER_CLIENT must be a whole number of 1 or more, got "0"/],
    [{ PORT: 'x' }, /PORT must be a port number/],
  ])('refuses the settings %j with a message that says what to set, never the certificate', (env, message) => {
    let said = ''
    try {
      readTokenServerEnv(env)
    } catch (error) {
      said = (error as Error).message
    }
    expect(said).toMatch(message)
    expect(said).not.toContain('not-hex-secret')
    expect(said).not.toContain(APP_CERTIFICATE)
  })

  it('npm run token-server stops at start on a bad setting: exit code 2 and the message', async () => {
    const { code, output } = await runToExit({ AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: 'not-hex-secret' })
    expect(code).toBe(2)
    expect(output).toMatch(/AGORA_APP_CERTIFICATE must be 32 hex digits/)
    expect(output).not.toContain('not-hex-secret')
  })
})

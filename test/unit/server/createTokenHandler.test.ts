// @vitest-environment node
import fc from 'fast-check'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { createAccessToken2Builder } from '../../../src/accessToken2/buildAccessToken2'
import { createTokenHandler } from '../../../src/server/createTokenHandler'
import type { RateLimitStore } from '../../../src/server/rateLimit/RateLimitStore'
import { decodeToken } from '../../../src/token/decodeToken'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

// The handler as any runtime calls it: a Web Request in, a Response out.

interface AgoraParsed {
  appId: Buffer
  issueTs: number
  expire: number
  salt: number
  services: { __channel_name: Buffer; __uid: Buffer; __privileges: Record<string, number> }[]
  from_string(token: string): boolean
  verifySignature(appCertificate: string): boolean
}
const { AccessToken2 } = createRequire(import.meta.url)('agora-token/src/AccessToken2') as { AccessToken2: new () => AgoraParsed }

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://tokens.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
const client = { address: '192.0.2.1' }

describe('createTokenHandler', () => {
  it('mints tokens that agora-token verifies and reads back as asked (fast-check over channels, uids, roles, lifetimes)', async () => {
    const lines: string[] = []
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, rateLimit: false, log: (line) => lines.push(line), logTokens: 'all' })
    const chars = [...'abcXYZ019 !#$%&()+-:;<=.>?@[]^_{}|~,']
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 64 }),
        fc.oneof(fc.integer({ min: 1, max: 2 ** 32 - 1 }).map(String), fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 255 }).filter((u) => !/^\d+$/.test(u))),
        fc.constantFrom(1, 2),
        fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: 1, max: 86_400 }),
        async (channelName, uid, role, tokenExpireTs, privilegeExpireTs) => {
          const response = await handle(post('/token/generate', { channelName, uid, tokenExpireTs, privilegeExpireTs, serviceRtc: { enable: true, role } }), client)
          expect(response.status).toBe(200)
          const { data } = (await response.json()) as { data: { token: string } }
          const parsed = new AccessToken2()
          expect(parsed.from_string(data.token)).toBe(true)
          expect(parsed.verifySignature(APP_CERTIFICATE)).toBe(true)
          expect(parsed.verifySignature('f'.repeat(32))).toBe(false)
          expect(parsed.appId.toString()).toBe(APP_ID)
          expect(parsed.expire).toBe(tokenExpireTs)
          const rtc = parsed.services[0]!
          expect([rtc.__channel_name.toString(), rtc.__uid.toString()]).toEqual([channelName, uid])
          expect(rtc.__privileges).toEqual(Object.fromEntries((role === 1 ? [1, 2, 3, 4] : [1]).map((key) => [key, privilegeExpireTs])))
          expect(decodeToken(data.token).rtc).toMatchObject({ channel: channelName, uid })
        },
      ),
      { numRuns: 200 },
    )
    expect(lines.join('\n')).not.toContain(APP_CERTIFICATE)
    expect(lines.join('\n')).not.toMatch(/007[A-Za-z0-9+/=]{16,}/)
  })

  it('takes its clock and salts from now and random: the same bytes as the builder', async () => {
    const now = Date.UTC(2026, 0, 1)
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, rateLimit: false, log: () => {}, now: () => now, random: () => 0.5 })
    const response = await handle(post('/fetch_rtc_token', { uid: 7, ChannelName: 'lobby', role: 2 }))
    const expected = createAccessToken2Builder(APP_ID, APP_CERTIFICATE)({ channel: 'lobby', uid: '7', issuedAt: now / 1000, expireSec: 3600, salt: Math.floor(0.5 * 99_999_999) + 1, privileges: [[1, 3600]] })
    expect(await response.json()).toEqual({ token: expected })
    expect(response.headers.get('date')).toBe(new Date(now).toUTCString())
  })

  it('caps lifetimes at lifetime.maxSec, asked per token', async () => {
    let cap = 600
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, rateLimit: false, log: () => {}, lifetime: { defaultSec: 900, maxSec: () => cap } })
    const lifetime = async (): Promise<number> => {
      const { token } = (await (await handle(post('/fetch_rtc_token', { uid: 7, ChannelName: 'lobby', role: 1 }))).json()) as { token: string }
      const claims = decodeToken(token)
      return claims.expiresAt - claims.issuedAt
    }
    expect(await lifetime()).toBe(600)
    cap = 86_400
    expect(await lifetime()).toBe(900)
  })

  it('answers 503 while its rate-limit store fails, and serves again when it is back', async () => {
    let down = true
    const lines: string[] = []
    const store: RateLimitStore = { take: () => (down ? Promise.reject(new Error('connection refused')) : 0) }
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, rateLimit: { store }, log: (line) => lines.push(line) })
    const refused = await handle(post('/fetch_rtc_token', { uid: 7, ChannelName: 'lobby', role: 1 }), client)
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(await refused.json()).toEqual({ code: 503, message: 'the rate-limit store is unavailable: retry shortly' })
    expect(lines).toEqual(['rate-limit store failed: connection refused'])
    down = false
    expect((await handle(post('/fetch_rtc_token', { uid: 7, ChannelName: 'lobby', role: 1 }), client)).status).toBe(200)
  })

  it('with a rate limit but no client address (an adapter that passes none), answers 500 and says in the log what to pass', async () => {
    const lines: string[] = []
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, log: (line) => lines.push(line) })
    expect((await handle(post('/fetch_rtc_token', { uid: 7, ChannelName: 'lobby', role: 1 }))).status).toBe(500)
    expect(lines.join('\n')).toMatch(/no client address to rate-limit by: pass it as handle\(request, \{ address \}\)/)
  })

  it.each([
    ['a 5,000-deep array', `{"uid": ${'['.repeat(5000)}${']'.repeat(5000)}}`, 400],
    ['a 2,000-deep object', `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`, 400],
    ['17 KB', JSON.stringify({ uid: 1, ChannelName: 'x'.repeat(17_000), role: 1 }), 413],
    ['brackets inside strings only', JSON.stringify({ uid: 7, ChannelName: 'a[[[[[[[[[[[[[[[[[[[[b', role: 1 }), 200],
  ])('a body of %s: %s', async (_name, body, status) => {
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, rateLimit: false, log: () => {} })
    expect((await handle(post('/fetch_rtc_token', body))).status).toBe(status)
  })

  it('refuses to start without 32-hex credentials, never quoting the certificate', () => {
    expect(() => createTokenHandler({ appId: 'app', appCertificate: APP_CERTIFICATE })).toThrow(/appId must be 32 hex digits/)
    let message = ''
    try {
      createTokenHandler({ appId: APP_ID, appCertificate: 'my-secret-cert' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/appCertificate must be 32 hex digits/)
    expect(message).not.toContain('my-secret-cert')
    expect(() => createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, cors: { origins: ['not an origin'] } })).toThrow(/cors.origins: "not an origin" is not an origin/)
  })

  it('answers 404 elsewhere and 405 to GET, as {code, message}', async () => {
    const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, log: () => {} })
    const missing = await handle(new Request('http://tokens.test/other'), client)
    expect([missing.status, await missing.json()]).toEqual([404, { code: 404, message: 'no /other here: POST /token/generate or /fetch_rtc_token' }])
    const get = await handle(new Request('http://tokens.test/token/generate'), client)
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST, OPTIONS'])
  })
})

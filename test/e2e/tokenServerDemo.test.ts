// @vitest-environment node
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { decodeToken } from '../../src/index'
import { mintToken } from '../../src/testing/index'
import { createDemoServer } from '../../demo/server/demoServer'
import { APP_CERTIFICATE, APP_ID, OTHER_APP_ID } from '../support/fixtures'
import { startDemoServer, type DemoServer } from './support/demoServer'
import { openIdle } from './support/rawHttp'

// What `npm run demo` serves besides the page (demo/server): settings, faults, /edge/verify, on
// the Vite dev server the demo runs on, with the same token handler as npm run token-server.

interface Answer {
  status: number
  headers: Headers
  json: Record<string, unknown>
}

let base = ''
async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}
/** What the page does: a same-origin POST, which carries the page's Origin. */
const fromPage = (body: unknown) => call('/demo/settings', { body, headers: { origin: base } })

const generate = (overrides: Record<string, unknown> = {}) => ({ channelName: 'lobby', uid: '42', tokenExpireTs: 3600, privilegeExpireTs: 3600, serviceRtc: { enable: true, role: 1 }, ...overrides })
const tokenOf = (answer: Answer): string => (answer.json['data'] as { token: string } | undefined)?.token ?? (answer.json['token'] as string)

describe('the demo server (npm run demo)', () => {
  let demo: DemoServer

  beforeAll(async () => {
    // The plugin reads RATE_LIMIT when it starts: this file sends more than the default burst.
    const saved = process.env['RATE_LIMIT']
    process.env['RATE_LIMIT'] = '1000/1000'
    try {
      demo = await startDemoServer('tokenServerDemo', { credentials: { appId: APP_ID, appCertificate: APP_CERTIFICATE } })
    } finally {
      if (saved === undefined) delete process.env['RATE_LIMIT']
      else process.env['RATE_LIMIT'] = saved
    }
    base = demo.url.replace(/\/$/, '')
  }, 60_000)
  afterEach(async () => {
    await fromPage({ fault: 'none', tokenLifetimeSec: 120 })
  })
  afterAll(async () => {
    await demo?.close()
  })

  it('reports {appId, simulated} and the settings', async () => {
    expect((await call('/demo/config')).json).toEqual({ appId: APP_ID, simulated: false })
    expect((await call('/demo/settings')).json).toEqual({ tokenLifetimeSec: 120, fault: 'none' })
  })

  it('takes settings from the page only: a POST without the page origin (curl, another page) is refused 403', async () => {
    expect(await call('/demo/settings', { body: { fault: 'down' } })).toMatchObject({ status: 403, json: { code: 403, message: expect.stringMatching(/only the demo page itself/) } })
    expect(await call('/demo/settings', { body: { fault: 'down' }, headers: { origin: 'http://evil.test' } })).toMatchObject({ status: 403 })
    expect((await call('/demo/settings')).json).toEqual({ tokenLifetimeSec: 120, fault: 'none' })
  })

  it('issues min(requested, setting) seconds', async () => {
    expect((await fromPage({ tokenLifetimeSec: 60 })).json).toEqual({ tokenLifetimeSec: 60, fault: 'none' })
    const capped = decodeToken(tokenOf(await call('/token/generate', { body: generate() })))
    expect(capped.expiresAt - capped.issuedAt).toBe(60)
    expect(capped.rtc?.privileges.joinChannel).toBe(capped.issuedAt + 60)
    const shorter = decodeToken(tokenOf(await call('/token/generate', { body: generate({ tokenExpireTs: 30, privilegeExpireTs: 30 }) })))
    expect(shorter.expiresAt - shorter.issuedAt).toBe(30)
    const goSample = decodeToken(tokenOf(await call('/fetch_rtc_token', { body: { uid: 1, ChannelName: 'x', role: 1 } })))
    expect(goSample.expiresAt - goSample.issuedAt).toBe(60)
  })

  it.each([
    [{ tokenLifetimeSec: 59 }, /from 60 to 600/],
    [{ tokenLifetimeSec: 601 }, /from 60 to 600/],
    [{ tokenLifetimeSec: '120' }, /from 60 to 600/],
    [{ fault: 'fire' }, /fault must be one of none, down, slow, 500, 429/],
    [{ colour: 'red' }, /unknown setting "colour"/],
    [[], /JSON object/],
  ])('refuses settings %j with 400', async (body, message) => {
    expect(await fromPage(body)).toMatchObject({ status: 400, json: { code: 400, message: expect.stringMatching(message) } })
    expect((await call('/demo/settings')).json).toEqual({ tokenLifetimeSec: 120, fault: 'none' })
  })

  it('down: closes the connection without an answer; the demo endpoints keep working', async () => {
    await fromPage({ fault: 'down' })
    await expect(fetch(`${base}/token/generate`, { method: 'POST', body: JSON.stringify(generate()) })).rejects.toThrow(TypeError)
    await expect(fetch(`${base}/fetch_rtc_token`, { method: 'POST', body: '{}' })).rejects.toThrow(TypeError)
    expect((await call('/demo/config')).status).toBe(200)
  })

  it('slow: answers after 3 s', async () => {
    await fromPage({ fault: 'slow' })
    const started = Date.now()
    expect((await call('/token/generate', { body: generate() })).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900)
  }, 10_000)

  it('500 and 429 (with Retry-After: 20)', async () => {
    await fromPage({ fault: '500' })
    expect(await call('/token/generate', { body: generate() })).toMatchObject({ status: 500, json: { code: 500, message: expect.stringMatching(/simulated failure/) } })
    await fromPage({ fault: '429' })
    const answer = await call('/fetch_rtc_token', { body: { uid: 1, ChannelName: 'x', role: 1 } })
    expect(answer).toMatchObject({ status: 429, json: { code: 429 } })
    expect(answer.headers.get('retry-after')).toBe('20')
  })

  it("holds Vite's own server to the token server's limits: headers within 5 s, 32 connections per client", async () => {
    const slow = await openIdle(base, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    const attacker = await Promise.all(Array.from({ length: 40 }, () => openIdle(base, undefined, '127.0.0.2')))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(attacker.filter(({ socket }) => !socket.destroyed && socket.readyState === 'open').length).toBeLessThanOrEqual(32)
    const started = Date.now()
    // Node's 408 for a request whose headers did not come in time (it was open past 40 s before).
    expect(await slow.closed).toMatch(/^HTTP\/1\.1 408/)
    expect(Date.now() - started).toBeLessThan(7_000)
    for (const { socket } of attacker) socket.destroy()
    expect((await call('/demo/config')).status).toBe(200)
  }, 15_000)

  describe('POST /edge/verify', () => {
    it('answers 200 for a token it signed', async () => {
      const token = tokenOf(await call('/token/generate', { body: generate() }))
      expect(await call('/edge/verify', { body: { token } })).toMatchObject({ status: 200, json: { code: 0, message: 'signature verified' } })
    })

    it('answers 401 for a token signed with another certificate, or for another app id', async () => {
      const forged = mintToken({ appId: APP_ID, appCertificate: 'ffffffffffffffffffffffffffffffff', channel: 'lobby', uid: 42, expireSec: 600 })
      expect(await call('/edge/verify', { body: { token: forged } })).toMatchObject({ status: 401, json: { code: 401, message: expect.stringMatching(/signature/) } })
      const otherApp = mintToken({ appId: OTHER_APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
      expect(await call('/edge/verify', { body: { token: otherApp } })).toMatchObject({ status: 401, json: { message: expect.stringMatching(/another app id/) } })
    })

    it('answers 400 for something that is not a token', async () => {
      expect((await call('/edge/verify', { body: { token: 'abc' } })).status).toBe(400)
      expect((await call('/edge/verify', { body: { token: '007AAAA' } })).status).toBe(400)
      expect((await call('/edge/verify', { body: {} })).json).toEqual({ code: 400, message: 'the body must be {token: string}' })
    })

    it('refuses a token over 2,047 characters before parsing it (a 15 KB zlib bomb gets a 400, not 11.7 MB of inflating)', async () => {
      const bomb = `007${Buffer.from((await import('node:zlib')).deflateSync(Buffer.alloc(12_000_000))).toString('base64')}`
      expect(bomb.length).toBeGreaterThan(2_047)
      expect(await call('/edge/verify', { body: { token: bomb } })).toMatchObject({ status: 400, json: { message: `the token is ${bomb.length} characters; the SDK takes at most 2047` } })
      const longest = `007${'A'.repeat(2_044)}`
      expect((await call('/edge/verify', { body: { token: longest } })).json['message']).toMatch(/^not an AccessToken2/)
    })
  })
})

describe('the demo server in process', () => {
  let server: Server | undefined
  afterEach(async () => {
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    server = undefined
  })

  it('rate-limits /edge/verify per client like the token routes', async () => {
    const demo = createDemoServer({ env: { AGORA_APP_ID: APP_ID, AGORA_APP_CERTIFICATE: APP_CERTIFICATE, RATE_LIMIT: '3/0.01' }, log: () => {} })
    server = createServer((req, res) => demo.handle(req, res, () => res.writeHead(404).end()))
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const token = mintToken({ appId: APP_ID, appCertificate: APP_CERTIFICATE, channel: 'lobby', uid: 42, expireSec: 600 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await call('/edge/verify', { body: { token } })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
  })
})

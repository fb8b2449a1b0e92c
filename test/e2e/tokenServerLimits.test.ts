// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { httpTokenSource } from '../../src/index'
import { isSessionError } from '../../src/errors'
import { DEFAULT_NODE_LIMITS } from '../../src/server/node/connectionLimits'
import { memoryRateLimitStore } from '../../src/server/rateLimit/memoryRateLimitStore'
import { generateBody, post, startInProcess, type InProcessServer } from './support/inProcessServer'
import { openIdle } from './support/rawHttp'
import { startStandalone } from './support/standaloneServer'

// The Node adapter's limits (issue 12, item 2; issue 22: a cap per client), on real sockets and
// real time: each limit is set small here (200 ms) so that the waits stay short; the defaults
// are checked as values. Clients are told apart by their address: 127.0.0.2, .3, ... are this
// machine too.

let server: InProcessServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Resolves with what the server sent before closing, or rejects after `ms` (it did not close). */
const closedWithin = (closed: Promise<string>, ms: number): Promise<string> =>
  Promise.race([closed, new Promise<string>((_, reject) => setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms))])

/** Lets the server see the connections a test just opened. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50))

describe('serveTokens limits', () => {
  it('defaults: headers in 5 s, whole request in 10 s, idle keep-alive 2 s, 256 connections, 32 per client', async () => {
    expect(DEFAULT_NODE_LIMITS).toEqual({ headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 2_000, maxConnections: 256, maxConnectionsPerClient: 32 })
    server = await startInProcess()
    expect(server.running.limits).toEqual(DEFAULT_NODE_LIMITS)
  })

  it('closes a connection whose headers do not come within headersTimeout (408), and keeps serving', async () => {
    server = await startInProcess({}, { headersTimeoutMs: 200, requestTimeoutMs: 400 })
    const idle = await openIdle(server.url)
    const slow = await openIdle(server.url, 'POST /token/generate HTTP/1.1\r\nHost: 127.0.0.1\r\n')

    expect(await closedWithin(slow.closed, 2_000)).toMatch(/^HTTP\/1\.1 408/)
    await closedWithin(idle.closed, 2_000)
    expect((await post(`${server.url}/token/generate`, generateBody())).status).toBe(200)
  })

  it('closes a request whose body does not come within requestTimeout (408)', async () => {
    server = await startInProcess({}, { headersTimeoutMs: 200, requestTimeoutMs: 300 })
    const body = JSON.stringify(generateBody())
    const stalled = await openIdle(server.url, `POST /token/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`)

    expect(await closedWithin(stalled.closed, 2_000)).toMatch(/^HTTP\/1\.1 408/)
  })

  it('closes an idle keep-alive connection after keepAliveTimeout', async () => {
    server = await startInProcess({}, { keepAliveTimeoutMs: 200 })
    const body = JSON.stringify(generateBody())
    const kept = await openIdle(server.url, `POST /token/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`)

    // Node's default keeps it 5 s.
    expect(await closedWithin(kept.closed, 2_000)).toMatch(/^HTTP\/1\.1 200/)
  })

  it('takes at most maxConnections at once; the next is closed at once, and served again when one goes', async () => {
    server = await startInProcess({}, { maxConnections: 3 })
    const held = await Promise.all([2, 3, 4].map((n) => openIdle(server!.url, undefined, `127.0.0.${n}`)))
    await settle()

    const refused = await openIdle(server.url)
    expect(await closedWithin(refused.closed, 2_000)).toBe('')
    await expect(post(`${server.url}/token/generate`, generateBody())).rejects.toThrow()

    held[0]!.socket.destroy()
    await held[0]!.closed
    await settle()
    expect((await post(`${server.url}/token/generate`, generateBody())).status).toBe(200)
    for (const { socket } of held) socket.destroy()
  })

  it('takes at most maxConnectionsPerClient from one address: one client holding many slow sockets leaves the rest to everyone else', async () => {
    // The attack of issue 22: one client opens more slow sockets than the whole cap.
    server = await startInProcess({ rateLimit: false }, { maxConnections: 20, maxConnectionsPerClient: 4 })
    const attacker = await Promise.all(Array.from({ length: 30 }, () => openIdle(server!.url, 'POST /token/generate HTTP/1.1\r\nHost: 127.0.0.1\r\n', '127.0.0.2')))
    await settle()
    const stillOpen = attacker.filter(({ socket }) => !socket.destroyed && socket.readyState === 'open')
    expect(stillOpen.length).toBeLessThanOrEqual(4)

    // Every other client is served, from several addresses, while the attacker holds its 4.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`${server!.url}/token/generate`, generateBody('lobby', String(i + 1)), {}, 'POST', `127.0.0.${3 + (i % 4)}`)))
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200))
    // The attacker itself gets nothing more.
    await expect(post(`${server.url}/token/generate`, generateBody(), {}, 'POST', '127.0.0.2')).rejects.toThrow()
    for (const { socket } of attacker) socket.destroy()
  })

  it('answers a client over its rate 429 with Retry-After, which httpTokenSource hands to the store as retryAfterMs; each address counts alone', async () => {
    let nowMs = 0
    server = await startInProcess({ rateLimit: { burst: 3, perSecond: 0.5, store: memoryRateLimitStore({ now: () => nowMs }) } })

    const first = await Promise.all([1, 2, 3].map(() => post(`${server!.url}/token/generate`, generateBody())))
    expect(first.map((a) => a.status)).toEqual([200, 200, 200])
    const limited = await post(`${server.url}/token/generate`, generateBody())
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('2')
    expect(limited.json).toEqual({ code: 429, message: 'too many token requests from this client: retry in 2 s' })
    // Another address has its own bucket.
    expect((await post(`${server.url}/token/generate`, generateBody(), {}, 'POST', '127.0.0.9')).status).toBe(200)

    const error = await httpTokenSource({ url: `${server.url}/token/generate` })({ channel: 'lobby', uid: 42, role: 'publisher' }, new AbortController().signal).catch((e: unknown) => e)
    expect(isSessionError(error) && { status: error.status, retryable: error.retryable, retryAfterMs: error.retryAfterMs }).toEqual({ status: 429, retryable: true, retryAfterMs: 2_000 })

    nowMs += 2_000
    expect((await post(`${server.url}/token/generate`, generateBody())).status).toBe(200)
    expect(server.lines.join('\n')).not.toMatch(/429|too many/)
  })

  it('never trusts X-Forwarded-For by default; a clientKey for a trusted proxy can', async () => {
    server = await startInProcess({ rateLimit: { burst: 1, perSecond: 0.001 } })
    expect((await post(`${server.url}/token/generate`, generateBody(), { 'x-forwarded-for': '10.0.0.1' })).status).toBe(200)
    expect((await post(`${server.url}/token/generate`, generateBody(), { 'x-forwarded-for': '10.0.0.2' })).status).toBe(429)
    await server.close()

    server = await startInProcess({
      rateLimit: { burst: 1, perSecond: 0.001 },
      clientKey: (request) => request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim(),
    })
    expect((await post(`${server.url}/token/generate`, generateBody(), { 'x-forwarded-for': '10.0.0.1' })).status).toBe(200)
    expect((await post(`${server.url}/token/generate`, generateBody(), { 'x-forwarded-for': '10.0.0.2' })).status).toBe(200)
    expect((await post(`${server.url}/token/generate`, generateBody(), { 'x-forwarded-for': '10.0.0.2' })).status).toBe(429)
  })
})

describe('npm run token-server settings', () => {
  it('reads RATE_LIMIT and the limits from the environment, and says what it applies', async () => {
    const standalone = await startStandalone({ RATE_LIMIT: '5/0.5', LOG_TOKENS: 'none' })
    try {
      expect(standalone.output()).toContain('Token requests per client: 5 at once, then 0.5 a second (429 with Retry-After), counted in this process.')
      const statuses = []
      for (let i = 0; i < 6; i++) statuses.push((await post(`${standalone.url}/fetch_rtc_token`, { uid: 1, ChannelName: 'a', role: 1 })).status)
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    } finally {
      await standalone.close()
    }
    const off = await startStandalone({ RATE_LIMIT: 'off', MAX_CONNECTIONS_PER_CLIENT: '2' })
    try {
      expect(off.output()).toContain('Token requests per client: not limited (RATE_LIMIT=off).')
      const held = await Promise.all([1, 2].map(() => openIdle(off.url)))
      await settle()
      const third = await openIdle(off.url)
      expect(await closedWithin(third.closed, 2_000)).toBe('')
      for (const { socket } of held) socket.destroy()
    } finally {
      await off.close()
    }
  })
})

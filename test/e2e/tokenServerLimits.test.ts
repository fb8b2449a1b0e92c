// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import { httpTokenSource } from '../../src/index'
import { isSessionError } from '../../src/errors'
import { serverModules } from '../support/serverModules'
import { generateBody, post, startInProcess, type InProcessServer } from './support/inProcessServer'
import { openIdle } from './support/rawHttp'

// The standalone server's limits (issue 12, item 2), on real sockets and real time: each limit
// is set small here (200 ms) so that the waits stay short; the defaults are checked as values.

let server: InProcessServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Resolves with what the server sent before closing, or rejects after `ms` (it did not close). */
const closedWithin = (closed: Promise<string>, ms: number): Promise<string> =>
  Promise.race([closed, new Promise<string>((_, reject) => setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms))])

describe('the standalone token server limits', () => {
  it('defaults: headers in 5 s, whole request in 10 s, idle keep-alive 2 s, 256 connections, 20 token requests at once then 2/s', async () => {
    const { standalone } = await serverModules()
    expect(standalone.DEFAULT_LIMITS).toEqual({ headersTimeoutMs: 5_000, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 2_000, maxConnections: 256 })
    server = await startInProcess()
    expect(server.tokens.banner).toContain('Token requests per client: 20 at once, then 2 a second (429 with Retry-After).')
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
    const held = await Promise.all([1, 2, 3].map(() => openIdle(server!.url)))
    // Give the server the moment it needs to count them.
    await new Promise((resolve) => setTimeout(resolve, 50))

    const refused = await openIdle(server.url)
    expect(await closedWithin(refused.closed, 2_000)).toBe('')
    await expect(post(`${server.url}/token/generate`, generateBody())).rejects.toThrow()

    held[0]!.socket.destroy()
    await held[0]!.closed
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await post(`${server.url}/token/generate`, generateBody())).status).toBe(200)
    for (const { socket } of held) socket.destroy()
  })

  it('answers a client over its rate 429 with Retry-After, which httpTokenSource hands to the store as retryAfterMs', async () => {
    let nowMs = 0
    server = await startInProcess({ rateLimit: { burst: 3, perSecond: 0.5, now: () => nowMs } })

    const first = await Promise.all([1, 2, 3].map(() => post(`${server!.url}/token/generate`, generateBody())))
    expect(first.map((a) => a.status)).toEqual([200, 200, 200])
    const limited = await post(`${server.url}/token/generate`, generateBody())
    expect(limited.status).toBe(429)
    expect(limited.headers['retry-after']).toBe('2')
    expect(limited.json).toEqual({ code: 429, message: 'too many token requests from this client: retry in 2 s' })

    const error = await httpTokenSource({ url: `${server.url}/token/generate` })({ channel: 'lobby', uid: 42, role: 'publisher' }, new AbortController().signal).catch((e: unknown) => e)
    expect(isSessionError(error) && { status: error.status, retryable: error.retryable, retryAfterMs: error.retryAfterMs }).toEqual({ status: 429, retryable: true, retryAfterMs: 2_000 })

    nowMs += 2_000
    expect((await post(`${server.url}/token/generate`, generateBody())).status).toBe(200)
    // Per client: the demo's own endpoints and refusals of other kinds are not counted.
    expect(server.lines.join('\n')).not.toMatch(/429|too many/)
  })

  it('reads RATE_LIMIT (burst/per second, or off) and refuses a bad one', async () => {
    const { tokenServer } = await serverModules()
    const env = { RATE_LIMIT: '5/0.5' }
    expect(tokenServer.createTokenServer({ env, log: () => {} }).banner).toContain('Token requests per client: 5 at once, then 0.5 a second (429 with Retry-After).')
    expect(tokenServer.createTokenServer({ env: { RATE_LIMIT: 'off' }, log: () => {} }).banner).toContain('Token requests per client: not limited (RATE_LIMIT=off).')
    expect(() => tokenServer.createTokenServer({ env: { RATE_LIMIT: 'lots' }, log: () => {} })).toThrow(/RATE_LIMIT must be <burst>\/<per second> such as 20\/2, or off/)
  })
})

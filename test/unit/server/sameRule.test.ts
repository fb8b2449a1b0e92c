// @vitest-environment node
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTokenStore, httpTokenSource, isSessionError, type TokenRequest } from '../../../src/index'
import { createTokenHandler } from '../../../src/server/createTokenHandler'
import { validateRequest } from '../../../src/store/validateRequest'
import { APP_CERTIFICATE, APP_ID } from '../../support/fixtures'

// Issue 20, item 7: the library sent requests its own token server refuses with 400 (a pattern
// channel with uid 0, uid 0 publishers, wildcard publishers, ...). One rule now serves both
// sides (src/token/tokenRequestRules.ts); these tests hold the two to it.

const handle = createTokenHandler({ appId: APP_ID, appCertificate: APP_CERTIFICATE, rateLimit: false, log: () => {} })
/** httpTokenSource straight into the handler: what an app's page does with the server. */
const toServer: typeof fetch = (input, init) => handle(new Request(input, init))

/** The server's verdict on what httpTokenSource sends for `request` (the Agora image's body). */
async function serverStatus(request: TokenRequest): Promise<number> {
  const body = {
    channelName: request.channel,
    uid: String(request.uid),
    tokenExpireTs: request.expireSec ?? 3600,
    privilegeExpireTs: request.expireSec ?? 3600,
    serviceRtc: { enable: true, role: request.role === 'publisher' ? 1 : 2 },
  }
  const response = await handle(new Request('http://server.test/token/generate', { method: 'POST', body: JSON.stringify(body) }))
  return response.status
}

const refusedByLibrary = (request: TokenRequest): string | undefined => {
  try {
    validateRequest(request)
    return undefined
  } catch (error) {
    if (isSessionError(error) && error.code === 'INVALID_ARGUMENT') return error.message
    throw error
  }
}

const CHARS = [...'abAB09 -_*']
const channel = fc.oneof(fc.constantFrom('', '*', 'lobby', 'room-*', '*-a', 'a*b*c', 'c'.repeat(64), 'c'.repeat(65), 'a/b'), fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 }))
const uid = fc.oneof(fc.constantFrom<number | string>(0, 42, 2 ** 32 - 1, 'alice', '*', 'guest-*', ''), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: 8 }))
const request = fc.record(
  { channel, uid, role: fc.constantFrom<'publisher' | 'subscriber'>('publisher', 'subscriber'), expireSec: fc.oneof(fc.integer({ min: 1, max: 86_400 }), fc.constantFrom(0, 86_401)) },
  { requiredKeys: ['channel', 'uid', 'role'] },
)
/** What a string uid becomes on the wire: digits are an integer uid to the server too. */
const asSent = (r: TokenRequest): TokenRequest => (typeof r.uid === 'string' && /^(0|[1-9]\d{0,9})$/.test(r.uid) && Number(r.uid) <= 2 ** 32 - 1 ? { ...r, uid: Number(r.uid) } : r)

describe('one rule for the library and its token server', () => {
  it('what the library sends, the server takes; what the server refuses, the library refuses before asking (uids without patterns)', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (generated) => {
        const r = asSent(generated)
        const library = refusedByLibrary(r)
        const status = await serverStatus(r)
        if (library === undefined) expect(status, JSON.stringify(r)).toBe(200)
        // A session joins as one user: the library also refuses uid patterns (`guest-*`), which
        // the server issues to whoever asks for one.
        const pattern = typeof r.uid === 'string' && r.uid.includes('*')
        if (!pattern) expect(library === undefined, `${JSON.stringify(r)}: library ${library}, server ${status}`).toBe(status === 200)
      }),
      { numRuns: 1_500 },
    )
  })

  it.each<[string, TokenRequest, RegExp]>([
    ['a pattern channel with uid 0', { channel: 'room-*', uid: 0, role: 'subscriber' }, /cannot have a wildcard user \(uid 0\)/],
    ["channel '' with uid 0", { channel: '', uid: 0, role: 'subscriber' }, /cannot have a wildcard user \(uid 0\)/],
    ['a uid-0 publisher', { channel: 'lobby', uid: 0, role: 'publisher' }, /a publisher token cannot be a wildcard token \(channel "lobby", uid 0\)/],
    ['a wildcard-channel publisher', { channel: '*', uid: 42, role: 'publisher' }, /a publisher token cannot be a wildcard token/],
    ['a pattern-channel publisher', { channel: 'room-*', uid: 'alice', role: 'publisher' }, /wildcard tokens are for subscribers only/],
  ])('the store refuses %s with INVALID_ARGUMENT before any request; the server answers the same words with 400', async (_name, request, message) => {
    let asked = 0
    const source = httpTokenSource({ url: 'http://server.test/token/generate', fetch: (input, init) => (asked++, toServer(input, init)) })
    const store = createTokenStore({ source, appId: APP_ID })
    try {
      const error = await store.get(request).catch((e: unknown) => e)
      expect(isSessionError(error) && error.code).toBe('INVALID_ARGUMENT')
      expect((error as Error).message).toMatch(message)
      expect(asked).toBe(0)
      const response = await handle(
        new Request('http://server.test/fetch_rtc_token', { method: 'POST', body: JSON.stringify({ uid: request.uid, ChannelName: request.channel, role: request.role === 'publisher' ? 1 : 2 }) }),
      )
      expect(response.status).toBe(400)
      expect(((await response.json()) as { message: string }).message).toBe((error as Error).message)
    } finally {
      store.dispose()
    }
  })

  it('a request both take gets a token through the store', async () => {
    const store = createTokenStore({ source: httpTokenSource({ url: 'http://server.test/token/generate', fetch: toServer }), appId: APP_ID })
    try {
      expect((await store.get({ channel: 'lobby', uid: 0, role: 'subscriber' })).claims.rtc).toMatchObject({ channel: 'lobby', uid: '' })
      expect((await store.get({ channel: '*', uid: 42, role: 'subscriber' })).claims.rtc).toMatchObject({ channel: '*', uid: '42' })
    } finally {
      store.dispose()
    }
  })
})

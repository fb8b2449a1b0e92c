// @vitest-environment node
import { fileURLToPath } from 'node:url'
import { deflateSync, inflateSync } from 'node:zlib'
import { RtcRole, RtcTokenBuilder } from 'agora-token'
import { describe, expect, it, vi } from 'vitest'
import { mintToken } from '../../src/accessToken2/mintToken'
import { demoInChromium } from './support/demoInChromium'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'
const ISSUED_AT = 1_735_689_600
const SALT = 31_415_926
const SRC = fileURLToPath(new URL('../../src', import.meta.url))

/** agora-token's builder with its clock (`new Date()`) and salt (`Math.random()`) pinned. */
function agoraToken(): string {
  vi.useFakeTimers({ now: ISSUED_AT * 1000 })
  const random = vi.spyOn(Math, 'random').mockReturnValue((SALT - 0.5) / 99999999)
  try {
    return RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, 'lobby', 42, RtcRole.PUBLISHER, 3600, 3600)
  } finally {
    random.mockRestore()
    vi.useRealTimers()
  }
}

describe('the token model in Chromium (fflate, @noble/hashes: the same code as in Node)', () => {
  const setup = demoInChromium('browser-token')

  it('mints the same token as Node and the same signed content as agora-token, verifies, refuses a wrong certificate, trailing bytes, a zlib bomb and an over-long token at once, and decodes', async () => {
    const { server, browser } = setup.ready()
    const page = await browser.newPage(server.url)
    // Vite serves the library's sources to the page as modules (/@fs/ + absolute path).
    const base = `${server.url.replace(/\/$/, "")}/@fs${SRC}`
    // Passed as source text: vitest rewrites import() in functions it compiles, and this one runs in the page.
    // A zlib bomb that fits the SDK's 2,047 characters (1.5 MB of zeros), and one character too many.
    const bomb = `007${deflateSync(new Uint8Array(1_500_000), { level: 9 }).toString('base64')}`
    expect(bomb.length).toBeLessThanOrEqual(2047)
    const tooLong = `007${'A'.repeat(2045)}`
    const script = `(async () => {
      const testing = await import('${base}/testing/index.ts')
      const { decodeToken } = await import('${base}/token/decodeToken.ts')
      const options = { appId: '${APP_ID}', appCertificate: '${CERT}', channel: 'lobby', uid: 42, role: 'publisher',
        expireSec: 3600, privilegeExpireSec: 3600, issuedAt: ${ISSUED_AT}, salt: ${SALT} }
      const token = testing.mintToken(options)
      const verified = testing.verifyToken(token, options.appCertificate)
      // Synchronous: a throw here, never a promise.
      const codeOf = (run) => { try { const value = run(); return value instanceof Promise ? 'a promise' : 'accepted' } catch (e) { return e.code } }
      const wrongCertificate = codeOf(() => testing.verifyToken(token, 'f'.repeat(32)))
      const trailing = codeOf(() => decodeToken(token + 'AAAA'))
      const bomb = codeOf(() => decodeToken('${bomb}'))
      const tooLong = codeOf(() => decodeToken('${tooLong}'))
      const decoded = decodeToken(token)
      return { token, verifiedAppId: verified.appId, wrongCertificate, trailing, bomb, tooLong, rtc: decoded.rtc, expiresAt: decoded.expiresAt }
    })()`
    const result = (await page.evaluate(script)) as {
      token: string
      verifiedAppId: string
      wrongCertificate: string
      trailing: string
      bomb: string
      tooLong: string
      rtc: unknown
      expiresAt: number
    }
    // The same code in both: the same bytes.
    expect(result.token).toBe(
      mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 42, role: 'publisher', expireSec: 3600, privilegeExpireSec: 3600, issuedAt: ISSUED_AT, salt: SALT }),
    )
    // fflate's deflate differs from Node's zlib (agora-token) in the compressed bytes, not in what
    // they hold: the same signed content, so the same token to Agora (any valid zlib stream decodes).
    const content = (token: string) => inflateSync(Buffer.from(token.slice(3), 'base64'))
    expect(content(result.token).equals(content(agoraToken()))).toBe(true)
    expect(result.verifiedAppId).toBe(APP_ID)
    expect(result.wrongCertificate).toBe('TOKEN_INVALID')
    expect(result.trailing).toBe('TOKEN_INVALID')
    expect(result.bomb).toBe('TOKEN_INVALID')
    expect(result.tooLong).toBe('TOKEN_INVALID')
    expect(result.expiresAt).toBe(ISSUED_AT + 3600)
    expect(result.rtc).toEqual({
      channel: 'lobby',
      uid: '42',
      privileges: { joinChannel: ISSUED_AT + 3600, publishAudio: ISSUED_AT + 3600, publishVideo: ISSUED_AT + 3600, publishData: ISSUED_AT + 3600 },
    })
    expect(browser.blocked).toEqual([])
  }, 60_000)
})

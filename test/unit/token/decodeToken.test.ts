import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { ByteWriter } from '../../../src/testing/ByteWriter'
import { mintToken } from '../../../src/testing/mintToken'
import { decodeToken } from '../../../src/token/decodeToken'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'
const ISSUED_AT = 1_735_689_600

const pack = (content: Uint8Array) => `007${deflateSync(content).toString('base64')}`
const unpack = (token: string) => inflateSync(Buffer.from(token.slice(3), 'base64'))

/** The bytes before the first service: signature, app id, issue time, expire, salt, count. */
function header(o: { appId?: Uint8Array; serviceCount: number; signature?: Uint8Array }): ByteWriter {
  return new ByteWriter()
    .bytes(o.signature ?? new Uint8Array(32))
    .bytes(o.appId ?? new TextEncoder().encode(APP_ID))
    .u32(ISSUED_AT)
    .u32(3600)
    .u32(99)
    .u16(o.serviceCount)
}

const rtcService = (w: ByteWriter, channel: string, uid: string, privileges: [number, number][] = [[1, 0]]) =>
  w.u16(1).u32Map(new Map(privileges)).string(channel).string(uid)

async function rejection(input: unknown): Promise<string> {
  const error: unknown = await decodeToken(input as string).then(
    (claims) => new Error(`resolved: ${JSON.stringify(claims)}`),
    (e: unknown) => e,
  )
  expect(isSessionError(error) && error.code === 'TOKEN_INVALID', String(error)).toBe(true)
  return (error as Error).message
}

describe('decodeToken', () => {
  describe('rejects what is not an AccessToken2, saying why', () => {
    it.each([
      ['a number', 123, /must be a string, got number/],
      ['null', null, /must be a string, got null/],
      ['undefined', undefined, /must be a string, got undefined/],
      ['an empty string', '', /token is empty/],
      ['a wrong prefix', 'abcdef', /must start with "007".*got "abc"/],
      ['leading whitespace', ' 007eJw', /leading whitespace/],
      ['a JSON-encoded token', '"007eJw"', /wrapped in quotes/],
      ['a response body', '{"token":"007"}', /JSON response body/],
      ['a space in the base64', '007eJw AAA', /" " at index 6.*'\+' may have turned into a space/],
      ['base64url', '007eJw-_', /base64url/],
      ['a bad character', '007eJw!A', /not valid base64.*"!" at index 6/],
      ['padding inside', '007eJ=wA', /"=" padding inside/],
      ['a bad base64 length', `007${'A'.repeat(9)}`, /not valid base64.*bad length or padding/],
      ['no body', '007', /not valid zlib/],
      ['corrupt zlib', `007${btoa('hello world, not zlib')}`, /not valid zlib.*corrupt/],
      ['a huge string', `007${'A'.repeat(200_000)}`, /200003 characters long/],
    ])('%s', async (_name, input, message) => {
      expect(await rejection(input)).toMatch(message)
    })

    it('an old "006" AccessToken, pointing to the upgrade guide', async () => {
      const message = await rejection('006970ca35de60c44645bbae8a215061b33IAAAAAAAAAAA')
      expect(message).toMatch(/AccessToken2 \("007"\) is required/)
      expect(message).toContain('https://docs.agora.io/en/video-calling/get-started/authentication-workflow')
    })

    it('bytes after the end of the zlib stream (Node ignores them; browsers do not)', async () => {
      const token = await mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 42, expireSec: 3600, issuedAt: ISSUED_AT, salt: 1 })
      const zlib = Buffer.from(token.slice(3), 'base64')
      const junk = `007${Buffer.concat([zlib, Buffer.from([1, 2, 3, 4, 5, 6])]).toString('base64')}`
      expect(await rejection(junk)).toMatch(/bytes after the end of the zlib stream/)
      const twoStreams = `007${Buffer.concat([zlib, deflateSync(Buffer.from('more'))]).toString('base64')}`
      expect(await rejection(twoStreams)).toMatch(/bytes after the end of the zlib stream/)
      await expect(decodeToken(token)).resolves.toMatchObject({ appId: APP_ID })
    })

    it('a token cut short (in the base64 or in the zlib stream)', async () => {
      const token = await mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'c', uid: 1, expireSec: 60, issuedAt: ISSUED_AT, salt: 1 })
      const unpadded = token.replace(/=+$/, '').length
      // Cutting only the '=' padding loses nothing: unpadded base64 is accepted, as by atob.
      for (let cut = 3; cut < unpadded; cut++) {
        expect(await rejection(token.slice(0, cut))).toMatch(/base64|zlib/)
      }
    })

    it('content cut short, naming the field and the byte', async () => {
      const content = unpack(
        await mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'c', uid: 1, expireSec: 60, issuedAt: ISSUED_AT, salt: 1 }),
      )
      for (let cut = 0; cut < content.length; cut++) {
        expect(await rejection(pack(content.subarray(0, cut)))).toMatch(/truncated or corrupt: .+ at byte \d+ needs \d+ bytes/)
      }
    })

    it('bytes after the last service', async () => {
      const content = rtcService(header({ serviceCount: 1 }), 'c', '1').u16(7).finish()
      expect(await rejection(pack(content))).toMatch(/2 unexpected bytes after its last service/)
    })

    it('a length running past the end', async () => {
      const content = new ByteWriter().bytes(new Uint8Array(32)).u16(0xffff).raw(new Uint8Array(10)).finish()
      expect(await rejection(pack(content))).toMatch(/app id at byte 36 needs 65535 bytes, only 10 left/)
    })

    it('a privilege count running past the end', async () => {
      const content = header({ serviceCount: 1 }).u16(1).u16(500).u16(1).u32(0).finish()
      expect(await rejection(pack(content))).toMatch(/RTC service privileges \(500 entries\)/)
    })

    it('more services counted than present', async () => {
      const content = rtcService(header({ serviceCount: 2 }), 'c', '1').finish()
      expect(await rejection(pack(content))).toMatch(/service 1 type .* needs 2 bytes, only 0 left/)
    })

    it('invalid UTF-8', async () => {
      const content = header({ appId: Uint8Array.of(0x61, 0xff, 0x62), serviceCount: 0 }).finish()
      expect(await rejection(pack(content))).toMatch(/app id at byte 34 is not valid UTF-8/)
      const overlong = rtcService(header({ serviceCount: 1 }), 'c', '\u0000').finish()
      overlong[overlong.length - 1] = 0xc0 // a lone lead byte
      expect(await rejection(pack(overlong))).toMatch(/RTC service uid .* not valid UTF-8/)
    })

    it('a decompression bomb, without expanding it all', async () => {
      const bomb = `007${deflateSync(new Uint8Array(10 * 1024 * 1024)).toString('base64')}`
      expect(bomb.length).toBeLessThan(20_000)
      expect(await rejection(bomb)).toMatch(/expands to more than 65536 bytes/)
    })
  })

  describe('accepts', () => {
    it('an unknown service type: recorded, and parsing stops there', async () => {
      const w = rtcService(header({ serviceCount: 3 }), 'room', 'alice', [[1, 60]])
      const content = w.u16(42).raw(Uint8Array.of(1, 2, 3, 4, 5)).finish()
      const claims = await decodeToken(pack(content))
      expect(claims.services).toEqual([1, 42])
      expect(claims.rtc).toEqual({ channel: 'room', uid: 'alice', privileges: { joinChannel: ISSUED_AT + 60 } })
    })

    it('a second RTC service, describing the first', async () => {
      const w = rtcService(header({ serviceCount: 2 }), 'first', '1')
      const claims = await decodeToken(pack(rtcService(w, 'second', '2').finish()))
      expect(claims.services).toEqual([1, 1])
      expect(claims.rtc?.channel).toBe('first')
    })

    it('a token without services, with no rtc claims', async () => {
      const claims = await decodeToken(pack(header({ serviceCount: 0 }).finish()))
      expect(claims).toEqual({ appId: APP_ID, issuedAt: ISSUED_AT, expiresAt: ISSUED_AT + 3600, salt: 99, services: [] })
    })

    it('unknown privilege keys, ignoring them', async () => {
      const content = rtcService(header({ serviceCount: 1 }), 'c', '', [[1, 5], [9, 7]]).finish()
      expect((await decodeToken(pack(content))).rtc?.privileges).toEqual({ joinChannel: ISSUED_AT + 5 })
    })

    it('strings exactly as stored, a leading BOM included', async () => {
      const content = rtcService(header({ serviceCount: 1 }), 'c', '\uFEFFbob').finish()
      expect((await decodeToken(pack(content))).rtc?.uid).toBe('\uFEFFbob')
    })

    it('base64 without its padding, as atob does', async () => {
      const token = pack(rtcService(header({ serviceCount: 1 }), 'c', 'x').finish())
      expect(token.endsWith('=')).toBe(true)
      await expect(decodeToken(token.replace(/=+$/, ''))).resolves.toMatchObject({ services: [1] })
    })
  })
})

import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { ByteWriter } from '../../../src/accessToken2/ByteWriter'
import { mintToken } from '../../../src/accessToken2/mintToken'
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

/** The message of the TOKEN_INVALID that decodeToken throws, synchronously, for `input`. */
function rejection(input: unknown): string {
  let error: unknown
  try {
    error = new Error(`returned: ${JSON.stringify(decodeToken(input as string))}`)
  } catch (e) {
    error = e
  }
  expect(isSessionError(error) && error.code === 'TOKEN_INVALID', String(error)).toBe(true)
  return (error as Error).message
}

const mint = (o: { channel: string; uid: number; expireSec: number }) =>
  mintToken({ appId: APP_ID, appCertificate: CERT, issuedAt: ISSUED_AT, salt: 1, ...o })

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
      ['a huge string', `007${'A'.repeat(200_000)}`, /200003 characters long; the SDK accepts at most 2047/],
      ["one character over the SDK's limit", `007${'A'.repeat(2045)}`, /2048 characters long; the SDK accepts at most 2047/],
    ])('%s', (_name, input, message) => {
      expect(rejection(input)).toMatch(message)
    })

    it('an old "006" AccessToken, pointing to the upgrade guide', () => {
      const message = rejection('006970ca35de60c44645bbae8a215061b33IAAAAAAAAAAA')
      expect(message).toMatch(/AccessToken2 \("007"\) is required/)
      expect(message).toContain('https://docs.agora.io/en/video-calling/get-started/authentication-workflow')
    })

    it('bytes after the end of the zlib stream', () => {
      const token = mint({ channel: 'lobby', uid: 42, expireSec: 3600 })
      const zlib = Buffer.from(token.slice(3), 'base64')
      const junk = `007${Buffer.concat([zlib, Buffer.from([1, 2, 3, 4, 5, 6])]).toString('base64')}`
      expect(rejection(junk)).toMatch(/bytes after the end of the zlib stream/)
      const twoStreams = `007${Buffer.concat([zlib, deflateSync(Buffer.from('more'))]).toString('base64')}`
      expect(rejection(twoStreams)).toMatch(/bytes after the end of the zlib stream/)
      expect(decodeToken(token)).toMatchObject({ appId: APP_ID })
    })

    it('a token cut short (in the base64 or in the zlib stream)', () => {
      const token = mint({ channel: 'c', uid: 1, expireSec: 60 })
      const unpadded = token.replace(/=+$/, '').length
      // Cutting only the '=' padding loses nothing: unpadded base64 is accepted, as by atob.
      for (let cut = 3; cut < unpadded; cut++) {
        expect(rejection(token.slice(0, cut))).toMatch(/base64|zlib/)
      }
    })

    it('content cut short, naming the field and the byte', () => {
      const content = unpack(mint({ channel: 'c', uid: 1, expireSec: 60 }))
      for (let cut = 0; cut < content.length; cut++) {
        expect(rejection(pack(content.subarray(0, cut)))).toMatch(/truncated or corrupt: .+ at byte \d+ needs \d+ bytes/)
      }
    })

    it('bytes after the last service', () => {
      const content = rtcService(header({ serviceCount: 1 }), 'c', '1').u16(7).finish()
      expect(rejection(pack(content))).toMatch(/2 unexpected bytes after its last service/)
    })

    it('a length running past the end', () => {
      const content = new ByteWriter().bytes(new Uint8Array(32)).u16(0xffff).raw(new Uint8Array(10)).finish()
      expect(rejection(pack(content))).toMatch(/app id at byte 36 needs 65535 bytes, only 10 left/)
    })

    it('a privilege count running past the end', () => {
      const content = header({ serviceCount: 1 }).u16(1).u16(500).u16(1).u32(0).finish()
      expect(rejection(pack(content))).toMatch(/RTC service privileges \(500 entries\)/)
    })

    it('more services counted than present', () => {
      const content = rtcService(header({ serviceCount: 2 }), 'c', '1').finish()
      expect(rejection(pack(content))).toMatch(/service 1 type .* needs 2 bytes, only 0 left/)
    })

    it('invalid UTF-8', () => {
      const content = header({ appId: Uint8Array.of(0x61, 0xff, 0x62), serviceCount: 0 }).finish()
      expect(rejection(pack(content))).toMatch(/app id at byte 34 is not valid UTF-8/)
      const overlong = rtcService(header({ serviceCount: 1 }), 'c', '\u0000').finish()
      overlong[overlong.length - 1] = 0xc0 // a lone lead byte
      expect(rejection(pack(overlong))).toMatch(/RTC service uid .* not valid UTF-8/)
    })

    it('a decompression bomb that fits the length limit: refused past 64 KiB of output', () => {
      const bomb = `007${deflateSync(new Uint8Array(1_500_000), { level: 9 }).toString('base64')}`
      expect(bomb.length).toBeLessThanOrEqual(2047)
      expect(rejection(bomb)).toMatch(/expands to more than 65536 bytes/)
    })

    it.each([
      ['cut short', (deflated: Buffer) => deflated.subarray(0, Math.floor(deflated.length * 0.9))],
      ['with a corrupt end (an invalid block type)', (deflated: Buffer) => Buffer.concat([deflated.subarray(0, deflated.length - 8), Buffer.from([0xff, 0xff, 0xff, 0xff])])],
    ])('a decompression bomb %s: refused for its size, so inflating stopped at the cap before the end (issue 20, item 8)', (_name, spoil) => {
      const zlib = deflateSync(new Uint8Array(1_500_000), { level: 9 })
      const spoiled = Buffer.concat([zlib.subarray(0, 2), spoil(zlib.subarray(2, -4)), zlib.subarray(-4)])
      const bomb = `007${spoiled.toString('base64')}`
      expect(bomb.length).toBeLessThanOrEqual(2047)
      // Inflated to its end, it would be refused as truncated or corrupt zlib data.
      expect(() => inflateSync(spoiled)).toThrow()
      expect(rejection(bomb)).toMatch(/expands to more than 65536 bytes/)
    })

    it('a larger decompression bomb: refused by its length, before anything is inflated', () => {
      const bomb = `007${deflateSync(new Uint8Array(10 * 1024 * 1024), { level: 9 }).toString('base64')}`
      expect(rejection(bomb)).toMatch(/characters long; the SDK accepts at most 2047/)
    })

    it('a wrong Adler-32 checksum', () => {
      const zlib = Buffer.from(mint({ channel: 'c', uid: 1, expireSec: 60 }).slice(3), 'base64')
      zlib[zlib.length - 1] = (zlib[zlib.length - 1] ?? 0) ^ 1
      expect(rejection(`007${zlib.toString('base64')}`)).toMatch(/not valid zlib.*wrong checksum/)
    })

    it('a zlib header asking for a preset dictionary', () => {
      const zlib = Buffer.from(mint({ channel: 'c', uid: 1, expireSec: 60 }).slice(3), 'base64')
      // FDICT set, FCHECK recomputed so the header checksum still holds.
      const flg = ((zlib[1] ?? 0) | 0x20) & 0xe0
      zlib[1] = flg + (31 - (((zlib[0] ?? 0) << 8) | flg) % 31)
      expect(rejection(`007${zlib.toString('base64')}`)).toMatch(/preset dictionary/)
    })
  })

  describe('accepts', () => {
    it('an unknown service type: recorded, and parsing stops there', () => {
      const w = rtcService(header({ serviceCount: 3 }), 'room', 'alice', [[1, 60]])
      const content = w.u16(42).raw(Uint8Array.of(1, 2, 3, 4, 5)).finish()
      const claims = decodeToken(pack(content))
      expect(claims.services).toEqual([1, 42])
      expect(claims.rtc).toEqual({ channel: 'room', uid: 'alice', privileges: { joinChannel: ISSUED_AT + 60 } })
    })

    it('a second RTC service, describing the first', () => {
      const w = rtcService(header({ serviceCount: 2 }), 'first', '1')
      const claims = decodeToken(pack(rtcService(w, 'second', '2').finish()))
      expect(claims.services).toEqual([1, 1])
      expect(claims.rtc?.channel).toBe('first')
    })

    it('a token without services, with no rtc claims', () => {
      const claims = decodeToken(pack(header({ serviceCount: 0 }).finish()))
      expect(claims).toEqual({ appId: APP_ID, issuedAt: ISSUED_AT, expiresAt: ISSUED_AT + 3600, salt: 99, services: [] })
    })

    it('unknown privilege keys, ignoring them', () => {
      const content = rtcService(header({ serviceCount: 1 }), 'c', '', [[1, 5], [9, 7]]).finish()
      expect(decodeToken(pack(content)).rtc?.privileges).toEqual({ joinChannel: ISSUED_AT + 5 })
    })

    it('strings exactly as stored, a leading BOM included', () => {
      const content = rtcService(header({ serviceCount: 1 }), 'c', '\uFEFFbob').finish()
      expect(decodeToken(pack(content)).rtc?.uid).toBe('\uFEFFbob')
    })

    it('base64 without its padding, as atob does', () => {
      const token = pack(rtcService(header({ serviceCount: 1 }), 'c', 'x').finish())
      expect(token.endsWith('=')).toBe(true)
      expect(decodeToken(token.replace(/=+$/, ''))).toMatchObject({ services: [1] })
    })
  })
})

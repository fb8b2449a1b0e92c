import {
  ApaasTokenBuilder,
  ChatTokenBuilder,
  ConvoAITokenBuilder,
  FpaTokenBuilder,
  Rtm2Permissions,
  RtcRole,
  RtcTokenBuilder,
  RtmTokenBuilder,
  SttTokenBuilder,
} from 'agora-token'
import fc from 'fast-check'
import { createRequire } from 'node:module'
import { inflateSync } from 'node:zlib'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAccessToken2Builder } from '../../../src/accessToken2/buildAccessToken2'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { verifyToken } from '../../../src/accessToken2/verifyToken'
import { hmacSha256 } from '../../../src/accessToken2/signAccessToken2'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { decodeToken } from '../../../src/token/decodeToken'
import type { TokenRole } from '../../../src/token/TokenClaims'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'
const ISSUED_AT = 1_735_689_600 // 2025-01-01T00:00:00Z
const SALT = 31_415_926

/** Runs an agora-token builder with its clock (`new Date()`) and salt (`Math.random()`) pinned. */
function pinned<T>(issuedAt: number, salt: number, build: () => T): T {
  vi.useFakeTimers({ now: issuedAt * 1000 })
  const random = vi.spyOn(Math, 'random').mockReturnValue((salt - 0.5) / 99999999)
  try {
    return build()
  } finally {
    random.mockRestore()
    vi.useRealTimers()
  }
}

/** agora-token's parser (src/AccessToken2.js, not in its typings): what Agora's own code reads. */
interface AgoraParsed {
  appId: Buffer | string
  issueTs: number
  expire: number
  salt: number
  services: { service_type(): number; __channel_name: Buffer | string; __uid: Buffer | string; __privileges: Record<string, number> }[]
  from_string(token: string): boolean
  verifySignature(appCertificate: string): boolean
}
const { AccessToken2 } = createRequire(import.meta.url)('agora-token/src/AccessToken2') as { AccessToken2: new () => AgoraParsed }

/** What agora-token's parser reads from a token, as plain values. */
function agoraRead(token: string) {
  const parsed = new AccessToken2()
  expect(parsed.from_string(token)).toBe(true)
  return {
    appId: String(parsed.appId),
    issueTs: parsed.issueTs,
    expire: parsed.expire,
    salt: parsed.salt,
    services: parsed.services.map((service) => ({
      type: service.service_type(),
      channel: String(service.__channel_name),
      uid: String(service.__uid),
      privileges: { ...service.__privileges },
    })),
    verifies: parsed.verifySignature(CERT),
    verifiesWithAnother: parsed.verifySignature('0'.repeat(32)),
  }
}

/**
 * What a token signs and carries, inflated: our builder writes a stored zlib block, agora-token
 * Node's compressed one, and Agora inflates before it checks.
 */
const content = (token: string): Buffer => {
  expect(token.startsWith('007')).toBe(true)
  return inflateSync(Buffer.from(token.slice(3), 'base64'))
}

const agoraRole = (role: TokenRole) => (role === 'publisher' ? RtcRole.PUBLISHER : RtcRole.SUBSCRIBER)
const absolute = (relative: number) => (relative === 0 ? Infinity : ISSUED_AT + relative)

const CHANNEL_CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,',
]
const channelArb = fc.oneof(
  fc.constantFrom('', '*', '1*a*2', '(a)*[b]'),
  fc.string({ unit: fc.constantFrom(...CHANNEL_CHARS), minLength: 1, maxLength: 64 }),
  fc.string({ unit: fc.constantFrom(...CHANNEL_CHARS, '*'), minLength: 1, maxLength: 64 }),
)
const accountArb = fc.string({ unit: fc.constantFrom(...CHANNEL_CHARS), minLength: 1, maxLength: 255 })
const uidArb = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constant(0), accountArb)
const expireArb = fc.integer({ min: 1, max: 86_400 })
const privilegeArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 86_400 }))

afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('mintToken vs agora-token', () => {
  it('signs the content of buildTokenWithUid for a publisher, byte for byte', () => {
    const expected = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, 'lobby', 42, RtcRole.PUBLISHER, 3600, 600),
    )
    const minted = mintToken({
      appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 42, role: 'publisher',
      expireSec: 3600, privilegeExpireSec: 600, issuedAt: ISSUED_AT, salt: SALT,
    })
    expect(content(minted)).toEqual(content(expected))
  })

  it('signs the content of buildTokenWithUserAccount for a subscriber with the default privilege expiry', () => {
    const expected = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithUserAccount(APP_ID, CERT, '*', 'alice@example.com', RtcRole.SUBSCRIBER, 86_400, 0),
    )
    const minted = mintToken({
      appId: APP_ID, appCertificate: CERT, channel: '*', uid: 'alice@example.com', role: 'subscriber',
      expireSec: 86_400, issuedAt: ISSUED_AT, salt: SALT,
    })
    expect(content(minted)).toEqual(content(expected))
  })

  it('signs the content of buildTokenWithUidAndPrivilege when all four privileges are given', () => {
    const expected = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithUidAndPrivilege(APP_ID, CERT, 'stage', 0, 7200, 7200, 0, 1800, 60),
    )
    const minted = mintToken({
      appId: APP_ID, appCertificate: CERT, channel: 'stage', uid: 0, expireSec: 7200,
      privileges: { joinChannel: 7200, publishAudio: 0, publishVideo: 1800, publishData: 60 },
      issuedAt: ISSUED_AT, salt: SALT,
    })
    expect(content(minted)).toEqual(content(expected))
  })

  it('takes its default issue time from `now` and its salt from Math.random like agora-token', () => {
    const expected = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, 'lobby', 7, RtcRole.PUBLISHER, 600, 0),
    )
    vi.spyOn(Math, 'random').mockReturnValue((SALT - 0.5) / 99999999)
    const minted = mintToken({
      appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 7, expireSec: 600,
      now: () => ISSUED_AT * 1000 + 999,
    })
    expect(content(minted)).toEqual(content(expected))
  })

  it('grants exactly the privileges listed in `privileges`', () => {
    const claims = decodeToken(
      mintToken({
        appId: APP_ID, appCertificate: CERT, channel: 'c', uid: 1, expireSec: 600,
        privileges: { joinChannel: 300 }, issuedAt: ISSUED_AT, salt: SALT,
      }),
    )
    expect(claims.rtc?.privileges).toEqual({ joinChannel: ISSUED_AT + 300 })
  })

  it('refuses an invalid channel or uid with INVALID_ARGUMENT', () => {
    const base = { appId: APP_ID, appCertificate: CERT, expireSec: 60, issuedAt: ISSUED_AT, salt: SALT }
    const invalid = (message: RegExp) => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) })
    expect(() => mintToken({ ...base, channel: 'a/b', uid: 1 })).toThrow(invalid(/channel pattern has "\/"/))
    expect(() => mintToken({ ...base, channel: 'a', uid: -1 })).toThrow(invalid(/uid must be an integer/))
    expect(() => mintToken({ ...base, channel: 'a', uid: 1, expireSec: 2 ** 32 })).toThrow(invalid(/expireSec must be an integer/))
    expect(() => mintToken({ ...base, channel: 'a', uid: 1, privileges: { publishAudio: 1.5 } })).toThrow(
      invalid(/publishAudio must be an integer/),
    )
  })

  it('the server\'s builder (createAccessToken2Builder, reused across tokens and issue times) signs the same content as agora-token, verified by agora-token', () => {
    const build = createAccessToken2Builder(APP_ID, CERT)
    fc.assert(
      fc.property(
        fc.array(fc.tuple(channelArb, fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.boolean(), expireArb, privilegeArb, fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 4 }),
        (tokens) => {
          for (const [channel, uid, publisher, expireSec, privilegeExpireSec, salt, later] of tokens) {
            const issuedAt = ISSUED_AT + later
            const expected = pinned(issuedAt, salt, () =>
              RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, channel, uid, publisher ? RtcRole.PUBLISHER : RtcRole.SUBSCRIBER, expireSec, privilegeExpireSec),
            )
            const privileges = (publisher ? [1, 2, 3, 4] : [1]).map((key) => [key, privilegeExpireSec] as const)
            const built = build({ channel, uid: uid === 0 ? '' : String(uid), issuedAt, expireSec, salt, privileges })
            expect(content(built)).toEqual(content(expected))
            expect(agoraRead(built)).toMatchObject({ verifies: true, verifiesWithAnother: false })
            expect(verifyToken(built, CERT)).toEqual(verifyToken(expected, CERT))
          }
        },
      ),
      { numRuns: 300, seed: 20250102 },
    )
  })

  it('writes a stored zlib block: no tables to allocate, and at most 11 bytes over the content', () => {
    const token = mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 42, expireSec: 600, issuedAt: ISSUED_AT, salt: SALT })
    const zlib = Buffer.from(token.slice(3), 'base64')
    // zlib header (CM 8, no dictionary), then one final stored block (BFINAL 1, BTYPE 00).
    expect(zlib[0]).toBe(0x78)
    expect(zlib[2]).toBe(0x01)
    expect(zlib.length).toBe(content(token).length + 11)
  })

  it('is the same token every time for the same inputs (no randomness in the compression)', () => {
    const options = { appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 42, expireSec: 600, issuedAt: ISSUED_AT, salt: SALT }
    expect(mintToken(options)).toBe(mintToken(options))
  })
})

describe('hmacSha256', () => {
  it("is @noble/hashes' hmac for keys up to one block", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 300 }), (key, message) => {
        expect(hmacSha256(key, message)).toEqual(hmac(sha256, key, message))
      }),
      { numRuns: 500 },
    )
  })
})

describe('decodeToken of agora-token tokens', () => {
  it('returns the builder inputs, with Infinity for privileges stored as 0', () => {
    const token = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithUidAndPrivilege(APP_ID, CERT, 'stage', 123456, 3600, 3000, 0, 1800, 0),
    )
    expect(decodeToken(token)).toEqual({
      appId: APP_ID,
      issuedAt: ISSUED_AT,
      expiresAt: ISSUED_AT + 3600,
      salt: SALT,
      services: [1],
      rtc: {
        channel: 'stage',
        uid: '123456',
        privileges: {
          joinChannel: ISSUED_AT + 3000,
          publishAudio: Infinity,
          publishVideo: ISSUED_AT + 1800,
          publishData: Infinity,
        },
      },
    })
  })

  it('stores uid 0 as the empty string', () => {
    const token = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, '*', 0, RtcRole.SUBSCRIBER, 600, 600),
    )
    const claims = decodeToken(token)
    expect(claims.rtc).toEqual({ channel: '*', uid: '', privileges: { joinChannel: ISSUED_AT + 600 } })
  })

  it('decodes RTC + RTM tokens (buildTokenWithRtm, buildTokenWithRtm2)', () => {
    const rtm = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithRtm(APP_ID, CERT, 'chat', 'bob', RtcRole.PUBLISHER, 900, 0),
    )
    const claims = decodeToken(rtm)
    expect(claims.services).toEqual([1, 2])
    expect(claims.rtc).toEqual({
      channel: 'chat',
      uid: 'bob',
      privileges: { joinChannel: Infinity, publishAudio: Infinity, publishVideo: Infinity, publishData: Infinity },
    })

    const rtm2 = pinned(ISSUED_AT, SALT, () =>
      RtcTokenBuilder.buildTokenWithRtm2(APP_ID, CERT, 'chat', 5, RtcRole.SUBSCRIBER, 900, 800, 0, 0, 0, 'rtm-5', 700),
    )
    const claims2 = decodeToken(rtm2)
    expect(claims2.services).toEqual([1, 2])
    expect(claims2.expiresAt).toBe(ISSUED_AT + 900)
    expect(claims2.rtc).toEqual({ channel: 'chat', uid: '5', privileges: { joinChannel: ISSUED_AT + 800 } })
  })

  it('walks past every service type agora-token knows', () => {
    const permissions = new Rtm2Permissions()
    permissions.add(Rtm2Permissions.kMessageChannels, Rtm2Permissions.kRead, ['a', 'b*'])
    permissions.add(Rtm2Permissions.kUsers, Rtm2Permissions.kWrite, ['u1'])
    const cases: [string, () => string, number[], boolean][] = [
      ['ConvoAI', () => ConvoAITokenBuilder.buildToken(APP_ID, CERT, 'c', 1, RtcRole.PUBLISHER, 600, 0, 0, 0, 0, 'r', 600), [1, 2, 9], true],
      ['STT', () => SttTokenBuilder.buildToken(APP_ID, CERT, 'c', 1, RtcRole.SUBSCRIBER, 600, 0, 0, 0, 0, 'r', 600), [1, 2, 10], true],
      ['APaaS', () => ApaasTokenBuilder.buildRoomUserToken(APP_ID, CERT, 'room', 'user', 1, 600), [2, 5, 7], false],
      ['Chat', () => ChatTokenBuilder.buildUserToken(APP_ID, CERT, 'user', 600), [5], false],
      ['FPA', () => FpaTokenBuilder.buildToken(APP_ID, CERT), [4], false],
      ['RTM', () => RtmTokenBuilder.buildToken(APP_ID, CERT, 'user', 600), [2], false],
      ['RTM2', () => RtmTokenBuilder.buildTokenWithPermissions(APP_ID, CERT, 'user', permissions, 600), [8], false],
    ]
    for (const [name, build, services, hasRtc] of cases) {
      const claims = decodeToken(pinned(ISSUED_AT, SALT, build))
      expect(claims.services, name).toEqual(services)
      expect(claims.rtc !== undefined, name).toBe(hasRtc)
      expect(claims.salt, name).toBe(SALT)
    }
  })

  it('property: mintToken signs what agora-token signs, and both decode back to the inputs', () => {
    fc.assert(
      fc.property(
        channelArb,
        uidArb,
        fc.constantFrom<TokenRole>('publisher', 'subscriber'),
        expireArb,
        fc.option(fc.tuple(privilegeArb, privilegeArb, privilegeArb, privilegeArb), { nil: undefined }),
        privilegeArb,
        fc.integer({ min: 1, max: 99_999_999 }),
        (channel, uid, role, expireSec, privileges, privilegeExpireSec, salt) => {
          const expected = pinned(ISSUED_AT, salt, () =>
            privileges === undefined
              ? typeof uid === 'number'
                ? RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, channel, uid, agoraRole(role), expireSec, privilegeExpireSec)
                : RtcTokenBuilder.buildTokenWithUserAccount(APP_ID, CERT, channel, uid, agoraRole(role), expireSec, privilegeExpireSec)
              : RtcTokenBuilder.buildTokenWithUidAndPrivilege(APP_ID, CERT, channel, uid, expireSec, ...privileges),
          )
          const [join, audio, video, data] = privileges ?? [0, 0, 0, 0]
          const minted = mintToken({
            appId: APP_ID, appCertificate: CERT, channel, uid, role, expireSec, privilegeExpireSec,
            issuedAt: ISSUED_AT, salt,
            ...(privileges === undefined
              ? {}
              : { privileges: { joinChannel: join, publishAudio: audio, publishVideo: video, publishData: data } }),
          })
          expect(content(minted)).toEqual(content(expected))
          // agora-token's own parser reads the same claims from both, and its verifySignature
          // accepts ours with the certificate (and with no other).
          expect(agoraRead(minted)).toEqual({ ...agoraRead(expected), verifies: true, verifiesWithAnother: false })

          const expectedPrivileges =
            privileges !== undefined
              ? { joinChannel: absolute(join), publishAudio: absolute(audio), publishVideo: absolute(video), publishData: absolute(data) }
              : role === 'publisher'
                ? Object.fromEntries(
                    ['joinChannel', 'publishAudio', 'publishVideo', 'publishData'].map((k) => [k, absolute(privilegeExpireSec)]),
                  )
                : { joinChannel: absolute(privilegeExpireSec) }
          const claims = {
            appId: APP_ID,
            issuedAt: ISSUED_AT,
            expiresAt: ISSUED_AT + expireSec,
            salt,
            services: [1],
            rtc: { channel, uid: uid === 0 ? '' : String(uid), privileges: expectedPrivileges },
          }
          expect(decodeToken(expected)).toEqual(claims)
          expect(decodeToken(minted)).toEqual(claims)
        },
      ),
      { numRuns: 1000, seed: 20250101 },
    )
  })
})

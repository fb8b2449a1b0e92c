import { Rtm2Permissions, RtcRole, RtcTokenBuilder, RtmTokenBuilder } from 'agora-token'
import fc from 'fast-check'
import { deflateSync, inflateSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { decodeToken } from '../../../src/token/decodeToken'
import type { TokenClaims } from '../../../src/token/TokenClaims'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='
const SEED = 424242

let seeds: string[] = []

beforeAll(() => {
  const permissions = new Rtm2Permissions()
  permissions.add(Rtm2Permissions.kStreamChannels, Rtm2Permissions.kWrite, ['s1', 's2'])
  seeds = [
    mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'lobby', uid: 42, role: 'publisher', expireSec: 3600, issuedAt: 1_700_000_000, salt: 5 }),
    mintToken({ appId: APP_ID, appCertificate: CERT, channel: '*', uid: 0, role: 'subscriber', expireSec: 600, privilegeExpireSec: 300, issuedAt: 1_700_000_000, salt: 6 }),
    RtcTokenBuilder.buildTokenWithRtm(APP_ID, CERT, 'chat', 'bob', RtcRole.PUBLISHER, 900, 0),
    RtmTokenBuilder.buildTokenWithPermissions(APP_ID, CERT, 'carol', permissions, 600),
  ]
})

/** Returned claims must have the documented shape, errors be TOKEN_INVALID; true if it returned. */
function expectClaimsOrTokenInvalid(input: string): boolean {
  let claims: TokenClaims
  try {
    claims = decodeToken(input)
  } catch (error) {
    if (!(isSessionError(error) && error.code === 'TOKEN_INVALID' && error.message.length > 10)) {
      throw new Error(`unexpected error for ${JSON.stringify(input.slice(0, 80))}: ${String(error)}`)
    }
    return false
  }
  const u32 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff
  expect(typeof claims.appId).toBe('string')
  expect(u32(claims.issuedAt) && u32(claims.salt)).toBe(true)
  expect(u32(claims.expiresAt - claims.issuedAt)).toBe(true)
  expect(claims.services.every((s) => Number.isInteger(s) && s >= 0 && s <= 0xffff)).toBe(true)
  const keys = Object.keys(claims).sort()
  expect(keys).toEqual(claims.rtc ? ['appId', 'expiresAt', 'issuedAt', 'rtc', 'salt', 'services'] : ['appId', 'expiresAt', 'issuedAt', 'salt', 'services'])
  if (claims.rtc) {
    expect(claims.services).toContain(1)
    expect(typeof claims.rtc.channel).toBe('string')
    expect(typeof claims.rtc.uid).toBe('string')
    for (const [name, at] of Object.entries(claims.rtc.privileges)) {
      expect(['joinChannel', 'publishAudio', 'publishVideo', 'publishData']).toContain(name)
      expect(at === Infinity || (Number.isInteger(at) && at > claims.issuedAt)).toBe(true)
    }
  }
  return true
}

type Edit = { kind: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; value: number }
const editArb = fc.record({
  kind: fc.constantFrom<Edit['kind']>('flip', 'insert', 'delete', 'truncate'),
  at: fc.nat(),
  value: fc.integer({ min: 1, max: 255 }),
})

function editString(s: string, edits: Edit[]): string {
  for (const { kind, at, value } of edits) {
    const i = s.length === 0 ? 0 : at % s.length
    const char = BASE64[value % BASE64.length] ?? 'A'
    if (kind === 'flip') s = s.slice(0, i) + char + s.slice(i + 1)
    else if (kind === 'insert') s = s.slice(0, i) + char + s.slice(i)
    else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + 1)
    else s = s.slice(0, i)
  }
  return s
}

function editBytes(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  let b = Uint8Array.from(bytes)
  for (const { kind, at, value } of edits) {
    const i = b.length === 0 ? 0 : at % b.length
    if (kind === 'flip') b[i] = (b[i] ?? 0) ^ value
    else if (kind === 'insert') b = Uint8Array.from([...b.subarray(0, i), value, ...b.subarray(i)])
    else if (kind === 'delete') b = Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + 1)])
    else b = b.slice(0, i)
  }
  return b
}

const seedIndex = fc.nat({ max: 3 })
const seedAt = (i: number) => seeds[i % seeds.length] ?? ''

describe('decodeToken fuzz', () => {
  it('random strings (2,000)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 20 })), (input) => {
        expectClaimsOrTokenInvalid(input)
      }),
      { numRuns: 2000, seed: SEED },
    )
  })

  it('"007" + random base64 text (2,000)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASE64), maxLength: 300 }), (body) => {
        expectClaimsOrTokenInvalid(`007${body}`)
      }),
      { numRuns: 2000, seed: SEED + 1 },
    )
  })

  it('"007" + base64 of random zlib bodies (1,000)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectClaimsOrTokenInvalid(`007${deflateSync(bytes).toString('base64')}`)
      }),
      { numRuns: 1000, seed: SEED + 2 },
    )
  })

  it('character edits of valid tokens: flip, insert, delete, truncate (3,000)', () => {
    fc.assert(
      fc.property(seedIndex, fc.array(editArb, { minLength: 1, maxLength: 3 }), (i, edits) => {
        expectClaimsOrTokenInvalid(editString(seedAt(i), edits))
      }),
      { numRuns: 3000, seed: SEED + 3 },
    )
  })

  it('byte edits of valid tokens, re-deflated so they reach the parser (3,000)', () => {
    let parsedOk = 0
    fc.assert(
      fc.property(seedIndex, fc.array(editArb, { minLength: 1, maxLength: 3 }), (i, edits) => {
        const content = inflateSync(Buffer.from(seedAt(i).slice(3), 'base64'))
        const token = `007${deflateSync(editBytes(content, edits)).toString('base64')}`
        if (expectClaimsOrTokenInvalid(token)) parsedOk++
      }),
      { numRuns: 3000, seed: SEED + 4 },
    )
    // Both outcomes must be exercised, or the fuzzing says little.
    expect(parsedOk).toBeGreaterThan(100)
    expect(parsedOk).toBeLessThan(2900)
  })
})

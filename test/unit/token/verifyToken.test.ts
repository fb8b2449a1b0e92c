import { RtcRole, RtcTokenBuilder } from 'agora-token'
import { createRequire } from 'node:module'
import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { mintToken } from '../../../src/accessToken2/mintToken'
import { verifyToken } from '../../../src/accessToken2/verifyToken'

const APP_ID = '970ca35de60c44645bbae8a215061b33'
const CERT = '5cfd2fd1755d40ecb72977518be15d3b'
const OTHER_CERT = '5cfd2fd1755d40ecb72977518be15d3c'

// agora-token's own parser/verifier is not re-exported from its index and ships no types.
const { AccessToken2 } = createRequire(import.meta.url)('agora-token/src/AccessToken2') as {
  AccessToken2: new () => { from_string(token: string): boolean; verifySignature(cert: string): boolean }
}

const unpack = (token: string) => inflateSync(Buffer.from(token.slice(3), 'base64'))
const pack = (content: Uint8Array) => `007${deflateSync(content).toString('base64')}`

/** The message of the TOKEN_INVALID that `verify` throws. */
function expectTokenInvalid(verify: () => unknown): string {
  let error: unknown = new Error('returned')
  try {
    verify()
  } catch (e) {
    error = e
  }
  expect(isSessionError(error) && error.code === 'TOKEN_INVALID', String(error)).toBe(true)
  return (error as Error).message
}

describe('verifyToken', () => {
  it("accepts agora-token's tokens with the right certificate", () => {
    const token = RtcTokenBuilder.buildTokenWithUid(APP_ID, CERT, 'lobby', 42, RtcRole.PUBLISHER, 3600, 0)
    const claims = verifyToken(token, CERT)
    expect(claims.rtc?.channel).toBe('lobby')
    expect(claims.rtc?.uid).toBe('42')
  })

  it('accepts its own minted tokens, and agora-token verifies them too', () => {
    const token = mintToken({
      appId: APP_ID, appCertificate: CERT, channel: 'room-*', uid: 'guest-*', role: 'subscriber',
      expireSec: 600, issuedAt: 1_700_000_000, salt: 1,
    })
    expect(verifyToken(token, CERT)).toMatchObject({ appId: APP_ID, salt: 1 })
    const parsed = new AccessToken2()
    expect(parsed.from_string(token)).toBe(true)
    expect(parsed.verifySignature(CERT)).toBe(true)
    expect(parsed.verifySignature(OTHER_CERT)).toBe(false)
  })

  it('rejects a token signed with another certificate', () => {
    const token = RtcTokenBuilder.buildTokenWithUid(APP_ID, OTHER_CERT, 'lobby', 42, RtcRole.PUBLISHER, 3600, 0)
    const message = expectTokenInvalid(() => verifyToken(token, CERT))
    expect(message).toMatch(/signature does not match/)
  })

  it('rejects every single flipped byte of the decompressed content', () => {
    const token = RtcTokenBuilder.buildTokenWithUidAndPrivilege(APP_ID, CERT, 'stage', 7, 3600, 3600, 600, 600, 0)
    const content = unpack(token)
    expect(content.length).toBeGreaterThan(100)
    let signatureMismatches = 0
    for (let i = 0; i < content.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const mutated = Uint8Array.from(content)
        mutated[i] = (mutated[i] ?? 0) ^ mask
        const message = expectTokenInvalid(() => verifyToken(pack(mutated), CERT))
        if (message.startsWith('signature does not match')) signatureMismatches++
      }
    }
    // Most flips still parse (values, not lengths, changed) and are caught by the signature.
    expect(signatureMismatches).toBeGreaterThan(content.length)
  })

  it('rejects a malformed token before checking anything', () => {
    expectTokenInvalid(() => verifyToken('007abc', CERT))
  })

  it('rejects a non-string certificate with INVALID_ARGUMENT', () => {
    const token = mintToken({ appId: APP_ID, appCertificate: CERT, channel: 'a', uid: 1, expireSec: 60, issuedAt: 1, salt: 1 })
    expect(() => verifyToken(token, undefined as unknown as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

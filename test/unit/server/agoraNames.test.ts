// @vitest-environment node
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { matchesPattern } from '../../../src/token/matchesPattern'
import { validateChannelPattern, validateUidPattern, validateUid } from '../../../src/token/validate'
import { serverModules } from '../../support/serverModules'

// The token server (plain JS under node) restates the library's rules for channel names, user
// accounts and wildcard patterns; these properties keep the two from drifting (issue 12, item 7).

type Modules = Awaited<ReturnType<typeof serverModules>>
let server: Modules

beforeAll(async () => {
  server = await serverModules()
})

const ALPHABET = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,']
/** Characters that must be refused, and a few that look harmless. */
const HOSTILE = ['\0', '\n', '\r', '\t', '😀', 'é', 'ÿ', '\u00a0', '\uD800', '\uDC00', '/', '"', "'", '\\', '`', '\u202e', 'İ']

const text = (maxLength: number) =>
  fc.string({ unit: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ALPHABET) }, fc.constantFrom('*', ...HOSTILE), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), maxLength })
/** Mostly short, sometimes around the limits (64 bytes, 255 characters). */
const sized = (limit: number) => fc.oneof(text(8), text(limit + 4), fc.tuple(fc.constantFrom(...ALPHABET), fc.integer({ min: limit - 2, max: limit + 2 })).map(([c, n]) => c.repeat(n)))

const accepts = (read: () => unknown): boolean => {
  try {
    read()
    return true
  } catch (error) {
    if ((error as { status?: unknown }).status !== 400) throw error
    return false
  }
}
const valid = (check: () => void): boolean => {
  try {
    check()
    return true
  } catch {
    return false
  }
}

const generate = (channelName: unknown, uid: unknown) =>
  server.tokenRequest.readTokenGenerate({ channelName, uid, tokenExpireTs: 60, privilegeExpireTs: 60, serviceRtc: { enable: true, role: 2 } })

describe("the token server's name rules agree with the library's", () => {
  it('user accounts (uid strings): accepted by the server exactly when validateUidPattern accepts them', () => {
    fc.assert(
      fc.property(sized(255), (uid) => {
        expect(accepts(() => generate('lobby', uid))).toBe(valid(() => validateUidPattern(uid)))
      }),
      { numRuns: 2_000 },
    )
  })

  it('numeric uids (the Go sample): accepted exactly when validateUid accepts them', () => {
    const numbers = fc.oneof(fc.integer({ min: -10, max: 2 ** 32 + 10 }), fc.double(), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, -0, 1.5))
    fc.assert(
      fc.property(numbers, (uid) => {
        const read = () => server.tokenRequest.readFetchRtcToken({ uid, ChannelName: 'lobby', role: 2 })
        expect(accepts(read)).toBe(valid(() => validateUid(uid)))
      }),
    )
  })

  it('channel names and patterns: accepted exactly when validateChannelPattern accepts them', () => {
    fc.assert(
      fc.property(sized(64), (channel) => {
        expect(accepts(() => generate(channel, '42'))).toBe(valid(() => validateChannelPattern(channel)))
      }),
      { numRuns: 2_000 },
    )
  })

  it('wildcard patterns match what matchesPattern matches', () => {
    const small = fc.string({ unit: fc.constantFrom('a', 'b', '*'), maxLength: 8 })
    fc.assert(
      fc.property(small, fc.string({ unit: fc.constantFrom('a', 'b', '*'), maxLength: 10 }), (pattern, value) => {
        expect(server.agoraNames.matchesPattern(pattern, value)).toBe(matchesPattern(pattern, value))
      }),
      { numRuns: 3_000 },
    )
  })

  it.each([
    ['a NUL', 'a\0b', false],
    ['a newline', 'alice\n', false],
    ['an emoji', 'al😀ce', false],
    ['a Latin-1 letter (the SDK takes it, Agora documents it not)', 'josé', false],
    ['"-1" (a valid account: - and 1 are in the alphabet)', '-1', true],
    ['255 characters', 'u'.repeat(255), true],
    ['256 characters', 'u'.repeat(256), false],
    ['a pattern', 'guest-*', true],
  ])('uid with %s: %s', (_name, uid, ok) => {
    expect(accepts(() => generate('lobby', uid))).toBe(ok)
    expect(valid(() => validateUidPattern(uid))).toBe(ok)
  })
})

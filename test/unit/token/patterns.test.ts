import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isSessionError } from '../../../src/errors'
import { matchesPattern } from '../../../src/token/matchesPattern'
import { uidToString, validateChannelName, validateChannelPattern, validateUid } from '../../../src/token/validate'

const ALLOWED = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,'

function invalidArgument(run: () => void): string {
  try {
    run()
  } catch (error) {
    expect(isSessionError(error) && error.code === 'INVALID_ARGUMENT', String(error)).toBe(true)
    return (error as Error).message
  }
  throw new Error('did not throw')
}

describe('matchesPattern', () => {
  it.each([
    ['1*a*2', '1abc2', true],
    ['1*a*2', '12', false],
    ['1*a*2', '1a2', true],
    ['1*a*2', 'a12', false],
    ['1*a*2', '1a2x', false],
    ['1*a*2', '1xa2a2', true],
    ['', 'anything', true],
    ['', '', true],
    ['*', 'anything', true],
    ['*', '', true],
    ['room-*', 'room-', true],
    ['room-*', 'room-42', true],
    ['room-*', 'room', false],
    ['*-end', 'the-end', true],
    ['**', 'x', true],
    ['a*b*c', 'abbbc', true],
    ['a*b*c', 'acb', false],
    ['lobby', 'lobby', true],
    ['lobby', 'Lobby', false],
    ['lobby', 'lobby2', false],
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['a+', 'aa', false],
    ['a+', 'a+', true],
    ['(x|y)', 'x', false],
    ['(x|y)', '(x|y)', true],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['^a$', 'a', false],
    ['^a$', '^a$', true],
    ['a?', 'a', false],
    ['a?', 'a?', true],
    ['a*', 'a*', true],
  ])('%j matches %j: %s', (pattern, value, expected) => {
    expect(matchesPattern(pattern, value)).toBe(expected)
  })

  it('agrees with an escaped-RegExp reference (property)', () => {
    const chars = fc.constantFrom(...'ab1.+?*()[]^$|')
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 12 }), fc.string({ unit: chars, maxLength: 16 }), (pattern, value) => {
        const source = pattern
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')
        const expected = pattern === '' || new RegExp(`^${source}$`, 's').test(value)
        expect(matchesPattern(pattern, value)).toBe(expected)
      }),
      { numRuns: 2000, seed: 7 },
    )
  })

  it('stays fast on patterns that make naive backtracking explode', () => {
    const pattern = `${'*a'.repeat(30)}b`
    const value = 'a'.repeat(64)
    const start = performance.now()
    expect(matchesPattern(pattern, value)).toBe(false)
    expect(performance.now() - start).toBeLessThan(50)
  })
})

describe('validateChannelName', () => {
  it('accepts every allowed character, and 64 bytes', () => {
    expect(() => validateChannelName(ALLOWED.slice(0, 64))).not.toThrow()
    expect(() => validateChannelName(ALLOWED.slice(64))).not.toThrow()
    expect(() => validateChannelName('x'.repeat(64))).not.toThrow()
    expect(() => validateChannelName('a')).not.toThrow()
  })

  it.each([
    ['empty', '', /must not be empty/],
    ['65 bytes', 'x'.repeat(65), /65 bytes \(UTF-8\); the limit is 64 bytes/],
    ['22 three-byte characters (66 bytes)', '中'.repeat(22), /66 bytes .*64 bytes/],
    ['a slash', 'a/b', /"\/" \(U\+002F\) at index 1/],
    ['a star', 'room-*', /"\*" \(U\+002A\) at index 5/],
    ['a quote', 'a"b', /U\+0022/],
    ['a non-ASCII character', 'café', /"é" \(U\+00E9\) at index 3/],
    ['an emoji', 'a😀', /U\+1F600/],
    ['a tab', 'a\tb', /U\+0009/],
  ])('rejects %s', (_name, name, message) => {
    expect(invalidArgument(() => validateChannelName(name))).toMatch(message)
  })

  it('rejects a non-string', () => {
    expect(invalidArgument(() => validateChannelName(42 as unknown as string))).toMatch(/must be a string, got number/)
  })
})

describe('validateChannelPattern', () => {
  it.each(['', '*', 'room-*', '1*a*2', '**', 'lobby', '*'.repeat(64)])('accepts %j', (pattern) => {
    expect(() => validateChannelPattern(pattern)).not.toThrow()
  })

  it.each([
    ['65 bytes', '*'.repeat(65), /65 bytes/],
    ['a slash', 'a/*', /"\/".*and \* \(wildcard\)/],
  ])('rejects %s', (_name, pattern, message) => {
    expect(invalidArgument(() => validateChannelPattern(pattern))).toMatch(message)
  })
})

describe('validateUid', () => {
  it.each<[string, number | string]>([
    ['0', 0],
    ['1', 1],
    ['2^32-1', 2 ** 32 - 1],
    ['a one-character account', 'a'],
    ['a 255-character account', 'a'.repeat(255)],
    ['a numeric-looking account', '12345'],
    ["every character of Agora's alphabet", 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,'],
  ])('accepts %s', (_name, uid) => {
    expect(() => validateUid(uid)).not.toThrow()
  })

  it.each<[string, unknown, RegExp]>([
    ['2^32', 2 ** 32, /integer from 0 to 4294967295, got 4294967296/],
    ['-1', -1, /got -1/],
    ['1.5', 1.5, /got 1.5/],
    ['NaN', NaN, /got NaN/],
    ['Infinity', Infinity, /got Infinity/],
    ['an empty string', '', /must not be an empty string/],
    ['a 256-character account', 'a'.repeat(256), /256 characters; a user account is at most 255/],
    ['Chinese characters (the SDK refuses anything above U+00FF)', '李雷', /"李" \(U\+674E\) at index 0/],
    ['a Latin-1 letter (outside the documented alphabet)', 'Zoë', /"ë" \(U\+00EB\) at index 2/],
    ['an emoji', 'a😀', /"😀" \(U\+1F600\) at index 1/],
    ['a tab', 'a\tb', /"\\t" \(U\+0009\) at index 1/],
    ['a newline', 'a\nb', /"\\n" \(U\+000A\)/],
    ['NUL', 'a\u0000', /U\+0000/],
    ['a lone surrogate', 'a\uD800b', /U\+D800 at index 1|\(U\+D800\) at index 1/],
    ['a wildcard (only tokens may hold one)', 'guest-*', /"\*" \(U\+002A\) at index 6/],
    ['a quote', 'a"b', /allowed are a-z A-Z 0-9 space and/],
    ['null', null, /number or a string, got null/],
    ['a bigint', 1n, /got bigint/],
    ['an object', {}, /got object/],
  ])('rejects %s', (_name, uid, message) => {
    expect(invalidArgument(() => validateUid(uid as number))).toMatch(message)
  })
})

describe('uidToString', () => {
  it.each<[number | string, string]>([
    [0, ''],
    [42, '42'],
    [2 ** 32 - 1, '4294967295'],
    ['alice', 'alice'],
    ['0', '0'],
  ])('%j -> %j', (uid, expected) => {
    expect(uidToString(uid)).toBe(expected)
  })
})

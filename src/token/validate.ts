import { SessionError } from '../errors.js'

const MAX_CHANNEL_BYTES = 64
const MAX_ACCOUNT_BYTES = 255
const MAX_UID = 2 ** 32 - 1
/** Agora's channel name alphabet (89 characters), as documented for `join`. */
const CHANNEL_CHARS = new Set(
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,',
)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const encoder = new TextEncoder()

/**
 * Checks a channel name before it is used to join or to ask for a token: non-empty, at most
 * 64 bytes (UTF-8), only Agora's allowed characters. Throws `SessionError` code
 * `'INVALID_ARGUMENT'` naming the offending character or the byte count.
 */
export function validateChannelName(name: string): void {
  checkChannel(name, 'channel name', false)
}

/**
 * {@link validateChannelName} for the channel of a token request, which may also be a wildcard:
 * `''` or `'*'` (every channel) or a pattern with `'*'` inside, such as `'room-*'`.
 */
export function validateChannelPattern(pattern: string): void {
  if (pattern === '') return
  checkChannel(pattern, 'channel pattern', true)
}

/**
 * Checks a uid: an integer 0..2^32-1 (0 = let Agora assign one, a wildcard user in tokens), or a
 * user-account string of 1..255 bytes (UTF-8). Throws `SessionError` code `'INVALID_ARGUMENT'`.
 */
export function validateUid(uid: number | string): void {
  if (typeof uid === 'number') {
    if (!Number.isInteger(uid) || uid < 0 || uid > MAX_UID) {
      throw invalidArgument(`uid must be an integer from 0 to ${MAX_UID}, got ${uid}`)
    }
    return
  }
  if (typeof uid !== 'string') {
    throw invalidArgument(`uid must be a number or a string, got ${uid === null ? 'null' : typeof uid}`)
  }
  if (uid === '') throw invalidArgument('uid must not be an empty string (use 0 for an assigned uid)')
  const lone = LONE_SURROGATE.exec(uid)
  if (lone) {
    throw invalidArgument(`uid has a lone surrogate at index ${lone.index}, which UTF-8 cannot encode`)
  }
  const bytes = encoder.encode(uid).length
  if (bytes > MAX_ACCOUNT_BYTES) {
    throw invalidArgument(`uid is ${bytes} bytes (UTF-8); a user account is at most ${MAX_ACCOUNT_BYTES} bytes`)
  }
}

/**
 * The uid as an AccessToken2 stores it: `''` for 0 (the wildcard user), the decimal string for
 * other numbers, the account string itself otherwise. Compare with `TokenClaims.rtc.uid`.
 */
export function uidToString(uid: number | string): string {
  return uid === 0 ? '' : String(uid)
}

function checkChannel(name: string, what: string, allowStar: boolean): void {
  if (typeof name !== 'string') {
    throw invalidArgument(`${what} must be a string, got ${name === null ? 'null' : typeof name}`)
  }
  if (name === '') throw invalidArgument(`${what} must not be empty`)
  const bytes = encoder.encode(name).length
  if (bytes > MAX_CHANNEL_BYTES) {
    throw invalidArgument(`${what} is ${bytes} bytes (UTF-8); the limit is ${MAX_CHANNEL_BYTES} bytes`)
  }
  let index = 0
  for (const char of name) {
    if (!CHANNEL_CHARS.has(char) && !(allowStar && char === '*')) {
      const code = `U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`
      throw invalidArgument(
        `${what} has ${JSON.stringify(char)} (${code}) at index ${index}; allowed are a-z A-Z 0-9, ` +
          'space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,' +
          (allowStar ? ' and * (wildcard)' : ''),
      )
    }
    index += char.length
  }
}

function invalidArgument(message: string): SessionError {
  return new SessionError('INVALID_ARGUMENT', message)
}

import { SessionError } from '../errors.js'

const MAX_CHANNEL_BYTES = 64
const MAX_ACCOUNT_CHARS = 255
const MAX_UID = 2 ** 32 - 1
/**
 * Agora's alphabet for channel names and user accounts (89 characters), as documented for `join`
 * and `joinWithUserAccount`. All ASCII, so a length in characters is one in bytes.
 */
const AGORA_CHARS = new Set(
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,',
)
const ALLOWED = 'a-z A-Z 0-9 space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,'

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
 * user account as Agora documents it: 1..255 characters from the same 89 as channel names (which
 * also passes the SDK's own check: at most 255 characters, none above U+00FF). Throws
 * `SessionError` code `'INVALID_ARGUMENT'` naming the offending character or the length.
 */
export function validateUid(uid: number | string): void {
  checkUid(uid, false)
}

/**
 * {@link validateUid} for the uid of a token, which may also be a pattern with `'*'`, such as
 * `'guest-*'` (a wildcard user, like uid 0).
 */
export function validateUidPattern(uid: number | string): void {
  checkUid(uid, true)
}

function checkUid(uid: number | string, allowStar: boolean): void {
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
  checkChars(uid, 'uid (a user account)', allowStar)
  if (uid.length > MAX_ACCOUNT_CHARS) {
    throw invalidArgument(`uid is ${uid.length} characters; a user account is at most ${MAX_ACCOUNT_CHARS}`)
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
  checkChars(name, what, allowStar)
}

/** Throws for the first character outside Agora's alphabet (and `*` unless `allowStar`). */
function checkChars(text: string, what: string, allowStar: boolean): void {
  let index = 0
  for (const char of text) {
    if (!AGORA_CHARS.has(char) && !(allowStar && char === '*')) {
      const code = `U+${char.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`
      throw invalidArgument(
        `${what} has ${JSON.stringify(char)} (${code}) at index ${index}; allowed are ${ALLOWED}` +
          (allowStar ? ' and * (wildcard)' : ''),
      )
    }
    index += char.length
  }
}

function invalidArgument(message: string): SessionError {
  return new SessionError('INVALID_ARGUMENT', message)
}

// @ts-check
/**
 * Agora's rules for channel names and user accounts, as documented for `join` and
 * `joinWithUserAccount`, checked before a token is built. The same rules as the library's
 * `validateChannelPattern` / `validateUidPattern` (src/token/validate.ts); this server runs
 * under plain `node` and cannot import TypeScript, so test/unit/server/agoraNames.test.ts checks
 * with fast-check that the two agree on every input.
 */

/** Agora's alphabet for channel names and user accounts (89 characters, all ASCII). */
const AGORA_CHARS = new Set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,')
const ALLOWED = 'a-z A-Z 0-9, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , and * for a wildcard pattern'
const MAX_CHANNEL_BYTES = 64
const MAX_ACCOUNT_CHARS = 255
const encoder = new TextEncoder()

/**
 * What is wrong with a channel name or pattern, or `undefined` when Agora takes it: `''` and
 * `'*'` (every channel), else at most 64 bytes of Agora's alphabet and `*`.
 * @param {string} value
 * @param {string} field the request's field, for the message
 * @returns {string | undefined}
 */
export function channelProblem(value, field) {
  if (value === '' || value === '*') return undefined
  const bytes = encoder.encode(value).length
  if (bytes > MAX_CHANNEL_BYTES) return `${field} is ${bytes} bytes (UTF-8); Agora allows at most ${MAX_CHANNEL_BYTES}`
  return charProblem(value, field, 'channel names')
}

/**
 * What is wrong with a user account (or a uid pattern with `*`), or `undefined` when Agora
 * takes it: 1 to 255 characters of Agora's alphabet and `*`.
 * @param {string} value
 * @param {string} field
 * @returns {string | undefined}
 */
export function accountProblem(value, field) {
  if (value === '') return `${field} must not be empty: use "0" or "*" for any user`
  const chars = charProblem(value, field, 'user accounts')
  if (chars !== undefined) return chars
  if (value.length > MAX_ACCOUNT_CHARS) return `${field} is ${value.length} characters; a user account is at most ${MAX_ACCOUNT_CHARS}`
  return undefined
}

/**
 * @param {string} value
 * @param {string} field
 * @param {string} what
 */
function charProblem(value, field, what) {
  let index = 0
  for (const char of value) {
    if (!AGORA_CHARS.has(char) && char !== '*') {
      const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
      return `${field} has ${JSON.stringify(char)} (${code}) at index ${index}, which Agora does not allow in ${what} (allowed: ${ALLOWED})`
    }
    index += char.length
  }
  return undefined
}

/**
 * Whether `value` matches `pattern`: `''` and `'*'` match everything, `*` inside matches any
 * run of characters (`1*a*2` matches `1abc2`). The library's `matchesPattern`, in plain JS.
 * @param {string} pattern
 * @param {string} value
 */
export function matchesPattern(pattern, value) {
  if (pattern === '' || pattern === '*') return true
  // Greedy glob matching with one backtrack point (the last '*'): no exponential blow-up on a
  // hostile value.
  let p = 0
  let v = 0
  let star = -1
  let starValue = 0
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++
      starValue = v
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++
      v++
    } else if (star !== -1) {
      p = star + 1
      v = ++starValue
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

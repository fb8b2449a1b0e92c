/** A whole token: AccessToken2 (`007…`) or the older AccessToken (`006…`), as text or in a URL. */
const TOKEN = /00[67][A-Za-z0-9+/=_%-]{16,}/g
/** An App Certificate (or App ID, or any key) shaped run: 32 hex digits or more. */
const HEX_KEY = /[0-9a-f]{32,}/gi
/** `Bearer <credentials>` / `Basic <credentials>`, as a server might echo an Authorization header. */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([^\s"',;<>]+)/gi
/**
 * What credentials look like, as against the words of a sentence ("The Bearer token is
 * required"): eight characters or more with a digit, a symbol of base64 or JWTs, or a capital
 * after a small letter (`dXNlcjpwYXNz`).
 */
const CREDENTIALS = /^(?=.{8})(?=.*(?:\d|[-._~+/=]|[a-z][A-Z]))/
/** A URL's user info, query and fragment. */
const URL_SECRETS = /\b([a-z][a-z\d+.-]*:\/\/)(?:[^/?#\s@"']*@)?([^?#\s"']*)[?#][^\s"']*/gi
/** Credentials before a host without a query (`https://user:pass@host/path`). */
const URL_USERINFO = /\b([a-z][a-z\d+.-]*:\/\/)[^/?#\s@"']*@/gi
/** The query of a path a server echoes without its origin (`Cannot POST /token?key=…`). */
const PATH_QUERY = /(\/[^\s?#"']*)\?[^\s"'=]*=[^\s"']*/g

/**
 * `text` with whatever could be a secret masked, for error messages and logs: whole tokens
 * (`007…`), runs of 32 hex digits or more (an App Certificate looks like that), `Bearer …` /
 * `Basic …` credentials, and the user info, query and fragment of URLs. What a token server
 * says goes into errors that apps log; it may quote any of these.
 *
 * @example
 * ```ts
 * redactSecrets('bad token 007eJxTYBBa...')        // 'bad token 007…'
 * redactSecrets('see https://x.test/t?key=s3cret')  // 'see https://x.test/t?…'
 * ```
 */
export function redactSecrets(text: string): string {
  return text
    .replace(TOKEN, '007…')
    .replace(HEX_KEY, '[32+ hex digits]')
    .replace(AUTH_SCHEME, (match: string, scheme: string, space: string, credentials: string) =>
      CREDENTIALS.test(credentials) ? `${scheme}${space}…` : match,
    )
    .replace(URL_SECRETS, '$1$2?…')
    .replace(URL_USERINFO, '$1')
    .replace(PATH_QUERY, '$1?…')
}

/**
 * A copy of `error` (made by `make`, default `new Error`) that keeps its name and masked message
 * and stack, and nothing else: no fields, no `cause` chain, which may hold a request with its
 * headers or a body with a token.
 */
export function redactedError(
  error: unknown,
  make: (message: string) => Error = (message) => new Error(message),
  mask: (text: string) => string = redactSecrets,
): Error {
  const copy = make(mask(error instanceof Error ? error.message : String(error)))
  if (error instanceof Error) {
    if (copy.name !== error.name) Object.defineProperty(copy, 'name', { value: error.name, configurable: true, writable: true })
    if (error.stack !== undefined) copy.stack = mask(error.stack)
  }
  return copy
}

/** Headers whose values are never secret, so are not searched for in messages. */
const PLAIN_HEADERS = new Set(['accept', 'content-type', 'accept-language', 'cache-control'])
/** Shorter values are not searched for: masking every "1" or "en" would garble messages. */
const MIN_SECRET_LENGTH = 4
/** `<scheme> <credentials>` in an Authorization header: the scheme is a word, not a secret. */
const SCHEME_AND_CREDENTIALS = /^[A-Za-z][\w!#$%&'*+.^`|~-]*\s+(\S[\s\S]*)$/

/**
 * {@link redactSecrets} plus the secrets this caller is known to hold: the values of its own
 * headers (an API key under any name; of an `Authorization` header, the credentials after the
 * scheme) and of its url's query, user and password, wherever a server quotes them back, in
 * any form a server writes them: as given, decoded, with `+` for a space, percent-encoded in
 * either case (also one character at a time). The words around them stay: a server's "The
 * Bearer token is required" reads the same after masking.
 */
export function secretMasker(url: string, headers: Record<string, string> | undefined): (text: string) => string {
  const known = new Set<string>()
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (PLAIN_HEADERS.has(name.toLowerCase()) || typeof value !== 'string') continue
    const credentials = /authorization$/i.test(name) ? SCHEME_AND_CREDENTIALS.exec(value.trim())?.[1] : undefined
    known.add(credentials ?? value)
  }
  try {
    const parsed = new URL(url, 'http://relative.invalid')
    for (const value of parsed.searchParams.values()) known.add(value)
    known.add(decoded(parsed.username))
    known.add(decoded(parsed.password))
  } catch {
    // An unusable url fails elsewhere, with its own message.
  }
  const secrets = [...known]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
    .map(inAnyForm)
  return (text) => redactSecrets(secrets.reduce((masked, secret) => masked.replace(secret, '…'), text))
}

/** A url component decoded, or as it is when it is not valid percent-encoding. */
function decoded(component: string): string {
  try {
    return decodeURIComponent(component)
  } catch {
    return component
  }
}

const utf8 = new TextEncoder()
const hexEitherCase = (byte: number): string =>
  `%${byte
    .toString(16)
    .padStart(2, '0')
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`)}`

/**
 * Matches `value` written any way a server may echo it: each character as it is, or
 * percent-encoded (UTF-8, hex digits in either case), a space also as `+` (form encoding) or
 * `%2B` (its `+` in the url, encoded again), a `/` also as `\/` (JSON).
 */
function inAnyForm(value: string): RegExp {
  let pattern = ''
  for (const char of value) {
    const forms = [char.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), [...utf8.encode(char)].map(hexEitherCase).join('')]
    if (char === ' ') forms.push('\\+', hexEitherCase(0x2b))
    if (char === '/') forms.push('\\\\/')
    pattern += `(?:${forms.join('|')})`
  }
  return new RegExp(pattern, 'g')
}

/** `url` for messages, which end up in logs: without credentials, query or fragment. */
export function urlForLogs(url: string): string {
  return url.replace(/^([a-z][a-z\d+.-]*:\/\/)[^/?#]*@/i, '$1').replace(/[?#].*$/s, '')
}

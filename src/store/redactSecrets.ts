/** A whole token: AccessToken2 (`007…`) or the older AccessToken (`006…`), as text or in a URL. */
const TOKEN = /00[67][A-Za-z0-9+/=_%-]{16,}/g
/** An App Certificate (or App ID, or any key) shaped run: 32 hex digits or more. */
const HEX_KEY = /[0-9a-f]{32,}/gi
/** `Bearer <credentials>` / `Basic <credentials>`, as a server might echo an Authorization header. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[^\s"',;]+/gi
/** A URL's user info, query and fragment. */
const URL_SECRETS = /\b([a-z][a-z\d+.-]*:\/\/)(?:[^/?#\s@"']*@)?([^?#\s"']*)[?#][^\s"']*/gi
/** Credentials before a host without a query (`https://user:pass@host/path`). */
const URL_USERINFO = /\b([a-z][a-z\d+.-]*:\/\/)[^/?#\s@"']*@/gi

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
    .replace(AUTH_SCHEME, '$1 …')
    .replace(URL_SECRETS, '$1$2?…')
    .replace(URL_USERINFO, '$1')
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

/**
 * {@link redactSecrets} plus the secrets this caller is known to hold: the values of its own
 * headers (an API key under any name) and of its url's query, user and password, wherever a
 * server quotes them back.
 */
export function secretMasker(url: string, headers: Record<string, string> | undefined): (text: string) => string {
  const known = new Set<string>()
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (PLAIN_HEADERS.has(name.toLowerCase()) || typeof value !== 'string') continue
    known.add(value)
    // `Bearer x`: x alone too.
    for (const part of value.split(/\s+/)) known.add(part)
  }
  try {
    const parsed = new URL(url, 'http://relative.invalid')
    for (const value of parsed.searchParams.values()) known.add(value)
    known.add(decodeURIComponent(parsed.username))
    known.add(decodeURIComponent(parsed.password))
  } catch {
    // An unusable url fails elsewhere, with its own message.
  }
  const secrets = [...known].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
  return (text) => secrets.reduce((masked, secret) => masked.split(secret).join('…'), redactSecrets(text))
}

/** `url` for messages, which end up in logs: without credentials, query or fragment. */
export function urlForLogs(url: string): string {
  return url.replace(/^([a-z][a-z\d+.-]*:\/\/)[^/?#]*@/i, '$1').replace(/[?#].*$/s, '')
}

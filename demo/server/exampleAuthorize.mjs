// @ts-check
/**
 * Example `authorize` hooks for the token server: copy one and point `lookup` at your app's own
 * sessions. `node demo/server/main.mjs --authorize demo/server/exampleAuthorize.mjs` uses the
 * `authorize` export below, which takes bearer tokens from `EXAMPLE_BEARER_TOKENS`, a JSON
 * object of token to grant, e.g.
 *
 *   EXAMPLE_BEARER_TOKENS='{"alice-session-token": {"subject": "alice", "uid": "alice", "channels": ["lobby", "room-*"]}}'
 *
 * A grant says who the caller is and what they may have (see authorize.mjs): the uid their
 * tokens name, the channels or patterns, and `role: 'subscriber'` to refuse publisher tokens.
 */

/** @typedef {import('./authorize.mjs').Grant} Grant */
/** @typedef {import('./authorize.mjs').Authorize} Authorize */

/**
 * Callers send `Authorization: Bearer <token>` (httpTokenSource's `headers` option); `lookup`
 * turns the token into the caller's grant, or `undefined` for an unknown one (401).
 * @param {(token: string) => Grant | undefined | Promise<Grant | undefined>} lookup
 * @returns {Authorize}
 */
export function bearerAuthorize(lookup) {
  return async function bearer(request) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (match?.[1] === undefined) return { refuse: 401, message: 'send Authorization: Bearer <your session token>' }
    return (await lookup(match[1])) ?? { refuse: 401, message: 'unknown or expired session: sign in again' }
  }
}

/**
 * Callers send the app's session cookie (same-origin, or `credentials: 'include'` through a
 * custom TokenSource); `lookup` turns the session id into the caller's grant.
 * @param {string} name the cookie's name
 * @param {(sessionId: string) => Grant | undefined | Promise<Grant | undefined>} lookup
 * @returns {Authorize}
 */
export function sessionCookieAuthorize(name, lookup) {
  return async function sessionCookie(request) {
    const cookies = (request.headers.cookie ?? '').split(';').map((part) => part.trim())
    const value = cookies.find((part) => part.startsWith(`${name}=`))?.slice(name.length + 1)
    if (value === undefined || value === '') return { refuse: 401, message: 'sign in first' }
    return (await lookup(decodeURIComponent(value))) ?? { refuse: 401, message: 'unknown or expired session: sign in again' }
  }
}

/** @type {Map<string, Grant>} */
const bearerTokens = new Map(Object.entries(readGrants(process.env['EXAMPLE_BEARER_TOKENS'])))

/** The example hook `--authorize demo/server/exampleAuthorize.mjs` loads. */
export const authorize = bearerAuthorize((token) => bearerTokens.get(token))

/**
 * @param {string | undefined} text
 * @returns {Record<string, Grant>}
 */
function readGrants(text) {
  if (text === undefined || text.trim() === '') return {}
  /** @type {unknown} */
  const parsed = JSON.parse(text)
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('EXAMPLE_BEARER_TOKENS must be a JSON object of token to grant')
  }
  return /** @type {Record<string, Grant>} */ (parsed)
}

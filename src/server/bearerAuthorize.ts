import type { Authorize, Grant } from './authorize.js'

/**
 * An {@link Authorize} hook for callers that send `Authorization: Bearer <session token>`
 * (`httpTokenSource({ headers })`): `lookup` turns the token into the caller's grant, or
 * `undefined` for an unknown one (401).
 *
 * @example
 * ```ts
 * const authorize = bearerAuthorize(async (token) => {
 *   const user = await sessions.find(token)
 *   return user && { subject: user.id, uid: user.id, channels: [`team-${user.team}-*`] }
 * })
 * ```
 */
export function bearerAuthorize(lookup: (token: string) => Grant | undefined | Promise<Grant | undefined>): Authorize {
  return async function bearer(request) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '')
    if (match?.[1] === undefined) return { refuse: 401, message: 'send Authorization: Bearer <your session token>' }
    return (await lookup(match[1])) ?? { refuse: 401, message: 'unknown or expired session: sign in again' }
  }
}

/**
 * An {@link Authorize} hook for callers that send the app's session cookie `name` (same-origin,
 * or `credentials: 'include'`): `lookup` turns the session id into the caller's grant.
 */
export function sessionCookieAuthorize(name: string, lookup: (sessionId: string) => Grant | undefined | Promise<Grant | undefined>): Authorize {
  return async function sessionCookie(request) {
    const cookies = (request.headers.get('cookie') ?? '').split(';').map((part) => part.trim())
    const value = cookies.find((part) => part.startsWith(`${name}=`))?.slice(name.length + 1)
    if (value === undefined || value === '') return { refuse: 401, message: 'sign in first' }
    let id: string
    try {
      id = decodeURIComponent(value)
    } catch {
      return { refuse: 401, message: 'unknown or expired session: sign in again' }
    }
    return (await lookup(id)) ?? { refuse: 401, message: 'unknown or expired session: sign in again' }
  }
}

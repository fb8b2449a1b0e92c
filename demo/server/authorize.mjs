// @ts-check
/**
 * The `authorize(request)` hook of the token server: who the caller is and what tokens they may
 * have, decided by the app before any token is built. Without one the server issues any
 * token it is asked for, so it must then sit behind the app's own authentication.
 */
import { matchesPattern } from './agoraNames.mjs'
import { RequestError, isWildcardUid } from './tokenRequest.mjs'

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('./tokenRequest.mjs').TokenOrder} TokenOrder */

/**
 * What a caller may have. Every field left out allows anything.
 * @typedef {object} Grant
 * @property {string} [subject] who the caller is, for the log (a user id, never a secret)
 * @property {number | string} [uid] the one uid their tokens may name (wildcard uids are then refused)
 * @property {readonly string[]} [channels] channel names or patterns (`room-*`, `*`) their tokens may cover
 * @property {'publisher' | 'subscriber'} [role] the most they may have: `'subscriber'` refuses publisher tokens
 */

/**
 * A refusal: 401 (who are you?) or 403 (not for you), with a message for the caller.
 * @typedef {{ refuse: 401 | 403, message?: string }} Refusal
 */

/**
 * Called with the request (headers, cookies, socket) before the body is read; returns a
 * {@link Grant}, a {@link Refusal}, or `null`/`undefined` (401). A throw is a 500.
 * @typedef {(request: IncomingMessage) => Grant | Refusal | null | undefined | Promise<Grant | Refusal | null | undefined>} Authorize
 */

/**
 * The caller's grant, or a {@link RequestError} 401/403 to answer with.
 * @param {Authorize} authorize
 * @param {IncomingMessage} request
 * @returns {Promise<Grant>}
 */
export async function grantFor(authorize, request) {
  const verdict = await authorize(request)
  if (verdict === null || verdict === undefined) {
    throw new RequestError(401, 'sign in first: this token server issues tokens to signed-in callers only')
  }
  if (typeof verdict !== 'object') throw new Error(`authorize() returned ${typeof verdict}: return a grant, {refuse: 401|403}, or null`)
  if ('refuse' in verdict) {
    if (verdict.refuse !== 401 && verdict.refuse !== 403) throw new Error(`authorize() refused with ${JSON.stringify(verdict.refuse)}: use 401 or 403`)
    const fallback = verdict.refuse === 401 ? 'sign in first' : 'not allowed'
    throw new RequestError(verdict.refuse, typeof verdict.message === 'string' && verdict.message !== '' ? verdict.message : fallback)
  }
  checkGrantShape(verdict)
  return verdict
}

/**
 * Throws {@link RequestError} 403 when `order` asks for more than `grant` allows.
 * @param {TokenOrder} order
 * @param {Grant} grant
 */
export function checkGrant(order, grant) {
  const who = grant.subject === undefined ? 'you' : JSON.stringify(grant.subject)
  if (grant.role === 'subscriber' && order.role === 1) {
    throw new RequestError(403, `${who} may have subscriber tokens (role 2) only`)
  }
  if (grant.uid !== undefined) {
    if (isWildcardUid(order.uid)) throw new RequestError(403, `${who} may have tokens for uid ${JSON.stringify(grant.uid)} only, not a wildcard uid`)
    if (String(order.uid) !== String(grant.uid)) {
      throw new RequestError(403, `uid ${JSON.stringify(order.uid)} is not ${who === 'you' ? 'yours' : `${who}'s`}: ask for uid ${JSON.stringify(grant.uid)}`)
    }
  }
  if (grant.channels !== undefined && !grant.channels.some((pattern) => covers(pattern, order.channel))) {
    throw new RequestError(
      403,
      `${who} may not have tokens for channel ${JSON.stringify(order.channel)}` +
        (grant.channels.length === 0 ? '' : ` (allowed: ${grant.channels.map((c) => JSON.stringify(c)).join(', ')})`),
    )
  }
}

/**
 * Whether every channel `requested` (a name or a pattern) stands for is one `pattern` allows.
 * A requested pattern is matched as text, so each of its `*` must fall inside one of the
 * grant's `*`: `room-a*` is covered by `room-*`, `room-*` is not covered by `room-a*`.
 * @param {string} pattern
 * @param {string} requested
 */
function covers(pattern, requested) {
  // '' asks for every channel, as '*' does: only a pattern that matches everything covers it.
  return matchesPattern(pattern, requested === '' ? '*' : requested)
}

/** @param {Grant} grant */
function checkGrantShape(grant) {
  const { uid, channels, role, subject } = grant
  if (uid !== undefined && typeof uid !== 'number' && typeof uid !== 'string') throw new Error('authorize(): grant.uid must be a number or a string')
  if (channels !== undefined && !(Array.isArray(channels) && channels.every((c) => typeof c === 'string'))) {
    throw new Error('authorize(): grant.channels must be an array of channel names or patterns')
  }
  if (role !== undefined && role !== 'publisher' && role !== 'subscriber') throw new Error("authorize(): grant.role must be 'publisher' or 'subscriber'")
  if (subject !== undefined && typeof subject !== 'string') throw new Error('authorize(): grant.subject must be a string')
}

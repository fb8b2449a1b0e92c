import { matchesPattern } from '../token/matchesPattern.js'
import { uidToString } from '../token/validate.js'
import { RequestError } from './RequestError.js'
import type { TokenOrder } from './tokenOrder.js'

/** What a caller may have. Every field left out allows anything. */
export interface Grant {
  /** Who the caller is, for the log (a user id, never a secret). */
  subject?: string
  /** The one uid their tokens may name (wildcard uids are then refused). */
  uid?: number | string
  /** Channel names or patterns (`room-*`, `*`) their tokens may cover. */
  channels?: readonly string[]
  /** The most they may have: `'subscriber'` refuses publisher tokens. */
  role?: 'publisher' | 'subscriber'
}

/** A refusal: 401 (who are you?) or 403 (not for you), with a message for the caller. */
export interface Refusal {
  refuse: 401 | 403
  message?: string
}

/**
 * Who the caller is and what tokens they may have, decided by the app from the request
 * (headers, cookies) before the body is read: a {@link Grant}, a {@link Refusal}, or
 * `null`/`undefined` (401). May be async. A throw is a 500, and the error goes to the log.
 */
export type Authorize = (request: Request) => Grant | Refusal | null | undefined | Promise<Grant | Refusal | null | undefined>

/** The caller's grant, or a {@link RequestError} 401/403 to answer with. */
export async function grantFor(authorize: Authorize, request: Request): Promise<Grant> {
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

/** Throws {@link RequestError} 403 when `order` asks for more than `grant` allows. */
export function checkGrant(order: TokenOrder, grant: Grant): void {
  const who = grant.subject === undefined ? 'you' : JSON.stringify(grant.subject)
  if (grant.role === 'subscriber' && order.role === 'publisher') {
    throw new RequestError(403, `${who} may have subscriber tokens (role 2) only`)
  }
  if (grant.uid !== undefined) {
    const uid = uidToString(order.uid)
    if (uid === '' || uid.includes('*')) throw new RequestError(403, `${who} may have tokens for uid ${JSON.stringify(grant.uid)} only, not a wildcard uid`)
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
 */
function covers(pattern: string, requested: string): boolean {
  // '' asks for every channel, as '*' does: only a pattern that matches everything covers it.
  return matchesPattern(pattern, requested === '' ? '*' : requested)
}

function checkGrantShape(grant: Grant): void {
  const { uid, channels, role, subject } = grant as Record<string, unknown>
  if (uid !== undefined && typeof uid !== 'number' && typeof uid !== 'string') throw new Error('authorize(): grant.uid must be a number or a string')
  if (channels !== undefined && !(Array.isArray(channels) && channels.every((c) => typeof c === 'string'))) {
    throw new Error('authorize(): grant.channels must be an array of channel names or patterns')
  }
  if (role !== undefined && role !== 'publisher' && role !== 'subscriber') throw new Error("authorize(): grant.role must be 'publisher' or 'subscriber'")
  if (subject !== undefined && typeof subject !== 'string') throw new Error('authorize(): grant.subject must be a string')
}

import { uidToString } from '../token/validate.js'
import type { TokenRequest } from './TokenSource.js'

/** Identity of a token request: equal keys share one fetch and one renewal lineage. */
export function requestKey(request: TokenRequest): string {
  return JSON.stringify([request.role, request.channel, uidToString(request.uid), request.expireSec ?? null])
}

/** The request as events show it: uid as tokens store it ('' for 0). */
export function describeRequest(request: TokenRequest): { channel: string; uid: string; role: TokenRequest['role'] } {
  return { channel: request.channel, uid: uidToString(request.uid), role: request.role }
}

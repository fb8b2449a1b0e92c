import { uidToString } from '../token/validate'
import type { TokenRequest } from './TokenSource'

/** Identity of a token request: equal keys share one fetch and one renewal lineage. */
export function requestKey(request: TokenRequest): string {
  return JSON.stringify([request.role, request.channel, uidToString(request.uid), request.expireSec ?? null])
}

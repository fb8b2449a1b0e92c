import type { TokenClaims } from '../token/TokenClaims.js'

/**
 * When the edge drops a client holding `claims` (unix seconds, server clock; `Infinity` for never):
 * the join privilege and, for a host under co-host authentication, each granted publish
 * privilege. The token's own expiry is not part of it: Agora's guide says a user whose token
 * expires but whose privileges have not stays in the channel.
 */
export function edgeDeadlineSec(claims: TokenClaims, checksPublish: boolean): number {
  const p = claims.rtc?.privileges ?? {}
  let deadline = p.joinChannel ?? claims.issuedAt
  if (checksPublish) {
    for (const sec of [p.publishAudio, p.publishVideo, p.publishData]) {
      if (sec !== undefined) deadline = Math.min(deadline, sec)
    }
  }
  return deadline
}

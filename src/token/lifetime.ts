import type { TokenClaims, TokenRole } from './TokenClaims.js'

/**
 * When a token stops being good for `role`, in unix seconds (server clock): the earliest of the
 * token's own expiry, the join privilege and, for a publisher, each granted publish privilege.
 * Token expiry counts even when privileges last longer: after any disconnect an expired token
 * cannot rejoin (Agora's guide, BuildTokenWithUid note). A missing join privilege gives the
 * issue time (the token never allowed a join).
 */
export function tokenDeadlineSec(claims: TokenClaims, role: TokenRole): number {
  const privileges = claims.rtc?.privileges ?? {}
  let deadline = Math.min(claims.expiresAt, privileges.joinChannel ?? claims.issuedAt)
  if (role === 'publisher') {
    for (const sec of [privileges.publishAudio, privileges.publishVideo, privileges.publishData]) {
      if (sec !== undefined) deadline = Math.min(deadline, sec)
    }
  }
  return deadline
}

/**
 * Carries a server-clock time (unix seconds) to the local clock (ms), given the offset
 * `serverMs - localMs` measured when the token arrived.
 */
export function serverSecToLocalMs(serverSec: number, clockOffsetMs: number): number {
  return serverSec * 1000 - clockOffsetMs
}

/**
 * Whether the token lets a host publish at `nowSec` (server clock): publish-audio and
 * publish-video privileges both granted and not yet expired.
 */
export function grantsPublish(claims: TokenClaims, nowSec: number): boolean {
  const p = claims.rtc?.privileges
  return (
    p !== undefined &&
    p.publishAudio !== undefined &&
    p.publishVideo !== undefined &&
    p.publishAudio > nowSec &&
    p.publishVideo > nowSec
  )
}

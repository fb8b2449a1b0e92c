import { createAccessToken2Builder } from '../accessToken2/buildAccessToken2.js'
import { fingerprint } from '../token/fingerprint.js'
import { uidToString } from '../token/validate.js'
import type { Grant } from './authorize.js'
import type { TokenOrder } from './tokenOrder.js'

const PUBLISHER = [1, 2, 3, 4]
const SUBSCRIBER = [1]

/** What {@link tokenIssuer} needs. */
export interface IssuerOptions {
  appId: string
  appCertificate: string
  defaultSec: number
  maxSec: () => number
  now: () => number
  random: () => number
  logToken: (line: string) => void
}

/** Builds the token an order asks for, its lifetimes capped, and logs it by fingerprint. */
export function tokenIssuer(o: IssuerOptions): (order: TokenOrder, grant: Grant | undefined) => string {
  const build = createAccessToken2Builder(o.appId, o.appCertificate)
  return (order, grant) => {
    const cap = o.maxSec()
    const expireSec = Math.min(order.tokenExpireSec ?? o.defaultSec, cap)
    const privilegeExpireSec = Math.min(order.privilegeExpireSec ?? expireSec, cap)
    const token = build({
      channel: order.channel,
      uid: uidToString(order.uid),
      issuedAt: Math.floor(o.now() / 1000),
      expireSec,
      // agora-token's range: 1..99999999.
      salt: Math.floor(o.random() * 99_999_999) + 1,
      privileges: (order.role === 'publisher' ? PUBLISHER : SUBSCRIBER).map((key) => [key, privilegeExpireSec] as const),
    })
    o.logToken(
      `token ${fingerprint(token)}  ${order.role === 'publisher' ? 'publisher ' : 'subscriber'}  channel ${JSON.stringify(order.channel)}  ` +
        `uid ${JSON.stringify(order.uid)}  ${expireSec} s` +
        (grant?.subject === undefined ? '' : `  for ${JSON.stringify(grant.subject)}`),
    )
    return token
  }
}

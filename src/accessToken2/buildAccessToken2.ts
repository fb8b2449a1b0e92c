import { zlibSync } from 'fflate'
import { base64Encode } from '../token/codec.js'
import { ByteWriter } from './ByteWriter.js'
import { issueKey, signWithKey } from './signAccessToken2.js'

/** RTC privilege keys as AccessToken2 stores them. */
export const PRIVILEGE_KEYS = { joinChannel: 1, publishAudio: 2, publishVideo: 3, publishData: 4 } as const
const RTC_SERVICE = 1
const encoder = new TextEncoder()

/** What one RTC AccessToken2 holds besides the app id. All checked by the caller. */
export interface RtcTokenFields {
  /** A channel name or pattern; `''` and `'*'` for every channel. */
  channel: string
  /** As stored: `''` for uid 0 (the wildcard user), the decimal string, or the account. */
  uid: string
  /** Unix seconds. */
  issuedAt: number
  /** Token lifetime, seconds after `issuedAt`. */
  expireSec: number
  /** 1..99999999 in agora-token; any u32 works. */
  salt: number
  /** Privilege key (1 join, 2 audio, 3 video, 4 data) to seconds after `issuedAt` (0 = never), keys ascending. */
  privileges: readonly (readonly [key: number, expireSec: number])[]
}

/**
 * A builder of signed RTC AccessToken2 tokens for one app id and certificate: synchronous
 * (@noble/hashes, fflate), the same bytes on every runtime.
 *
 * The signed content is byte for byte what agora-token's `RtcTokenBuilder` signs for the same
 * inputs, salt and issue time. The zlib wrapper is a stored (uncompressed) block: Agora's edge and
 * agora-token inflate before they read or check anything, so any valid zlib stream is read the
 * same, and a stored block costs nothing to make, where a compressing deflate allocates its
 * tables (about 160 KB in fflate, 256 KB in Node's zlib) for each ~150-byte token. A token is
 * about 14 % longer for it (about 180 characters for a short channel and uid; the SDK takes up
 * to 2,047).
 *
 * Per token it allocates only its output: the signing info is written into one reused buffer,
 * and the first step of the key derivation (which depends only on the certificate and the issue
 * second) is kept for the last issue time seen.
 */
export function createAccessToken2Builder(appId: string, appCertificate: string): (fields: RtcTokenFields) => string {
  const certificate = encoder.encode(appCertificate)
  const info = new ByteWriter()
  const content = new ByteWriter()
  let keyFor = -1
  let key: Uint8Array = new Uint8Array(0)
  return (fields) => {
    info.reset().string(appId).u32(fields.issuedAt).u32(fields.expireSec).u32(fields.salt).u16(1).u16(RTC_SERVICE).u16(fields.privileges.length)
    for (const [privilege, seconds] of fields.privileges) info.u16(privilege).u32(seconds)
    const signingInfo = info.string(fields.channel).string(fields.uid).written()
    if (keyFor !== fields.issuedAt) {
      key = issueKey(certificate, fields.issuedAt)
      keyFor = fields.issuedAt
    }
    const signature = signWithKey(key, fields.salt, signingInfo)
    // level 0: stored blocks, see above.
    return `007${base64Encode(zlibSync(content.reset().bytes(signature).raw(signingInfo).written(), { level: 0 }))}`
  }
}

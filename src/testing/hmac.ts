import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { ByteWriter } from './ByteWriter.js'

const encoder = new TextEncoder()

/**
 * The AccessToken2 signature of `signingInfo`, HMAC-SHA256 with @noble/hashes: synchronous, so
 * minting and verifying never wait on work outside the test's clock (WebCrypto runs on Node's
 * thread pool). The key derivation is agora-token's `AccessToken2.__signing`: its
 * `encodeHMac(key, message)` is called with the u32 issue time as the key and the certificate as
 * the message, then the u32 salt as the key and that result as the message.
 */
export function signAccessToken2(appCertificate: string, issuedAt: number, salt: number, signingInfo: Uint8Array): Uint8Array {
  let signingKey = hmac(sha256, new ByteWriter().u32(issuedAt).finish(), encoder.encode(appCertificate))
  signingKey = hmac(sha256, new ByteWriter().u32(salt).finish(), signingKey)
  return hmac(sha256, signingKey, signingInfo)
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

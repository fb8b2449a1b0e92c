import { sha256 } from '@noble/hashes/sha2.js'

const encoder = new TextEncoder()

/**
 * The AccessToken2 signature of `signingInfo`, HMAC-SHA256 with @noble/hashes: synchronous, so
 * minting and verifying never wait on work outside the caller's clock (WebCrypto is async, and
 * runs on Node's thread pool). The key derivation is agora-token's `AccessToken2.__signing`: its
 * `encodeHMac(key, message)` is called with the u32 issue time as the key and the certificate as
 * the message, then the u32 salt as the key and that result as the message.
 */
export function signAccessToken2(appCertificate: string, issuedAt: number, salt: number, signingInfo: Uint8Array): Uint8Array {
  return signWithKey(issueKey(encoder.encode(appCertificate), issuedAt), salt, signingInfo)
}

/** The first step of the key derivation: HMAC(key = u32 issue time, message = certificate). */
export function issueKey(certificate: Uint8Array, issuedAt: number): Uint8Array {
  return hmacSha256(u32(issuedAt), certificate)
}

/** The rest, from {@link issueKey}'s result: HMAC(u32 salt, that), then the signature. */
export function signWithKey(issueKeyBytes: Uint8Array, salt: number, signingInfo: Uint8Array): Uint8Array {
  return hmacSha256(hmacSha256(u32(salt), issueKeyBytes), signingInfo)
}

/** One block of HMAC key padding, reused: everything here is synchronous. */
const pad = new Uint8Array(64)

/**
 * HMAC-SHA256 (RFC 2104) over @noble/hashes' SHA-256, for keys of at most one block (tokens use
 * 4- and 32-byte keys). noble's own `hmac` gives the same bytes (a test checks) but builds,
 * zero-fills and destroys four more objects per call: 6.6 against 4.8 µs here, and a token
 * takes three.
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  pad.fill(0x36)
  for (let i = 0; i < key.length; i++) pad[i]! ^= key[i]!
  const inner = sha256.create().update(pad).update(message).digest()
  pad.fill(0x5c)
  for (let i = 0; i < key.length; i++) pad[i]! ^= key[i]!
  return sha256.create().update(pad).update(inner).digest()
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4)
  new DataView(bytes.buffer).setUint32(0, value, true)
  return bytes
}

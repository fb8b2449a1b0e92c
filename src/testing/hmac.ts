import { ByteWriter } from './ByteWriter.js'

const encoder = new TextEncoder()

/** HMAC-SHA256 of `message` under `key`, with WebCrypto (browser and Node 20). */
export async function hmacSha256(key: Uint8Array<ArrayBuffer>, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, message))
}

/**
 * The AccessToken2 signature of `signingInfo`. The key derivation is agora-token's
 * `AccessToken2.__signing`: its `encodeHMac(key, message)` is called with the u32 issue time as
 * the key and the certificate as the message, then the u32 salt as the key and that result as
 * the message.
 */
export async function signAccessToken2(
  appCertificate: string,
  issuedAt: number,
  salt: number,
  signingInfo: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  let signingKey = await hmacSha256(new ByteWriter().u32(issuedAt).finish(), encoder.encode(appCertificate))
  signingKey = await hmacSha256(new ByteWriter().u32(salt).finish(), signingKey)
  return hmacSha256(signingKey, signingInfo)
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

import { Inflate, inflateSync } from 'fflate'

/**
 * The two wrappers around AccessToken2's bytes: standard base64 (`atob` / `btoa`) and zlib
 * (fflate, synchronous). Synchronous on purpose: `DecompressionStream` and `CompressionStream`
 * run on Node's thread pool, outside any fake clock, so an app's fake-clock tests would hang
 * waiting for a token that exists only in real time (issue 10); fflate is also 20-30x faster
 * for inputs this small.
 */

/** Encodes bytes as standard, padded base64. */
export function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  // Chunked because String.fromCharCode(...bytes) overflows the argument limit on large inputs.
  // apply, not spread: for a token's ~150 bytes spreading costs 4 µs, apply 0.6.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[])
  }
  return btoa(binary)
}

/** Decodes standard base64. Throws the `DOMException` of `atob` when the text is not base64. */
export function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/**
 * Where {@link inflate} decodes into: one buffer, reused (decoding is synchronous, so never by two
 * calls at once). fflate would otherwise allocate 128 KiB per call, which costs more than the
 * inflating itself. Grown on demand for a larger cap.
 */
let scratch = new Uint8Array(64 * 1024 + 1)

/**
 * Deflate data up to this many bytes is inflated in one synchronous call (fflate's
 * `inflateSync`), the fast way: every real token is shorter (an RTC token deflates to about
 * 100-180 bytes). That call cannot stop early, so its cost is bounded by the most such an input
 * can expand to: about 1,032 times its size (deflate's limit), 198 KB here, three times the cap.
 */
const WHOLE_BYTES = 192
/**
 * Longer deflate data is pushed through fflate's streaming `Inflate` this many bytes at a time,
 * and inflating stops at the first piece that passes the cap: a piece adds at most about 132 KB.
 * (Each push costs fflate an allocation of 128 KiB or more, so short inputs are not streamed.)
 */
const PIECE_BYTES = 128

/** Thrown by {@link inflate} when the output would pass its cap. */
export class InflateLimitError extends RangeError {
  override readonly name = 'InflateLimitError'
}

/**
 * Decompresses a zlib stream, producing at most `maxBytes` bytes, or throws: on a bad header,
 * corrupt or truncated data, a wrong Adler-32 trailer, and (with {@link InflateLimitError})
 * output larger than `maxBytes`. Inflating stops soon after the output passes `maxBytes` (see
 * {@link WHOLE_BYTES} and {@link PIECE_BYTES}), so a zlib bomb costs about what a stream just
 * over the cap costs, not what all of its output would (issue 20: 1.5 MB from 1,469 bytes).
 *
 * The zlib wrapper is read here (2-byte header, raw deflate, then the big-endian Adler-32 of the
 * output): the input's last four bytes must be the checksum of what it inflates to, so bytes
 * appended to a token are refused (unless crafted to end in a copy of the checksum: finding the
 * exact end of the deflate data costs a second, failing inflate, and the bytes change nothing
 * the token says).
 */
export function inflate(bytes: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  const end = bytes.length - 4
  const cmf = bytes[0] ?? 0
  const flg = bytes[1] ?? 0
  if (end < 3) throw new Error('too short for a zlib stream')
  // CM 8 (deflate), window at most 32 KiB, header checksum, no preset dictionary.
  if ((cmf & 15) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) throw new Error('not a zlib header')
  if (flg & 32) throw new Error('zlib preset dictionary, which tokens never use')
  const deflated = bytes.subarray(2, end)
  // One byte over the cap: a larger output fills it, and the rest is dropped as it is decoded.
  if (scratch.length < maxBytes + 1) scratch = new Uint8Array(maxBytes + 1)
  const out = deflated.length <= WHOLE_BYTES ? inflateWhole(deflated, maxBytes) : inflatePieces(deflated, maxBytes)
  const trailer = ((bytes[end]! << 24) | (bytes[end + 1]! << 16) | (bytes[end + 2]! << 8) | bytes[end + 3]!) >>> 0
  if (trailer !== adler32(out)) throw new Error('bytes after the end of the zlib stream, or a wrong checksum')
  return out
}

/** Raw deflate data inflated in one call into `scratch`, refused past `maxBytes`. */
function inflateWhole(deflated: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  let out: Uint8Array
  try {
    out = inflateSync(deflated, { out: scratch.subarray(0, maxBytes + 1) })
  } catch (error) {
    // fflate copies a stored (uncompressed) block with `set`, which throws when it passes the
    // end of `out`; its own errors are plain Errors with a `code`.
    if (error instanceof RangeError) throw new InflateLimitError(`decompressed data is larger than ${maxBytes} bytes`)
    throw error
  }
  if (out.length > maxBytes) throw new InflateLimitError(`decompressed data is larger than ${maxBytes} bytes`)
  return out.slice()
}

/** Raw deflate data inflated {@link PIECE_BYTES} at a time into `scratch`, stopping past `maxBytes`. */
function inflatePieces(deflated: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  let size = 0
  const inflater = new Inflate((chunk) => {
    if (size + chunk.length <= maxBytes) scratch.set(chunk, size)
    size += chunk.length
  })
  for (let start = 0; start < deflated.length && size <= maxBytes; start += PIECE_BYTES) {
    const stop = Math.min(deflated.length, start + PIECE_BYTES)
    inflater.push(deflated.subarray(start, stop), stop === deflated.length)
  }
  if (size > maxBytes) throw new InflateLimitError(`decompressed data is larger than ${maxBytes} bytes`)
  return scratch.slice(0, size)
}

/** The Adler-32 checksum zlib ends its streams with. */
function adler32(bytes: Uint8Array): number {
  let a = 1
  let b = 0
  for (const byte of bytes) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

/**
 * The two wrappers around AccessToken2's bytes, done with web platform APIs only (they exist in
 * browsers and in Node 20): standard base64 (`atob` / `btoa`) and zlib "deflate"
 * (`CompressionStream` / `DecompressionStream`). No Node `Buffer`, no compression library.
 */

/** Encodes bytes as standard, padded base64. */
export function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  // Chunked because String.fromCharCode(...bytes) overflows the argument limit on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
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

/** Compresses bytes into a zlib ("deflate") stream. */
export async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return collect(new CompressionStream('deflate'), bytes, Infinity)
}

/** Thrown by {@link inflate} when the output would pass its cap. */
export class InflateLimitError extends RangeError {
  override readonly name = 'InflateLimitError'
}

/**
 * Decompresses a zlib ("deflate") stream, producing at most `maxBytes` bytes. Rejects (never
 * hangs) on corrupt or truncated input, and with {@link InflateLimitError} when the output would
 * exceed `maxBytes`, so a small crafted input cannot expand into megabytes (a zip bomb).
 * Bytes after the end of the zlib stream are rejected everywhere: browsers do it themselves,
 * Node 20 ignores them, so the input must end with the stream's own trailer (the Adler-32 of
 * the output, big-endian).
 */
export async function inflate(
  bytes: Uint8Array<ArrayBuffer>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = await collect(new DecompressionStream('deflate'), bytes, maxBytes)
  const end = bytes.byteLength
  const trailer = end < 4 ? -1 : ((bytes[end - 4]! << 24) | (bytes[end - 3]! << 16) | (bytes[end - 2]! << 8) | bytes[end - 1]!) >>> 0
  if (trailer !== adler32(out)) throw new Error('bytes after the end of the zlib stream')
  return out
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

async function collect(
  transform: CompressionStream | DecompressionStream,
  input: Uint8Array<ArrayBuffer>,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const writer = transform.writable.getWriter()
  const reader = transform.readable.getReader()
  // Errors surface on the reader; the writer's promises reject too and would otherwise be
  // reported as unhandled rejections.
  writer.write(input).catch(() => {})
  writer.close().catch(() => {})

  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new InflateLimitError(`decompressed data is larger than ${maxBytes} bytes`)
    }
    chunks.push(value)
  }

  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

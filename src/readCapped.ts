/**
 * Reads a body (a request's on the token server, an answer's in the token store) to its end, or
 * throws `tooLarge()` as soon as it passes `maxBytes`, before reading the rest: a declared
 * `Content-Length` over the cap is refused before any byte is read, and a stream that runs past
 * it is cancelled there.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  declaredBytes: number,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  if (declaredBytes > maxBytes) {
    void body?.cancel().catch(() => {})
    throw tooLarge()
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body?.getReader()
  if (reader !== undefined) {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        // Stop reading: the connection is closed, the rest is never read.
        void reader.cancel().catch(() => {})
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}

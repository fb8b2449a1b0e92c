import { createHmac } from 'node:crypto'
import { deflateSync, inflateSync } from 'node:zlib'
import { vi } from 'vitest'

/**
 * Same-thread stand-ins for `CompressionStream`, `DecompressionStream` and WebCrypto HMAC,
 * for fake-clock tests only.
 *
 * Node runs the real ones on its thread pool: their results arrive at a real-time moment that
 * a fake clock knows nothing about, so a token decoded at fake time t could land at t + 10 s,
 * differently on a loaded machine. With these, every step settles in microtasks, and a day of
 * token life on the fake clock is deterministic. The real implementations are what the token
 * tests (test/unit/token) use; these produce the same bytes (zlib with the same defaults,
 * HMAC-SHA256), so tokens stay byte-identical.
 */
export function installSyncPlatform(): void {
  const transform = (run: (input: Buffer) => Buffer) =>
    class {
      readonly readable: ReadableStream<Uint8Array>
      readonly writable: WritableStream<Uint8Array>
      constructor(format: string) {
        if (format !== 'deflate') throw new TypeError(`unsupported format ${format}`)
        const chunks: Uint8Array[] = []
        const stream = new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk) => void chunks.push(chunk),
          flush: (controller) => controller.enqueue(new Uint8Array(run(Buffer.concat(chunks)))),
        })
        this.readable = stream.readable
        this.writable = stream.writable
      }
    }
  vi.stubGlobal('CompressionStream', transform((input) => deflateSync(input)))
  vi.stubGlobal('DecompressionStream', transform((input) => inflateSync(input, { maxOutputLength: 1 << 20 })))
  const keys = new WeakMap<object, Uint8Array>()
  vi.spyOn(crypto.subtle, 'importKey').mockImplementation(((_format: string, keyData: BufferSource) => {
    const key = {}
    keys.set(key, new Uint8Array(keyData instanceof ArrayBuffer ? keyData : keyData.buffer.slice(keyData.byteOffset, keyData.byteOffset + keyData.byteLength)))
    return Promise.resolve(key as CryptoKey)
  }) as typeof crypto.subtle.importKey)
  vi.spyOn(crypto.subtle, 'sign').mockImplementation(((_algorithm: unknown, key: CryptoKey, data: BufferSource) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    const digest = createHmac('sha256', keys.get(key) ?? new Uint8Array()).update(bytes).digest()
    return Promise.resolve(new Uint8Array(digest).buffer)
  }) as typeof crypto.subtle.sign)
}

/** Puts the real implementations back. */
export function uninstallSyncPlatform(): void {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
}

import { SessionError } from '../errors.js'

const encoder = new TextEncoder()

/**
 * Writes the little-endian primitives of AccessToken2, the mirror of `ByteReader`: u16, u32,
 * u16-length-prefixed byte strings and u16-counted maps of (u16 key, u32 value). One writer may
 * be reused with {@link reset} (the token builder does, to allocate nothing per token).
 */
export class ByteWriter {
  private buffer = new Uint8Array(512)
  private view = new DataView(this.buffer.buffer)
  private length = 0

  /** Appends an unsigned 16-bit integer. */
  u16(value: number): this {
    checkRange(value, 0xffff, 'u16')
    this.reserve(2).setUint16(this.length - 2, value, true)
    return this
  }

  /** Appends an unsigned 32-bit integer. */
  u32(value: number): this {
    checkRange(value, 0xffffffff, 'u32')
    this.reserve(4).setUint32(this.length - 4, value, true)
    return this
  }

  /** Appends bytes with a u16 length prefix. */
  bytes(value: Uint8Array): this {
    this.u16(value.length)
    return this.raw(value)
  }

  /** Appends a UTF-8 string with a u16 byte-length prefix. */
  string(value: string): this {
    // Room for the worst case (3 bytes per UTF-16 unit), then the prefix written after encoding.
    const at = this.length
    this.reserve(2 + value.length * 3)
    const buffer = this.buffer
    // Channel names, accounts and app ids are ASCII (Agora's alphabet): copied as they are,
    // without a TextEncoder call and a subarray per string.
    let written = 0
    while (written < value.length) {
      const code = value.charCodeAt(written)
      if (code > 0x7f) break
      buffer[at + 2 + written] = code
      written++
    }
    if (written < value.length) written = encoder.encodeInto(value, buffer.subarray(at + 2)).written
    checkRange(written, 0xffff, 'u16')
    this.view.setUint16(at, written, true)
    this.length = at + 2 + written
    return this
  }

  /** Appends a map of u32 values, in ascending key order as agora-token writes it. */
  u32Map(entries: ReadonlyMap<number, number>): this {
    const keys = [...entries.keys()].sort((a, b) => a - b)
    this.u16(keys.length)
    for (const key of keys) this.u16(key).u32(entries.get(key) ?? 0)
    return this
  }

  /** Appends raw bytes, without a length prefix. */
  raw(value: Uint8Array): this {
    this.reserve(value.length)
    this.buffer.set(value, this.length - value.length)
    return this
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length)
  }

  /** The bytes written so far, without a copy: valid until the next write or {@link reset}. */
  written(): Uint8Array<ArrayBuffer> {
    return this.buffer.subarray(0, this.length)
  }

  /** Forgets what was written, keeping the memory. */
  reset(): this {
    this.length = 0
    return this
  }

  private reserve(extra: number): DataView {
    const needed = this.length + extra
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2))
      grown.set(this.buffer.subarray(0, this.length))
      this.buffer = grown
      this.view = new DataView(grown.buffer)
    }
    this.length = needed
    return this.view
  }
}

function checkRange(value: number, max: number, type: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new SessionError('INVALID_ARGUMENT', `${value} does not fit a ${type} (0..${max}) in a token`)
  }
}

import { SessionError } from '../errors.js'

// Token bytes are UTF-8 and must round-trip exactly: `fatal` turns bad bytes into an error
// instead of U+FFFD, and `ignoreBOM` keeps a leading U+FEFF that the default would drop.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Reads the little-endian primitives of AccessToken2: u16, u32, u16-length-prefixed byte
 * strings and u16-counted maps of (u16 key, u32 value). Every read names the field it reads, so
 * a token that runs out of bytes fails with `TOKEN_INVALID` saying which field and where.
 */
export class ByteReader {
  private readonly view: DataView
  private offset = 0

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  }

  /** Index of the next unread byte. */
  get position(): number {
    return this.offset
  }

  /** How many bytes are left to read. */
  get remaining(): number {
    return this.data.byteLength - this.offset
  }

  /** Reads an unsigned 16-bit integer. */
  u16(field: string): number {
    this.need(2, field)
    const value = this.view.getUint16(this.offset, true)
    this.offset += 2
    return value
  }

  /** Reads an unsigned 32-bit integer. */
  u32(field: string): number {
    this.need(4, field)
    const value = this.view.getUint32(this.offset, true)
    this.offset += 4
    return value
  }

  /** Reads u16-length-prefixed bytes (a view into the input, not a copy). */
  bytes(field: string): Uint8Array {
    const length = this.u16(`${field} length`)
    this.need(length, field)
    const value = this.data.subarray(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  /** Reads a u16-length-prefixed UTF-8 string. */
  string(field: string): string {
    const at = this.offset
    const bytes = this.bytes(field)
    try {
      return utf8.decode(bytes)
    } catch (cause) {
      throw new SessionError('TOKEN_INVALID', `token is corrupt: ${field} at byte ${at} is not valid UTF-8`, {
        cause,
      })
    }
  }

  /** Reads a u16-counted map of (u16 key, u32 value); a repeated key keeps its last value. */
  u32Map(field: string): Map<number, number> {
    const count = this.u16(`${field} count`)
    // Checked up front so a corrupt count fails with one clear message, not mid-loop.
    this.need(count * 6, `${field} (${count} entries)`)
    const map = new Map<number, number>()
    for (let i = 0; i < count; i++) {
      const key = this.u16(`${field} key`)
      map.set(key, this.u32(`${field} value`))
    }
    return map
  }

  private need(length: number, field: string): void {
    if (length > this.remaining) {
      throw new SessionError(
        'TOKEN_INVALID',
        `token is truncated or corrupt: ${field} at byte ${this.offset} needs ${length} bytes, ` +
          `only ${this.remaining} left`,
      )
    }
  }
}

// @vitest-environment node
import { deflateSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InflateLimitError, inflate } from '../../../src/token/codec'

const CAP = 64 * 1024

/** Bytes that deflate to anything from a few bytes (runs) to more than they are (noise). */
const content = fc.oneof(
  fc.uint8Array({ maxLength: 3_000 }),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 30_000 })), { maxLength: 4 }).map((runs) => {
    const bytes = new Uint8Array(runs.reduce((sum, [, n]) => sum + n, 0))
    let at = 0
    for (const [byte, n] of runs) bytes.fill(byte, at, (at += n))
    return bytes
  }),
)

describe('inflate (issue 20, item 8: whole or in pieces)', () => {
  it('gives back what zlib deflated, whatever the length of the deflate data, or InflateLimitError past the cap', () => {
    fc.assert(
      fc.property(content, fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: CAP }), (bytes, level, cap) => {
        const zlib = new Uint8Array(deflateSync(bytes, { level }))
        if (bytes.length > cap) expect(() => inflate(zlib, cap)).toThrow(InflateLimitError)
        // Buffer.equals: vitest's deep equality walks 60 KB arrays slowly.
        else expect(Buffer.from(inflate(zlib, cap)).equals(bytes)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses a stream cut short in either path', () => {
    for (const bytes of [new Uint8Array(100).fill(7), Uint8Array.from({ length: 2_000 }, (_, i) => (i * 7919) % 251)]) {
      const zlib = new Uint8Array(deflateSync(bytes))
      const cut = new Uint8Array([...zlib.subarray(0, zlib.length - 7), ...zlib.subarray(-4)])
      expect(() => inflate(cut, CAP)).toThrow(/unexpected EOF|checksum/)
    }
  })
})

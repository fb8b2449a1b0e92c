/**
 * Every form an app certificate (32 hex digits) could leak in: its hex text (either case), its
 * 16 raw bytes, and their base64 and base64url text. Base64 text of bytes inside a longer
 * buffer depends on where they start (offset mod 3), so for each of the three alignments the
 * run of characters that only the certificate's bits determine is searched for (20 or 21
 * characters: no chance of a false match).
 */
export interface SecretForms {
  readonly hex: string
  readonly bytes: Buffer
  /** Base64 runs, one per alignment, then the same in base64url. */
  readonly base64Runs: readonly string[]
  /** Which forms `data` holds, by name: [] when none. */
  find(data: Buffer | string): string[]
}

export function secretForms(hexCertificate: string): SecretForms {
  if (!/^[0-9a-f]{32}$/i.test(hexCertificate)) throw new Error('secretForms: expected 32 hex digits')
  const hex = hexCertificate.toLowerCase()
  const bytes = Buffer.from(hex, 'hex')
  const standard: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const firstBit = shift * 8
    const endBit = firstBit + bytes.length * 8
    // Character i encodes bits [6i, 6i + 6): keep those wholly inside the certificate's bits.
    const first = Math.ceil(firstBit / 6)
    const end = Math.floor(endBit / 6)
    standard.push(text.slice(first, end))
  }
  const url = standard.map((run) => run.replace(/\+/g, '-').replace(/\//g, '_'))
  const base64Runs = [...standard, ...url.filter((run, i) => run !== standard[i])]
  return {
    hex,
    bytes,
    base64Runs,
    find: (data) => {
      const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
      // latin1 maps each byte to one character: text searches see the bytes as they are.
      const text = buffer.toString('latin1')
      const found: string[] = []
      if (text.toLowerCase().includes(hex)) found.push('hex')
      if (buffer.includes(bytes)) found.push('raw bytes')
      standard.forEach((run, shift) => {
        if (text.includes(run)) found.push(`base64 (offset ${shift})`)
      })
      url.forEach((run, shift) => {
        if (run !== standard[shift] && text.includes(run)) found.push(`base64url (offset ${shift})`)
      })
      return found
    },
  }
}

/**
 * A short, stable, non-reversible tag for a token, for events and logs: the whole token never
 * appears there. FNV-1a over the UTF-16 code units, shown as `tok:` + 8 hex digits.
 */
export function fingerprint(token: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < token.length; i++) {
    hash ^= token.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return `tok:${(hash >>> 0).toString(16).padStart(8, '0')}`
}

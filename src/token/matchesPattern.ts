/**
 * Whether a token's channel `pattern` covers channel `value`, the way Agora matches wildcard
 * tokens: `''` and `'*'` match every channel, and `'*'` inside a pattern matches any run of
 * characters, including none (`'1*a*2'` matches `'1abc2'` and `'1a2'`, not `'12'`). Every other
 * character matches only itself: channel names may hold `( ) . + ? [ ] ^ $ |`, so no RegExp is
 * built from the pattern.
 *
 * @example
 * ```ts
 * matchesPattern('room-*', 'room-42') // true
 * matchesPattern('a.b', 'axb')        // false
 * ```
 */
export function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === '' || pattern === '*') return true

  // Greedy glob matching with one backtrack point (the last '*'): O(pattern × value) at worst,
  // linear for the usual patterns, and channel names are at most 64 bytes anyway.
  let p = 0
  let v = 0
  let star = -1
  let starValue = 0
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++
      starValue = v
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++
      v++
    } else if (star !== -1) {
      p = star + 1
      v = ++starValue
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

/** Whether a token's channel or uid is a wildcard: `''` (uid 0 / any channel) or a pattern with `*`. */
export function isWildcard(pattern: string): boolean {
  return pattern === '' || pattern.includes('*')
}

/** Whether a pattern matches every value: `''`, `'*'` (or only `*`s). */
export function matchesEverything(pattern: string): boolean {
  return /^\**$/.test(pattern)
}

/** Throwaway credentials for tests: 32 hex digits each, like Agora's. Not real. */
export const APP_ID = '0123456789abcdef0123456789abcdef'
export const APP_CERTIFICATE = 'fedcba9876543210fedcba9876543210'
export const OTHER_APP_ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'

/** A deterministic random(): the same sequence every run. */
export function seededRandom(seed = 1): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

// @ts-check

/**
 * Origins from a comma-separated list such as `CORS_ORIGINS`, normalised (`new URL().origin`).
 * @param {string | undefined} list
 * @returns {string[]}
 */
export function parseOrigins(list) {
  if (list === undefined) return []
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let origin
      try {
        origin = new URL(entry).origin
      } catch {
        origin = 'null'
      }
      if (origin === 'null') throw new Error(`CORS_ORIGINS: ${JSON.stringify(entry)} is not an origin such as http://127.0.0.1:5173`)
      return origin
    })
}

/**
 * Whether the browser's `Origin` may use this server: no `Origin` (not a browser, or a
 * same-origin GET), the server's own origin, or one on the allow-list.
 * @param {string | undefined} origin the request's Origin header
 * @param {string | undefined} host the request's Host header
 * @param {readonly string[]} allowList
 * @returns {{ allowed: boolean, crossOrigin: boolean }}
 */
export function checkOrigin(origin, host, allowList) {
  if (origin === undefined) return { allowed: true, crossOrigin: false }
  if (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)) {
    return { allowed: true, crossOrigin: false }
  }
  return { allowed: allowList.includes(origin), crossOrigin: true }
}

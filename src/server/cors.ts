/**
 * Whether the browser's `Origin` may use this server: no `Origin` (not a browser, or a
 * same-origin GET), the server's own origin (the request's host, over http or https: a TLS proxy
 * in front changes the scheme), or one on the allow-list.
 */
export function checkOrigin(origin: string | null, url: URL, allowList: readonly string[]): { allowed: boolean; crossOrigin: boolean } {
  if (origin === null) return { allowed: true, crossOrigin: false }
  if (origin === `http://${url.host}` || origin === `https://${url.host}`) return { allowed: true, crossOrigin: false }
  return { allowed: allowList.includes(origin), crossOrigin: true }
}

/** Origins normalised (`new URL().origin`); throws for an entry that is not an origin, naming `what`. */
export function normaliseOrigins(origins: readonly string[], what: string): string[] {
  return origins.map((entry) => {
    let origin = 'null'
    try {
      origin = new URL(entry.trim()).origin
    } catch {
      // reported below
    }
    if (origin === 'null') throw new Error(`${what}: ${JSON.stringify(entry)} is not an origin such as http://127.0.0.1:5173`)
    return origin
  })
}

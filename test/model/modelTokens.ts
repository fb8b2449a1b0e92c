import { SessionError } from '../../src/errors'
import type { TokenSource } from '../../src/store/TokenSource'
import { localTokenSource } from '../../src/testing/localTokenSource'

/** What the token server does with the next requests. */
export type TokenMode = 'up' | 'down' | 'slow' | 'hang' | 'fault-503' | 'retry-after' | 'fault-403'

/** How long a slow token server takes, and past the store's fetch timeout (20 s): never. */
const SLOW_MS = 4_000

/**
 * The token server of a randomized run: real tokens from `localTokenSource`, and a mode the run
 * switches (up, down, slow, answering never, failing with 503, 429 + Retry-After, or 403). Every
 * request is timed, for the no-loop bound.
 */
export function createModelTokens(o: { appId: string; appCertificate: string; expireSec: number }) {
  const local = localTokenSource({ appId: o.appId, appCertificate: o.appCertificate, expireSec: o.expireSec })
  let mode: TokenMode = 'up'
  const requestTimes: number[] = []
  const wait = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const handle = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(handle)
          reject(signal.reason)
        },
        { once: true },
      )
    })
  const source: TokenSource = async (request, signal) => {
    requestTimes.push(Date.now())
    switch (mode) {
      case 'up':
        return local(request, signal)
      case 'slow':
        await wait(SLOW_MS, signal)
        return local(request, signal)
      case 'hang':
        await wait(Infinity, signal)
        throw new Error('unreachable')
      case 'down':
        throw new SessionError('TOKEN_FETCH_FAILED', 'could not reach the token server (model: down)', { retryable: true })
      case 'fault-503':
        throw new SessionError('TOKEN_FETCH_FAILED', 'token server failed (503)', { status: 503, retryable: true })
      case 'retry-after':
        throw new SessionError('TOKEN_FETCH_FAILED', 'token server busy (429)', { status: 429, retryable: true, retryAfterMs: 20_000 })
      case 'fault-403':
        throw new SessionError('TOKEN_FETCH_FAILED', 'token server refused the request (403)', { status: 403, retryable: false })
    }
  }
  return {
    source,
    requestTimes,
    setMode: (next: TokenMode) => {
      mode = next
    },
  }
}

import { asyncScheduler, type SchedulerLike } from 'rxjs'
import { SessionError } from '../errors.js'
import type { TokenRequest, TokenResponse, TokenSource } from '../store/TokenSource.js'
import { abortableDelay } from '../abortable.js'
import { mintToken } from '../accessToken2/mintToken.js'

/** Options of {@link localTokenSource}. */
export interface LocalTokenSourceOptions {
  appId: string
  appCertificate: string
  /**
   * Latency runs on it and tokens are issued at its `now()`. Default `asyncScheduler`, as for every
   * double, the store and the session: one clock, which fake timers drive with no option.
   */
  scheduler?: SchedulerLike
  /** How long each request takes, in ms on the scheduler. Default 0. */
  latencyMs?: number
  /** The token server's clock is `scheduler.now() + serverClockOffsetMs`. Default 0. */
  serverClockOffsetMs?: number
  /** Token lifetime when a request does not ask for one, in seconds. Default 3600. */
  expireSec?: number
}

/** An HTTP failure for {@link LocalTokenSource.setFault} to simulate. */
export interface LocalTokenFault {
  status: number
  /** Passed through as `SessionError.retryAfterMs` (as a `Retry-After` header would be). */
  retryAfterMs?: number
  /** The server's own words, passed through as `serverMessage`. */
  message?: string
}

/** A {@link TokenSource} that mints real tokens in-process, with knobs to make it fail. */
export type LocalTokenSource = TokenSource & {
  /** A copy of every request, in order, including ones that failed. */
  readonly requests: TokenRequest[]
  /** `true` makes every request fail as if the server were unreachable (retryable). */
  setDown(down: boolean): void
  /** Makes every request fail with an HTTP status; `null` clears it. */
  setFault(fault: LocalTokenFault | null): void
}

const DEFAULT_EXPIRE_SEC = 3600

const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429

/**
 * A token server in a function, for tests and demos: mints real AccessToken2 tokens with
 * `mintToken` (issued at the server clock's now; a `'publisher'` request gets a publisher token;
 * channel `'*'` gives a wildcard-channel token), and answers `{ token, serverTime }` like a server
 * whose `Date` header is read. Failures are the `SessionError`s `httpTokenSource` gives for the
 * same situations. Honours the `AbortSignal`: an abort during the latency rejects with the
 * signal's reason and cancels the timer.
 *
 * @example
 * ```ts
 * const tokens = localTokenSource({ appId, appCertificate, latencyMs: 200 })
 * const store = createTokenStore({ source: tokens })
 * tokens.setDown(true) // the next fetches fail with TOKEN_FETCH_FAILED, retryable
 * ```
 */
export function localTokenSource(o: LocalTokenSourceOptions): LocalTokenSource {
  const scheduler = o.scheduler ?? asyncScheduler
  const offsetMs = o.serverClockOffsetMs ?? 0
  const latencyMs = o.latencyMs ?? 0
  const requests: TokenRequest[] = []
  let down = false
  let fault: LocalTokenFault | null = null

  const source = async (request: TokenRequest, signal: AbortSignal): Promise<TokenResponse> => {
    requests.push({ ...request })
    signal.throwIfAborted()
    if (latencyMs > 0) await abortableDelay(latencyMs, scheduler, signal)
    // Checked when the request "arrives", so a test can flip them during the latency.
    if (down) {
      throw new SessionError('TOKEN_FETCH_FAILED', 'could not reach the token server (local source is down)', {
        retryable: true,
      })
    }
    if (fault !== null) throw faultError(fault)
    const serverTime = scheduler.now() + offsetMs
    const expireSec = request.expireSec ?? o.expireSec ?? DEFAULT_EXPIRE_SEC
    const token = mintToken({
      appId: o.appId,
      appCertificate: o.appCertificate,
      channel: request.channel,
      uid: request.uid,
      role: request.role,
      expireSec,
      // Privileges expire with the token, as Agora's guide advises ("use consistent settings").
      privilegeExpireSec: expireSec,
      issuedAt: Math.floor(serverTime / 1000),
    })
    signal.throwIfAborted()
    return { token, serverTime }
  }

  return Object.assign(source, {
    requests,
    setDown: (value: boolean) => {
      down = value
    },
    setFault: (value: LocalTokenFault | null) => {
      fault = value === null ? null : { ...value }
    },
  })
}

function faultError(fault: LocalTokenFault): SessionError {
  const retryable = isRetryableStatus(fault.status)
  return new SessionError(
    'TOKEN_FETCH_FAILED',
    `local token server ${retryable ? 'failed' : 'refused the request'} (${fault.status})` +
      (fault.message === undefined ? '' : `: ${fault.message}`),
    {
      status: fault.status,
      retryable,
      ...(fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs }),
      ...(fault.message === undefined ? {} : { serverMessage: fault.message }),
    },
  )
}

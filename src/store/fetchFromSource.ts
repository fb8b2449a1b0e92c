import { timer, type SchedulerLike } from 'rxjs'
import { SessionError, isSessionError } from '../errors.js'
import { MAX_SERVER_MESSAGE_LENGTH, cutText } from './serverMessage.js'
import { timerDelayMs } from './timerDelay.js'
import type { TokenRequest, TokenResponse, TokenSource } from './TokenSource.js'

/**
 * Calls a token source once, with a deadline: a custom source that never answers must not hang
 * a join or a renewal. Aborting `signal` aborts the source. Every failure becomes a
 * `SessionError` (`TOKEN_FETCH_FAILED` unless the source already gave one); a string answer
 * becomes `{ token }`.
 */
export function fetchFromSource(
  source: TokenSource,
  request: TokenRequest,
  signal: AbortSignal,
  timeoutMs: number,
  scheduler: SchedulerLike,
): Promise<TokenResponse> {
  return new Promise<TokenResponse>((resolve, reject) => {
    const controller = new AbortController()
    // Settle at once on abort, even if the source ignores its signal: dispose() must leave
    // no timer and no pending promise behind.
    const abort = (): void => {
      deadline.unsubscribe()
      controller.abort(signal.reason)
      reject(signal.reason)
    }
    const deadline = timer(timerDelayMs(timeoutMs), scheduler).subscribe(() => {
      const error = new SessionError(
        'TOKEN_FETCH_FAILED',
        `the token source did not answer within ${timeoutMs} ms: check that the token server is up`,
        { retryable: true },
      )
      controller.abort(error)
      reject(error)
    })
    if (signal.aborted) return abort()
    signal.addEventListener('abort', abort, { once: true })
    Promise.resolve()
      .then(() => source({ ...request }, controller.signal))
      .then(normalize)
      .then(resolve, (error: unknown) => reject(toFetchError(error)))
      .finally(() => {
        deadline.unsubscribe()
        signal.removeEventListener('abort', abort)
      })
  })
}

function normalize(answer: unknown): TokenResponse {
  if (typeof answer === 'string') return { token: answer }
  if (typeof answer === 'object' && answer !== null && typeof (answer as TokenResponse).token === 'string') {
    const { token, serverTime } = answer as TokenResponse
    return typeof serverTime === 'number' && Number.isFinite(serverTime) ? { token, serverTime } : { token }
  }
  throw new SessionError(
    'TOKEN_FETCH_FAILED',
    'the token source answered neither a token string nor { token, serverTime }',
    { retryable: false },
  )
}

function toFetchError(error: unknown): unknown {
  if (isSessionError(error)) return error
  if (error instanceof Error && error.name === 'AbortError') return error
  // A source's own error may quote a whole answer: its message is cut, the error kept as cause.
  const detail = cutText(error instanceof Error ? error.message : String(error), MAX_SERVER_MESSAGE_LENGTH)
  return new SessionError('TOKEN_FETCH_FAILED', `the token source failed: ${detail}`, { cause: error, retryable: true })
}

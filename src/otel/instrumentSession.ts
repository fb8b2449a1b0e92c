import { asyncScheduler } from 'rxjs'
import type { Session } from '../session/Session.js'
import type { InstrumentOptions } from './InstrumentOptions.js'
import { SessionSpans } from './SessionSpans.js'

/**
 * Traces a session's token lifecycle with OpenTelemetry: a span `agora.session` from a join until
 * the session leaves (or fails, or is disposed), and under it `agora.session.join`,
 * `agora.session.switch` (its duration is the switch latency), `agora.session.role_change`,
 * `agora.session.reconnect` and the `agora.token.fetch` spans of the session's tokens. The SDK's
 * warnings (`agora.sdk.will_expire`, `agora.sdk.did_expire`), renewals, expiries and a refused
 * wildcard token are span events on the innermost open span. A failure sets the span's status
 * to `ERROR` with the `SessionError` code. Attributes carry no token, fingerprint, uid, channel
 * or URL unless `includeIdentifiers` (then the channel and the uid).
 *
 * Built on `session.events$` and `session.state$` only; every time is the session's clock, so
 * fake-clock tests see fake-clock durations. Returns the function that stops it: open spans
 * end then, and nothing stays subscribed. A session that is disposed ends its spans itself.
 *
 * With a store shared by several sessions, each fetch is recorded once per tracer, under the
 * session whose token it is (see `instrumentTokenStore` for the rest).
 *
 * @example
 * ```ts
 * const stop = instrumentSession(session, { tracer: trace.getTracer('my-app') })
 * ```
 */
export function instrumentSession(session: Session, options: InstrumentOptions): () => void {
  const scheduler = options.scheduler ?? asyncScheduler
  const spans = new SessionSpans(options.tracer, options.includeIdentifiers === true, () => scheduler.now())
  // Events first: a state replayed at once (instrumented mid-session) then starts the session span.
  const events = session.events$.subscribe((event) => spans.onEvent(event))
  const states = session.state$.subscribe((state) => spans.onState(state))
  let stopped = false
  return () => {
    if (stopped) return
    stopped = true
    events.unsubscribe()
    states.unsubscribe()
    spans.dispose()
  }
}

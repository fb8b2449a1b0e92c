import { asyncScheduler } from 'rxjs'
import type { TokenStore } from '../store/createTokenStore.js'
import type { InstrumentOptions } from './InstrumentOptions.js'
import { TokenFetchSpans, isFetchEvent } from './TokenFetchSpans.js'

/**
 * Traces a token store's fetches with OpenTelemetry: an `agora.token.fetch` span per fetch
 * (from the request to the token, or to the failure with its `SessionError` code as the
 * status), and one of no length per token served from the cache. Attributes: `agora.token.role`,
 * `agora.token.wildcard`, `agora.token.source` (`cache` | `network`), `agora.token.attempt`,
 * `agora.outcome`, and after a failure `agora.token.will_retry` and `agora.token.retry_in_ms`;
 * no identifiers unless `includeIdentifiers`.
 *
 * For a store shared by sessions (or used without one). Fetches that an instrumented session
 * records under its own spans (`instrumentSession`, same tracer) are not recorded again here:
 * this records the others (a prefetch, another session's), under the app's active context.
 * Returns the function that stops it (open spans end then).
 *
 * @example
 * ```ts
 * const store = createTokenStore({ source: httpTokenSource({ url: '/token/generate' }) })
 * const stop = instrumentTokenStore(store, { tracer: trace.getTracer('my-app') })
 * ```
 */
export function instrumentTokenStore(store: TokenStore, options: InstrumentOptions): () => void {
  const scheduler = options.scheduler ?? asyncScheduler
  const fetches = new TokenFetchSpans(options.tracer, options.includeIdentifiers === true)
  let stopped = false
  const subscription = store.events$.subscribe((event) => {
    if (!isFetchEvent(event)) return
    // A microtask later, so that an instrumented session, whichever subscribed first, records
    // the fetches of its own tokens under its spans; times are the events' own either way.
    void Promise.resolve().then(() => {
      if (!stopped) fetches.handle(event, () => null)
    })
  })
  return () => {
    if (stopped) return
    stopped = true
    subscription.unsubscribe()
    fetches.endAll(scheduler.now())
  }
}

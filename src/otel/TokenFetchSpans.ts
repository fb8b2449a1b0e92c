import type { Tracer } from '@opentelemetry/api'
import type { StoreEvent } from '../events.js'
import {
  CHANNEL,
  HTTP_STATUS,
  SPAN,
  TOKEN_RETRY_AFTER_MS,
  TOKEN_ATTEMPT,
  TOKEN_RETRY_IN_MS,
  TOKEN_SOURCE,
  TOKEN_WILL_RETRY,
  UID,
  identified,
  tokenKind,
} from './attributes.js'
import { claim, isClaimed } from './claims.js'
import { OpenSpan } from './OpenSpan.js'

/** The store events that make a fetch span. */
export type FetchEvent = Extract<StoreEvent, { type: 'token-requested' | 'token-received' | 'renewal-failed' | 'token-request-failed' }>

const FETCH_EVENTS: ReadonlySet<string> = new Set(['token-requested', 'token-received', 'renewal-failed', 'token-request-failed'])
export const isFetchEvent = (event: { type: string }): event is FetchEvent => FETCH_EVENTS.has(event.type)

interface Fetch {
  span: OpenSpan
  attempt: number
  /** The span it was started under (a session's), if any. */
  parent: OpenSpan | undefined
}

/** One key per token scope: the store fetches a scope once at a time. */
const scopeKey = (e: { channel: string; uid: string; role: string }): string => JSON.stringify([e.role, e.channel, e.uid])

/**
 * `agora.token.fetch` spans from the store's events: from `token-requested` to `token-received`
 * (network), `renewal-failed` or `token-request-failed`; a token served from the cache is a
 * span of no length. Attributes: the token's role, wildcard or not, `source`, the attempt (1,
 * then one more per failure in a row), and after a failure the HTTP status, the server's
 * Retry-After and the store's retry delay; never whose token it is unless identifiers are asked
 * for.
 */
export class TokenFetchSpans {
  readonly #open = new Map<string, Fetch>()
  /** Failures in a row per scope, for the attempt number. */
  readonly #failures = new Map<string, number>()

  constructor(
    private readonly tracer: Tracer,
    private readonly includeIdentifiers: boolean,
  ) {}

  /**
   * Records `event` if no other instrumentation of the tracer has. `parent()` is asked for a new
   * span only: `undefined` when this instrumentation does not record this fetch at all (not its
   * session's), else the span to start under (`null`: the app's active context).
   */
  handle(event: FetchEvent, parent: () => OpenSpan | null | undefined): void {
    if (isClaimed(this.tracer, event)) return
    const key = scopeKey(event)
    const open = this.#open.get(key)
    switch (event.type) {
      case 'token-requested': {
        // Ours or not, a new request of the scope means the last one is over, and it failed.
        if (open !== undefined) this.#fail(key, open, event.at, '_OTHER')
        const under = parent()
        if (under === undefined) return
        claim(this.tracer, event)
        const attempt = (this.#failures.get(key) ?? 0) + 1
        const span = this.#start(event, event.at, under ?? undefined, { [TOKEN_SOURCE]: 'network', [TOKEN_ATTEMPT]: attempt })
        this.#open.set(key, { span, attempt, parent: under ?? undefined })
        return
      }
      case 'token-received': {
        if (event.source === 'cache') {
          const under = parent()
          if (under === undefined) return
          claim(this.tracer, event)
          this.#failures.delete(key)
          this.#start(event, event.at, under ?? undefined, { [TOKEN_SOURCE]: 'cache' }).end(event.at, 'ok')
          return
        }
        if (open === undefined) return
        claim(this.tracer, event)
        this.#open.delete(key)
        this.#failures.delete(key)
        open.span.end(event.at, 'ok')
        return
      }
      case 'renewal-failed':
      case 'token-request-failed': {
        if (open === undefined) return
        claim(this.tracer, event)
        open.span.set({
          ...(event.status === undefined ? {} : { [HTTP_STATUS]: event.status }),
          ...(event.retryAfterMs === undefined ? {} : { [TOKEN_RETRY_AFTER_MS]: event.retryAfterMs }),
          ...(event.type === 'renewal-failed'
            ? {
                [TOKEN_ATTEMPT]: event.attempt,
                [TOKEN_WILL_RETRY]: event.retryInMs !== null,
                ...(event.retryInMs === null ? {} : { [TOKEN_RETRY_IN_MS]: event.retryInMs }),
              }
            : {}),
        })
        this.#fail(key, open, event.at, event.code)
      }
    }
  }

  /**
   * The command that `parent` stands for failed with `code` (timed out, superseded) while a fetch
   * of its own was on its way: those fetches end with that code.
   */
  failUnder(parent: OpenSpan, at: number, code: string): void {
    for (const [key, open] of this.#open) if (open.parent === parent) this.#fail(key, open, at, code)
  }

  /** Ends every open fetch span (the instrumentation is disposed). */
  endAll(at: number): void {
    for (const open of this.#open.values()) open.span.end(at, 'unfinished')
    this.#open.clear()
  }

  #fail(key: string, open: Fetch, at: number, code: string): void {
    this.#open.delete(key)
    this.#failures.set(key, open.attempt)
    open.span.end(at, 'failed', code)
  }

  #start(scope: FetchEvent, at: number, parent: OpenSpan | undefined, attributes: Record<string, string | number>): OpenSpan {
    return OpenSpan.start(this.tracer, SPAN.fetch, at, parent, {
      ...tokenKind(scope),
      ...attributes,
      ...identified(this.includeIdentifiers, { [CHANNEL]: scope.channel, [UID]: scope.uid }),
    })
  }
}

import { SpanStatusCode, context, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api'
import { ERROR_TYPE, OUTCOME } from './attributes.js'
import { hrTime } from './spanTime.js'

/** How a span's operation ended (its `agora.outcome`). */
export type Outcome = 'ok' | 'failed' | 'superseded' | 'dropped' | 'unfinished'

/**
 * A span this instrumentation started and has not ended yet. Every time is a scheduler time
 * (ms), from an event's `at` where there is one: fake-clock tests get fake-clock durations.
 */
export class OpenSpan {
  #ended = false

  private constructor(readonly span: Span) {}

  /** Starts `name` at `at` under `parent` (a span of ours, else the app's active context). */
  static start(tracer: Tracer, name: string, at: number, parent: OpenSpan | undefined, attributes: Attributes): OpenSpan {
    return new OpenSpan(tracer.startSpan(name, { startTime: hrTime(at), attributes }, parent?.context() ?? context.active()))
  }

  get ended(): boolean {
    return this.#ended
  }

  /** The context whose current span this is: for its children. */
  context(): Context {
    return trace.setSpan(context.active(), this.span)
  }

  event(name: string, at: number, attributes: Attributes = {}): void {
    if (!this.#ended) this.span.addEvent(name, attributes, hrTime(at))
  }

  set(attributes: Attributes): void {
    if (!this.#ended) this.span.setAttributes(attributes)
  }

  /**
   * Ends the span at `at`. With `code` (a `SessionError` code), the status is `ERROR` with the
   * code as its message, and `error.type` says it too. Never the error's message: it can name
   * the channel.
   */
  end(at: number, outcome: Outcome, code?: string): void {
    if (this.#ended) return
    this.#ended = true
    this.span.setAttribute(OUTCOME, outcome)
    if (code !== undefined) {
      this.span.setAttribute(ERROR_TYPE, code)
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: code })
    }
    this.span.end(hrTime(at))
  }
}

import type { Tracer } from '@opentelemetry/api'
import type { SchedulerLike } from 'rxjs'

/** Options of `instrumentSession` and `instrumentTokenStore`. */
export interface InstrumentOptions {
  /** Where the spans go: `trace.getTracer('my-app')`, or a tracer of your provider. */
  tracer: Tracer
  /**
   * Put the channel name and the uid on spans (`agora.channel`, `agora.previous_channel`,
   * `agora.uid`). Default `false`: attributes say what happened, never to whom. Tokens,
   * fingerprints and URLs never appear.
   */
  includeIdentifiers?: boolean
  /**
   * The scheduler the session (or store) runs on, if you gave it one. Span times are the events'
   * own (`at`); this clock dates only what no event does: the start of a join or of a role change,
   * and open spans ended when the instrumentation is disposed. Default `asyncScheduler`, the
   * session's default, so fake timers drive both.
   */
  scheduler?: SchedulerLike
}

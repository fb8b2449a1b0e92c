import type { Tracer } from '@opentelemetry/api'

/**
 * Store events already turned into a span, per tracer. A store shared by several sessions sends
 * each event to every session's `events$` (the same object), and to `instrumentTokenStore`:
 * the first instrumentation of a tracer that records a fetch claims its events, so each fetch is
 * one span per tracer, whoever else sees it.
 */
const claimsByTracer = new WeakMap<Tracer, WeakSet<object>>()

/** Whether another instrumentation of `tracer` recorded `event`. */
export function isClaimed(tracer: Tracer, event: object): boolean {
  return claimsByTracer.get(tracer)?.has(event) === true
}

/** Records that an instrumentation of `tracer` recorded `event`. */
export function claim(tracer: Tracer, event: object): void {
  let claims = claimsByTracer.get(tracer)
  if (claims === undefined) {
    claims = new WeakSet()
    claimsByTracer.set(tracer, claims)
  }
  claims.add(event)
}

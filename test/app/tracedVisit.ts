import { trace } from '@opentelemetry/api'
import type { Session } from 'agora-rtc-session'
import { instrumentSession } from 'agora-rtc-session/otel'

/** A visit to two channels, in the app's own tracing (whatever tracer provider it registered). */
export async function tracedVisit(session: Session): Promise<void> {
  const stopTracing = instrumentSession(session, { tracer: trace.getTracer('my-app') })
  await session.join('lobby') // agora.session, and under it agora.session.join > agora.token.fetch
  await session.switchChannel('stage') // agora.session.switch, with no fetch: the wildcard token serves
  await session.leave() // agora.session ends; the next join starts another
  stopTracing()
}

/**
 * The README's OpenTelemetry snippet (tracedVisit.ts, as printed), run as an app would: its own
 * tracer provider, registered globally, exporting to memory; the session on the test doubles and
 * plain fake timers.
 */
import { trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createSession } from 'agora-rtc-session'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { tracedVisit } from './tracedVisit'

const appId = 'test-app-id'
const appCertificate = 'test-app-certificate'
const exporter = new InMemorySpanExporter()

beforeEach(() => {
  vi.useFakeTimers()
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))
})
afterEach(() => {
  trace.disable()
  exporter.reset()
  vi.useRealTimers()
})

it("a join and a switch in the app's own tracing", async () => {
  const edge = createLocalEdge({ appId, appCertificate })
  const session = createSession({ appId, uid: 42, client: createFakeClient(edge), tokens: localTokenSource({ appId, appCertificate }) })

  await tracedVisit(session)

  const spans = exporter.getFinishedSpans()
  const parentOf = (name: string) => spans.find((s) => s.spanContext().spanId === spans.find((c) => c.name === name)?.parentSpanContext?.spanId)?.name
  expect(spans.map((s) => s.name).sort()).toEqual(['agora.session', 'agora.session.join', 'agora.session.switch', 'agora.token.fetch'])
  expect([parentOf('agora.token.fetch'), parentOf('agora.session.join'), parentOf('agora.session.switch')]).toEqual([
    'agora.session.join',
    'agora.session',
    'agora.session',
  ])
  expect(spans.find((s) => s.name === 'agora.session.switch')?.attributes).toMatchObject({ 'agora.outcome': 'ok' })
  // Nothing says who or where: no channel, no uid.
  expect(JSON.stringify(spans.map((s) => s.attributes))).not.toMatch(/lobby|stage|42/)
  await session.dispose()
})

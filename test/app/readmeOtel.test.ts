/**
 * The README's OpenTelemetry snippet (between the markers below, line for line), run as an app
 * would: its own tracer provider, registered globally, exporting to memory; the session on the
 * test doubles and plain fake timers.
 */
import { trace } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createSession } from 'agora-rtc-session'
import { instrumentSession } from 'agora-rtc-session/otel'
import { createFakeClient, createLocalEdge, localTokenSource } from 'agora-rtc-session/testing'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'

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

  // README snippet starts
  const stopTracing = instrumentSession(session, { tracer: trace.getTracer('my-app') })
  await session.join('lobby') // agora.session, and under it agora.session.join > agora.token.fetch
  await session.switchChannel('stage') // agora.session.switch, with no fetch: the wildcard token serves
  await session.leave() // agora.session ends; the next join starts another
  stopTracing()
  // README snippet ends

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

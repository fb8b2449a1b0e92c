import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { spanTree, type SpanNode } from './spanTree'

/** A tracer whose spans end up in memory, as an app's test would set one up. */
export function tracing() {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const tracer = provider.getTracer('agora-rtc-session-test')
  const origin = Date.now()
  return {
    tracer,
    exporter,
    /** Finished spans as trees, times in ms since `tracing()` was called. */
    tree: (): SpanNode[] => spanTree(exporter.getFinishedSpans(), origin),
    /** Every finished span, flat. */
    spans: () => exporter.getFinishedSpans(),
  }
}

import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import type { HrTime } from '@opentelemetry/api'

/** A span as the tests compare it: name, times in ms after `originMs`, attributes, events, children. */
export interface SpanNode {
  name: string
  startMs: number
  durationMs: number
  status?: string
  attributes: Record<string, unknown>
  events: { name: string; atMs: number; attributes?: Record<string, unknown> }[]
  children: SpanNode[]
}

export const toMs = (time: HrTime): number => time[0] * 1000 + time[1] / 1e6

/** The finished spans as trees (roots in start order, children likewise), times relative to `originMs`. */
export function spanTree(spans: readonly ReadableSpan[], originMs: number): SpanNode[] {
  const byParent = new Map<string | undefined, ReadableSpan[]>()
  const ids = new Set(spans.map((s) => s.spanContext().spanId))
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined
    byParent.set(key, [...(byParent.get(key) ?? []), span])
  }
  const node = (span: ReadableSpan): SpanNode => ({
    name: span.name,
    startMs: toMs(span.startTime) - originMs,
    durationMs: toMs(span.duration),
    ...(span.status.code === 2 ? { status: span.status.message ?? '' } : {}),
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({
      name: e.name,
      atMs: toMs(e.time) - originMs,
      ...(e.attributes !== undefined && Object.keys(e.attributes).length > 0 ? { attributes: { ...e.attributes } } : {}),
    })),
    children: childrenOf(span.spanContext().spanId),
  })
  const childrenOf = (id: string | undefined): SpanNode[] =>
    (byParent.get(id) ?? []).slice().sort((a, b) => toMs(a.startTime) - toMs(b.startTime)).map(node)
  return childrenOf(undefined)
}

/** One line per span, indented by depth: `name +start ms (duration ms) [status] {attributes}`. */
export function outline(nodes: readonly SpanNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}${n.name} +${n.startMs} (${n.durationMs} ms)${n.status === undefined ? '' : ` ERROR ${n.status}`} ${JSON.stringify(n.attributes)}` +
      n.events.map((e) => `\n${'  '.repeat(depth + 1)}· ${e.name} +${e.atMs}${e.attributes === undefined ? '' : ` ${JSON.stringify(e.attributes)}`}`).join(''),
    ...outline(n.children, depth + 1),
  ])
}

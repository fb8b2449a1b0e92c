import type { SessionEvent, SessionState, TokenLifetime } from '../src/index'
import { escapeMarkup, formatClock } from './dom'

type Status = SessionState['status']
type Shape = 'dot' | 'ring' | 'diamond' | 'cross' | 'up' | 'down'
type Lane = 'server' | 'sdk'

interface Mark {
  at: number
  lane: Lane
  shape: Shape
  color: string
  title: string
  fingerprint?: string
}

interface StatusSpan {
  from: number
  to: number | null
  status: Status
  channel: string | null
  role: SessionState['role']
}

interface FaultSpan {
  from: number
  to: number | null
  fault: string
}

interface TokenSpan {
  from: number
  /** When the SDK got another token, or `null` while it is the current one. */
  replacedAt: number | null
  expiresAt: number
  renewAt: number
  publisher: boolean
  fingerprint: string
}

const COLORS = {
  ok: '#1f9d63',
  accent: '#2f6fed',
  warn: '#d98a06',
  bad: '#d64545',
  host: '#7c4dde',
  sub: '#1796a6',
  muted: '#8a96a8',
  text: '#1d2633',
  grid: '#edf0f4',
}

const STATUS_COLORS: Partial<Record<Status, string>> = {
  joined: COLORS.ok,
  joining: COLORS.accent,
  switching: COLORS.accent,
  leaving: COLORS.accent,
  upgrading: COLORS.host,
  downgrading: COLORS.host,
  reconnecting: COLORS.warn,
  failed: COLORS.bad,
}

const LANES = [
  { id: 'status', label: 'Connection' },
  { id: 'token', label: 'Token in use' },
  { id: 'server', label: 'Token server' },
  { id: 'sdk', label: 'SDK / edge' },
] as const

const LABEL_W = 112
const LANE_H = 30
const AXIS_H = 22
const MIN_WINDOW_MS = 150_000
const MAX_WINDOW_MS = 10 * 60_000
const TICKS_S = [10, 15, 30, 60, 120, 300]

/** Shapes drawn at (x, y), for the plot and the legend. */
function shape(kind: Shape, x: number, y: number, color: string): string {
  switch (kind) {
    case 'dot':
      return `<circle cx="${x}" cy="${y}" r="4.5" fill="${color}"/>`
    case 'ring':
      return `<circle cx="${x}" cy="${y}" r="4.5" fill="#fff" stroke="${color}" stroke-width="2"/>`
    case 'diamond':
      return `<path d="M${x} ${y - 6}L${x + 6} ${y}L${x} ${y + 6}L${x - 6} ${y}Z" fill="${color}"/>`
    case 'cross':
      return `<path d="M${x - 4} ${y - 4}L${x + 4} ${y + 4}M${x + 4} ${y - 4}L${x - 4} ${y + 4}" stroke="${color}" stroke-width="2.2" stroke-linecap="round"/>`
    case 'up':
      return `<path d="M${x} ${y - 6}L${x + 6} ${y + 5}L${x - 6} ${y + 5}Z" fill="${color}"/>`
    case 'down':
      return `<path d="M${x - 6} ${y - 5}L${x + 6} ${y - 5}L${x} ${y + 6}Z" fill="${color}"/>`
  }
}

/** The legend under the plot. */
export function timelineLegend(): string {
  const items: [Shape, string, string][] = [
    ['dot', COLORS.accent, 'token fetched'],
    ['diamond', COLORS.ok, 'renewed'],
    ['ring', COLORS.sub, 'served from cache'],
    ['cross', COLORS.bad, 'fetch failed'],
    ['up', COLORS.warn, 'will expire (SDK)'],
    ['down', COLORS.bad, 'did expire: dropped'],
  ]
  const line = (color: string, dash: string, text: string): string =>
    `<span><svg viewBox="-8 -8 16 16"><line x1="0" x2="0" y1="-7" y2="7" stroke="${color}" stroke-width="2"${dash}/></svg>${text}</span>`
  const band = (color: string, text: string): string =>
    `<span><svg viewBox="-8 -8 16 16"><rect x="-7" y="-5" width="14" height="10" rx="2" fill="${color}"/></svg>${text}</span>`
  return (
    band(COLORS.ok, 'joined') +
    band(COLORS.accent, 'joining, switching') +
    band(COLORS.warn, 'reconnecting') +
    band(COLORS.host, 'role change') +
    band(COLORS.bad, 'failed') +
    band('#f6d5d5', 'token server failing') +
    line(COLORS.warn, ' stroke-dasharray="3 2"', 'renews at') +
    line(COLORS.bad, '', 'deadline') +
    items.map(([kind, color, text]) => `<span><svg viewBox="-8 -8 16 16">${shape(kind, 0, 0, color)}</svg>${text}</span>`).join('')
  )
}

/**
 * A plot of what happened, lane by lane: the connection status, the token the SDK holds (with
 * its deadline and renew-at mark), token server traffic, and the SDK's expiry events.
 */
export function createTimeline(startedAt: number) {
  const statuses: StatusSpan[] = []
  const tokens: TokenSpan[] = []
  const marks: Mark[] = []
  const faults: FaultSpan[] = []

  const mark = (m: Mark): void => {
    marks.push(m)
    if (marks.length > 2000) marks.splice(0, marks.length - 2000)
  }

  return {
    onState(state: SessionState, at: number): void {
      const last = statuses[statuses.length - 1]
      if (last !== undefined && last.status === state.status && last.channel === state.channel && last.role === state.role) return
      if (last !== undefined) last.to = at
      statuses.push({ from: at, to: null, status: state.status, channel: state.channel, role: state.role })
    },

    /** The token server's demo fault changed ('none' = healthy). */
    onFault(fault: string, at: number): void {
      const last = faults[faults.length - 1]
      if (last !== undefined && last.to === null) {
        if (last.fault === fault) return
        last.to = at
      }
      if (fault !== 'none') faults.push({ from: at, to: null, fault })
    },

    /** A value of `session.lifetime$`: the token the SDK holds, or `null` when out of a channel. */
    onLifetime(lifetime: TokenLifetime | null, at: number): void {
      const current = tokens[tokens.length - 1]
      if (current !== undefined && current.replacedAt === null && current.fingerprint !== lifetime?.fingerprint) current.replacedAt = at
      if (lifetime === null || current?.fingerprint === lifetime.fingerprint) return
      tokens.push({
        // When the SDK got it: a token from the cache arrived earlier, for another use.
        from: at,
        replacedAt: null,
        expiresAt: lifetime.expiresAt,
        renewAt: lifetime.renewAt,
        publisher: lifetime.role === 'publisher',
        fingerprint: lifetime.fingerprint,
      })
    },

    onEvent(event: SessionEvent): void {
      switch (event.type) {
        case 'token-received':
          if (event.source === 'network') {
            mark({ at: event.at, lane: 'server', shape: 'dot', color: COLORS.accent, title: `fetched ${event.fingerprint}`, fingerprint: event.fingerprint })
          } else {
            mark({ at: event.at, lane: 'server', shape: 'ring', color: COLORS.sub, title: `from cache ${event.fingerprint}` })
          }
          break
        case 'token-renewed': {
          let fetched: Mark | undefined
          for (let i = marks.length - 1; i >= 0 && fetched === undefined; i--) {
            if (marks[i]?.fingerprint === event.fingerprint) fetched = marks[i]
          }
          if (fetched !== undefined) Object.assign(fetched, { shape: 'diamond', color: COLORS.ok, title: `renewed → ${event.fingerprint}` })
          else mark({ at: event.at, lane: 'server', shape: 'diamond', color: COLORS.ok, title: `renewed → ${event.fingerprint}` })
          break
        }
        case 'renewal-failed':
          mark({ at: event.at, lane: 'server', shape: 'cross', color: COLORS.bad, title: event.message })
          break
        case 'error':
          // A join, switch or reconnect whose token fetch failed: no renewal-failed for it.
          if (event.code === 'TOKEN_FETCH_FAILED') mark({ at: event.at, lane: 'server', shape: 'cross', color: COLORS.bad, title: event.message })
          break
        case 'sdk-will-expire':
          mark({ at: event.at, lane: 'sdk', shape: 'up', color: COLORS.warn, title: 'token-privilege-will-expire' })
          break
        case 'sdk-did-expire':
          mark({ at: event.at, lane: 'sdk', shape: 'down', color: COLORS.bad, title: 'token-privilege-did-expire' })
          break
        default:
          break
      }
    },

    /** The plot as SVG markup, `width` px wide, at `nowMs`. */
    render(width: number, nowMs: number): { svg: string; range: string } {
      const current = tokens[tokens.length - 1]
      const ahead = current !== undefined && current.replacedAt === null ? Math.max(current.expiresAt - nowMs, 0) : 0
      let end = nowMs + Math.min(Math.max(20_000, ahead + 5_000), 120_000)
      let start = Math.max(startedAt, end - MAX_WINDOW_MS)
      if (end - start < MIN_WINDOW_MS) end = start + MIN_WINDOW_MS
      if (end - start > MAX_WINDOW_MS) start = end - MAX_WINDOW_MS
      const plotW = Math.max(100, width - LABEL_W - 12)
      const x = (t: number): number => LABEL_W + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * plotW
      const laneY = (i: number): number => i * LANE_H + LANE_H / 2
      const height = LANES.length * LANE_H + AXIS_H
      const parts: string[] = []

      // Lanes and their labels.
      LANES.forEach((lane, i) => {
        if (i % 2 === 1) parts.push(`<rect x="${LABEL_W}" y="${i * LANE_H}" width="${plotW}" height="${LANE_H}" fill="#fafbfc"/>`)
        parts.push(`<text class="lane-label" x="0" y="${laneY(i) + 4}">${lane.label}</text>`)
      })

      // Time grid.
      const stepS = TICKS_S.find((s) => ((end - start) / 1000) / s <= 10) ?? 600
      const firstTick = Math.ceil((start - startedAt) / (stepS * 1000)) * stepS * 1000 + startedAt
      for (let t = firstTick; t <= end; t += stepS * 1000) {
        const tx = x(t)
        parts.push(`<line x1="${tx}" x2="${tx}" y1="0" y2="${LANES.length * LANE_H}" stroke="${COLORS.grid}"/>`)
        parts.push(`<text x="${tx}" y="${height - 6}" text-anchor="middle">${formatClock(t - startedAt)}</text>`)
      }

      // When the token server misbehaved.
      for (const span of faults) {
        const to = span.to ?? nowMs
        if (to < start) continue
        const x1 = x(span.from)
        const w = Math.max(2, x(to) - x1)
        parts.push(`<rect x="${x1}" y="${laneY(2) - 12}" width="${w}" height="24" fill="${COLORS.bad}" opacity="0.1"><title>token server: ${escapeMarkup(span.fault)}</title></rect>`)
        const label = span.fault === 'down' ? 'server down' : `server ${span.fault}`
        if (w > label.length * 6.5 + 8) parts.push(`<text x="${x1 + 4}" y="${laneY(2) - 3}" style="fill:${COLORS.bad};font-size:10.5px">${label}</text>`)
      }

      // Connection status band.
      for (const span of statuses) {
        const color = STATUS_COLORS[span.status]
        const to = span.to ?? nowMs
        if (color === undefined || to < start) continue
        const x1 = x(span.from)
        // Short states (a switch, a quick rejoin) stay visible as a sliver.
        const w = Math.max(span.status === 'joined' ? 1.5 : 4, x(to) - x1)
        parts.push(`<rect x="${x1}" y="${laneY(0) - 8}" width="${w}" height="16" rx="3" fill="${color}" opacity="0.85"><title>${span.status} ${escapeMarkup(span.channel ?? '')}</title></rect>`)
        const label = span.status === 'joined' ? `${span.channel ?? ''}${span.role === 'host' ? ' · host' : ''}` : span.status
        if (w > label.length * 6.5 + 10) {
          parts.push(`<text x="${x1 + 5}" y="${laneY(0) + 4}" style="fill:#fff;font-weight:600">${escapeMarkup(label)}</text>`)
        }
      }

      // Tokens the SDK held: solid while in use, light up to the deadline of the current one.
      for (const span of tokens) {
        const color = span.publisher ? COLORS.host : COLORS.sub
        const usedTo = Math.min(span.replacedAt ?? nowMs, span.expiresAt)
        if (Math.max(usedTo, span.expiresAt) < start) continue
        const y = laneY(1) - 5
        parts.push(`<rect x="${x(span.from)}" y="${y}" width="${Math.max(1.5, x(usedTo) - x(span.from))}" height="10" rx="5" fill="${color}"><title>${span.fingerprint}</title></rect>`)
        if (span.replacedAt === null) {
          if (span.expiresAt > nowMs) {
            parts.push(`<rect x="${x(nowMs)}" y="${y}" width="${Math.max(0, x(span.expiresAt) - x(nowMs))}" height="10" rx="5" fill="${color}" opacity="0.25"/>`)
            const rx = x(span.renewAt)
            parts.push(`<line x1="${rx}" x2="${rx}" y1="${y - 5}" y2="${y + 15}" stroke="${COLORS.warn}" stroke-width="2" stroke-dasharray="3 2"><title>renews here</title></line>`)
          }
          const tx = x(span.expiresAt)
          parts.push(`<line x1="${tx}" x2="${tx}" y1="${y - 4}" y2="${y + 14}" stroke="${COLORS.bad}" stroke-width="2"><title>deadline</title></line>`)
        }
      }

      // Events.
      for (const m of marks) {
        if (m.at < start) continue
        const lane = m.lane === 'server' ? 2 : 3
        parts.push(`<g>${shape(m.shape, x(m.at), laneY(lane), m.color)}<title>${escapeMarkup(m.title)}</title></g>`)
      }

      // Now.
      const nx = x(nowMs)
      parts.push(`<line x1="${nx}" x2="${nx}" y1="0" y2="${LANES.length * LANE_H}" stroke="${COLORS.text}" stroke-width="1.5"/>`)

      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of token events">${parts.join('')}</svg>`
      return { svg, range: `${formatClock(start - startedAt)} – ${formatClock(end - startedAt)} since the page opened` }
    },
  }
}

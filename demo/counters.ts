import type { SessionEvent } from '../src/index'
import { el } from './dom'

/** What the counters card shows. */
export interface Counters {
  /** Requests that reached the token server (or tried to). */
  tokenRequests: number
  /** Token needs served without a request: from the store's cache or a reused wildcard token. */
  cacheHits: number
  renewals: number
  switches: number
  /** Mean duration of completed switches, in ms; `null` before the first. */
  meanSwitchMs: number | null
  reconnects: number
  /** Failed renewal attempts (each is retried with backoff). */
  failedRenewals: number
}

/** Counts what the session's events say happened. */
export function createCounters(): { apply(event: SessionEvent): void; snapshot(): Counters } {
  const counts = { tokenRequests: 0, cacheHits: 0, renewals: 0, switches: 0, reconnects: 0, failedRenewals: 0 }
  let switchMsTotal = 0
  let switching = false
  let cacheSeenInSwitch = false
  return {
    apply: (event) => {
      switch (event.type) {
        case 'token-requested':
          counts.tokenRequests++
          break
        case 'token-received':
          if (event.source === 'cache') {
            counts.cacheHits++
            if (switching) cacheSeenInSwitch = true
          }
          break
        case 'token-renewed':
          counts.renewals++
          break
        case 'renewal-failed':
          counts.failedRenewals++
          break
        case 'reconnected':
          counts.reconnects++
          break
        case 'switch-started':
          switching = true
          cacheSeenInSwitch = false
          break
        case 'switch-completed':
          counts.switches++
          switchMsTotal += event.durationMs
          // A switch that kept following the same wildcard token asks the store for nothing,
          // so no 'token-received' says it; switch-completed does.
          if (event.tokenSource === 'cache' && !cacheSeenInSwitch) counts.cacheHits++
          switching = false
          break
        default:
          break
      }
    },
    snapshot: () => ({ ...counts, meanSwitchMs: counts.switches === 0 ? null : Math.round(switchMsTotal / counts.switches) }),
  }
}

/** Renders the counters card; each value has `data-testid="count-<name>"`. */
export function renderCounters(list: HTMLElement, c: Counters): void {
  const items: [string, string, string][] = [
    ['token-requests', 'Token requests', String(c.tokenRequests)],
    ['cache-hits', 'Cache hits', String(c.cacheHits)],
    ['switches', 'Switches', String(c.switches)],
    ['switch-latency', 'Mean switch', c.meanSwitchMs === null ? '–' : `${c.meanSwitchMs} ms`],
    ['renewals', 'Renewals', String(c.renewals)],
    ['reconnects', 'Reconnects', String(c.reconnects)],
  ]
  list.replaceChildren(
    ...items.map(([id, label, value]) => el('div', {}, [el('dt', { text: label }), el('dd', { text: value, attrs: { 'data-testid': `count-${id}` } })])),
  )
}
